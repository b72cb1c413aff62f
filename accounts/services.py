"""Every change to people, units and organisations: one function per operation.

Each function checks the permission and the rule, writes the change and its audit event, commits
once, and then sends its e-mails. A rule that forbids the operation raises DomainError (or
NotAllowed) with a sentence for the user; nothing is written then.
"""
from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from core import audit, clock, notices, permissions, signed_tokens, uploads
from core.errors import DomainError, NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.mailer import send_email
from core.permissions import ADMIN, ASN, CITIZEN, MODERATOR, ORG_MEMBER, ROLES
from core.web import links_context

from . import signals, throttle
from .models import (MEMBER_APPROVED, MEMBER_PENDING, MEMBER_REJECTED, ORG_PENDING, ORG_REJECTED,
                     ORG_VERIFIED, Organisation, OrganisationMembership, Unit, User, new_security_stamp,
                     spend_password_check)
from .nip import InvalidNip, parse_nip

VERIFY_SALT = "email-verify"
RESET_SALT = "password-reset"


class InvalidToken(DomainError):
    pass


class WrongCredentials(DomainError):
    def __init__(self):
        super().__init__(_("E-mail atau kata sandi salah."))


class EmailNotVerified(DomainError):
    def __init__(self, user):
        super().__init__(_("Alamat e-mail akun ini belum diverifikasi. Kami telah mengirim ulang "
                           "tautan verifikasi; periksa kotak masuk Anda."))
        self.user = user


def normalise_email(email):
    return (email or "").strip().lower()


def _serializer(salt):
    return signed_tokens.timed(salt)


def get_user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Pengguna tidak ditemukan."))
    return user


def find_user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def active_units():
    return db.session.scalars(select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.name)).all()


def check_password_strength(password, *, email=""):
    """Raise DomainError(field="password") when the password is too weak to accept."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise DomainError(_("Kata sandi minimal %(n)s karakter.", n=minimum), field="password")
    if len(set(password)) < 4:
        raise DomainError(_("Kata sandi terlalu mudah ditebak; gunakan campuran huruf, angka, atau kata."),
                          field="password")
    if email and normalise_email(email).split("@")[0] in password.lower():
        raise DomainError(_("Kata sandi tidak boleh memuat alamat e-mail Anda."), field="password")


# --- registration and e-mail verification -----------------------------------------------------

def register_user(*, email, password, full_name, phone=None, as_asn=False, nip=None, unit_id=None,
                  locale="id", now=None):
    """Create an unverified account and send the verification link.

    An address or a NIP that already has an account gets a notice to its owner instead of a second
    account, and the caller shows the same answer either way: the form, and the time it takes
    (the password is hashed on every path), do not reveal who is registered.
    Returns the new user, or None when the address or the NIP was taken.
    """
    now = now or clock.now()
    email = normalise_email(email)
    check_password_strength(password, email=email)
    unit = None
    if as_asn:
        try:
            nip = parse_nip(nip, today=clock.to_local(now).date()).value
        except InvalidNip as e:
            raise DomainError(str(e), field="nip") from None
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None or not unit.is_active:
            raise DomainError(_("Pilih unit kerja Anda."), field="unit_id")
    password_hash = generate_password_hash(password)

    existing = find_user_by_email(email)
    nip_owner = db.session.scalar(select(User).where(User.nip == nip)) if as_asn else None
    if existing is not None:
        send_email(existing.email, _l("Percobaan pendaftaran dengan alamat e-mail Anda"),
                   "already_registered", locale=existing.locale, user=existing,
                   login_url=url_for("accounts.login", _external=True),
                   reset_url=url_for("accounts.forgot_password", _external=True))
    if nip_owner is not None and nip_owner is not existing:
        send_email(nip_owner.email, _l("Percobaan pendaftaran dengan NIP Anda"), "nip_already_registered",
                   locale=nip_owner.locale, user=nip_owner, unit=unit,
                   login_url=url_for("accounts.login", _external=True),
                   reset_url=url_for("accounts.forgot_password", _external=True))
    if existing is not None or nip_owner is not None:
        db.session.commit()
        return None

    user = User(email=email, full_name=full_name.strip(), phone=(phone or "").strip() or None,
                role=ASN if as_asn else CITIZEN, locale=locale if locale in current_app.config["LANGUAGES"] else "id",
                nip=nip if as_asn else None, unit_id=unit.id if unit else None, created_at=now)
    user.set_password(password, hashed=password_hash)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Two registrations with the same address (or NIP) raced; the other one won.
        db.session.rollback()
        return None
    audit.record(user, "user.registered", user, now=now, role=user.role, unit_id=user.unit_id)
    send_verification_email(user)
    db.session.commit()
    return user


def send_verification_email(user):
    """Queue the verification link (the caller commits)."""
    token = _serializer(VERIFY_SALT).dumps({"uid": user.id, "email": user.email})
    send_email(user.email, _l("Verifikasi alamat e-mail Anda"), "verify_email", locale=user.locale,
               user=user, url=url_for("accounts.verify_email", token=token, _external=True),
               hours=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 3600)


def resend_verification(email):
    """Send the link again to an unverified account; silent for anything else (no enumeration)."""
    user = find_user_by_email(email)
    if user is not None and user.email_verified_at is None and user.is_active:
        send_verification_email(user)
        db.session.commit()


def verify_email(token, *, now=None):
    """Mark the address verified from a signed, expiring link. Idempotent."""
    try:
        data = _serializer(VERIFY_SALT).loads(token, max_age=current_app.config["EMAIL_TOKEN_MAX_AGE"])
    except signed_tokens.SignatureExpired:
        raise InvalidToken(_("Tautan verifikasi sudah kedaluwarsa. Minta tautan baru di bawah ini.")) from None
    except signed_tokens.BadSignature:
        raise InvalidToken(_("Tautan verifikasi tidak sah.")) from None
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise InvalidToken(_("Tautan verifikasi tidak sah."))
    if user.email_verified_at is None:
        user.email_verified_at = now or clock.now()
        audit.record(user, "user.email_verified", user, now=user.email_verified_at)
        db.session.commit()
    return user


# --- logging in and passwords -------------------------------------------------------------------

def authenticate(email, password, *, now=None):
    """Return the user for a right e-mail and password, else raise one generic error; an address
    with many failed attempts lately is slowed down (accounts/throttle.py)."""
    email = normalise_email(email)
    throttle.slow_down(email)
    user = find_user_by_email(email)
    if user is None:
        # An unknown address costs the same password check as a known one (no enumeration by timing).
        spend_password_check(password)
        throttle.record_failure(email)
        raise WrongCredentials()
    if not user.check_password(password or ""):
        throttle.record_failure(email)
        raise WrongCredentials()
    if not user.is_active:
        raise DomainError(_("Akun ini dinonaktifkan. Hubungi admin bila menurut Anda ini keliru."))
    if user.email_verified_at is None:
        send_verification_email(user)
        db.session.commit()
        raise EmailNotVerified(user)
    user.last_login_at = now or clock.now()
    audit.record(user, "user.logged_in", user, now=user.last_login_at)
    db.session.commit()
    return user


def log_out(user, *, everywhere=False, now=None):
    """End every session of the account: a new stamp makes each copy of its cookie anonymous."""
    user.security_stamp = new_security_stamp()
    audit.record(user, "user.logged_out_everywhere" if everywhere else "user.logged_out", user, now=now)
    db.session.commit()


def request_password_reset(email):
    """E-mail a reset link when the address has an active account; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = _serializer(RESET_SALT).dumps({"uid": user.id, "stamp": user.security_stamp})
    send_email(user.email, _l("Atur ulang kata sandi"), "reset_password", locale=user.locale, user=user,
               url=url_for("accounts.reset_password", token=token, _external=True),
               minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60)
    db.session.commit()


def user_for_reset_token(token):
    """The user a reset link belongs to; the link dies once the password changes."""
    try:
        data = _serializer(RESET_SALT).loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except signed_tokens.SignatureExpired:
        raise InvalidToken(_("Tautan atur ulang kata sandi sudah kedaluwarsa. Minta tautan baru.")) from None
    except signed_tokens.BadSignature:
        raise InvalidToken(_("Tautan atur ulang kata sandi tidak sah.")) from None
    user = db.session.get(User, data.get("uid"))
    if user is None or user.security_stamp != data.get("stamp") or not user.is_active:
        raise InvalidToken(_("Tautan atur ulang kata sandi tidak sah atau sudah dipakai."))
    return user


def reset_password(token, new_password, *, now=None):
    user = user_for_reset_token(token)
    check_password_strength(new_password, email=user.email)
    user.set_password(new_password)
    # Following the e-mailed link proves the address too.
    user.email_verified_at = user.email_verified_at or now or clock.now()
    audit.record(user, "user.password_reset", user, now=now)
    db.session.commit()
    return user


def change_password(user, *, current_password, new_password, now=None):
    if not user.check_password(current_password or ""):
        raise DomainError(_("Kata sandi saat ini salah."), field="current_password")
    check_password_strength(new_password, email=user.email)
    user.set_password(new_password)
    audit.record(user, "user.password_changed", user, now=now)
    db.session.commit()


def update_profile(user, *, full_name, phone, locale, notice_frequency=None, now=None):
    user.full_name = full_name.strip()
    user.phone = (phone or "").strip() or None
    if notice_frequency in notices.FREQUENCIES:
        user.notice_frequency = notice_frequency
    set_locale(user, locale, commit=False)
    audit.record(user, "user.profile_updated", user, now=now)
    db.session.commit()


def set_locale(user, locale, *, commit=True):
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Bahasa tidak dikenal."), field="locale")
    if user is not None and user.is_authenticated:
        user.locale = locale
        if commit:
            db.session.commit()


# --- administration of users ----------------------------------------------------------------------

def change_role(actor, user, role, *, unit_id=None, now=None):
    """Admins set a user's role; an ASN needs a unit, and an organisation member a membership."""
    permissions.require(actor, "user.manage", user)
    if role not in ROLES:
        raise DomainError(_("Peran tidak dikenal."), field="role")
    if role == ORG_MEMBER and not user.approved_organisations:
        raise DomainError(_("Peran anggota organisasi diberikan lewat keanggotaan organisasi yang disetujui."),
                          field="role")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if role == ASN and unit is None and user.unit_id is None:
        raise DomainError(_("Pilih unit kerja untuk ASN."), field="unit_id")
    old = user.role
    user.role = role
    if unit is not None:
        user.unit_id = unit.id
    confirmed = role == ASN and user.asn_confirmed_at is None
    if confirmed:
        # An admin setting the role is the confirmation.
        user.asn_confirmed_at = now or clock.now()
        user.asn_confirmed_by_id = actor.id
    audit.record(actor, "user.role_changed", user, now=now, old=old, new=role, unit_id=user.unit_id)
    if confirmed:
        signals.asn_confirmed.send(user, actor=actor, now=user.asn_confirmed_at)
    db.session.commit()


def set_active(actor, user, active, *, reason=None, now=None):
    """Deactivate (or reactivate) an account; deactivation ends its sessions at once."""
    permissions.require(actor, "user.manage", user)
    if user.active == active:
        return
    user.active = active
    if not active:
        user.security_stamp = new_security_stamp()
    audit.record(actor, "user.activated" if active else "user.deactivated", user, now=now, reason=reason)
    db.session.commit()


def confirm_asn(actor, user, *, now=None):
    """A moderator or admin confirms that an ASN works at the unit they named."""
    permissions.require(actor, "user.confirm_asn", user)
    if user.asn_confirmed_at is not None:
        raise DomainError(_("ASN ini sudah dikonfirmasi."))
    user.asn_confirmed_at = now or clock.now()
    user.asn_confirmed_by_id = actor.id
    audit.record(actor, "user.asn_confirmed", user, now=user.asn_confirmed_at, unit_id=user.unit_id)
    send_email(user.email, _l("Status ASN Anda telah dikonfirmasi"), "asn_confirmed", locale=user.locale,
               user=user)
    # E.g. training issues the certificates of ASN modules the user passed while waiting.
    signals.asn_confirmed.send(user, actor=actor, now=user.asn_confirmed_at)
    db.session.commit()


def reject_asn(actor, user, *, reason, now=None):
    """The claim to be ASN of a unit is refused: the account stays, as a citizen's."""
    permissions.require(actor, "user.confirm_asn", user)
    if user.asn_confirmed_at is not None:
        raise DomainError(_("ASN ini sudah dikonfirmasi."))
    if not (reason or "").strip():
        raise DomainError(_("Tuliskan alasan penolakan."), field="reason")
    unit_id = user.unit_id
    user.role, user.unit_id, user.nip = CITIZEN, None, None
    audit.record(actor, "user.asn_rejected", user, now=now, reason=reason, unit_id=unit_id)
    send_email(user.email, _l("Pengajuan status ASN Anda ditolak"), "asn_rejected", locale=user.locale,
               user=user, reason=reason)
    db.session.commit()


def create_admin(*, email, password, full_name, now=None):
    """Used by `flask users create-admin`: a verified admin account, or an existing user promoted."""
    now = now or clock.now()
    email = normalise_email(email)
    check_password_strength(password, email=email)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email, full_name=full_name, created_at=now)
        db.session.add(user)
    user.set_password(password)
    user.role = ADMIN
    user.active = True
    user.email_verified_at = user.email_verified_at or now
    audit.record(permissions.SYSTEM, "user.admin_created", user, now=now)
    db.session.commit()
    return user


# --- units ----------------------------------------------------------------------------------------

def save_unit(actor, unit, *, name, short_name, kind, parent_id, email, phone, address, is_active, now=None):
    """Create (unit=None) or update a unit; the tree may not loop."""
    permissions.require(actor, "unit.manage")
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise DomainError(_("Unit induk tidak ditemukan."), field="parent_id")
    creating = unit is None
    if creating:
        unit = Unit()
    else:
        ancestor = parent
        while ancestor is not None:
            if ancestor.id == unit.id:
                raise DomainError(_("Unit tidak boleh menjadi induk dari dirinya sendiri atau turunannya."),
                                  field="parent_id")
            ancestor = ancestor.parent
    duplicate = db.session.scalar(select(Unit.id).where(
        func.lower(Unit.name) == name.strip().lower(),
        Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id,
        Unit.id != (unit.id or 0)))
    if duplicate is not None:
        raise DomainError(_("Sudah ada unit dengan nama ini di bawah induk yang sama."), field="name")
    unit.name = name.strip()
    unit.short_name = (short_name or "").strip() or None
    unit.kind = kind
    unit.parent = parent
    unit.email = (email or "").strip() or None
    unit.phone = (phone or "").strip() or None
    unit.address = (address or "").strip() or None
    unit.is_active = is_active
    if creating:
        db.session.add(unit)
    audit.record(actor, "unit.created" if creating else "unit.updated", unit, now=now, name=unit.name,
                 parent_id=parent.id if parent else None, is_active=is_active)
    db.session.commit()
    return unit


def unit_tree():
    """All units as (unit, depth) in tree order, from one query."""
    units = db.session.scalars(select(Unit).order_by(Unit.name)).all()
    children = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)
    walk(None, 0)
    return ordered


# --- organisations -------------------------------------------------------------------------------

def register_organisation(actor, *, name, kind, registration_number, description, address, email, phone,
                          website, position=None, document=None, now=None):
    """A verified user registers an organisation with its SK or deed; it waits for a moderator.

    `document` is (file name, bytes): required, a PDF, JPEG or PNG that only staff and the
    contact person can open. The registering user becomes the contact person.
    """
    permissions.require(actor, "organisation.register")
    now = now or clock.now()
    duplicate = db.session.scalar(select(Organisation.id).where(
        func.lower(Organisation.name) == name.strip().lower(), Organisation.status != ORG_REJECTED))
    if duplicate is not None:
        raise DomainError(_("Organisasi dengan nama ini sudah terdaftar. Ajukan diri sebagai anggotanya."),
                          field="name")
    filename, data = document or (None, None)
    if not filename or not data:
        raise DomainError(_("Unggah SK atau akta pendirian organisasi agar moderator dapat memverifikasinya."),
                          field="document")
    try:
        content_type, data = uploads.check_and_clean(filename, data)
    except DomainError as e:
        raise DomainError(e.message, field="document") from None
    org = Organisation(name=name.strip(), kind=kind, registration_number=(registration_number or "").strip() or None,
                       description=(description or "").strip() or None, address=(address or "").strip() or None,
                       email=normalise_email(email), phone=(phone or "").strip() or None,
                       website=(website or "").strip() or None, status=ORG_PENDING, created_by_id=actor.id,
                       created_at=now, document_filename=uploads.display_name(filename, content_type),
                       document_content_type=content_type)
    # Staged until the commit below; a rollback deletes it (core/uploads.py).
    org.document_stored_name = uploads.store(data, content_type)
    db.session.add(org)
    db.session.add(OrganisationMembership(organisation=org, user_id=actor.id, status=MEMBER_PENDING,
                                          is_contact=True, position=position, created_at=now))
    audit.record(actor, "organisation.registered", org, now=now, name=org.name, kind=kind)
    db.session.flush()
    _tell_moderators_of_pending(org, now)
    db.session.commit()
    return org


def _tell_moderators_of_pending(org, now):
    """Every active moderator hears of an organisation waiting for verification (or in their digest)."""
    from .models import User
    with links_context():
        url = url_for("admin.organisation", org_id=org.id, _external=True)
        for person in db.session.scalars(select(User).where(User.role == MODERATOR, User.active.is_(True))
                                         .order_by(User.id)):
            notices.notify(person, subject=_l("Organisasi menunggu verifikasi: %(name)s", name=org.name),
                           template="organisation_pending", key=f"org-pending:{org.id}:{person.id}",
                           line=_l("Organisasi menunggu verifikasi: %(name)s", name=org.name), url=url, now=now,
                           organisation=org)


def get_organisation(org_id):
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound(_("Organisasi tidak ditemukan."))
    return org


def _grant_member_role(user):
    if user.role == CITIZEN:
        user.role = ORG_MEMBER


def _drop_member_role(user):
    if user.role == ORG_MEMBER and not user.approved_organisations:
        user.role = CITIZEN


def verify_organisation(actor, org, *, note=None, now=None):
    """A moderator verifies an organisation; its contact person becomes its first member."""
    permissions.require(actor, "organisation.verify", org)
    if org.status == ORG_VERIFIED:
        raise DomainError(_("Organisasi ini sudah terverifikasi."))
    now = now or clock.now()
    org.status, org.decided_at, org.decided_by_id, org.decision_reason = ORG_VERIFIED, now, actor.id, note
    for membership in org.memberships:
        if membership.is_contact and membership.status == MEMBER_PENDING:
            membership.status, membership.decided_at, membership.decided_by_id = MEMBER_APPROVED, now, actor.id
            _grant_member_role(membership.user)
    audit.record(actor, "organisation.verified", org, now=now, note=note)
    for membership in org.memberships:
        if membership.is_contact:
            send_email(membership.user.email, _l("Organisasi Anda telah diverifikasi"), "organisation_verified",
                       locale=membership.user.locale, user=membership.user, org=org)
    db.session.commit()


def reject_organisation(actor, org, *, reason, now=None):
    """A moderator rejects a registration (or withdraws a verification) and tells the contact why."""
    permissions.require(actor, "organisation.verify", org)
    if not (reason or "").strip():
        raise DomainError(_("Tuliskan alasan penolakan; alasan ini dikirim ke pendaftar."), field="reason")
    if org.status == ORG_REJECTED:
        raise DomainError(_("Organisasi ini sudah ditolak."))
    now = now or clock.now()
    previous = org.status
    org.status, org.decided_at, org.decided_by_id, org.decision_reason = ORG_REJECTED, now, actor.id, reason.strip()
    for membership in org.memberships:
        if membership.status != MEMBER_REJECTED:
            membership.status, membership.decided_at, membership.decided_by_id = MEMBER_REJECTED, now, actor.id
    db.session.flush()
    for membership in org.memberships:
        _drop_member_role(membership.user)
    audit.record(actor, "organisation.rejected", org, now=now, reason=reason.strip(), previous=previous)
    for membership in org.memberships:
        if membership.is_contact:
            send_email(membership.user.email, _l("Pendaftaran organisasi Anda ditolak"), "organisation_rejected",
                       locale=membership.user.locale, user=membership.user, org=org, reason=org.decision_reason)
    db.session.commit()


def request_membership(actor, org, *, position=None, now=None):
    """A user asks to join a verified organisation; its contact person or a moderator decides."""
    permissions.require(actor, "organisation.join", org)
    now = now or clock.now()
    membership = org.membership_of(actor)
    if membership is not None:  # rejected before: ask again
        membership.status, membership.decided_at, membership.decided_by_id = MEMBER_PENDING, None, None
        membership.position, membership.created_at = position, now
    else:
        membership = OrganisationMembership(organisation=org, user_id=actor.id, status=MEMBER_PENDING,
                                            position=position, created_at=now)
        db.session.add(membership)
    audit.record(actor, "organisation.membership_requested", org, now=now, user_id=actor.id)
    db.session.flush()
    _tell_contacts_of_request(org, membership, actor, now)
    db.session.commit()
    return membership


def _tell_contacts_of_request(org, membership, requester, now):
    """The organisation's contact persons hear of a membership request (or in their digest)."""
    contacts = [m.user for m in org.memberships
                if m.is_contact and m.status == MEMBER_APPROVED and m.user_id != requester.id]
    with links_context():
        url = url_for("accounts.organisation", org_id=org.id, _external=True)
        for person in contacts:
            notices.notify(person, subject=_l("Permintaan bergabung dengan %(org)s", org=org.name),
                           template="membership_requested",
                           key=f"membership-request:{membership.id}:{now.isoformat()}:{person.id}",
                           line=_l("%(name)s meminta bergabung dengan %(org)s", name=requester.full_name, org=org.name),
                           url=url, now=now, organisation=org, requester=requester)


def decide_membership(actor, membership, *, approve, now=None):
    permissions.require(actor, "organisation.manage_members", membership.organisation)
    if membership.status != MEMBER_PENDING:
        raise DomainError(_("Permintaan keanggotaan ini sudah diputuskan."))
    now = now or clock.now()
    membership.status = MEMBER_APPROVED if approve else MEMBER_REJECTED
    membership.decided_at, membership.decided_by_id = now, actor.id
    db.session.flush()
    if approve:
        _grant_member_role(membership.user)
    audit.record(actor, "organisation.membership_approved" if approve else "organisation.membership_rejected",
                 membership.organisation, now=now, user_id=membership.user_id)
    send_email(membership.user.email, _l("Keputusan keanggotaan organisasi"), "membership_decided",
               locale=membership.user.locale, user=membership.user, org=membership.organisation,
               approved=approve)
    db.session.commit()


def leave_organisation(actor, org, *, now=None):
    membership = org.membership_of(actor)
    if membership is None or membership.status == MEMBER_REJECTED:
        raise DomainError(_("Anda bukan anggota organisasi ini."))
    db.session.delete(membership)
    db.session.flush()
    db.session.refresh(actor)
    _drop_member_role(actor)
    audit.record(actor, "organisation.member_left", org, now=now, user_id=actor.id)
    db.session.commit()


def get_membership(membership_id):
    membership = db.session.get(OrganisationMembership, membership_id)
    if membership is None:
        raise NotFound(_("Permintaan keanggotaan tidak ditemukan."))
    return membership
