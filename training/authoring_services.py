"""Admin authoring of modules, lessons and questions; JSON export and import.

Every change checks `training.author`, writes its audit event and commits once. The import is
also what `flask training load-content` runs, acting as core.permissions.SYSTEM.

Editing a module that learners already use keeps their history: lessons and questions keep their
ids when they are edited (and when an import replaces a module, the n-th lesson and question of the
file update the n-th ones in the database), so lesson progress and past attempts still point at
rows that exist. A lesson that disappears takes its learners' progress rows with it. A question
that disappears is deleted while nobody has attempted the module's quiz, and only deactivated
(left out of new quizzes and exports) once someone has, so old attempts can still be reviewed.
"""
import json
import re

from sqlalchemy import delete, exists, func, select

from core import audit, clock, permissions
from core.errors import DomainError, NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.input_guard import unstorable

from .models import (AFTER_PASS, AUDIENCES, EXPORT_FORMAT, MULTIPLE, QUESTION_KINDS, REVIEW_POLICIES, SINGLE, Lesson,
                     LessonProgress, LessonVisit, Option, Question, QuizAttempt, TrainingModule)
from .module_sources import clean_sources, parse_lines
from .placeholders import PLACEHOLDER_RE, PLACEHOLDERS, unknown_placeholders

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Paths under /pelatihan/kelola/ that a module's slug would shadow.
RESERVED_SLUGS = {"baru", "impor", "pengelola"}

# Size limits: what a form or an imported file may hold (a file is refused whole, never cut).
MAX_SLUG = 120
MAX_TITLE = 200
MAX_SUMMARY = 5_000
MAX_LESSON_BODY = 100_000
MAX_QUESTION_TEXT = 5_000
MAX_OPTION_TEXT = 1_000
MAX_LESSONS = 100
MAX_QUESTIONS = 500
MAX_OPTIONS = 10
MAX_FILE_BYTES = 2 * 1024 * 1024

# (field, lowest, highest) for the whole-number settings of a module.
INT_RANGES = {
    "estimated_minutes": (1, 10_000),
    "pass_mark": (1, 100),
    "validity_months": (1, 240),
    "questions_per_quiz": (1, MAX_QUESTIONS),
    "time_limit_minutes": (1, 1_440),
    "attempts_per_day": (1, 100),
    "retake_wait_minutes": (0, 1_440),
}
OPTIONAL_INTS = ("validity_months", "time_limit_minutes")
MODULE_FIELDS = ("slug", "title", "summary", "audience", "estimated_minutes", "pass_mark", "validity_months",
                 "mandatory_for_asn", "questions_per_quiz", "time_limit_minutes", "attempts_per_day",
                 "prerequisite_id", "published", "review_policy", "retake_wait_minutes", "reading_time_check",
                 "sources")


# --- lookups -----------------------------------------------------------------------------------

def get_module(slug):
    module = db.session.scalar(select(TrainingModule).where(TrainingModule.slug == slug))
    if module is None:
        raise NotFound(_("Modul tidak ditemukan."))
    return module


def get_lesson(module, lesson_id):
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.module_id != module.id:
        raise NotFound(_("Pelajaran tidak ditemukan."))
    return lesson


def get_question(module, question_id):
    question = db.session.get(Question, question_id)
    if question is None or question.module_id != module.id:
        raise NotFound(_("Pertanyaan tidak ditemukan."))
    return question


def module_list():
    """Every module (published or not) with its lesson, active question and attempt counts."""
    lessons = (select(Lesson.module_id, func.count(Lesson.id).label("n")).group_by(Lesson.module_id).subquery())
    questions = (select(Question.module_id, func.count(Question.id).label("n"))
                 .where(Question.active.is_(True)).group_by(Question.module_id).subquery())
    attempts = (select(QuizAttempt.module_id, func.count(QuizAttempt.id).label("n"))
                .group_by(QuizAttempt.module_id).subquery())
    rows = db.session.execute(
        select(TrainingModule, func.coalesce(lessons.c.n, 0), func.coalesce(questions.c.n, 0),
               func.coalesce(attempts.c.n, 0))
        .outerjoin(lessons, lessons.c.module_id == TrainingModule.id)
        .outerjoin(questions, questions.c.module_id == TrainingModule.id)
        .outerjoin(attempts, attempts.c.module_id == TrainingModule.id)
        .order_by(TrainingModule.title, TrainingModule.id)).all()
    return [(module, n_lessons, n_questions, n_attempts) for module, n_lessons, n_questions, n_attempts in rows]


def prerequisite_choices(module=None):
    """Modules that may be the prerequisite of `module` (itself and those that need it excluded)."""
    modules = db.session.scalars(select(TrainingModule).order_by(TrainingModule.title)).all()
    if module is None or module.id is None:
        return modules
    by_id = {m.id: m for m in modules}
    return [m for m in modules if m.id != module.id and not _depends_on(m, module.id, by_id)]


def _depends_on(module, target_id, by_id):
    """Does `module` need `target_id`, directly or through its own prerequisites?"""
    seen = set()
    current = module.prerequisite_id
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        current = by_id[current].prerequisite_id if current in by_id else None
    return False


def _has_attempts(module):
    return module.id is not None and db.session.scalar(
        select(exists().where(QuizAttempt.module_id == module.id)))


# --- checks shared by the forms and the importer ---------------------------------------------------

def _error(message, field=None):
    return DomainError(message, field=field)


def _refuse_placeholders(field, text, label=""):
    """Titles are shown in many places (lists, breadcrumbs, certificates) and stay literal."""
    if PLACEHOLDER_RE.search(text or ""):
        raise _error(label + _("judul tidak boleh memuat penanda {{...}}; pakai penanda di isi, ringkasan atau "
                               "pertanyaan."), field)


def _check_placeholders(field, *texts, label=""):
    """Refuse a {{name}} that is not one of the city's settings (training/placeholders.py)."""
    for text in texts:
        unknown = unknown_placeholders(text)
        if unknown:
            raise _error(label + _("penanda {{%(name)s}} tidak dikenal. Penanda yang tersedia: %(names)s.",
                                   name=unknown[0], names=", ".join("{{%s}}" % name for name in PLACEHOLDERS)),
                         field)


def check_module_fields(values, module=None):
    """Check a module's settings (a dict of MODULE_FIELDS); returns them cleaned. Raises DomainError."""
    clean = dict(values)
    slug = (clean.get("slug") or "").strip()
    if not slug or len(slug) > MAX_SLUG or not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise _error(_("Alamat halaman hanya boleh berisi huruf kecil, angka dan tanda hubung (paling banyak %(n)d karakter), "
                       "misalnya kode-etik-asn.", n=MAX_SLUG), "slug")
    clean["slug"] = slug
    taken = db.session.scalar(select(TrainingModule.id).where(TrainingModule.slug == slug))
    if taken is not None and (module is None or taken != module.id):
        raise _error(_("Alamat halaman %(slug)s sudah dipakai modul lain.", slug=slug), "slug")
    title = (clean.get("title") or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise _error(_("Judul wajib diisi, paling banyak %(n)d karakter.", n=MAX_TITLE), "title")
    clean["title"] = title
    _refuse_placeholders("title", title)
    clean["summary"] = clean.get("summary") or ""
    if len(clean["summary"]) > MAX_SUMMARY:
        raise _error(_("Ringkasan paling banyak %(n)d karakter.", n=MAX_SUMMARY), "summary")
    _check_placeholders("summary", clean["summary"], label=_("Ringkasan: "))
    sources = clean.get("sources")
    clean["sources"] = parse_lines(sources) if isinstance(sources, str) else clean_sources(sources, field="sources")
    if clean.get("audience") not in AUDIENCES:
        raise _error(_("Sasaran harus salah satu dari: %(values)s.", values=", ".join(AUDIENCES)), "audience")
    for name, (low, high) in INT_RANGES.items():
        value = clean.get(name)
        if value is None and name in OPTIONAL_INTS:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _error(_("%(field)s harus bilangan bulat antara %(low)d dan %(high)d.",
                           field=name, low=low, high=high), name)
    clean["mandatory_for_asn"] = bool(clean.get("mandatory_for_asn"))
    clean["published"] = bool(clean.get("published"))
    clean["reading_time_check"] = bool(clean.get("reading_time_check"))
    if clean.get("review_policy") not in REVIEW_POLICIES:
        raise _error(_("Kebijakan pembahasan harus salah satu dari: %(values)s.", values=", ".join(REVIEW_POLICIES)),
                     "review_policy")
    if clean["mandatory_for_asn"] and clean["audience"] == "komunitas":
        raise _error(_("Modul untuk komunitas tidak dapat diwajibkan bagi ASN."), "mandatory_for_asn")
    prerequisite_id = clean.get("prerequisite_id")
    if prerequisite_id is not None:
        prerequisite = db.session.get(TrainingModule, prerequisite_id)
        if prerequisite is None:
            raise _error(_("Modul prasyarat tidak ditemukan."), "prerequisite_id")
        if module is not None and module.id is not None:
            by_id = {m.id: m for m in db.session.scalars(select(TrainingModule))}
            if prerequisite.id == module.id or _depends_on(prerequisite, module.id, by_id):
                raise _error(_("Prasyarat melingkar: modul %(title)s sudah (tidak langsung) memerlukan modul ini.",
                               title=prerequisite.title), "prerequisite_id")
    return clean


def check_question(kind, text, explanation, options, label=""):
    """Check one question: its kind, text, 2 or more options and the right number of correct ones.

    `options` is [(text, correct), ...]; `label` ("Pertanyaan 3: ") prefixes the message.
    """
    if kind not in QUESTION_KINDS:
        raise _error(label + _("jenis harus \"single\" atau \"multiple\"."), "kind")
    if not (text or "").strip() or len(text) > MAX_QUESTION_TEXT:
        raise _error(label + _("teks pertanyaan wajib diisi, paling banyak %(n)d karakter.", n=MAX_QUESTION_TEXT),
                     "text")
    if len(explanation or "") > MAX_QUESTION_TEXT:
        raise _error(label + _("penjelasan paling banyak %(n)d karakter.", n=MAX_QUESTION_TEXT), "explanation")
    if len(options) < 2:
        raise _error(label + _("harus punya paling sedikit dua pilihan jawaban."), "options")
    if len(options) > MAX_OPTIONS:
        raise _error(label + _("paling banyak %(n)d pilihan jawaban.", n=MAX_OPTIONS), "options")
    for option_text, _correct in options:
        if not (option_text or "").strip() or len(option_text) > MAX_OPTION_TEXT:
            raise _error(label + _("setiap pilihan wajib berisi teks, paling banyak %(n)d karakter.",
                                   n=MAX_OPTION_TEXT), "options")
    _check_placeholders("text", text, label=label)
    _check_placeholders("explanation", explanation, label=label)
    _check_placeholders("options", *(option_text for option_text, _correct in options), label=label)
    correct = sum(1 for _text, is_correct in options if is_correct)
    if kind == SINGLE and correct != 1:
        raise _error(label + _("pilihan tunggal harus punya tepat satu jawaban benar."), "options")
    if kind == MULTIPLE and correct < 1:
        raise _error(label + _("pilihan ganda harus punya paling sedikit satu jawaban benar."), "options")


def _check_lesson(title, body, label=""):
    if not (title or "").strip() or len(title) > MAX_TITLE:
        raise _error(label + _("judul pelajaran wajib diisi, paling banyak %(n)d karakter.", n=MAX_TITLE), "title")
    if not (body or "").strip() or len(body) > MAX_LESSON_BODY:
        raise _error(label + _("isi pelajaran wajib diisi, paling banyak %(n)d karakter.", n=MAX_LESSON_BODY), "body")
    _refuse_placeholders("title", title, label=label)
    _check_placeholders("body", body, label=label)


def _check_publishable(module, lessons, questions):
    if module.published and (lessons < 1 or questions < 1):
        raise _error(_("Modul yang diterbitkan harus punya paling sedikit satu pelajaran dan satu pertanyaan aktif."),
                     "published")


def correct_is_longest(options):
    """Whether a single-answer question's correct option is longer than every wrong one.

    `options` is [(text, correct), ...]. A learner who did not read the lessons picks the longest
    option; a bank where that wins in more than half the questions does not test the lessons.
    """
    right = [len(text.strip()) for text, correct in options if correct]
    wrong = [len(text.strip()) for text, correct in options if not correct]
    return bool(right) and (not wrong or max(right) > max(wrong))


def longest_answer_share(questions):
    """(questions whose correct option is the longest, single-answer questions) for [(kind, options)]."""
    singles = [options for kind, options in questions if kind == SINGLE and options]
    return sum(1 for options in singles if correct_is_longest(options)), len(singles)


def bank_warning(module):
    """Sentences for the author about the active bank, or None when it is sound.

    Fewer than twice the questions drawn per quiz: a retake cannot avoid the questions the previous
    attempt showed. The correct option the longest in more than half the single-answer questions:
    guessing the longest option passes without the lessons.
    """
    if module is None or module.id is None:
        return None
    warnings = []
    active = _counts(module)[1]
    if active < 2 * module.questions_per_quiz:
        warnings.append(_("Bank soal hanya berisi %(active)d pertanyaan aktif untuk %(drawn)d soal per kuis. "
                          "Percobaan ulang akan memuat lagi soal yang sudah terlihat; sediakan paling sedikit "
                          "%(needed)d pertanyaan aktif (dua kali jumlah soal per kuis).", active=active,
                          drawn=module.questions_per_quiz, needed=2 * module.questions_per_quiz))
    longest, singles = longest_answer_share(
        (question.kind, [(option.text, option.correct) for option in question.options])
        for question in module.questions if question.active)
    if longest * 2 > singles:
        warnings.append(_("Pada %(longest)d dari %(singles)d soal pilihan tunggal, jawaban benar adalah pilihan "
                          "terpanjang, sehingga peserta dapat lulus dengan menebak pilihan terpanjang. Samakan "
                          "panjang pilihan atau buat pilihan salah yang lebih lengkap.",
                          longest=longest, singles=singles))
    return " ".join(warnings) or None


def _counts(module):
    lessons = db.session.scalar(select(func.count(Lesson.id)).where(Lesson.module_id == module.id)) or 0
    questions = db.session.scalar(select(func.count(Question.id)).where(
        Question.module_id == module.id, Question.active.is_(True))) or 0
    return lessons, questions


# --- modules -----------------------------------------------------------------------------------

def save_module(actor, module=None, *, now=None, **values):
    """Create a module or change its settings (slug unique, no prerequisite cycle, publishable)."""
    permissions.require(actor, "training.author", module)
    now = now or clock.now()
    clean = check_module_fields({name: values.get(name) for name in MODULE_FIELDS}, module)
    created = module is None
    if created:
        module = TrainingModule(created_at=now)
        db.session.add(module)
    changed = sorted(name for name in MODULE_FIELDS if getattr(module, name, None) != clean[name])
    for name in MODULE_FIELDS:
        setattr(module, name, clean[name])
    module.updated_at = now
    db.session.flush()
    _check_publishable(module, *_counts(module))
    audit.record(actor, "training.module_created" if created else "training.module_updated", module, now=now,
                 slug=module.slug, fields=changed or None)
    db.session.commit()
    return module


# --- lessons -----------------------------------------------------------------------------------

def add_lesson(actor, module, *, title, body, now=None):
    """Add a lesson at the end of the module."""
    permissions.require(actor, "training.author", module)
    now = now or clock.now()
    _check_lesson(title, body)
    last = db.session.scalar(select(func.max(Lesson.position)).where(Lesson.module_id == module.id)) or 0
    lesson = Lesson(module=module, position=last + 1, title=title.strip(), body=body)
    db.session.add(lesson)
    module.updated_at = now
    audit.record(actor, "training.lesson_added", lesson, now=now, module=module.slug)
    db.session.commit()
    return lesson


def update_lesson(actor, lesson, *, title, body, now=None):
    """Change a lesson's title and text (learners' progress on it stays)."""
    permissions.require(actor, "training.author", lesson.module)
    now = now or clock.now()
    _check_lesson(title, body)
    lesson.title, lesson.body = title.strip(), body
    lesson.module.updated_at = now
    audit.record(actor, "training.lesson_updated", lesson, now=now, module=lesson.module.slug)
    db.session.commit()
    return lesson


def _delete_lessons(module, lessons):
    """Delete lessons with their learners' progress and visit rows (first: they point at them); the
    questions that named one as the lesson to reread name none."""
    ids = [lesson.id for lesson in lessons if lesson.id is not None]
    if ids:
        db.session.execute(delete(LessonProgress).where(LessonProgress.lesson_id.in_(ids)))
        db.session.execute(delete(LessonVisit).where(LessonVisit.lesson_id.in_(ids)))
        for question in module.questions:
            if question.lesson_id in ids:
                question.lesson_id = None
                question.lesson = None
    for lesson in lessons:
        db.session.delete(lesson)
    db.session.flush()
    db.session.expire(module, ["lessons"])


def delete_lesson(actor, lesson, *, now=None):
    """Delete a lesson and its progress rows; a published module keeps at least one lesson."""
    module = lesson.module
    permissions.require(actor, "training.author", module)
    now = now or clock.now()
    lessons = list(module.lessons)
    if module.published and len(lessons) <= 1:
        raise _error(_("Modul yang diterbitkan harus punya paling sedikit satu pelajaran."))
    audit.record(actor, "training.lesson_deleted", lesson, now=now, module=module.slug, title=lesson.title)
    _delete_lessons(module, [lesson])
    db.session.flush()
    for position, remaining in enumerate(module.lessons, start=1):
        remaining.position = position
    module.updated_at = now
    db.session.commit()


def move_lesson(actor, lesson, direction, *, now=None):
    """Swap a lesson with its neighbour above ("up") or below ("down")."""
    module = lesson.module
    permissions.require(actor, "training.author", module)
    now = now or clock.now()
    lessons = list(module.lessons)
    index = lessons.index(lesson)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(lessons):
        return lesson
    lessons[index], lessons[other] = lessons[other], lessons[index]
    for position, item in enumerate(lessons, start=1):
        item.position = position
    module.updated_at = now
    audit.record(actor, "training.lesson_moved", lesson, now=now, module=module.slug, position=lesson.position)
    db.session.commit()
    return lesson


# --- questions ---------------------------------------------------------------------------------

def _set_options(question, options):
    """Write [(text, correct), ...] onto the question, keeping option ids by position."""
    existing = list(question.options)
    for position, (text, correct) in enumerate(options, start=1):
        if position <= len(existing):
            option = existing[position - 1]
            option.text, option.correct, option.position = text, bool(correct), position
        else:
            question.options.append(Option(position=position, text=text, correct=bool(correct)))
    for option in existing[len(options):]:
        question.options.remove(option)


def _clean_options(options):
    return [((text or "").strip(), bool(correct)) for text, correct in options if (text or "").strip()]


def save_question(actor, module, question=None, *, kind, text, explanation="", options, active=True, lesson_id=None,
                  now=None):
    """Add or change a question with its options: two or more, and the right number correct; the
    lesson to reread, if given, is one of the module's."""
    permissions.require(actor, "training.author", module)
    now = now or clock.now()
    options = _clean_options(options)
    check_question(kind, text, explanation, options)
    if lesson_id is not None:
        lesson = db.session.get(Lesson, lesson_id)
        if lesson is None or lesson.module_id != module.id:
            raise _error(_("Pelajaran untuk dibaca ulang harus salah satu pelajaran modul ini."), "lesson_id")
    created = question is None
    if created:
        last = db.session.scalar(select(func.max(Question.position)).where(Question.module_id == module.id)) or 0
        question = Question(module=module, position=last + 1)
        db.session.add(question)
    question.kind, question.text, question.explanation = kind, text.strip(), (explanation or "").strip()
    question.active = bool(active)
    question.lesson_id = lesson_id
    _set_options(question, options)
    db.session.flush()
    _check_publishable(module, *_counts(module))
    module.updated_at = now
    audit.record(actor, "training.question_added" if created else "training.question_updated", question, now=now,
                 module=module.slug, active=question.active)
    db.session.commit()
    return question


def delete_question(actor, question, *, now=None):
    """Delete a question, or only deactivate it once the module's quiz has been attempted."""
    module = question.module
    permissions.require(actor, "training.author", module)
    now = now or clock.now()
    if _has_attempts(module):
        question.active = False
        action = "training.question_deactivated"
    else:
        db.session.delete(question)
        action = "training.question_deleted"
    db.session.flush()
    db.session.expire(module, ["questions"])
    _check_publishable(module, *_counts(module))
    module.updated_at = now
    audit.record(actor, action, module, now=now, question_id=question.id)
    db.session.commit()
    return action == "training.question_deleted"


# --- export and import -------------------------------------------------------------------------

def export_module(module):
    """The module as one JSON-ready dict in EXPORT_FORMAT (active questions only)."""
    return {
        "format": EXPORT_FORMAT,
        "slug": module.slug,
        "title": module.title,
        "summary": module.summary or "",
        "audience": module.audience,
        "estimated_minutes": module.estimated_minutes,
        "pass_mark": module.pass_mark,
        "validity_months": module.validity_months,
        "mandatory_for_asn": bool(module.mandatory_for_asn),
        "questions_per_quiz": module.questions_per_quiz,
        "time_limit_minutes": module.time_limit_minutes,
        "attempts_per_day": module.attempts_per_day,
        "review_policy": module.review_policy,
        "retake_wait_minutes": module.retake_wait_minutes,
        "reading_time_check": bool(module.reading_time_check),
        "prerequisite": module.prerequisite.slug if module.prerequisite is not None else None,
        "published": bool(module.published),
        "sources": list(module.sources or []),
        "lessons": [{"title": lesson.title, "body": lesson.body} for lesson in module.lessons],
        "questions": [
            {"kind": question.kind, "text": question.text, "explanation": question.explanation or "",
             # The lesson to reread, by its position (1 is the first lesson); null when none.
             "lesson": question.lesson.position if question.lesson is not None else None,
             "options": [{"text": option.text, "correct": bool(option.correct)} for option in question.options]}
            for question in module.questions if question.active
        ],
    }


def export_json(module):
    """The export as UTF-8 text, stable (same module, same bytes)."""
    return json.dumps(export_module(module), ensure_ascii=False, indent=2) + "\n"


def parse_module_file(raw):
    """Bytes of an uploaded file → the dict import_module takes; a clear DomainError otherwise."""
    if not raw:
        raise _error(_("Berkas kosong. Pilih berkas JSON hasil ekspor modul."), "file")
    if len(raw) > MAX_FILE_BYTES:
        raise _error(_("Berkas terlalu besar (paling besar %(n)d MB).", n=MAX_FILE_BYTES // (1024 * 1024)), "file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _error(_("Berkas bukan teks UTF-8. Pilih berkas JSON hasil ekspor modul."), "file") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        line = getattr(e, "lineno", None)
        if line:
            raise _error(_("Berkas bukan JSON yang sah (kesalahan di baris %(line)d).", line=line), "file") from None
        raise _error(_("Berkas bukan JSON yang sah."), "file") from None
    where = unstorable(data)
    if where:
        # PostgreSQL stores no NUL byte and UTF-8 no lone surrogate: refuse here, not with a 500.
        raise _error(_("Isian \"%(field)s\" memuat karakter yang tidak diizinkan (karakter NUL atau surrogate). "
                       "Hapus karakter itu lalu kirim kembali.", field=where), "file")
    return data


_MISSING = object()
_DEFAULTS = {"summary": "", "audience": "asn", "estimated_minutes": 30, "pass_mark": 80, "validity_months": None,
             "mandatory_for_asn": False, "questions_per_quiz": 10, "time_limit_minutes": None, "attempts_per_day": 3,
             "prerequisite": None, "published": False, "questions": [],
             # Added with issue 11; files exported before carry none of them and get these.
             "review_policy": AFTER_PASS, "retake_wait_minutes": 10, "reading_time_check": True,
             # Added with issue 12.
             "sources": []}


def _field(data, name, types, *, required=False, nullable=False):
    value = data.get(name, _MISSING)
    if value is _MISSING:
        if required:
            raise _error(_("Kolom \"%(field)s\" wajib ada.", field=name), "file")
        return _DEFAULTS.get(name)
    if value is None and nullable:
        return None
    if isinstance(value, bool) and bool not in types or not isinstance(value, types):
        raise _error(_("Kolom \"%(field)s\" jenisnya salah.", field=name), "file")
    return value


def validate_module_data(data):
    """Check a module file's content fully before anything is written; returns the cleaned parts."""
    if not isinstance(data, dict):
        raise _error(_("Isi berkas harus satu objek JSON ({...}) berisi satu modul."), "file")
    if data.get("format") != EXPORT_FORMAT:
        raise _error(_("Format berkas tidak dikenal: kolom \"format\" harus \"%(format)s\".", format=EXPORT_FORMAT),
                     "file")
    values = {
        "slug": _field(data, "slug", (str,), required=True),
        "title": _field(data, "title", (str,), required=True),
        "summary": _field(data, "summary", (str,)),
        "audience": _field(data, "audience", (str,)),
        "mandatory_for_asn": _field(data, "mandatory_for_asn", (bool,)),
        "published": _field(data, "published", (bool,)),
        "review_policy": _field(data, "review_policy", (str,)),
        "reading_time_check": _field(data, "reading_time_check", (bool,)),
        "sources": clean_sources(_field(data, "sources", (list,))),
    }
    for name in INT_RANGES:
        values[name] = _field(data, name, (int,), nullable=name in OPTIONAL_INTS)
    prerequisite = _field(data, "prerequisite", (str,), nullable=True)
    lessons = _field(data, "lessons", (list,), required=True)
    questions = _field(data, "questions", (list,))
    if not lessons:
        raise _error(_("Modul harus punya paling sedikit satu pelajaran."), "file")
    if len(lessons) > MAX_LESSONS:
        raise _error(_("Paling banyak %(n)d pelajaran per modul.", n=MAX_LESSONS), "file")
    if len(questions) > MAX_QUESTIONS:
        raise _error(_("Paling banyak %(n)d pertanyaan per modul.", n=MAX_QUESTIONS), "file")
    clean_lessons = []
    for number, lesson in enumerate(lessons, start=1):
        label = _("Pelajaran %(n)d: ", n=number)
        if not isinstance(lesson, dict) or not isinstance(lesson.get("title"), str) \
                or not isinstance(lesson.get("body"), str):
            raise _error(label + _("harus berupa objek dengan \"title\" dan \"body\" berupa teks."), "file")
        _check_lesson(lesson["title"], lesson["body"], label)
        clean_lessons.append({"title": lesson["title"].strip(), "body": lesson["body"]})
    clean_questions = []
    for number, question in enumerate(questions, start=1):
        label = _("Pertanyaan %(n)d: ", n=number)
        if not isinstance(question, dict) or not isinstance(question.get("text"), str) \
                or not isinstance(question.get("options"), list) \
                or not isinstance(question.get("explanation", ""), str):
            raise _error(label + _("harus berupa objek dengan \"kind\", \"text\", \"explanation\" dan \"options\"."),
                         "file")
        options = []
        for option in question["options"]:
            if not isinstance(option, dict) or not isinstance(option.get("text"), str) \
                    or not isinstance(option.get("correct"), bool):
                raise _error(label + _("setiap pilihan harus berupa objek dengan \"text\" (teks) dan "
                                       "\"correct\" (true/false)."), "file")
            options.append((option["text"].strip(), option["correct"]))
        check_question(question.get("kind"), question["text"], question.get("explanation", ""), options, label)
        lesson_position = question.get("lesson")
        if lesson_position is not None and (isinstance(lesson_position, bool) or not isinstance(lesson_position, int)
                                            or not 1 <= lesson_position <= len(clean_lessons)):
            raise _error(label + _("\"lesson\" harus nomor urut salah satu pelajaran modul (1 sampai %(n)d) atau "
                                   "null.", n=len(clean_lessons)), "file")
        clean_questions.append({"kind": question["kind"], "text": question["text"].strip(),
                                "explanation": (question.get("explanation") or "").strip(), "options": options,
                                "lesson": lesson_position})
    return values, prerequisite, clean_lessons, clean_questions


def import_module(data, *, actor, now=None, replace=True):
    """Create a module from an export dict, or update the module with its slug in place (replace=True).

    Authors only (the command line acts as SYSTEM). Checks the whole file first; on any problem
    raises DomainError naming it and writes nothing. Commits once; returns the module.
    """
    permissions.require(actor, "training.author")
    now = now or clock.now()
    values, prerequisite_slug, lessons, questions = validate_module_data(data)
    module = db.session.scalar(select(TrainingModule).where(TrainingModule.slug == values["slug"]))
    if module is not None and not replace:
        raise _error(_("Modul dengan alamat halaman %(slug)s sudah ada.", slug=values["slug"]), "file")
    values["prerequisite_id"] = None
    if prerequisite_slug is not None:
        prerequisite = db.session.scalar(select(TrainingModule).where(TrainingModule.slug == prerequisite_slug))
        if prerequisite is None:
            raise _error(_("Modul prasyarat %(slug)s belum ada; impor modul itu lebih dulu.", slug=prerequisite_slug),
                         "file")
        values["prerequisite_id"] = prerequisite.id
    try:
        values = check_module_fields(values, module)
    except DomainError as e:
        raise _error(e.message, "file") from None
    if values["published"] and not questions:
        raise _error(_("Modul yang diterbitkan harus punya paling sedikit satu pelajaran dan satu pertanyaan aktif."),
                     "file")
    created = module is None
    if created:
        module = TrainingModule(created_at=now)
        db.session.add(module)
    for name in MODULE_FIELDS:
        setattr(module, name, values[name])
    module.updated_at = now

    # Lessons: the n-th lesson of the file updates the n-th one here (its progress stays).
    existing = list(module.lessons)
    for position, lesson in enumerate(lessons, start=1):
        if position <= len(existing):
            row = existing[position - 1]
            row.position, row.title, row.body = position, lesson["title"], lesson["body"]
        else:
            module.lessons.append(Lesson(position=position, title=lesson["title"], body=lesson["body"]))
    _delete_lessons(module, existing[len(lessons):])

    # Questions likewise; the ones left over are deleted, or deactivated once attempted.
    db.session.flush()
    db.session.expire(module, ["lessons"])
    by_position = {lesson.position: lesson for lesson in module.lessons}
    existing = list(module.questions)
    for position, question in enumerate(questions, start=1):
        if position <= len(existing):
            row = existing[position - 1]
        else:
            row = Question(position=position)
            module.questions.append(row)
        row.position, row.kind, row.text, row.explanation, row.active = (
            position, question["kind"], question["text"], question["explanation"], True)
        row.lesson = by_position.get(question["lesson"]) if question["lesson"] is not None else None
        _set_options(row, question["options"])
    leftover = existing[len(questions):]
    if leftover:
        if _has_attempts(module):
            for position, row in enumerate(leftover, start=len(questions) + 1):
                row.position, row.active = position, False
        else:
            for row in leftover:
                db.session.delete(row)
    db.session.flush()
    db.session.expire(module, ["lessons", "questions"])
    audit.record(actor, "training.module_imported", module, now=now, slug=module.slug,
                 created=created, lessons=len(lessons), questions=len(questions))
    db.session.commit()
    return module
