"""People: users, units (OPD) and community organisations."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, and_, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core import clock
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.permissions import ADMIN, ANY_UNIT, ASN, CITIZEN, MODERATOR, ORG_MEMBER
from core.types import UTCDateTime

ROLE_LABELS = {
    CITIZEN: _l("Warga"),
    ORG_MEMBER: _l("Anggota organisasi"),
    ASN: _l("ASN"),
    MODERATOR: _l("Moderator"),
    ADMIN: _l("Admin"),
}

UNIT_KINDS = {
    "sekretariat": _l("Sekretariat"),
    "dinas": _l("Dinas"),
    "badan": _l("Badan"),
    "kantor": _l("Kantor"),
    "rsud": _l("Rumah sakit daerah"),
    "kecamatan": _l("Kecamatan"),
    "kelurahan": _l("Kelurahan"),
    "puskesmas": _l("Puskesmas"),
    "upt": _l("UPT"),
    "lainnya": _l("Lainnya"),
}

ORGANISATION_KINDS = {
    "ormas": _l("Organisasi kemasyarakatan (ormas)"),
    "lsm": _l("Lembaga swadaya masyarakat (LSM)"),
    "komunitas": _l("Komunitas"),
    "akademisi": _l("Akademisi / perguruan tinggi"),
    "media": _l("Media"),
    "asosiasi": _l("Asosiasi"),
    "tokoh_masyarakat": _l("Tokoh masyarakat"),
    "lainnya": _l("Lainnya"),
}

ORG_PENDING, ORG_VERIFIED, ORG_REJECTED = "pending", "verified", "rejected"
ORGANISATION_STATUS_LABELS = {
    ORG_PENDING: _l("Menunggu verifikasi"),
    ORG_VERIFIED: _l("Terverifikasi"),
    ORG_REJECTED: _l("Ditolak"),
}

MEMBER_PENDING, MEMBER_APPROVED, MEMBER_REJECTED = "pending", "approved", "rejected"
MEMBERSHIP_STATUS_LABELS = {
    MEMBER_PENDING: _l("Menunggu persetujuan"),
    MEMBER_APPROVED: _l("Anggota"),
    MEMBER_REJECTED: _l("Ditolak"),
}


def new_security_stamp():
    return secrets.token_urlsafe(16)


_dummy_hash = None


def spend_password_check(password):
    """Check `password` against a throwaway hash of the same cost as a real one.

    Called when no account matches, so that a wrong address takes as long as a wrong password and
    the answer's timing does not tell who is registered.
    """
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_urlsafe(16))
    check_password_hash(_dummy_hash, password or "")
    return False


class Unit(db.Model):
    """A unit of the city government (OPD, unit penyelenggara pelayanan), in a tree."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="dinas")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    parent = relationship("Unit", remote_side=[id], back_populates="children")
    children = relationship("Unit", back_populates="parent", order_by="Unit.name")

    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_unit_parent_name"),)

    @property
    def display_name(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    @property
    def kind_label(self):
        return UNIT_KINDS.get(self.kind, self.kind)

    def __repr__(self):
        return f"<Unit {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    role: Mapped[str] = mapped_column(String(20), default=CITIZEN, index=True)
    locale: Mapped[str] = mapped_column(String(5), default="id")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated when the password changes or the account is deactivated: ends every other session.
    security_stamp: Mapped[str] = mapped_column(String(32), default=new_security_stamp)
    # ASN only: NIP, unit, and who confirmed them to act for it.
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    asn_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asn_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A unit manager (kepala/sekretaris) sees the unit's training reports.
    unit_manager: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Work notices (new flags, organisations to verify, membership requests): "immediate" or "daily" digest.
    notice_frequency: Mapped[str] = mapped_column(String(10), default="immediate", server_default="immediate")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("Unit", foreign_keys=[unit_id])
    asn_confirmed_by = relationship("User", remote_side=[id], foreign_keys=[asn_confirmed_by_id])
    memberships = relationship("OrganisationMembership", back_populates="user",
                               foreign_keys="OrganisationMembership.user_id",
                               cascade="all, delete-orphan")

    # Flask-Login: the session cookie carries id and stamp, so a rotated stamp logs it out.
    def get_id(self):
        return f"{self.id}:{self.security_stamp}"

    @property
    def is_active(self):
        return self.active

    def set_password(self, password, *, hashed=None):
        """A new password (or its hash made beforehand) and a new stamp, which ends the other sessions."""
        self.password_hash = hashed or generate_password_hash(password)
        self.security_stamp = new_security_stamp()

    def check_password(self, password):
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def role_label(self):
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def is_staff(self):
        return self.role in (MODERATOR, ADMIN)

    @classmethod
    def confirmed_asn(cls, unit_id=ANY_UNIT):
        """SQL twin of core.permissions.is_confirmed_asn (the same rule, for queries): active ASN
        accounts a moderator or admin confirmed, of the unit `unit_id` (an id or a column) when given."""
        condition = and_(cls.role == ASN, cls.asn_confirmed_at.is_not(None), cls.active.is_(True),
                         cls.unit_id.is_not(None))
        return condition if unit_id is ANY_UNIT else and_(condition, cls.unit_id == unit_id)

    @property
    def asn_pending(self):
        return self.role == ASN and self.asn_confirmed_at is None

    @property
    def approved_organisations(self):
        return [m.organisation for m in self.memberships if m.status == MEMBER_APPROVED]

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


class Organisation(db.Model):
    """A community organisation (ormas, LSM, komunitas, ...), verified by a moderator."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    registration_number: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    website: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=ORG_PENDING, index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    # The SK or deed the moderator verifies against: a private upload (core/uploads.py), served
    # only to staff and the organisation's contact person (accounts.organisation_document).
    document_stored_name: Mapped[str | None] = mapped_column(String(64))
    document_filename: Mapped[str | None] = mapped_column(String(200))
    document_content_type: Mapped[str | None] = mapped_column(String(40))

    decided_by = relationship("User", foreign_keys=[decided_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    memberships = relationship("OrganisationMembership", back_populates="organisation",
                               cascade="all, delete-orphan", order_by="OrganisationMembership.id")

    @property
    def kind_label(self):
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return ORGANISATION_STATUS_LABELS.get(self.status, self.status)

    def membership_of(self, user):
        if user is None or not user.is_authenticated:
            return None
        return db.session.scalar(select(OrganisationMembership).filter_by(
            organisation_id=self.id, user_id=user.id))

    def has_member(self, user, approved_only=True):
        membership = self.membership_of(user)
        if membership is None:
            return False
        return membership.status == MEMBER_APPROVED or (
            not approved_only and membership.status == MEMBER_PENDING)

    def is_contact(self, user):
        membership = self.membership_of(user)
        return membership is not None and membership.is_contact and membership.status == MEMBER_APPROVED

    def __repr__(self):
        return f"<Organisation {self.id} {self.name!r}>"


class OrganisationMembership(db.Model):
    """A user belongs to an organisation once approved (the registrant: once it is verified)."""

    __tablename__ = "organisation_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=MEMBER_PENDING)
    # The contact person registered the organisation and approves who joins it.
    is_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    organisation = relationship("Organisation", back_populates="memberships")
    user = relationship("User", back_populates="memberships", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (UniqueConstraint("organisation_id", "user_id", name="uq_membership_org_user"),)

    @property
    def status_label(self):
        return MEMBERSHIP_STATUS_LABELS.get(self.status, self.status)
