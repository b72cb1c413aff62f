"""Training: modules with lessons and a question bank, progress, quiz attempts, certificates."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock, page_cache
from core.extensions import db
from core.i18n import lazy_gettext as _l
from core.types import UTCDateTime

AUDIENCES = {"asn": _l("ASN"), "komunitas": _l("Komunitas"), "semua": _l("Semua")}
SINGLE, MULTIPLE = "single", "multiple"
QUESTION_KINDS = {SINGLE: _l("Pilihan tunggal"), MULTIPLE: _l("Pilihan ganda (lebih dari satu jawaban)")}

# The JSON file a module is exported to and imported from (see training/authoring_services.py).
EXPORT_FORMAT = "platform-training-module/1"

# When a learner sees the correct options of a submitted attempt: once they passed (the default),
# or also after their last permitted attempt of the day. A failed attempt before that shows only
# which questions were wrong and the lesson to reread.
AFTER_PASS, AFTER_LAST_ATTEMPT = "after_pass", "after_last_attempt"
REVIEW_POLICIES = {AFTER_PASS: _l("Setelah lulus"),
                   AFTER_LAST_ATTEMPT: _l("Setelah lulus atau setelah percobaan terakhir yang diizinkan hari itu")}
# The minimum reading time of a lesson is its word count at this speed (when the module checks it).
READING_WORDS_PER_MINUTE = 200


class TrainingModule(db.Model):
    __tablename__ = "training_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(12), default="asn", index=True)
    prerequisite_id: Mapped[int | None] = mapped_column(ForeignKey("training_module.id"))
    estimated_minutes: Mapped[int] = mapped_column(Integer, default=30)
    pass_mark: Mapped[int] = mapped_column(Integer, default=80)  # percent
    # Certificates expire after this many months (yearly refreshers); None: they do not expire.
    validity_months: Mapped[int | None] = mapped_column(Integer)
    # Mandatory for every ASN: the reports list who in a unit has not completed it.
    mandatory_for_asn: Mapped[bool] = mapped_column(Boolean, default=False)
    questions_per_quiz: Mapped[int] = mapped_column(Integer, default=10)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    attempts_per_day: Mapped[int] = mapped_column(Integer, default=3)
    # Integrity of the certificate: what a failed attempt reveals, the wait before a retake, and
    # whether "mark as read" waits for the lesson's reading time (READING_WORDS_PER_MINUTE).
    review_policy: Mapped[str] = mapped_column(String(20), default=AFTER_PASS, server_default=AFTER_PASS)
    retake_wait_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    reading_time_check: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The regulations the content rests on and when they were checked (training/module_sources.py).
    sources: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    prerequisite = relationship("TrainingModule", remote_side=[id])
    lessons = relationship("Lesson", back_populates="module", order_by="Lesson.position",
                           cascade="all, delete-orphan")
    questions = relationship("Question", back_populates="module", order_by="Question.position",
                             cascade="all, delete-orphan")

    @property
    def audience_label(self):
        return AUDIENCES.get(self.audience, self.audience)

    @property
    def sources_shown(self):
        """The sources with their check date as a date, for the pages."""
        return [dict(source, checked_on=date.fromisoformat(source["checked_on"])) for source in self.sources or []]


class Lesson(db.Model):
    __tablename__ = "lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown, rendered sanitised

    module = relationship("TrainingModule", back_populates="lessons")

    @property
    def word_count(self):
        return len(self.body.split()) if self.body else 0

    @property
    def reading_seconds(self):
        """The least time a reader needs for the lesson at READING_WORDS_PER_MINUTE (rounded up)."""
        return -(-self.word_count * 60 // READING_WORDS_PER_MINUTE)


class Question(db.Model):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10), default=SINGLE)
    text: Mapped[str] = mapped_column(Text)
    # Shown after the attempt is submitted, never before.
    explanation: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The lesson to reread when the question is answered wrongly (optional).
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="SET NULL"))

    module = relationship("TrainingModule", back_populates="questions")
    lesson = relationship("Lesson")
    options = relationship("Option", back_populates="question", order_by="Option.position",
                           cascade="all, delete-orphan")


class Option(db.Model):
    __tablename__ = "question_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean, default=False)

    question = relationship("Question", back_populates="options")


class LessonProgress(db.Model):
    """A learner has read a lesson."""

    __tablename__ = "lesson_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),)


class LessonVisit(db.Model):
    """When a learner first opened a lesson: the start of its minimum reading time."""

    __tablename__ = "lesson_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (UniqueConstraint("user_id", "lesson_id", name="uq_lesson_visit_user_lesson"),)


class QuizAttempt(db.Model):
    """One attempt at a module's quiz: the drawn questions and option order, then the answers."""

    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # [question id, ...] in the order shown, and {question id: [option id, ...]} shuffled.
    question_ids: Mapped[list] = mapped_column(JSON, default=list)
    option_order: Mapped[dict] = mapped_column(JSON, default=dict)
    # {question id: [chosen option id, ...]} once submitted.
    answers: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[int | None] = mapped_column(Integer)  # percent
    passed: Mapped[bool | None] = mapped_column(Boolean)

    user = relationship("User")
    module = relationship("TrainingModule")

    __table_args__ = (Index("ix_quiz_attempt_user_module_started", "user_id", "module_id", "started_at"),)


class Certificate(db.Model):
    """Issued when a quiz is passed; anyone can verify it by its code."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempt.id"))
    # What the certificate says, kept as issued even if the account or module changes later.
    holder_name: Mapped[str] = mapped_column(String(120))
    holder_nip: Mapped[str | None] = mapped_column(String(18))
    module_title: Mapped[str] = mapped_column(String(200))
    score: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    # The learner was reminded to retake before expiry.
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    module = relationship("TrainingModule")
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    def status(self, now=None):
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or clock.now()):
            return "expired"
        return "valid"


# What the public certificate verification page shows.
page_cache.track("training", Certificate, TrainingModule)
