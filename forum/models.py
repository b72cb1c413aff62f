"""Forum Konsultasi Publik: consultations, participants, inputs, berita acara, follow-up."""
from datetime import date, datetime

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock, page_cache
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.types import UTCDateTime

# --- consultations --------------------------------------------------------------------------------
DRAFT, OPEN, CLOSED, FOLLOW_UP, COMPLETED = "draft", "open", "closed", "follow_up", "completed"
STAGE_LABELS = {
    DRAFT: _l("Draf"),
    OPEN: _l("Dibuka untuk masukan"),
    CLOSED: _l("Masukan ditutup"),
    FOLLOW_UP: _l("Tindak lanjut"),
    COMPLETED: _l("Selesai"),
}
STAGES = tuple(STAGE_LABELS)

TOPIC_TYPES = {
    "rancangan_kebijakan": _l("Rancangan kebijakan"),
    "penerapan_kebijakan": _l("Penerapan kebijakan"),
    "dampak_kebijakan": _l("Dampak kebijakan"),
    "evaluasi_kebijakan": _l("Evaluasi pelaksanaan kebijakan"),
    "standar_pelayanan": _l("Standar pelayanan"),
    "maklumat_pelayanan": _l("Maklumat pelayanan"),
    "survei_kepuasan": _l("Hasil survei kepuasan masyarakat"),
    "permasalahan_pelayanan": _l("Permasalahan pelayanan publik"),
    "lainnya": _l("Lainnya"),
}

FORMATS = {"daring": _l("Daring"), "tatap_muka": _l("Tatap muka"), "hybrid": _l("Hybrid")}

STAKEHOLDER_CATEGORIES = {
    "penyelenggara": _l("Penyelenggara pelayanan"),
    "pengguna_layanan": _l("Pengguna layanan"),
    "organisasi_masyarakat": _l("Organisasi masyarakat sipil"),
    "akademisi": _l("Akademisi, ahli, atau praktisi"),
    "media": _l("Media"),
    "tokoh_masyarakat": _l("Tokoh masyarakat"),
}

# --- official responses -------------------------------------------------------------------------
DISPOSITIONS = {
    "diterima": _l("Diterima"),
    "diterima_sebagian": _l("Diterima sebagian"),
    "dipertimbangkan": _l("Dipertimbangkan"),
    "tidak_diterima": _l("Tidak diterima"),
}

# --- follow-up actions ----------------------------------------------------------------------------
PLANNED, IN_PROGRESS, DONE, CANCELLED = "direncanakan", "berjalan", "selesai", "dibatalkan"
ACTION_STATUS_LABELS = {
    PLANNED: _l("Direncanakan"),
    IN_PROGRESS: _l("Berjalan"),
    DONE: _l("Selesai"),
    CANCELLED: _l("Dibatalkan"),
}
FINISHED_ACTION_STATUSES = (DONE, CANCELLED)


class Consultation(db.Model):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    topic_type: Mapped[str] = mapped_column(String(30), index=True)
    description: Mapped[str] = mapped_column(Text)  # Markdown, rendered sanitised
    format: Mapped[str] = mapped_column(String(12))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    # By default only verified organisation members post input; this lets registered citizens too.
    allow_citizen_input: Mapped[bool] = mapped_column(Boolean, default=False)
    stage: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    # Official responses are due this many working days after the input window closes.
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("Unit")
    created_by = relationship("User")
    documents = relationship("ConsultationDocument", back_populates="consultation",
                             order_by="ConsultationDocument.id", cascade="all, delete-orphan")
    participants = relationship("Participant", back_populates="consultation", cascade="all, delete-orphan")
    inputs = relationship("ForumInput", back_populates="consultation", order_by="ForumInput.id")
    minutes = relationship("Minutes", back_populates="consultation", uselist=False)

    __table_args__ = (Index("ix_consultation_stage_opens", "stage", "opens_at"),)

    @property
    def stage_label(self):
        return STAGE_LABELS.get(self.stage, self.stage)

    @property
    def topic_label(self):
        return TOPIC_TYPES.get(self.topic_type, self.topic_type)

    @property
    def format_label(self):
        return FORMATS.get(self.format, self.format)


class ConsultationDocument(db.Model):
    __tablename__ = "consultation_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    consultation = relationship("Consultation", back_populates="documents")


class Participant(db.Model):
    """A person registered for a consultation, with their stakeholder category."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    stakeholder_category: Mapped[str] = mapped_column(String(30))
    vulnerable_group: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    attendance_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation = relationship("Consultation", back_populates="participants")
    user = relationship("User")
    organisation = relationship("Organisation")

    __table_args__ = (UniqueConstraint("consultation_id", "user_id", name="uq_participant_consultation_user"),)

    @property
    def category_label(self):
        return STAKEHOLDER_CATEGORIES.get(self.stakeholder_category, self.stakeholder_category)


class ForumInput(db.Model):
    """An input (masukan) to a consultation, answered by replies; usually on behalf of an organisation."""

    __tablename__ = "forum_input"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown, rendered sanitised
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set when a moderator turned this input into a complaint (from then on under the complaint SLA).
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), unique=True)

    consultation = relationship("Consultation", back_populates="inputs")
    author = relationship("User", foreign_keys=[author_id])
    organisation = relationship("Organisation")
    hidden_by = relationship("User", foreign_keys=[hidden_by_id])
    complaint = relationship("Complaint")
    replies = relationship("ForumReply", back_populates="input", order_by="ForumReply.id")
    response = relationship("OfficialResponse", back_populates="input", uselist=False)
    agreements = relationship("Agreement", back_populates="input")

    # A consultation's input list, newest first, read in index order (no sort, any page).
    __table_args__ = (Index("ix_forum_input_consultation_created", "consultation_id", "created_at", "id"),)

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    @property
    def is_locked(self):
        return self.locked_at is not None


class ForumReply(db.Model):
    __tablename__ = "forum_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("forum_input.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    input = relationship("ForumInput", back_populates="replies")
    author = relationship("User", foreign_keys=[author_id])

    # An input's replies, oldest first, read in index order.
    __table_args__ = (Index("ix_forum_reply_input_created", "input_id", "created_at", "id"),)

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class Support(db.Model):
    """One person's support for an input: at most one each, and it can be withdrawn."""

    __tablename__ = "forum_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("forum_input.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (UniqueConstraint("input_id", "user_id", name="uq_forum_support_input_user"),)


class OfficialResponse(db.Model):
    """The host unit's pinned answer to an input."""

    __tablename__ = "official_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("forum_input.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    disposition: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    responded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    input = relationship("ForumInput", back_populates="response")
    unit = relationship("Unit")
    responded_by = relationship("User")

    @property
    def disposition_label(self):
        return DISPOSITIONS.get(self.disposition, self.disposition)


class Flag(db.Model):
    """Someone reported a post; moderators work the queue of open flags."""

    __tablename__ = "forum_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    input_id: Mapped[int | None] = mapped_column(ForeignKey("forum_input.id"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("forum_reply.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str | None] = mapped_column(String(20))  # hidden, dismissed

    input = relationship("ForumInput", foreign_keys=[input_id])
    reply = relationship("ForumReply", foreign_keys=[reply_id])
    user = relationship("User", foreign_keys=[user_id])


class Minutes(db.Model):
    """The minutes of a held FKP meeting; publishing them moves the consultation to follow-up."""

    # Stored names from before the class was called Minutes: the table, and the object type that
    # audit events and outbox messages record for it (core.types.stored_type_name).
    __tablename__ = "berita_acara"
    __stored_type__ = "beritaacara"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), unique=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    # [{"name": ..., "position": ..., "organisation": ...}], the people who sign it.
    signatories: Mapped[list] = mapped_column(JSON, default=list)
    # Attendees who are not registered on the site (written by the host), one per line.
    other_attendees: Mapped[str | None] = mapped_column(Text)
    signed_scan_stored_name: Mapped[str | None] = mapped_column(String(64))
    signed_scan_original_name: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    consultation = relationship("Consultation", back_populates="minutes")
    agreements = relationship("Agreement", back_populates="minutes", order_by="Agreement.number",
                              cascade="all, delete-orphan")


class Agreement(db.Model):
    """A numbered agreement in the berita acara; it becomes a follow-up action."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The minutes' id; the attribute keeps its column's name (renaming the column needs a migration).
    berita_acara_id: Mapped[int] = mapped_column(ForeignKey("berita_acara.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # The input this agreement answers, when there is one (for the input's trail).
    input_id: Mapped[int | None] = mapped_column(ForeignKey("forum_input.id"), index=True)
    # The plan written with the agreement; publishing turns it into the follow-up action.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    target_date: Mapped[date | None] = mapped_column(Date)

    minutes = relationship("Minutes", back_populates="agreements")
    unit = relationship("Unit")
    input = relationship("ForumInput", back_populates="agreements")
    action = relationship("FollowUpAction", back_populates="agreement", uselist=False)

    __table_args__ = (UniqueConstraint("berita_acara_id", "number", name="uq_agreement_number"),)


class FollowUpAction(db.Model):
    """Rencana tindak lanjut: who does what by when, tracked publicly until done."""

    __tablename__ = "follow_up_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    target_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(14), default=PLANNED, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    agreement = relationship("Agreement", back_populates="action")
    consultation = relationship("Consultation")
    unit = relationship("Unit")
    progress = relationship("ActionProgress", back_populates="action", order_by="ActionProgress.id")

    __table_args__ = (Index("ix_follow_up_action_status_target", "status", "target_date"),)

    @property
    def status_label(self):
        return ACTION_STATUS_LABELS.get(self.status, self.status)

    def is_overdue(self, today):
        return self.status not in FINISHED_ACTION_STATUSES and self.target_date < today


class ActionProgress(db.Model):
    """A dated progress note on an action (and the status it moved to, if it changed)."""

    __tablename__ = "action_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("follow_up_action.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(14))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    action = relationship("FollowUpAction", back_populates="progress")
    author = relationship("User")


class Follow(db.Model):
    """A person follows a consultation or one input, for e-mail notices."""

    __tablename__ = "forum_follow"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id"), index=True)
    input_id: Mapped[int | None] = mapped_column(ForeignKey("forum_input.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user = relationship("User")

    __table_args__ = (
        UniqueConstraint("user_id", "consultation_id", name="uq_forum_follow_consultation"),
        UniqueConstraint("user_id", "input_id", name="uq_forum_follow_input"),
    )


# Everything the public forum pages show; following is private to the follower. Each change also
# bumps the keys of the objects whose pages show it (core/page_cache.py), so a new reply re-renders
# its own thread, not the whole forum. The berita acara and its follow-up share one key: they change
# rarely, and the consultation page, the input trail and the tracker all show them.
CONSULTATION_LIST_KEY = "forum:consultations"  # the consultation list
FOLLOW_UP_KEY = "forum:follow-up"  # minutes, agreements, follow-up actions and their progress


def consultation_key(consultation_id):
    """The consultation itself: its details, documents and participants."""
    return page_cache.object_key("forum:consultation", consultation_id)


def inputs_key(consultation_id):
    """The list of a consultation's inputs (titles, counts, response badges)."""
    return page_cache.object_key("forum:inputs-of", consultation_id)


def input_key(input_id):
    """One input's page: the input, its response, replies, supports and flags."""
    return page_cache.object_key("forum:input", input_id)


def _input_of(row):
    """Keys of the input a row belongs to, and of its consultation's list where the row shows there."""
    return [input_key(row.input_id)]


def _in_session(row, model, row_id):
    """The row of `model` with this id if the session already holds it (no query while flushing)."""
    session = sa_inspect(row).session
    return session.identity_map.get(session.identity_key(model, row_id)) if session and row_id else None


def _response_keys(response):
    # The list shows each input's response badge; the service holds the input, so its row tells the
    # consultation. Were it not in the session, every keyed page is invalidated instead.
    forum_input = _in_session(response, ForumInput, response.input_id)
    listed = inputs_key(forum_input.consultation_id) if forum_input else page_cache.whole_scope_key("forum")
    return [input_key(response.input_id), listed]


def _flag_keys(flag):
    if flag.input_id:
        return [input_key(flag.input_id)]
    reply = _in_session(flag, ForumReply, flag.reply_id)
    return [input_key(reply.input_id) if reply else page_cache.whole_scope_key("forum")]


page_cache.track("forum", keys={
    Consultation: lambda c: [consultation_key(c.id), CONSULTATION_LIST_KEY, FOLLOW_UP_KEY],
    ConsultationDocument: lambda d: [consultation_key(d.consultation_id)],
    Participant: lambda p: [consultation_key(p.consultation_id)],
    ForumInput: lambda i: [input_key(i.id), inputs_key(i.consultation_id)],
    ForumReply: _input_of,
    Support: _input_of,
    OfficialResponse: _response_keys,
    Flag: _flag_keys,
    Minutes: lambda m: [FOLLOW_UP_KEY],
    Agreement: lambda a: [FOLLOW_UP_KEY],
    FollowUpAction: lambda a: [FOLLOW_UP_KEY],
    ActionProgress: lambda p: [FOLLOW_UP_KEY],
})
