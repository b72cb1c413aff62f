"""Admins write modules, lessons and questions in the browser; every change is audited."""
import pytest

from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from training import authoring_services as services
from training.models import Lesson, LessonProgress, Question, QuizAttempt, TrainingModule

from tests.conftest import flashes


def module_form(**overrides):
    data = {"title": "Disiplin PNS", "slug": "disiplin-pns", "summary": "PP 94/2021.", "audience": "asn",
            "prerequisite_id": "", "estimated_minutes": "30", "pass_mark": "75", "questions_per_quiz": "5",
            "time_limit_minutes": "", "attempts_per_day": "3", "validity_months": "12",
            "review_policy": "after_pass", "retake_wait_minutes": "10", "reading_time_check": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def actions():
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_admin_creates_a_module_as_a_draft(client, login, admin):
    response = login(admin).post("/pelatihan/kelola/baru", data=module_form())
    assert response.status_code == 302
    module = services.get_module("disiplin-pns")
    assert module.published is False and module.pass_mark == 75 and module.time_limit_minutes is None
    assert module.validity_months == 12
    assert actions() == ["training.module_created"]


def test_the_list_shows_every_module_with_counts(client, login, admin, make_module):
    make_module("terbit", title="Modul Terbit", lessons=2, questions=4)
    make_module("draf", title="Modul Draf", published=False)
    page = login(admin).get("/pelatihan/kelola").get_data(as_text=True)
    assert "Modul Terbit" in page and "Modul Draf" in page and "Draf" in page


@pytest.mark.parametrize("overrides, message", [
    ({"slug": "Disiplin PNS"}, "Alamat halaman hanya boleh"),
    ({"slug": "impor"}, "Alamat halaman hanya boleh"),
    ({"pass_mark": "101"}, None),
    ({"title": ""}, "Wajib diisi"),
    ({"published": "y"}, "paling sedikit satu pelajaran dan satu pertanyaan"),
    ({"audience": "komunitas", "mandatory_for_asn": "y"}, "tidak dapat diwajibkan"),
])
def test_a_module_form_with_a_problem_is_shown_again(client, login, admin, overrides, message):
    response = login(admin).post("/pelatihan/kelola/baru", data=module_form(**overrides))
    assert response.status_code == 400
    if message:
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(TrainingModule.id))) == 0


def test_a_slug_is_unique(client, login, admin, make_module):
    make_module("disiplin-pns")
    response = login(admin).post("/pelatihan/kelola/baru", data=module_form())
    assert response.status_code == 400
    assert "sudah dipakai" in response.get_data(as_text=True)


def test_prerequisites_cannot_go_round_in_a_circle(admin, make_module):
    first = make_module("pertama")
    second = make_module("kedua", prerequisite=first)
    third = make_module("ketiga", prerequisite=second)
    values = services.export_module(first)
    fields = {name: getattr(first, name) for name in services.MODULE_FIELDS}
    with pytest.raises(DomainError, match="melingkar"):
        services.save_module(admin, first, **dict(fields, prerequisite_id=third.id))
    with pytest.raises(DomainError, match="melingkar"):
        services.save_module(admin, first, **dict(fields, prerequisite_id=first.id))
    assert values == services.export_module(first)
    assert [m.slug for m in services.prerequisite_choices(first)] == []
    assert {m.slug for m in services.prerequisite_choices(third)} == {"pertama", "kedua"}


def test_admin_edits_and_publishes_a_module(client, login, admin, make_module):
    module = make_module("etika", published=False)
    response = login(admin).post("/pelatihan/kelola/etika", data=module_form(
        slug="etika", title="Etika ASN", published="y", mandatory_for_asn="y"))
    assert response.status_code == 302
    db.session.refresh(module)
    assert module.published and module.mandatory_for_asn and module.title == "Etika ASN"


def test_only_admins_author(client, login, asn, make_module, make_user):
    from core.permissions import MODERATOR
    make_module("etika")
    assert login(asn).get("/pelatihan/kelola").status_code == 403
    assert login(make_user(MODERATOR)).get("/pelatihan/kelola/etika").status_code == 403
    with pytest.raises(NotAllowed):
        services.save_module(asn, None, **module_form())


# --- lessons -------------------------------------------------------------------------------------

def test_preview_renders_the_markdown_without_saving(client, login, admin, make_module):
    make_module("etika", lessons=1)
    response = login(admin).post("/pelatihan/kelola/etika/pelajaran/baru", data={
        "title": "Integritas", "body": "## Jujur\n\n**Tebal** <script>alert(1)</script>", "preview": "Pratinjau"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h3>Jujur</h3>" in page and "<strong>Tebal</strong>" in page
    assert "<script>alert(1)" not in page
    assert db.session.scalar(db.select(db.func.count(Lesson.id))) == 1


def test_admin_adds_edits_moves_and_deletes_lessons(client, login, admin, make_module, asn):
    module = make_module("etika", lessons=2)
    client = login(admin)
    assert client.post("/pelatihan/kelola/etika/pelajaran/baru",
                       data={"title": "Ketiga", "body": "Isi ketiga", "save": "Simpan"}).status_code == 302
    db.session.refresh(module)
    first, second, third = module.lessons
    assert (third.title, third.position) == ("Ketiga", 3)
    assert client.post(f"/pelatihan/kelola/etika/pelajaran/{second.id}",
                       data={"title": "Kedua (ubah)", "body": "Baru", "save": "Simpan"}).status_code == 302
    assert client.post(f"/pelatihan/kelola/etika/pelajaran/{third.id}/naik").status_code == 302
    db.session.refresh(module)
    assert [lesson.title for lesson in module.lessons] == ["Pelajaran 1", "Ketiga", "Kedua (ubah)"]
    client.post(f"/pelatihan/kelola/etika/pelajaran/{first.id}/naik")  # already first: nothing moves
    db.session.refresh(module)
    assert [lesson.position for lesson in module.lessons] == [1, 2, 3]

    db.session.add(LessonProgress(user_id=asn.id, module_id=module.id, lesson_id=third.id))
    db.session.commit()
    assert client.post(f"/pelatihan/kelola/etika/pelajaran/{third.id}/hapus").status_code == 302
    db.session.refresh(module)
    assert [(lesson.title, lesson.position) for lesson in module.lessons] == [("Pelajaran 1", 1), ("Kedua (ubah)", 2)]
    assert db.session.scalar(db.select(db.func.count(LessonProgress.id))) == 0
    assert actions() == ["training.lesson_added", "training.lesson_updated", "training.lesson_moved",
                         "training.lesson_deleted"]


def test_a_published_module_keeps_its_last_lesson(admin, make_module):
    module = make_module("etika", lessons=1)
    with pytest.raises(DomainError, match="paling sedikit satu pelajaran"):
        services.delete_lesson(admin, module.lessons[0])


def test_a_lesson_of_another_module_is_not_found(client, login, admin, make_module):
    make_module("etika")
    other = make_module("lain")
    response = login(admin).get(f"/pelatihan/kelola/etika/pelajaran/{other.lessons[0].id}")
    assert response.status_code == 404


# --- questions -----------------------------------------------------------------------------------

def question_form(kind="single", correct=(0,), texts=("Benar", "Salah", "", "", "", ""), **extra):
    data = {"kind": kind, "text": "Apa nilai dasar ASN?", "explanation": "UU 20/2023.", "active": "y"}
    for i, text in enumerate(texts):
        data[f"options-{i}-text"] = text
        if i in correct:
            data[f"options-{i}-correct"] = "y"
    data.update(extra)
    return data


def test_admin_adds_a_question_and_empty_option_rows_are_ignored(client, login, admin, make_module):
    module = make_module("etika", questions=0, published=False)
    response = login(admin).post("/pelatihan/kelola/etika/pertanyaan/baru", data=question_form())
    assert response.status_code == 302
    question = db.session.scalar(db.select(Question))
    assert question.module_id == module.id
    assert [(o.text, o.correct) for o in question.options] == [("Benar", True), ("Salah", False)]


@pytest.mark.parametrize("form, message", [
    (question_form(correct=(0, 1)), "pilihan tunggal harus punya tepat satu jawaban benar"),
    (question_form(correct=()), "pilihan tunggal harus punya tepat satu jawaban benar"),
    (question_form(kind="multiple", correct=()), "pilihan ganda harus punya paling sedikit satu jawaban benar"),
    (question_form(texts=("Satu-satunya", "", "", "", "", "")), "paling sedikit dua pilihan"),
])
def test_a_question_with_the_wrong_options_is_refused(client, login, admin, make_module, form, message):
    make_module("etika", questions=0, published=False)
    response = login(admin).post("/pelatihan/kelola/etika/pertanyaan/baru", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_editing_a_question_keeps_its_option_ids(client, login, admin, make_module):
    module = make_module("etika", questions=1)
    question = module.questions[0]
    ids = [o.id for o in question.options]
    page = login(admin).get(f"/pelatihan/kelola/etika/pertanyaan/{question.id}").get_data(as_text=True)
    assert f'value="{question.options[0].text}"' in page
    response = client.post(f"/pelatihan/kelola/etika/pertanyaan/{question.id}", data=question_form(
        kind="multiple", correct=(1, 2), texts=("A", "B", "C", "", "", "")))
    assert response.status_code == 302
    db.session.refresh(question)
    assert question.kind == "multiple"
    assert [o.id for o in question.options] == ids[:3]
    assert [o.correct for o in question.options] == [False, True, True]


def test_a_question_already_answered_is_deactivated_not_deleted(client, login, admin, make_module, asn):
    module = make_module("etika", questions=2)
    first, second = module.questions
    client = login(admin)
    db.session.add(QuizAttempt(user_id=asn.id, module_id=module.id, question_ids=[first.id], option_order={}))
    db.session.commit()
    assert client.post(f"/pelatihan/kelola/etika/pertanyaan/{first.id}/hapus").status_code == 302
    db.session.refresh(first)
    assert first.active is False
    # Nobody can be left with an empty quiz on a published module.
    assert client.post(f"/pelatihan/kelola/etika/pertanyaan/{second.id}/hapus").status_code == 302
    page = client.get("/pelatihan/kelola/etika").get_data(as_text=True)
    assert "paling sedikit satu pelajaran dan satu pertanyaan aktif" in page
    db.session.refresh(second)
    assert second.active is True


def test_a_question_never_answered_is_deleted(client, login, admin, make_module):
    module = make_module("etika", questions=2)
    assert login(admin).post(f"/pelatihan/kelola/etika/pertanyaan/{module.questions[0].id}/hapus").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 1
    assert "training.question_deleted" in actions()


def test_the_admin_menu_links_to_training(client, login, admin):
    page = login(admin).get("/admin/").get_data(as_text=True)
    assert 'href="/pelatihan/kelola"' in page


def test_the_last_lesson_of_a_published_module_is_not_deleted(client, login, admin, make_module):
    module = make_module("etika", lessons=1)
    client = login(admin)
    assert client.post(f"/pelatihan/kelola/etika/pelajaran/{module.lessons[0].id}/hapus").status_code == 302
    assert flashes(client) == [("danger", "Modul yang diterbitkan harus punya paling sedikit satu pelajaran.")]
    db.session.refresh(module)
    assert len(module.lessons) == 1
