"""The learner's side of training: the catalogue, lessons and progress, the quiz.

Each state change checks the permission and the rule, writes the change (and its audit event) and
commits once. A rule that forbids the change raises DomainError/NotAllowed with a sentence for the
person; nothing is written then. The correct answers and explanations leave this module only
through `review()`, which refuses an attempt that has not been submitted and shows them only as the
module's review policy allows.

A certificate must be earned: "mark as read" counts only after the lesson's minimum reading time
since the learner first opened it (when the module checks reading time); a retake waits the
module's minutes after the previous attempt and draws the questions that attempt did not show
first; a failed attempt shows which questions were wrong and the lesson to reread, never the
correct options, unless the module's policy says the last permitted attempt of the day reveals them.
"""
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from accounts.models import User
from core import audit, clock, permissions
from core.errors import DomainError, NotAllowed, NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.i18n import ngettext

from . import certificate_services
from .models import (AFTER_LAST_ATTEMPT, AUDIENCES, MULTIPLE, Certificate, Lesson, LessonProgress, LessonVisit,
                     Option, Question, QuizAttempt, TrainingModule)
from .placeholders import fill

__all__ = ["DomainError", "NotAllowed", "NotFound"]

# A submission this long after the deadline still counts (network, a slow phone).
GRACE = timedelta(seconds=30)


# --- lookups ---------------------------------------------------------------------------------------

def _signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False)


def may_author(user):
    return _signed_in(user) and permissions.can(user, "training.author")


def get_module(slug, user=None):
    """The module by slug: published ones for everyone, unpublished ones only for its authors."""
    module = db.session.scalar(select(TrainingModule).where(TrainingModule.slug == slug))
    if module is None or (not module.published and not may_author(user)):
        raise NotFound(_("Modul pelatihan tidak ditemukan."))
    return module


def get_lesson(module, position):
    lesson = db.session.scalar(select(Lesson).where(Lesson.module_id == module.id, Lesson.position == position))
    if lesson is None:
        raise NotFound(_("Pelajaran tidak ditemukan."))
    return lesson


def get_attempt(attempt_id, user):
    """An attempt, for its owner only."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None:
        raise NotFound(_("Percobaan kuis tidak ditemukan."))
    if not _signed_in(user) or attempt.user_id != user.id:
        raise NotAllowed(_("Percobaan kuis ini milik peserta lain."))
    return attempt


def certificate_for_attempt(attempt):
    return db.session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id)
                             .order_by(Certificate.id.desc()).limit(1))


# --- certificates and prerequisites ------------------------------------------------------------------

def _valid_certificate_clause(now):
    return (Certificate.revoked_at.is_(None),
            (Certificate.expires_at.is_(None)) | (Certificate.expires_at > now))


def has_valid_certificate(user, module_id, now):
    if not _signed_in(user):
        return False
    return db.session.scalar(select(Certificate.id).where(
        Certificate.user_id == user.id, Certificate.module_id == module_id,
        *_valid_certificate_clause(now)).limit(1)) is not None


def prerequisite_met(user, module, now):
    """No prerequisite, or the user holds a valid (not revoked, not expired) certificate of it."""
    if module.prerequisite_id is None:
        return True
    return has_valid_certificate(user, module.prerequisite_id, now)


def _require_prerequisite(user, module, now):
    if not prerequisite_met(user, module, now):
        title = module.prerequisite.title if module.prerequisite is not None else ""
        raise DomainError(_("Modul ini terkunci: selesaikan dulu modul prasyarat “%(title)s” dan miliki "
                            "sertifikatnya yang masih berlaku.", title=title))


def certificate_state(certificates, now):
    """The certificate that matters for a module (a valid one first, else the newest) and its status."""
    best = None
    for certificate in certificates:
        status = certificate.status(now)
        if status == "valid":
            return certificate, "valid"
        if best is None and status == "expired":
            best = certificate
    return (best, "expired") if best is not None else (None, None)


# --- the catalogue -----------------------------------------------------------------------------------

@dataclass
class CatalogueEntry:
    module: TrainingModule
    lessons_total: int = 0
    lessons_read: int = 0
    certificate: Certificate | None = None
    certificate_status: str | None = None  # "valid", "expired" or None
    prerequisite_met: bool = True

    @property
    def started(self):
        return self.lessons_read > 0


def learnable_audiences(user):
    """The audiences whose modules this user may take (the training.learn rule, without a module)."""
    probe = TrainingModule(published=True)
    audiences = []
    for audience in AUDIENCES:
        probe.audience = audience
        if _signed_in(user) and permissions.can(user, "training.learn", probe):
            audiences.append(audience)
    return audiences


def module_catalogue(user, now, audience=None):
    """Published modules the user may take (visitors: every published module, to look at), in a
    bounded number of queries, each with the user's progress and certificate state."""
    query = (select(TrainingModule).options(selectinload(TrainingModule.prerequisite))
             .where(TrainingModule.published.is_(True)))
    if _signed_in(user):
        query = query.where(TrainingModule.audience.in_(learnable_audiences(user)))
    if audience:
        query = query.where(TrainingModule.audience == audience)
    modules = db.session.scalars(query.order_by(TrainingModule.title, TrainingModule.id)).all()
    if not modules:
        return []
    ids = [m.id for m in modules]
    totals = dict(db.session.execute(select(Lesson.module_id, func.count(Lesson.id))
                                     .where(Lesson.module_id.in_(ids)).group_by(Lesson.module_id)).all())
    read, certificates = {}, {}
    if _signed_in(user):
        read = dict(db.session.execute(
            select(LessonProgress.module_id, func.count(LessonProgress.id))
            .where(LessonProgress.user_id == user.id, LessonProgress.module_id.in_(ids))
            .group_by(LessonProgress.module_id)).all())
        prerequisite_ids = {m.prerequisite_id for m in modules if m.prerequisite_id}
        rows = db.session.scalars(select(Certificate).where(
            Certificate.user_id == user.id, Certificate.module_id.in_(set(ids) | prerequisite_ids))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()
        for certificate in rows:
            certificates.setdefault(certificate.module_id, []).append(certificate)
    entries = []
    for module in modules:
        certificate, status = certificate_state(certificates.get(module.id, []), now)
        prerequisite_ok = (module.prerequisite_id is None
                           or certificate_state(certificates.get(module.prerequisite_id, []), now)[1] == "valid")
        entries.append(CatalogueEntry(module=module, lessons_total=totals.get(module.id, 0),
                                      lessons_read=min(read.get(module.id, 0), totals.get(module.id, 0)),
                                      certificate=certificate, certificate_status=status,
                                      prerequisite_met=prerequisite_ok))
    return entries


def user_certificate(user, module, now):
    """The user's certificate of the module that matters (valid first, else the newest expired)."""
    if not _signed_in(user):
        return None, None
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id,
                                                        Certificate.module_id == module.id)
                              .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()
    return certificate_state(rows, now)


# --- lessons and progress ------------------------------------------------------------------------------

@dataclass
class Progress:
    read_ids: set = field(default_factory=set)
    total: int = 0

    @property
    def read_count(self):
        return len(self.read_ids)

    @property
    def all_read(self):
        return self.total > 0 and self.read_count >= self.total


def progress(user, module):
    """Which lessons of the module the user has read, and whether all of them are."""
    lesson_ids = set(db.session.scalars(select(Lesson.id).where(Lesson.module_id == module.id)))
    if not _signed_in(user):
        return Progress(set(), len(lesson_ids))
    read = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user.id, LessonProgress.module_id == module.id)))
    return Progress(read & lesson_ids, len(lesson_ids))


def duration_text(seconds):
    """A wait or a reading time as a person says it: whole minutes (rounded up), or seconds under one."""
    seconds = max(0, int(-(-seconds // 1)))
    if seconds < 60:
        return ngettext("%(num)d detik", "%(num)d detik", seconds)
    return ngettext("%(num)d menit", "%(num)d menit", -(-seconds // 60))


def open_lesson(user, lesson, now):
    """Record when the learner first opened the lesson (the start of its minimum reading time); later
    visits change nothing. Only for learners of the module."""
    if not (_signed_in(user) and permissions.can(user, "training.learn", lesson.module)):
        return None
    existing = db.session.scalar(select(LessonVisit).where(LessonVisit.user_id == user.id,
                                                           LessonVisit.lesson_id == lesson.id))
    if existing is not None:
        return existing
    visit = LessonVisit(user_id=user.id, lesson_id=lesson.id, opened_at=now)
    db.session.add(visit)
    try:
        db.session.commit()
    except IntegrityError:  # two tabs at once: the other request recorded the first visit
        db.session.rollback()
        visit = db.session.scalar(select(LessonVisit).where(LessonVisit.user_id == user.id,
                                                            LessonVisit.lesson_id == lesson.id))
    return visit


def reading_seconds_left(user, lesson, now):
    """Seconds until "mark as read" counts: the lesson's reading time since the learner first opened
    it (all of it when never opened); 0 when the module does not check reading time."""
    if not lesson.module.reading_time_check:
        return 0
    opened_at = db.session.scalar(select(LessonVisit.opened_at).where(LessonVisit.user_id == user.id,
                                                                      LessonVisit.lesson_id == lesson.id))
    needed = timedelta(seconds=lesson.reading_seconds)
    if opened_at is None:
        return int(needed.total_seconds())
    return max(0, int(-(-(opened_at + needed - now).total_seconds() // 1)))


def mark_read(user, lesson, now):
    """Record that the user read a lesson (once; reading again changes nothing), not before its
    minimum reading time has passed since they opened it (when the module checks reading time)."""
    module = lesson.module
    permissions.require(user, "training.learn", module)
    _require_prerequisite(user, module, now)
    existing = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user.id,
                                                              LessonProgress.lesson_id == lesson.id))
    if existing is not None:
        return existing
    left = reading_seconds_left(user, lesson, now)
    if left > 0:
        raise DomainError(_("Pelajaran ini butuh waktu baca sekitar %(need)s. Baca dulu sampai selesai: "
                            "Anda dapat menandainya sudah dibaca %(left)s lagi.",
                            need=duration_text(lesson.reading_seconds), left=duration_text(left)))
    row = LessonProgress(user_id=user.id, module_id=module.id, lesson_id=lesson.id, read_at=now)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # the same learner, twice at once (two tabs): the other request saved it
        db.session.rollback()
        row = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user.id,
                                                             LessonProgress.lesson_id == lesson.id))
    return row


# --- the quiz ---------------------------------------------------------------------------------------------

def local_day_bounds(now):
    """The start and end (UTC) of the local calendar day (APP_TIMEZONE) that contains `now`."""
    zone = clock.local_zone()
    day = clock.to_local(now).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return clock.to_local(start), clock.to_local(end)


def attempts_today(user, module, now):
    """Attempts the user started at the module's quiz on today's local date."""
    start, end = local_day_bounds(now)
    return db.session.scalar(select(func.count(QuizAttempt.id)).where(
        QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id,
        QuizAttempt.started_at >= start, QuizAttempt.started_at < end)) or 0


def is_expired(attempt, now):
    """The attempt's time is up (its deadline plus the grace period has passed)."""
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def open_attempt(user, module, now):
    """The user's unsubmitted attempt at the module that is still running, if any."""
    if not _signed_in(user):
        return None
    candidates = db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id,
        QuizAttempt.submitted_at.is_(None)).order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
        .limit(1)).all()
    for attempt in candidates:
        if attempt.deadline_at is None or now <= attempt.deadline_at:
            return attempt
    return None


def last_attempt(user, module):
    """The user's most recent attempt at the module's quiz, submitted or not."""
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc()).limit(1))


def wait_seconds_left(user, module, now):
    """Seconds before the next attempt may start: the module's wait after the end of the previous
    attempt (its submission, else its deadline); 0 when there is none or it has passed."""
    if not _signed_in(user) or not module.retake_wait_minutes:
        return 0
    previous = last_attempt(user, module)
    if previous is None:
        return 0
    ended = previous.submitted_at or previous.deadline_at or previous.started_at
    left = (ended + timedelta(minutes=module.retake_wait_minutes) - now).total_seconds()
    return max(0, int(-(-left // 1)))


def _wait_message(module, left):
    return _("Tunggu %(left)s lagi sebelum mencoba kuis ini kembali (jeda antarpercobaan %(n)d menit).",
             left=duration_text(left), n=module.retake_wait_minutes)


def active_question_count(module):
    return db.session.scalar(select(func.count(Question.id)).where(Question.module_id == module.id,
                                                                  Question.active.is_(True))) or 0


@dataclass
class QuizInfo:
    questions: int
    pass_mark: int
    time_limit_minutes: int | None
    attempts_per_day: int
    attempts_left: int
    retake_wait_minutes: int
    open_attempt: QuizAttempt | None
    blocked_reason: str | None  # why the quiz cannot start now; None when it can

    @property
    def can_start(self):
        return self.blocked_reason is None


def quiz_info(user, module, now, prog=None):
    """What the module page says about the quiz, and whether this user can start (or resume) it."""
    questions = min(module.questions_per_quiz, active_question_count(module))
    used = attempts_today(user, module, now) if _signed_in(user) else 0
    running = open_attempt(user, module, now)
    prog = prog or progress(user, module)
    reason = None
    if not (_signed_in(user) and permissions.can(user, "training.learn", module)):
        reason = _("Kuis hanya dapat dikerjakan oleh peserta modul ini.")
    elif not prerequisite_met(user, module, now):
        reason = _("Kuis terkunci sampai modul prasyarat diselesaikan.")
    elif not prog.all_read:
        reason = _("Kuis terbuka setelah semua pelajaran ditandai sudah dibaca.")
    elif questions == 0:
        reason = _("Kuis modul ini belum memiliki soal.")
    elif running is None and used >= module.attempts_per_day:
        reason = _("Batas percobaan hari ini sudah habis. Silakan coba lagi besok.")
    elif running is None and (wait := wait_seconds_left(user, module, now)):
        reason = _wait_message(module, wait)
    return QuizInfo(questions=questions, pass_mark=module.pass_mark, time_limit_minutes=module.time_limit_minutes,
                    attempts_per_day=module.attempts_per_day,
                    attempts_left=max(0, module.attempts_per_day - used),
                    retake_wait_minutes=module.retake_wait_minutes or 0, open_attempt=running,
                    blocked_reason=reason)


def _lock_user(user):
    # Two starts at once (two tabs) must not both slip under the daily limit.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


def start_attempt(user, module, now):
    """Start the quiz (or resume the running attempt): every lesson read, the prerequisite met,
    fewer attempts today than allowed, the wait after the previous attempt over; draws the questions
    at random (those the previous attempt did not show first) and shuffles their options."""
    permissions.require(user, "training.learn", module)
    _require_prerequisite(user, module, now)
    if not progress(user, module).all_read:
        raise DomainError(_("Baca semua pelajaran modul ini sebelum mengerjakan kuis."))
    _lock_user(user)
    running = open_attempt(user, module, now)
    if running is not None:
        db.session.commit()  # release the lock
        return running
    if attempts_today(user, module, now) >= module.attempts_per_day:
        raise DomainError(_("Anda sudah memakai %(n)s percobaan kuis hari ini. Silakan coba lagi besok.",
                            n=module.attempts_per_day))
    wait = wait_seconds_left(user, module, now)
    if wait:
        raise DomainError(_wait_message(module, wait))
    questions = db.session.scalars(select(Question).options(selectinload(Question.options))
                                   .where(Question.module_id == module.id, Question.active.is_(True))
                                   .order_by(Question.position, Question.id)).all()
    if not questions:
        raise DomainError(_("Kuis modul ini belum memiliki soal."))
    rng = random.SystemRandom()
    previous = last_attempt(user, module)
    drawn = draw_questions(questions, module.questions_per_quiz,
                           seen={int(q) for q in previous.question_ids} if previous is not None else set(), rng=rng)
    order = {}
    for question in drawn:
        option_ids = [o.id for o in question.options]
        rng.shuffle(option_ids)
        order[str(question.id)] = option_ids
    deadline = now + timedelta(minutes=module.time_limit_minutes) if module.time_limit_minutes else None
    attempt = QuizAttempt(user_id=user.id, module_id=module.id, started_at=now, deadline_at=deadline,
                          question_ids=[q.id for q in drawn], option_order=order)
    db.session.add(attempt)
    audit.record(user, "training.quiz_started", attempt, now=now, module_id=module.id, questions=len(drawn))
    db.session.commit()
    return attempt


def draw_questions(questions, count, *, seen, rng):
    """`count` questions at random, those not in `seen` (the previous attempt's) first, as far as the
    bank allows; the rest from the seen ones. The order is shuffled, so the unseen do not come first."""
    count = min(count, len(questions))
    unseen = [q for q in questions if q.id not in seen]
    if len(unseen) >= count:
        drawn = rng.sample(unseen, count)
    else:
        drawn = unseen + rng.sample([q for q in questions if q.id in seen], count - len(unseen))
        rng.shuffle(drawn)
    return drawn


def quiz_sheet(attempt):
    """The attempt's questions in drawn order with their options in shuffled order, as plain data
    (ids, kinds and texts only: never the correct flags nor the explanations)."""
    qids = [int(q) for q in attempt.question_ids]
    questions = {q.id: q for q in db.session.scalars(select(Question).options(selectinload(Question.options))
                                                     .where(Question.id.in_(qids)))}
    sheet = []
    for number, qid in enumerate(qids, start=1):
        question = questions.get(qid)
        if question is None:
            continue
        texts = {o.id: fill(o.text) for o in question.options}
        options = [{"id": oid, "text": texts[oid]} for oid in attempt.option_order.get(str(qid), []) if oid in texts]
        sheet.append({"id": qid, "number": number, "kind": question.kind, "text": fill(question.text),
                      "multiple": question.kind == MULTIPLE, "options": options})
    return sheet


def _chosen(attempt, answers):
    """Only option ids shown for a drawn question count; anything else is ignored."""
    chosen = {}
    for qid in attempt.question_ids:
        allowed = set(attempt.option_order.get(str(qid), []))
        given = answers.get(int(qid)) or answers.get(str(qid)) or []
        picked = set()
        for value in given:
            try:
                value = int(value)
            except (TypeError, ValueError):
                continue
            if value in allowed:
                picked.add(value)
        chosen[int(qid)] = sorted(picked)
    return chosen


def submit_attempt(user, attempt, answers, now):
    """Score the attempt once, for its owner: a question counts only when exactly its correct set is
    chosen; it passes at the pass mark when submitted in time (deadline plus grace). Passing issues
    the certificate in the same transaction."""
    if not _signed_in(user) or attempt.user_id != user.id:
        raise NotAllowed(_("Percobaan kuis ini milik peserta lain."))
    locked = db.session.scalar(select(QuizAttempt).where(QuizAttempt.id == attempt.id).with_for_update()
                               .execution_options(populate_existing=True))
    if locked.submitted_at is not None:
        raise DomainError(_("Jawaban kuis ini sudah dikirim."))
    module = attempt.module
    chosen = _chosen(attempt, answers or {})
    qids = list(chosen)
    correct_sets = {qid: set() for qid in qids}
    for question_id, option_id in db.session.execute(select(Option.question_id, Option.id).where(
            Option.question_id.in_(qids), Option.correct.is_(True))).all():
        correct_sets[question_id].add(option_id)
    right = sum(1 for qid in qids if set(chosen[qid]) == correct_sets[qid] and correct_sets[qid])
    drawn = len(attempt.question_ids)
    score = round(100 * right / drawn) if drawn else 0
    expired = is_expired(attempt, now)
    attempt.answers = {str(qid): ids for qid, ids in chosen.items()}
    attempt.score = score
    attempt.passed = (not expired) and score >= module.pass_mark
    attempt.submitted_at = now
    audit.record(user, "training.quiz_submitted", attempt, now=now, module_id=module.id, score=score,
                 passed=attempt.passed, expired=expired or None)
    if attempt.passed:
        certificate_services.issue(attempt, now=now)
    db.session.commit()
    return attempt


def submitted_late(attempt):
    return (attempt.submitted_at is not None and attempt.deadline_at is not None
            and attempt.submitted_at > attempt.deadline_at + GRACE)


@dataclass
class ReviewItem:
    number: int
    text: str
    kind: str
    is_correct: bool
    lesson: Lesson | None  # the lesson to reread, when the question names one
    # Only when the answers are shown (see answers_shown): [{"id", "text", "chosen", "correct"}] in
    # the order shown, and the explanation; otherwise [] and "".
    options: list
    explanation: str


@dataclass
class Review:
    items: list
    answers_shown: bool
    # The module's lessons, for wrong questions that name no lesson to reread; [] when none needs it.
    lessons: list


def answers_shown(attempt, now):
    """May the learner see the correct options of this submitted attempt? After passing; with the
    policy after_last_attempt also after the last permitted attempt of its day. Never while another
    attempt at the module is running (its questions may be the same)."""
    if attempt.submitted_at is None:
        return False
    module = attempt.module
    if open_attempt(attempt.user, module, now) is not None:
        return False
    if attempt.passed:
        return True
    return (module.review_policy == AFTER_LAST_ATTEMPT
            and attempts_today(attempt.user, module, attempt.started_at) >= module.attempts_per_day)


def review(attempt, now):
    """After submission only: each question, right or wrong, with the lesson to reread; the chosen
    and correct options and the explanation only when answers_shown() allows."""
    if attempt.submitted_at is None:
        raise DomainError(_("Pembahasan kuis baru tersedia setelah jawaban dikirim."))
    shown_answers = answers_shown(attempt, now)
    qids = [int(q) for q in attempt.question_ids]
    questions = {q.id: q for q in db.session.scalars(
        select(Question).options(selectinload(Question.options), selectinload(Question.lesson))
        .where(Question.id.in_(qids)))}
    answers = attempt.answers or {}
    items = []
    for number, qid in enumerate(qids, start=1):
        question = questions.get(qid)
        if question is None:
            continue
        chosen = set(answers.get(str(qid), []))
        correct = {o.id for o in question.options if o.correct}
        options, explanation = [], ""
        if shown_answers:
            by_id = {o.id: o for o in question.options}
            shown = [oid for oid in attempt.option_order.get(str(qid), []) if oid in by_id]
            shown += [oid for oid in by_id if oid not in shown]
            options = [{"id": oid, "text": fill(by_id[oid].text), "chosen": oid in chosen, "correct": by_id[oid].correct}
                       for oid in shown]
            explanation = fill(question.explanation)
        items.append(ReviewItem(number=number, text=fill(question.text), kind=question.kind,
                                is_correct=bool(correct) and chosen == correct, lesson=question.lesson,
                                options=options, explanation=explanation))
    needs_list = any(not item.is_correct and item.lesson is None for item in items)
    return Review(items=items, answers_shown=shown_answers,
                  lessons=list(attempt.module.lessons) if needs_list else [])
