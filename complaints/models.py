"""Complaints (pengaduan), their attachments, and their append-only timeline."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock, page_cache
from core.audit import AppendOnly
from core.encryption import EncryptedText
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.types import UTCDateTime

# --- statuses -------------------------------------------------------------------------------
RECEIVED, VERIFIED, IN_PROGRESS, AWAITING_REPORTER = "received", "verified", "in_progress", "awaiting_reporter"
RESOLVED, CLOSED, REJECTED = "resolved", "closed", "rejected"
STATUS_LABELS = {
    RECEIVED: _l("Diterima"),
    VERIFIED: _l("Diverifikasi"),
    IN_PROGRESS: _l("Diproses"),
    AWAITING_REPORTER: _l("Menunggu tanggapan pelapor"),
    RESOLVED: _l("Selesai ditangani"),
    CLOSED: _l("Ditutup"),
    REJECTED: _l("Ditolak"),
}
# The SLA clock runs in these; escalation looks only at them.
OPEN_STATUSES = (RECEIVED, VERIFIED, IN_PROGRESS)
FINISHED_STATUSES = (RESOLVED, CLOSED, REJECTED)

CLASSIFICATIONS = {
    "pengaduan": lazy_pgettext("jenis laporan", "Pengaduan"),  # English: "Complaint", not the menu's "Complaints"
    "aspirasi": _l("Aspirasi"),
    "permintaan_informasi": _l("Permintaan informasi"),
}

CATEGORIES = {
    "administrasi_kependudukan": _l("Administrasi kependudukan"),
    "perizinan": _l("Perizinan dan investasi"),
    "kesehatan": _l("Kesehatan"),
    "pendidikan": _l("Pendidikan"),
    "infrastruktur": _l("Jalan, drainase, dan infrastruktur"),
    "lingkungan": _l("Kebersihan dan lingkungan hidup"),
    "transportasi": _l("Transportasi dan perhubungan"),
    "sosial": _l("Bantuan sosial"),
    "ketertiban": _l("Ketertiban umum"),
    "perilaku_petugas": _l("Perilaku petugas"),
    "pungli": _l("Pungutan liar"),
    "lainnya": _l("Lainnya"),
}

REJECT_NOT_AUTHORITY, REJECT_DUPLICATE, REJECT_INVALID = "not_authority", "duplicate", "invalid"
REJECTION_LABELS = {
    REJECT_NOT_AUTHORITY: _l("Bukan kewenangan pemerintah kota"),
    REJECT_DUPLICATE: _l("Duplikat pengaduan lain"),
    REJECT_INVALID: _l("Tidak memenuhi syarat"),
}

FORWARD_SLA, FORWARD_MODERATOR = "sla_breach", "moderator"

# --- timeline event kinds -----------------------------------------------------------------------
EVENT_LABELS = {
    "received": _l("Pengaduan diterima"),
    "verified": _l("Diverifikasi dan diteruskan ke unit"),
    "rerouted": _l("Dialihkan ke unit lain"),
    "privacy_changed": _l("Pengaturan privasi diubah"),
    "in_progress": _l("Mulai diproses unit"),
    "info_requested": _l("Informasi tambahan diminta dari pelapor"),
    "reporter_replied": _l("Pelapor menanggapi"),
    "resumed": _l("Penanganan dilanjutkan"),
    "resolved": _l("Selesai ditangani"),
    "accepted": _l("Pelapor menerima penyelesaian"),
    "disputed": _l("Pelapor tidak puas; pengaduan dibuka kembali"),
    "rated": _l("Pelapor memberi penilaian"),
    "closed": _l("Ditutup"),
    "auto_closed": _l("Ditutup otomatis tanpa tanggapan pelapor"),
    "rejected": _l("Ditolak"),
    "forwarded": _l("Diteruskan ke SP4N-LAPOR!"),
    "national_tracking_id": _l("Nomor pelacakan SP4N-LAPOR! diterima"),
    "note": _l("Catatan"),  # the timeline marks it "internal" already
    "reminder_sent": _l("Pengingat tenggat dikirim"),
    "identity_erased": _l("Identitas pelapor dihapus sesuai masa simpan"),
    "deadline_moved": _l("Tenggat disesuaikan karena perubahan kalender hari kerja"),
    # Accompaniment (pengawalan): seen by the reporter, the handlers and the organisation, never the public.
    "accompaniment_requested": _l("Pelapor meminta organisasi mengawal pengaduan"),
    "accompaniment_withdrawn": _l("Pelapor menarik permintaan pengawalan"),
    "accompaniment_accepted": _l("Organisasi mulai mengawal pengaduan"),
    "accompaniment_declined": _l("Organisasi menolak permintaan pengawalan"),
    "accompaniment_ended": _l("Pengawalan diakhiri"),
    "accompaniment_note": _l("Catatan organisasi pengawal"),

    # Internal events (the moderators' reason is not public): complaints/public_list_services.py.
    "public_list_hidden": _l("Dikeluarkan dari daftar pengaduan publik"),
    "public_list_shown": _l("Dikembalikan ke daftar pengaduan publik"),
}
# The timeline events of an accompaniment: never public (the tracking page, the API and the
# national system never see them); the reporter and the handlers read them all, the organisation
# those of its own accompaniment (complaints/visibility.py).
ACCOMPANIMENT_EVENTS = ("accompaniment_requested", "accompaniment_withdrawn", "accompaniment_accepted",
                        "accompaniment_declined", "accompaniment_ended", "accompaniment_note")

# --- accompaniment (pengawalan) by a verified organisation ---------------------------------------
ACC_REQUESTED, ACC_ACTIVE, ACC_DECLINED, ACC_WITHDRAWN, ACC_ENDED = (
    "requested", "active", "declined", "withdrawn", "ended")
ACCOMPANIMENT_STATUS_LABELS = {
    ACC_REQUESTED: _l("Menunggu jawaban organisasi"),
    ACC_ACTIVE: _l("Dikawal"),
    ACC_DECLINED: _l("Ditolak organisasi"),
    ACC_WITHDRAWN: _l("Permintaan ditarik"),
    ACC_ENDED: _l("Pengawalan berakhir"),
}
# A complaint has at most one of these at a time (a partial unique index, below).
LIVE_ACCOMPANIMENT = (ACC_REQUESTED, ACC_ACTIVE)
ENDED_BY_REPORTER, ENDED_BY_ORGANISATION = "reporter", "organisation"


class Complaint(db.Model):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    classification: Mapped[str] = mapped_column(String(24))
    category: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    location: Mapped[str | None] = mapped_column(String(300))
    incident_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(10), default="web")  # web, api, forum

    # The reporter: an account, or contact details, or nobody. Hidden from every person when
    # anonymous (only the system writes to them). The contact details are encrypted at rest
    # (core/encryption.py), for every complaint: they cannot be searched on.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    reporter_name: Mapped[str | None] = mapped_column(EncryptedText)
    reporter_email: Mapped[str | None] = mapped_column(EncryptedText)
    reporter_phone: Mapped[str | None] = mapped_column(EncryptedText)
    # Hash of the secret link that lets a reporter without an account follow and answer.
    reporter_key_hash: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(5), default="id")

    status: Mapped[str] = mapped_column(String(20), default=RECEIVED, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    verify_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_before_pause: Mapped[str | None] = mapped_column(String(20))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_response: Mapped[str | None] = mapped_column(Text)
    autoclose_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_kind: Mapped[str | None] = mapped_column(String(20))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    referral: Mapped[str | None] = mapped_column(String(300))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forward_reason: Mapped[str | None] = mapped_column(String(20))
    national_tracking_id: Mapped[str | None] = mapped_column(String(80))
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When the retention sweep erased the reporter's name, e-mail, phone and link (sweeps.py).
    identity_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A moderator kept it off the unit's public list (complaints/public_list.py), and why (staff only).
    public_list_hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_list_hidden_reason: Mapped[str | None] = mapped_column(Text)

    unit = relationship("Unit")
    reporter = relationship("User", foreign_keys=[reporter_id])
    duplicate_of = relationship("Complaint", remote_side=[id])
    attachments = relationship("ComplaintAttachment", back_populates="complaint", order_by="ComplaintAttachment.id",
                               cascade="all, delete-orphan")
    events = relationship("ComplaintEvent", back_populates="complaint", order_by="ComplaintEvent.id",
                          cascade="all", passive_deletes=True)

    __table_args__ = (
        # The escalation sweep: open, not forwarded, past due.
        Index("ix_complaint_sweep", "forwarded_at", "status", "due_at"),
        Index("ix_complaint_unit_status_due", "unit_id", "status", "due_at"),
        # The retention sweep: not yet erased, finished (closed or rejected) before the cutoff.
        Index("ix_complaint_retention", "identity_erased_at", "status", "closed_at"),
        # A unit's public list, newest first (complaints/public_list.py).
        Index("ix_complaint_unit_received", "unit_id", "received_at"),
        # The scorecard's incremental refresh reads the complaints changed after its watermark.
        Index("ix_complaint_updated_at", "updated_at"),
    )

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def classification_label(self):
        return CLASSIFICATIONS.get(self.classification, self.classification)

    @property
    def category_label(self):
        return CATEGORIES.get(self.category, self.category)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES or self.status == AWAITING_REPORTER

    @property
    def is_forwarded(self):
        return self.forwarded_at is not None

    def is_overdue(self, now=None):
        return self.status in OPEN_STATUSES and self.due_at < (now or clock.now())

    def __repr__(self):
        return f"<Complaint {self.tracking_code} {self.status}>"


class ComplaintAttachment(db.Model):
    __tablename__ = "complaint_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    # The reporter's reply it came with; None for the files sent with the complaint itself.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_event.id"))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    complaint = relationship("Complaint", back_populates="attachments")

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class ComplaintEvent(AppendOnly, db.Model):
    """One step in a complaint's life. Never changed or deleted once written."""

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Who acted, in words that never reveal an anonymous reporter: system, staff, reporter.
    actor_role: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(24))
    # Public events show on the tracking page; internal notes never leave the staff's view.
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    message: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    complaint = relationship("Complaint", back_populates="events")
    actor = relationship("User")

    @property
    def label(self):
        return EVENT_LABELS.get(self.kind, self.kind)


class IdempotencyKey(db.Model):
    """A filing request's key (API Idempotency-Key header, the web form's one-time token).

    Written in the transaction that files the complaint; the unique key makes a retry, even one
    racing the first request, answer the complaint already filed instead of filing another.
    """

    __tablename__ = "complaint_idempotency_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of "<channel>:<key>": the raw key is the requester's secret.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of the request body (API): the same key with another body is refused.
    body_hash: Mapped[str | None] = mapped_column(String(64))
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    # The reporter link's secret, so a retry (web form or API) shows the filer the same link once more.
    reporter_key: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)

    complaint = relationship("Complaint")


class Accompaniment(db.Model):
    """A reporter's request that a verified organisation accompany (mengawal) their complaint, and
    its life: requested → active (accepted) → ended, or declined / withdrawn.

    The row holds the current state; every step is also an (append-only) timeline event. At most one
    requested-or-active row per complaint: a partial unique index on both SQLite and PostgreSQL, so
    two racing requests (or accepts) leave one.
    """

    __tablename__ = "complaint_accompaniment"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=ACC_REQUESTED)
    # The reporter's choice: may the organisation's members see who they are? (default: no)
    share_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The reporter's account; None for a reporter acting through the reporter link.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # accepted, declined or withdrawn
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(12))  # reporter, organisation
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)  # why the organisation declined or ended it

    complaint = relationship("Complaint")
    organisation = relationship("Organisation")

    __table_args__ = (
        Index("uq_complaint_accompaniment_live", "complaint_id", unique=True,
              sqlite_where=text("status IN ('requested', 'active')"),
              postgresql_where=text("status IN ('requested', 'active')")),
        # An organisation's list; the queue's filter and badge (status = active).
        Index("ix_complaint_accompaniment_org", "organisation_id", "status", "requested_at"),
        Index("ix_complaint_accompaniment_status", "status", "complaint_id"),
    )

    @property
    def status_label(self):
        return ACCOMPANIMENT_STATUS_LABELS.get(self.status, self.status)

    @property
    def is_active(self):
        return self.status == ACC_ACTIVE

    @property
    def is_live(self):
        return self.status in LIVE_ACCOMPANIMENT

    def __repr__(self):
        return f"<Accompaniment {self.id} complaint={self.complaint_id} org={self.organisation_id} {self.status}>"


# Content keys (core.page_cache): a complaint's tracking page shows its own rows only, so one change
# re-renders that page, not every complaint's; a public list shows the complaints of its unit (the
# city's list all of them).
CITY_LIST_KEY = "complaints:list"


def complaint_key(complaint_id):
    return page_cache.object_key("complaints:complaint", complaint_id)


def unit_list_key(unit_id):
    return page_cache.object_key("complaints:unit", unit_id)


def _complaint_touches(complaint):
    # A complaint routed to another unit leaves the old unit's list as well as joining the new one's.
    units = {complaint.unit_id, *sa_inspect(complaint).attrs.unit_id.history.deleted}
    return [complaint_key(complaint.id), CITY_LIST_KEY, *(unit_list_key(u) for u in units if u is not None)]


def _shown_on_its_complaints_page(row):
    return [complaint_key(row.complaint_id)]


page_cache.track("complaints", keys={Complaint: _complaint_touches, ComplaintEvent: _shown_on_its_complaints_page,
                                     ComplaintAttachment: _shown_on_its_complaints_page})
