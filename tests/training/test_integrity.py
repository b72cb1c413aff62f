"""The certificate must be earned (issue 11): a failed attempt never reveals the correct options,
a retake draws the questions it has not seen first and waits the module's minutes, a lesson counts
as read only after its minimum reading time, and the pass mark itself passes."""
from datetime import timedelta

import pytest

from core.errors import DomainError
from core.extensions import db
from core.permissions import SYSTEM
from training import authoring_services as authoring
from training import certificate_services
from training import learning_services as services
from training.models import (AFTER_LAST_ATTEMPT, AFTER_PASS, READING_WORDS_PER_MINUTE, Lesson, LessonProgress,
                             LessonVisit, Option, QuizAttempt, TrainingModule)

from .conftest import NOW


@pytest.fixture
def issued(monkeypatch):
    """Stand in for the certificate service: passing is what matters here."""
    calls = []
    monkeypatch.setattr(certificate_services, "issue", lambda attempt, *, now: calls.append(attempt.id))
    return calls


@pytest.fixture
def ready(asn, make_module, read_all):
    def make(**fields):
        module = make_module(**fields)
        read_all(asn, module)
        return module
    return make


def wrong_answers(attempt):
    return {qid: [Option.query.filter_by(question_id=qid, correct=False).first().id] for qid in attempt.question_ids}


def fail_once(user, module, at):
    attempt = services.start_attempt(user, module, at)
    services.submit_attempt(user, attempt, wrong_answers(attempt), at + timedelta(minutes=1))
    return attempt


def words(n):
    return " ".join(["kata"] * n)


# --- the pass mark ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("pass_mark, passed", [(80, True), (81, False)])
def test_a_score_exactly_at_the_pass_mark_passes_and_one_point_below_fails(asn, ready, correct_answers, issued,
                                                                          pass_mark, passed):
    module = ready(questions=10, questions_per_quiz=10, pass_mark=pass_mark)
    attempt = services.start_attempt(asn, module, NOW)
    answers = correct_answers(attempt)
    for qid in attempt.question_ids[:2]:
        answers[qid] = []  # 8 of 10 → 80
    services.submit_attempt(asn, attempt, answers, NOW)
    assert attempt.score == 80
    assert attempt.passed is passed
    assert len(issued) == (1 if passed else 0)


# --- what a failed attempt shows -------------------------------------------------------------------------

def test_a_failed_attempt_shows_which_questions_were_wrong_never_the_correct_options(asn, ready, correct_answers,
                                                                                   issued):
    module = ready(questions=12, questions_per_quiz=10, pass_mark=95)
    attempt = services.start_attempt(asn, module, NOW)
    answers = correct_answers(attempt)
    answers[attempt.question_ids[0]] = []  # one wrong, nine right: 90, below the pass mark
    services.submit_attempt(asn, attempt, answers, NOW)
    review = services.review(attempt, NOW)
    assert attempt.passed is False and review.answers_shown is False
    assert [item.is_correct for item in review.items] == [False] + [True] * 9
    assert all(item.options == [] and item.explanation == "" for item in review.items)


def test_the_result_page_of_a_failed_attempt_holds_no_option_and_no_explanation(client, login, asn, ready):
    module = ready(slug="etik")
    attempt = fail_once(asn, module, NOW)
    html = login(asn).get(f"/pelatihan/kuis/{attempt.id}/hasil").get_data(as_text=True)
    assert "belum lulus" in html and "Salah" in html
    assert "Kunci jawaban dan penjelasan ditampilkan setelah Anda lulus," in html
    assert "Jawaban benar" not in html and "Penjelasan:" not in html and "Pilihan Anda" not in html
    for question in module.questions:
        assert question.explanation not in html
        for option in question.options:
            assert option.text not in html


def test_a_wrong_question_links_its_lesson_to_reread(client, login, asn, ready):
    module = ready(slug="etik", lessons=3)
    for question in module.questions:
        question.lesson = module.lessons[1]
    db.session.commit()
    attempt = fail_once(asn, module, NOW)
    html = login(asn).get(f"/pelatihan/kuis/{attempt.id}/hasil").get_data(as_text=True)
    assert "Baca ulang:" in html and 'href="/pelatihan/modul/etik/pelajaran/2"' in html
    assert "Pelajaran modul ini untuk dibaca ulang" not in html
    assert services.review(attempt, NOW).lessons == []


def test_without_lesson_references_the_result_lists_the_modules_lessons(client, login, asn, ready):
    module = ready(slug="etik", lessons=3)
    attempt = fail_once(asn, module, NOW)
    html = login(asn).get(f"/pelatihan/kuis/{attempt.id}/hasil").get_data(as_text=True)
    assert "Pelajaran modul ini untuk dibaca ulang" in html
    for position in (1, 2, 3):
        assert f'href="/pelatihan/modul/etik/pelajaran/{position}"' in html


def test_passing_shows_the_correct_answers(asn, ready, correct_answers, issued):
    module = ready()
    attempt = services.start_attempt(asn, module, NOW)
    services.submit_attempt(asn, attempt, correct_answers(attempt), NOW)
    review = services.review(attempt, NOW)
    assert review.answers_shown and all(item.options and item.explanation for item in review.items)


@pytest.mark.parametrize("policy, shown_after_the_last", [(AFTER_PASS, False), (AFTER_LAST_ATTEMPT, True)])
def test_the_review_policy_decides_whether_the_last_permitted_attempt_reveals_the_answers(
        asn, ready, issued, policy, shown_after_the_last):
    module = ready(attempts_per_day=2, review_policy=policy)
    first = fail_once(asn, module, NOW)
    assert services.answers_shown(first, NOW + timedelta(minutes=2)) is False  # one attempt left today
    second = fail_once(asn, module, NOW + timedelta(minutes=5))
    later = NOW + timedelta(minutes=10)
    assert services.answers_shown(second, later) is shown_after_the_last
    assert services.answers_shown(first, later) is shown_after_the_last
    assert bool(services.review(second, later).items[0].options) is shown_after_the_last


def test_no_answers_are_shown_while_another_attempt_at_the_module_runs(asn, ready, correct_answers, issued):
    module = ready(attempts_per_day=3)
    passed = services.start_attempt(asn, module, NOW)
    services.submit_attempt(asn, passed, correct_answers(passed), NOW)
    assert services.answers_shown(passed, NOW)
    services.start_attempt(asn, module, NOW + timedelta(minutes=1))  # a new attempt is running
    assert services.answers_shown(passed, NOW + timedelta(minutes=2)) is False
    assert services.review(passed, NOW + timedelta(minutes=2)).items[0].options == []


# --- the retake draws unseen questions first ---------------------------------------------------------------

def test_a_retake_draws_the_questions_the_previous_attempt_did_not_show_first(asn, ready, issued):
    module = ready(questions=14, questions_per_quiz=10, attempts_per_day=5)
    first = fail_once(asn, module, NOW)
    retake = services.start_attempt(asn, module, NOW + timedelta(minutes=5))
    bank = {q.id for q in module.questions}
    unseen = bank - set(first.question_ids)
    assert len(unseen) == 4 and unseen <= set(retake.question_ids)  # all 4 unseen, then 6 seen again
    assert len(set(retake.question_ids)) == 10


def test_a_retake_from_a_bank_twice_the_draw_shows_no_question_again(asn, ready, issued):
    module = ready(questions=20, questions_per_quiz=10, attempts_per_day=5)
    first = fail_once(asn, module, NOW)
    retake = services.start_attempt(asn, module, NOW + timedelta(minutes=5))
    assert not set(first.question_ids) & set(retake.question_ids)


@pytest.mark.parametrize("active, warned", [(19, True), (20, False)])
def test_the_authoring_page_warns_when_the_bank_is_smaller_than_twice_the_draw(client, login, admin, make_module,
                                                                              active, warned):
    make_module(slug="etik", questions=active, questions_per_quiz=10)
    html = login(admin).get("/pelatihan/kelola/etik").get_data(as_text=True)
    assert ("Bank soal hanya berisi 19 pertanyaan aktif untuk 10 soal per kuis" in html) is warned
    assert ("paling sedikit 20 pertanyaan aktif" in html) is warned


# --- the wait between attempts -----------------------------------------------------------------------------

def test_a_retake_waits_the_modules_minutes_after_the_previous_attempt(asn, ready, issued):
    module = ready(retake_wait_minutes=10, attempts_per_day=5)
    first = fail_once(asn, module, NOW)  # submitted at NOW + 1 minute
    ended = first.submitted_at
    with pytest.raises(DomainError, match="Tunggu 1 detik lagi"):
        services.start_attempt(asn, module, ended + timedelta(minutes=10) - timedelta(seconds=1))
    with pytest.raises(DomainError, match="Tunggu 4 menit lagi"):
        services.start_attempt(asn, module, ended + timedelta(minutes=6, seconds=30))
    assert QuizAttempt.query.count() == 1
    assert services.start_attempt(asn, module, ended + timedelta(minutes=10)).id != first.id


def test_the_wait_counts_from_the_deadline_of_an_abandoned_attempt(asn, ready):
    module = ready(retake_wait_minutes=10, time_limit_minutes=5, attempts_per_day=5)
    services.start_attempt(asn, module, NOW)  # never submitted; its time is up at NOW + 5
    with pytest.raises(DomainError, match="Tunggu"):
        services.start_attempt(asn, module, NOW + timedelta(minutes=14))
    assert services.start_attempt(asn, module, NOW + timedelta(minutes=15))


def test_the_module_and_result_pages_say_how_long_to_wait(client, login, asn, ready):
    module = ready(slug="etik", retake_wait_minutes=10, attempts_per_day=5)
    from core import clock
    attempt = fail_once(asn, module, clock.now() - timedelta(minutes=3))  # submitted 2 minutes ago
    login(asn)
    result = client.get(f"/pelatihan/kuis/{attempt.id}/hasil").get_data(as_text=True)
    assert "Tunggu 8 menit lagi" in result and "Coba lagi" not in result
    page = client.get("/pelatihan/modul/etik").get_data(as_text=True)
    assert "Jeda antarpercobaan" in page and "Tunggu 8 menit lagi" in page and "Mulai kuis" not in page


# --- the minimum reading time -----------------------------------------------------------------------------

def test_reading_time_is_the_word_count_at_200_words_a_minute_rounded_up():
    assert READING_WORDS_PER_MINUTE == 200
    assert Lesson(body=words(400)).reading_seconds == 120
    assert Lesson(body=words(401)).reading_seconds == 121  # 120.3 s, rounded up
    assert Lesson(body="").reading_seconds == 0


def _reading_module(make_module, **fields):
    module = make_module(lessons=2, reading_time_check=True, **fields)
    module.lessons[0].body = words(400)  # two minutes
    db.session.commit()
    return module


def test_a_lesson_counts_as_read_only_after_its_reading_time_since_first_opened(asn, make_module):
    module = _reading_module(make_module)
    lesson = module.lessons[0]
    services.open_lesson(asn, lesson, NOW)
    services.open_lesson(asn, lesson, NOW + timedelta(minutes=1))  # a later visit does not restart it
    with pytest.raises(DomainError, match="sekitar 2 menit.*1 detik lagi"):
        services.mark_read(asn, lesson, NOW + timedelta(seconds=119))
    assert LessonProgress.query.count() == 0
    services.mark_read(asn, lesson, NOW + timedelta(seconds=120))
    assert LessonProgress.query.filter_by(user_id=asn.id, lesson_id=lesson.id).count() == 1


def test_a_lesson_never_opened_cannot_be_marked_read(asn, make_module):
    module = _reading_module(make_module)
    with pytest.raises(DomainError, match="2 menit lagi"):
        services.mark_read(asn, module.lessons[0], NOW)
    assert LessonProgress.query.count() == 0


def test_the_reading_time_check_can_be_turned_off(asn, make_module):
    module = _reading_module(make_module)
    module.reading_time_check = False
    db.session.commit()
    services.mark_read(asn, module.lessons[0], NOW)
    assert LessonProgress.query.count() == 1


def test_four_clicks_in_three_seconds_do_not_read_a_module(client, login, asn, make_module):
    module = _reading_module(make_module, slug="etik")
    login(asn)
    page = client.get("/pelatihan/modul/etik/pelajaran/1").get_data(as_text=True)
    assert "Waktu baca minimum: sekitar 2 menit" in page
    visit = LessonVisit.query.filter_by(user_id=asn.id, lesson_id=module.lessons[0].id).one()
    response = client.post("/pelatihan/modul/etik/pelajaran/1/selesai")
    assert response.headers["Location"].endswith("/pelatihan/modul/etik/pelajaran/1")
    assert "menandainya sudah dibaca 2 menit lagi" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert LessonProgress.query.count() == 0
    # Two minutes later (the recorded first visit moved back), the same click counts.
    visit.opened_at = visit.opened_at - timedelta(minutes=2)
    db.session.commit()
    response = client.post("/pelatihan/modul/etik/pelajaran/1/selesai")
    assert response.headers["Location"].endswith("/pelatihan/modul/etik/pelajaran/2")
    assert LessonProgress.query.count() == 1


# --- settings: authoring, defaults, export and import ---------------------------------------------------------

def test_a_new_module_checks_reading_time_and_waits_ten_minutes_by_default(admin):
    module = TrainingModule(slug="baru", title="Baru", summary="")
    db.session.add(module)
    db.session.commit()
    assert (module.review_policy, module.retake_wait_minutes, module.reading_time_check) == (AFTER_PASS, 10, True)


def test_the_author_sets_the_integrity_settings_in_the_module_form(client, login, admin):
    from .test_authoring import module_form
    response = login(admin).post("/pelatihan/kelola/baru", data=module_form(
        review_policy=AFTER_LAST_ATTEMPT, retake_wait_minutes="0", reading_time_check=None))
    assert response.status_code == 302
    module = authoring.get_module("disiplin-pns")
    assert (module.review_policy, module.retake_wait_minutes, module.reading_time_check) == (
        AFTER_LAST_ATTEMPT, 0, False)
    bad = login(admin).post("/pelatihan/kelola/disiplin-pns", data=module_form(review_policy="selalu"))
    assert bad.status_code == 400 and "Kebijakan pembahasan" in bad.get_data(as_text=True)


def test_the_author_names_the_lesson_to_reread_for_a_question(client, login, admin, make_module):
    module = make_module(slug="etik", lessons=3, questions=1)
    question, lesson = module.questions[0], module.lessons[2]
    form = {"kind": "single", "text": "Apa itu integritas?", "explanation": "", "active": "y",
            "lesson_id": str(lesson.id), "options-0-text": "Jujur", "options-0-correct": "y",
            "options-1-text": "Curang"}
    page = login(admin).get(f"/pelatihan/kelola/etik/pertanyaan/{question.id}").get_data(as_text=True)
    assert "Pelajaran untuk dibaca ulang" in page and "3. Pelajaran 3" in page
    response = client.post(f"/pelatihan/kelola/etik/pertanyaan/{question.id}", data=form)
    assert response.status_code == 302
    db.session.refresh(question)
    assert question.lesson_id == lesson.id
    other = make_module(slug="lain")
    with pytest.raises(DomainError, match="pelajaran modul ini"):
        authoring.save_question(admin, module, question, kind="single", text="Apa?",
                                options=[("a", True), ("b", False)], lesson_id=other.lessons[0].id)


def test_export_and_import_carry_the_settings_and_the_lessons_to_reread(make_module):
    module = make_module(slug="etik", lessons=3, questions=2, review_policy=AFTER_LAST_ATTEMPT, retake_wait_minutes=30,
                         reading_time_check=False)
    module.questions[0].lesson = module.lessons[2]
    db.session.commit()
    data = authoring.export_module(module)
    assert (data["review_policy"], data["retake_wait_minutes"], data["reading_time_check"]) == (
        AFTER_LAST_ATTEMPT, 30, False)
    assert [q["lesson"] for q in data["questions"]] == [3, None]
    data["slug"] = "etik-salinan"
    copy = authoring.import_module(data, actor=SYSTEM)
    assert (copy.review_policy, copy.retake_wait_minutes, copy.reading_time_check) == (AFTER_LAST_ATTEMPT, 30, False)
    assert [q.lesson.title if q.lesson else None for q in copy.questions] == ["Pelajaran 3", None]


def test_a_file_without_the_new_settings_gets_the_defaults(make_module):
    data = authoring.export_module(make_module(slug="etik"))
    for name in ("review_policy", "retake_wait_minutes", "reading_time_check"):
        del data[name]
    for question in data["questions"]:
        del question["lesson"]
    data["slug"] = "lama"
    module = authoring.import_module(data, actor=SYSTEM)
    assert (module.review_policy, module.retake_wait_minutes, module.reading_time_check) == (AFTER_PASS, 10, True)


@pytest.mark.parametrize("lesson", [0, 4, "2", True])
def test_a_file_naming_a_lesson_that_is_not_there_is_refused(make_module, lesson):
    data = authoring.export_module(make_module(slug="etik", lessons=3))
    data["questions"][0]["lesson"] = lesson
    data["slug"] = "salah"
    with pytest.raises(DomainError, match="Pertanyaan 1: \"lesson\""):
        authoring.import_module(data, actor=SYSTEM)


def test_deleting_a_lesson_leaves_its_questions_without_a_lesson_to_reread(admin, make_module):
    module = make_module(slug="etik", lessons=3, questions=1)
    module.questions[0].lesson = module.lessons[2]
    db.session.commit()
    authoring.delete_lesson(admin, module.lessons[2])
    db.session.expire_all()
    assert module.questions[0].lesson_id is None


def test_the_shipped_modules_and_the_demo_keep_the_checks_on(demo_city_rows):
    from core import clock
    from training.models import Certificate
    modules = TrainingModule.query.all()
    assert len(modules) == 7
    assert {(m.review_policy, m.retake_wait_minutes, m.reading_time_check) for m in modules} == {(AFTER_PASS, 10, True)}
    # The demo ASN's, earned 40 days ago (the scorecard's demo also certifies the consultation hosts).
    from accounts.models import User
    certificate = Certificate.query.join(User, User.id == Certificate.user_id).filter(
        User.email == "asn@demo.kota-contoh.id").one()
    assert certificate.status(clock.now()) == "valid"
