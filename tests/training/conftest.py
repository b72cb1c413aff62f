"""Shared training fixtures: an ASN learner, an admin, a citizen, and factories that insert rows
directly (fast, no rules): `make_module` (numbered lessons and a question bank with known answers),
`make_certificate`, and the helpers `read_all(user, module)` and `correct_answers(attempt)`.

Times: NOW is a fixed Monday morning in WIB (Asia/Jakarta, the test APP_TIMEZONE).

Question bank of `make_module`: question n (1-based) is single choice when n is odd and multiple
choice when n is even. Single: options "A".."D" (positions 1-4), only the first is correct.
Multiple: the first two are correct, the last two are not. Option texts are neutral ("Pilihan 3B").
Every question has the explanation "Penjelasan soal n".

The modules `make_module` builds turn the reading-time check and the wait between attempts OFF
(reading_time_check=False, retake_wait_minutes=0), so the tests of other rules can read and retake
at once; the tests of those two rules turn them on (the model's defaults are on: 10 minutes).
"""
from datetime import timedelta

import pytest

from core.extensions import db
from core.permissions import ADMIN, ASN, CITIZEN, MODERATOR

from tests.conftest import NOW, WIB  # noqa: F401  (re-exported: the tests here import them from this module)


@pytest.fixture
def unit(make_unit):
    return make_unit(name="Dinas Komunikasi dan Informatika", short_name="Diskominfo")


@pytest.fixture
def asn(make_user, unit):
    """A confirmed ASN with a unit and a NIP."""
    return make_user(ASN, unit=unit, email="asn@example.com", nip="198503122010011003",
                     full_name="Siti Rahmawati")


@pytest.fixture
def admin(make_user):
    return make_user(ADMIN, email="admin@example.com", full_name="Admin Pelatihan")


@pytest.fixture
def moderator(make_user):
    return make_user(MODERATOR, email="moderator@example.com")


@pytest.fixture
def citizen(make_user):
    return make_user(CITIZEN, email="warga@example.com", full_name="Budi Santoso")


@pytest.fixture
def make_module():
    """Insert a module with numbered lessons and questions; any module column can be overridden."""
    from training.models import MULTIPLE, SINGLE, Lesson, Option, Question, TrainingModule

    counter = {"n": 0}

    def make(slug=None, *, lessons=3, questions=12, questions_per_quiz=10, pass_mark=80, audience="asn",
             prerequisite=None, time_limit_minutes=None, attempts_per_day=3, validity_months=12,
             mandatory_for_asn=False, published=True, title=None, reading_time_check=False, retake_wait_minutes=0,
             **fields):
        counter["n"] += 1
        n = counter["n"]
        module = TrainingModule(
            slug=slug or f"modul-{n}",
            title=title or f"Kode Etik ASN {n}",
            summary=fields.pop("summary", "Ringkasan modul tentang **kode etik** dan perilaku ASN."),
            audience=audience,
            prerequisite_id=prerequisite.id if prerequisite is not None else None,
            estimated_minutes=fields.pop("estimated_minutes", 30),
            pass_mark=pass_mark,
            validity_months=validity_months,
            mandatory_for_asn=mandatory_for_asn,
            questions_per_quiz=questions_per_quiz,
            time_limit_minutes=time_limit_minutes,
            attempts_per_day=attempts_per_day,
            reading_time_check=reading_time_check,
            retake_wait_minutes=retake_wait_minutes,
            published=published,
            created_at=fields.pop("created_at", NOW - timedelta(days=30)),
            updated_at=fields.pop("updated_at", NOW - timedelta(days=30)),
            **fields,
        )
        for i in range(1, lessons + 1):
            module.lessons.append(Lesson(position=i, title=f"Pelajaran {i}",
                                         body=f"## Bagian {i}\n\nIsi pelajaran **{i}** tentang integritas."))
        for i in range(1, questions + 1):
            kind = SINGLE if i % 2 else MULTIPLE
            question = Question(position=i, kind=kind, text=f"Pertanyaan nomor {i}?",
                                explanation=f"Penjelasan soal {i}", active=True)
            correct_count = 1 if kind == SINGLE else 2
            for j, letter in enumerate("ABCD"):
                label = f"Pilihan {i}{letter}"
                question.options.append(Option(position=j + 1, text=label, correct=j < correct_count))
            module.questions.append(question)
        db.session.add(module)
        db.session.commit()
        return module
    return make


@pytest.fixture
def make_certificate():
    """Insert a certificate directly (for prerequisites, badges, reports); returns it."""
    from training.models import Certificate

    counter = {"n": 0}

    def make(user, module, *, issued_at=None, expires_at="default", revoked_at=None, score=90, attempt=None,
             code=None):
        counter["n"] += 1
        issued_at = issued_at or NOW - timedelta(days=10)
        if expires_at == "default":
            expires_at = (issued_at + timedelta(days=30 * module.validity_months)
                          if module.validity_months else None)
        certificate = Certificate(
            code=code or f"TESTCODE{counter['n']:04d}",
            user_id=user.id, module_id=module.id, attempt_id=attempt.id if attempt is not None else None,
            holder_name=user.full_name, holder_nip=getattr(user, "nip", None), module_title=module.title,
            score=score, issued_at=issued_at, expires_at=expires_at, revoked_at=revoked_at)
        db.session.add(certificate)
        db.session.commit()
        return certificate
    return make


@pytest.fixture
def read_all():
    """Mark every lesson of a module read by the user (direct insert)."""
    from training.models import LessonProgress

    def do(user, module, at=None):
        done = {row.lesson_id for row in LessonProgress.query.filter_by(user_id=user.id, module_id=module.id)}
        for lesson in module.lessons:
            if lesson.id not in done:
                db.session.add(LessonProgress(user_id=user.id, module_id=module.id, lesson_id=lesson.id,
                                              read_at=at or NOW - timedelta(hours=1)))
        db.session.commit()
    return do


@pytest.fixture
def correct_answers():
    """The right answers of an attempt: {question id: [correct option id, ...]} (ints)."""
    from training.models import Option

    def answers(attempt):
        qids = [int(q) for q in attempt.question_ids]
        rows = Option.query.filter(Option.question_id.in_(qids), Option.correct.is_(True)).all()
        result = {qid: [] for qid in qids}
        for option in rows:
            result[option.question_id].append(option.id)
        return result
    return answers
