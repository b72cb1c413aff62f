"""The quiz: opening rules, random draw, shuffled options, scoring, time limit, attempts per day,
review after submission, and that nothing reveals the answers before it."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.permissions import ASN
from training import certificate_services
from training import learning_services as services
from training.models import MULTIPLE, SINGLE, Option, Question, QuizAttempt

from .conftest import NOW, WIB


@pytest.fixture
def issued(monkeypatch):
    """Stand in for the certificate service (tested by its own developer): record each call."""
    calls = []
    monkeypatch.setattr(certificate_services, "issue", lambda attempt, *, now: calls.append((attempt.id, now)))
    return calls


@pytest.fixture
def ready(asn, make_module, read_all):
    """A module whose lessons the ASN has read; returns a factory so tests can set its columns."""
    def make(**fields):
        module = make_module(**fields)
        read_all(asn, module)
        return module
    return make


def wrong_answers(attempt):
    """For each drawn question an option that is not correct."""
    answers = {}
    for qid in attempt.question_ids:
        wrong = Option.query.filter_by(question_id=qid, correct=False).first()
        answers[qid] = [wrong.id]
    return answers


# --- opening the quiz ---------------------------------------------------------------------------------

def test_the_quiz_opens_only_when_every_lesson_is_read(asn, make_module):
    module = make_module(lessons=2)
    services.mark_read(asn, module.lessons[0], NOW)
    with pytest.raises(DomainError, match="pelajaran"):
        services.start_attempt(asn, module, NOW)
    services.mark_read(asn, module.lessons[1], NOW)
    assert services.start_attempt(asn, module, NOW).id


def test_the_quiz_is_locked_without_a_valid_prerequisite_certificate(asn, make_module, make_certificate, read_all):
    basic = make_module(slug="dasar")
    advanced = make_module(slug="lanjutan", prerequisite=basic)
    read_all(asn, advanced)  # even with every lesson read (say, before the certificate expired)
    make_certificate(asn, basic, issued_at=NOW - timedelta(days=400), expires_at=NOW - timedelta(days=1))
    with pytest.raises(DomainError, match="prasyarat"):
        services.start_attempt(asn, advanced, NOW)
    make_certificate(asn, basic)
    assert services.start_attempt(asn, advanced, NOW).id


def test_a_citizen_cannot_start_an_asn_quiz(citizen, make_module, read_all):
    module = make_module(audience="asn")
    read_all(citizen, module)
    with pytest.raises(NotAllowed):
        services.start_attempt(citizen, module, NOW)


# --- the draw -------------------------------------------------------------------------------------------

def test_the_quiz_draws_the_set_number_of_distinct_active_questions(asn, ready):
    module = ready(questions=12, questions_per_quiz=10)
    module.questions[0].active = False
    module.questions[1].active = False
    inactive = {module.questions[0].id, module.questions[1].id}
    db.session.commit()
    attempt = services.start_attempt(asn, module, NOW)
    assert len(attempt.question_ids) == 10 == len(set(attempt.question_ids))
    assert not inactive & set(attempt.question_ids)


def test_the_quiz_draws_no_more_than_the_bank_holds(asn, ready):
    module = ready(questions=4, questions_per_quiz=10)
    assert len(services.start_attempt(asn, module, NOW).question_ids) == 4


def test_the_draw_uses_the_system_random_generator(asn, ready, monkeypatch):
    module = ready(questions=12, questions_per_quiz=5)
    used = []

    class Recording(services.random.SystemRandom):
        def sample(self, population, k):
            used.append(k)
            return list(population)[-k:]  # the last five, to see the result is the sample's
    monkeypatch.setattr(services.random, "SystemRandom", Recording)
    attempt = services.start_attempt(asn, module, NOW)
    assert used == [5]
    assert attempt.question_ids == [q.id for q in module.questions[-5:]]


def test_draws_differ_between_attempts(make_user, ready, make_module, read_all, now):
    module = make_module(questions=30, questions_per_quiz=5)
    draws = set()
    for n in range(5):
        learner = make_user(ASN, nip=f"19900101201501100{n}")
        read_all(learner, module)
        draws.add(tuple(services.start_attempt(learner, module, NOW).question_ids))
    assert len(draws) > 1  # five identical draws of 5 from 30: about 1 in 10^19


def test_each_questions_options_are_shuffled(asn, ready):
    module = ready(questions=12, questions_per_quiz=12)
    attempt = services.start_attempt(asn, module, NOW)
    in_position_order = 0
    for question in module.questions:
        order = attempt.option_order[str(question.id)]
        assert sorted(order) == sorted(o.id for o in question.options)
        in_position_order += order == [o.id for o in question.options]
    assert in_position_order < 12  # all twelve unshuffled by chance: (1/24)^12


def test_a_time_limit_sets_the_deadline(asn, ready):
    module = ready(time_limit_minutes=15)
    assert services.start_attempt(asn, module, NOW).deadline_at == NOW + timedelta(minutes=15)
    assert services.start_attempt(asn, ready(), NOW).deadline_at is None


def test_an_unfinished_attempt_is_resumed_not_drawn_again(asn, ready):
    module = ready(time_limit_minutes=15)
    first = services.start_attempt(asn, module, NOW)
    again = services.start_attempt(asn, module, NOW + timedelta(minutes=5))
    assert again.id == first.id and QuizAttempt.query.count() == 1
    later = services.start_attempt(asn, module, NOW + timedelta(minutes=20))  # the first one ran out
    assert later.id != first.id


# --- scoring ---------------------------------------------------------------------------------------------

def test_all_correct_passes_and_issues_the_certificate(asn, ready, correct_answers, issued):
    module = ready()
    attempt = services.start_attempt(asn, module, NOW)
    services.submit_attempt(asn, attempt, correct_answers(attempt), NOW + timedelta(minutes=5))
    assert (attempt.score, attempt.passed) == (100, True)
    assert attempt.submitted_at == NOW + timedelta(minutes=5)
    assert issued == [(attempt.id, NOW + timedelta(minutes=5))]
    event = AuditEvent.query.filter_by(action="training.quiz_submitted").one()
    assert event.object_id == attempt.id and event.data["score"] == 100


def test_all_wrong_fails_without_a_certificate(asn, ready, issued):
    module = ready()
    attempt = services.start_attempt(asn, module, NOW)
    services.submit_attempt(asn, attempt, wrong_answers(attempt), NOW)
    assert (attempt.score, attempt.passed) == (0, False)
    assert issued == []


def test_score_is_the_rounded_share_of_correct_questions(asn, ready, correct_answers, issued):
    module = ready(questions=12, questions_per_quiz=12, pass_mark=80)
    attempt = services.start_attempt(asn, module, NOW)
    answers = correct_answers(attempt)
    for qid in attempt.question_ids[:2]:
        answers[qid] = []  # two left unanswered: 10 of 12 → 83
    services.submit_attempt(asn, attempt, answers, NOW)
    assert (attempt.score, attempt.passed) == (83, True)


def test_the_pass_mark_decides(asn, ready, correct_answers, issued):
    module = ready(questions=10, questions_per_quiz=10, pass_mark=80)
    attempt = services.start_attempt(asn, module, NOW)
    answers = correct_answers(attempt)
    for qid in attempt.question_ids[:3]:
        answers[qid] = []  # 7 of 10
    services.submit_attempt(asn, attempt, answers, NOW)
    assert (attempt.score, attempt.passed) == (70, False)


def _one_question_module(ready, kind):
    module = ready(questions=2, questions_per_quiz=2)
    keep = next(q for q in module.questions if q.kind == kind)
    for question in module.questions:
        question.active = question is keep
    db.session.commit()
    return keep


@pytest.mark.parametrize("pick, right", [
    ("correct", True), ("wrong", False), ("correct+wrong", False), ("none", False)])
def test_single_choice_is_right_only_with_the_one_correct_option(asn, ready, pick, right, issued):
    question = _one_question_module(ready, SINGLE)
    attempt = services.start_attempt(asn, question.module, NOW)
    correct = [o.id for o in question.options if o.correct]
    wrong = [o.id for o in question.options if not o.correct]
    chosen = {"correct": correct, "wrong": wrong[:1], "correct+wrong": correct + wrong[:1], "none": []}[pick]
    services.submit_attempt(asn, attempt, {question.id: chosen}, NOW)
    assert attempt.score == (100 if right else 0)


@pytest.mark.parametrize("pick, right", [
    ("exact", True), ("subset", False), ("superset", False), ("wrong", False), ("all", False)])
def test_multiple_choice_is_right_only_with_exactly_the_correct_set(asn, ready, pick, right, issued):
    question = _one_question_module(ready, MULTIPLE)
    attempt = services.start_attempt(asn, question.module, NOW)
    correct = [o.id for o in question.options if o.correct]
    wrong = [o.id for o in question.options if not o.correct]
    assert len(correct) == 2
    chosen = {"exact": list(reversed(correct)), "subset": correct[:1], "superset": correct + wrong[:1],
              "wrong": wrong, "all": correct + wrong}[pick]
    services.submit_attempt(asn, attempt, {question.id: chosen}, NOW)
    assert attempt.score == (100 if right else 0)


def test_options_of_other_questions_do_not_count(asn, ready, make_module, issued):
    question = _one_question_module(ready, SINGLE)
    other = make_module(slug="lain").questions[0]
    attempt = services.start_attempt(asn, question.module, NOW)
    foreign = [o.id for o in other.options]
    services.submit_attempt(asn, attempt, {question.id: foreign, other.id: foreign}, NOW)
    assert attempt.score == 0
    assert attempt.answers == {str(question.id): []}


def test_an_attempt_is_submitted_only_once(asn, ready, correct_answers, issued):
    module = ready()
    attempt = services.start_attempt(asn, module, NOW)
    services.submit_attempt(asn, attempt, wrong_answers(attempt), NOW)
    with pytest.raises(DomainError):
        services.submit_attempt(asn, attempt, correct_answers(attempt), NOW + timedelta(minutes=1))
    db.session.refresh(attempt)
    assert (attempt.score, attempt.passed) == (0, False)


def test_only_the_owner_submits(asn, make_user, ready, correct_answers, issued):
    module = ready(audience="semua")
    attempt = services.start_attempt(asn, module, NOW)
    with pytest.raises(NotAllowed):
        services.submit_attempt(make_user(ASN, nip="199001012015011001"), attempt, correct_answers(attempt), NOW)
    assert attempt.submitted_at is None


# --- time limit --------------------------------------------------------------------------------------------

def test_a_submission_within_the_grace_period_counts(asn, ready, correct_answers, issued):
    module = ready(time_limit_minutes=10)
    attempt = services.start_attempt(asn, module, NOW)
    services.submit_attempt(asn, attempt, correct_answers(attempt), NOW + timedelta(minutes=10, seconds=25))
    assert attempt.passed is True


def test_a_submission_after_the_deadline_fails(asn, ready, correct_answers, issued):
    module = ready(time_limit_minutes=10)
    attempt = services.start_attempt(asn, module, NOW)
    services.submit_attempt(asn, attempt, correct_answers(attempt), NOW + timedelta(minutes=10, seconds=31))
    assert attempt.passed is False
    assert issued == []
    assert services.submitted_late(attempt)


# --- attempts per day ---------------------------------------------------------------------------------------

def test_attempts_per_day_are_limited(asn, ready):
    module = ready(attempts_per_day=2)
    for minutes in (0, 10):
        attempt = services.start_attempt(asn, module, NOW + timedelta(minutes=minutes))
        services.submit_attempt(asn, attempt, wrong_answers(attempt), NOW + timedelta(minutes=minutes + 1))
    assert services.attempts_today(asn, module, NOW + timedelta(minutes=20)) == 2
    with pytest.raises(DomainError, match="besok"):
        services.start_attempt(asn, module, NOW + timedelta(minutes=20))
    assert services.start_attempt(asn, module, NOW + timedelta(days=1)).id


def test_attempts_are_counted_per_local_day(asn, ready):
    module = ready(attempts_per_day=1)
    late_evening = datetime(2026, 11, 2, 23, 30, tzinfo=WIB)   # 16:30 UTC
    after_midnight = datetime(2026, 11, 3, 0, 30, tzinfo=WIB)  # 17:30 UTC, the same UTC date
    attempt = services.start_attempt(asn, module, late_evening)
    services.submit_attempt(asn, attempt, wrong_answers(attempt), late_evening + timedelta(minutes=5))
    with pytest.raises(DomainError):
        services.start_attempt(asn, module, late_evening + timedelta(minutes=10))
    assert services.attempts_today(asn, module, after_midnight) == 0
    assert services.start_attempt(asn, module, after_midnight.astimezone(timezone.utc)).id


def test_an_abandoned_attempt_counts_for_the_day(asn, ready):
    module = ready(attempts_per_day=1, time_limit_minutes=5)
    services.start_attempt(asn, module, NOW)
    with pytest.raises(DomainError):
        services.start_attempt(asn, module, NOW + timedelta(minutes=30))


# --- review ----------------------------------------------------------------------------------------------

def test_review_is_only_after_submission(asn, ready, correct_answers, issued):
    module = ready()
    attempt = services.start_attempt(asn, module, NOW)
    with pytest.raises(DomainError):
        services.review(attempt, NOW)
    answers = correct_answers(attempt)
    first_qid = attempt.question_ids[0]
    answers[first_qid] = wrong_answers(attempt)[first_qid]  # 9 of 10: passes, one wrong
    services.submit_attempt(asn, attempt, answers, NOW)
    review = services.review(attempt, NOW)
    items = review.items
    assert review.answers_shown and len(items) == 10 and [i.is_correct for i in items] == [False] + [True] * 9
    first = items[0]
    qid = attempt.question_ids[0]
    assert first.explanation == db.session.get(Question, qid).explanation
    assert [o["id"] for o in first.options] == attempt.option_order[str(qid)]
    assert {o["id"] for o in first.options if o["chosen"]} == set(answers[qid])
    assert {o["id"] for o in first.options if o["correct"]} == set(correct_answers(attempt)[qid])


# --- pages ----------------------------------------------------------------------------------------------

def test_quiz_page_never_reveals_the_answers(client, login, asn, ready):
    module = ready(slug="etik", time_limit_minutes=15)
    login(asn)
    response = client.post("/pelatihan/modul/etik/kuis")
    assert response.status_code == 302
    attempt = QuizAttempt.query.one()
    assert response.headers["Location"].endswith(f"/pelatihan/kuis/{attempt.id}")
    page = client.get(f"/pelatihan/kuis/{attempt.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert "correct" not in html.lower() and "Jawaban benar" not in html
    assert "Penjelasan soal" not in html and "Penjelasan" not in html
    for question in module.questions:
        assert question.explanation not in html
    # The questions in drawn order, the options in shuffled order, radios and checkboxes in fieldsets.
    shown = [int(q) for q in re.findall(r'name="q-(\d+)"', html)]
    assert list(dict.fromkeys(shown)) == attempt.question_ids
    for qid in attempt.question_ids:
        ids = [int(v) for v in re.findall(rf'name="q-{qid}" id="[^"]+" value="(\d+)"', html)]
        assert ids == attempt.option_order[str(qid)]
        kind = db.session.get(Question, qid).kind
        assert f'type="{"checkbox" if kind == MULTIPLE else "radio"}" name="q-{qid}"' in html
    assert html.count("<fieldset") == len(attempt.question_ids) and "<legend" in html
    assert "Sisa waktu" in html and "quiz-timer.js" in html and "<script>" not in html


def test_taking_the_quiz_through_the_pages(client, login, asn, ready, correct_answers, issued):
    ready(slug="etik")
    login(asn)
    client.post("/pelatihan/modul/etik/kuis")
    attempt = QuizAttempt.query.one()
    assert client.get(f"/pelatihan/kuis/{attempt.id}/hasil").status_code == 302  # not yet submitted
    form = {f"q-{qid}": [str(o) for o in ids] for qid, ids in correct_answers(attempt).items()}
    response = client.post(f"/pelatihan/kuis/{attempt.id}", data=form)
    assert response.headers["Location"].endswith(f"/pelatihan/kuis/{attempt.id}/hasil")
    db.session.refresh(attempt)
    assert (attempt.score, attempt.passed) == (100, True)
    html = client.get(f"/pelatihan/kuis/{attempt.id}/hasil").get_data(as_text=True)
    assert "lulus" in html and "Penjelasan soal" in html
    # A second submission changes nothing; the attempt page now leads to the result.
    client.post(f"/pelatihan/kuis/{attempt.id}", data={})
    db.session.refresh(attempt)
    assert attempt.score == 100
    assert client.get(f"/pelatihan/kuis/{attempt.id}").status_code == 302


def test_result_page_links_the_certificate_of_the_attempt(client, login, asn, ready, correct_answers,
                                                          make_certificate, monkeypatch):
    module = ready(slug="etik")
    monkeypatch.setattr(certificate_services, "issue",
                        lambda attempt, *, now: make_certificate(asn, module, attempt=attempt, code="ABCD2345"))
    login(asn)
    client.post("/pelatihan/modul/etik/kuis")
    attempt = QuizAttempt.query.one()
    form = {f"q-{qid}": [str(o) for o in ids] for qid, ids in correct_answers(attempt).items()}
    client.post(f"/pelatihan/kuis/{attempt.id}", data=form)
    html = client.get(f"/pelatihan/kuis/{attempt.id}/hasil").get_data(as_text=True)
    if "training.certificate" in client.application.view_functions:
        assert "ABCD2345" in html


def test_only_the_owner_sees_an_attempt(client, login, asn, make_user, ready):
    ready(slug="etik", audience="semua")
    login(asn)
    client.post("/pelatihan/modul/etik/kuis")
    attempt = QuizAttempt.query.one()
    other = make_user(ASN, nip="199001012015011001")
    login(other)
    assert client.get(f"/pelatihan/kuis/{attempt.id}").status_code == 403
    assert client.post(f"/pelatihan/kuis/{attempt.id}", data={}).status_code == 403
    assert client.get(f"/pelatihan/kuis/{attempt.id}/hasil").status_code == 403
    assert client.get("/pelatihan/kuis/999999").status_code == 404
    db.session.refresh(attempt)
    assert attempt.submitted_at is None


def test_starting_a_locked_quiz_explains_why(client, login, asn, make_module):
    make_module(slug="etik")
    response = login(asn).post("/pelatihan/modul/etik/kuis")
    assert response.headers["Location"].endswith("/pelatihan/modul/etik")
    assert "Baca semua pelajaran" in client.get("/pelatihan/modul/etik").get_data(as_text=True)
    assert QuizAttempt.query.count() == 0


def test_passing_completes_the_module_at_once(client, login, asn, ready, make_module, correct_answers):
    """With the real certificate service: the result links the certificate and the next module unlocks."""
    from training.models import Certificate
    basic = ready(slug="dasar")
    advanced = make_module(slug="lanjutan", prerequisite=basic)
    login(asn)
    client.post("/pelatihan/modul/dasar/kuis")
    attempt = QuizAttempt.query.one()
    form = {f"q-{qid}": [str(o) for o in ids] for qid, ids in correct_answers(attempt).items()}
    client.post(f"/pelatihan/kuis/{attempt.id}", data=form)
    certificate = Certificate.query.filter_by(attempt_id=attempt.id).one()
    html = client.get(f"/pelatihan/kuis/{attempt.id}/hasil").get_data(as_text=True)
    assert f"/pelatihan/sertifikat/{certificate.code}" in html
    from core import clock
    assert services.prerequisite_met(asn, advanced, clock.now())
    assert "sertifikat berlaku" in client.get("/pelatihan/").get_data(as_text=True)
