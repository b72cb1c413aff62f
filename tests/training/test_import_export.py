"""A module travels between cities as one JSON file: export, import, the same file again."""
import io
import json

import pytest

from core.audit import AuditEvent
from core.errors import DomainError
from core.extensions import db
from core.permissions import SYSTEM
from training import authoring_services as services
from training.models import EXPORT_FORMAT, Lesson, LessonProgress, Question, QuizAttempt, TrainingModule

from tests.conftest import _empty_all_tables


def module_file(**overrides):
    data = {
        "format": EXPORT_FORMAT, "slug": "kode-etik-asn", "title": "Kode Etik ASN",
        "summary": "Enam domain kode etik menurut PP 42/2004.", "audience": "asn", "estimated_minutes": 45,
        "pass_mark": 80, "validity_months": 12, "mandatory_for_asn": True, "questions_per_quiz": 2,
        "time_limit_minutes": None, "attempts_per_day": 3, "prerequisite": None, "published": True,
        "lessons": [{"title": "Etika bernegara", "body": "## Pancasila\n\nSetia kepada **UUD 1945**."},
                    {"title": "Etika berorganisasi", "body": "Melaksanakan tugas sesuai ketentuan."}],
        "questions": [
            {"kind": "single", "text": "Peraturan kode etik ASN?", "explanation": "PP 42/2004.",
             "options": [{"text": "PP 42/2004", "correct": True}, {"text": "PP 94/2021", "correct": False}]},
            {"kind": "multiple", "text": "Termasuk BerAKHLAK?", "explanation": "",
             "options": [{"text": "Berorientasi pelayanan", "correct": True}, {"text": "Akuntabel", "correct": True},
                         {"text": "Ambisius", "correct": False}]},
        ],
    }
    data.update(overrides)
    return data


def test_export_then_import_into_an_empty_database_gives_the_same_file(make_module, admin):
    basis = make_module("dasar", lessons=1, questions=2)
    module = make_module("lanjutan", prerequisite=basis, lessons=3, questions=5, validity_months=None,
                         time_limit_minutes=20, mandatory_for_asn=True, published=False)
    first = [services.export_module(basis), services.export_module(module)]
    text = services.export_json(module)

    db.session.remove()
    _empty_all_tables()
    for data in first:
        services.import_module(json.loads(json.dumps(data)), actor=SYSTEM)
    again = [services.export_module(services.get_module(slug)) for slug in ("dasar", "lanjutan")]

    assert again == first
    assert services.export_json(services.get_module("lanjutan")) == text
    assert again[1]["prerequisite"] == "dasar"
    assert again[1]["format"] == EXPORT_FORMAT
    assert list(again[1]) == ["format", "slug", "title", "summary", "audience", "estimated_minutes", "pass_mark",
                              "validity_months", "mandatory_for_asn", "questions_per_quiz", "time_limit_minutes",
                              "attempts_per_day", "review_policy", "retake_wait_minutes", "reading_time_check",
                              "prerequisite", "published", "sources", "lessons", "questions"]


def test_import_creates_the_module_with_ordered_lessons_and_questions():
    module = services.import_module(module_file(), actor=SYSTEM)
    assert module.title == "Kode Etik ASN" and module.mandatory_for_asn and module.published
    assert [lesson.title for lesson in module.lessons] == ["Etika bernegara", "Etika berorganisasi"]
    assert [lesson.position for lesson in module.lessons] == [1, 2]
    assert [option.correct for option in module.questions[1].options] == [True, True, False]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "training.module_imported"))
    assert event.actor_id is None and event.object_id == module.id


def test_reimport_updates_in_place_and_keeps_progress_on_lessons_that_remain(asn):
    module = services.import_module(module_file(), actor=SYSTEM)
    first_lesson, second_lesson = module.lessons
    for lesson in (first_lesson, second_lesson):
        db.session.add(LessonProgress(user_id=asn.id, module_id=module.id, lesson_id=lesson.id))
    db.session.commit()

    changed = module_file(title="Kode Etik ASN (revisi)",
                          lessons=[{"title": "Etika bernegara", "body": "Diperbarui."}])
    same = services.import_module(changed, actor=SYSTEM)

    assert same.id == module.id and same.title == "Kode Etik ASN (revisi)"
    assert [lesson.id for lesson in same.lessons] == [first_lesson.id]
    assert db.session.scalar(db.select(db.func.count(LessonProgress.id))) == 1
    assert db.session.scalar(db.select(db.func.count(TrainingModule.id))) == 1


def test_reimport_deactivates_rather_than_deletes_questions_someone_answered(asn):
    module = services.import_module(module_file(), actor=SYSTEM)
    db.session.add(QuizAttempt(user_id=asn.id, module_id=module.id, question_ids=[q.id for q in module.questions],
                               option_order={}))
    db.session.commit()
    services.import_module(module_file(questions=module_file()["questions"][:1]), actor=SYSTEM)
    questions = db.session.scalars(db.select(Question).order_by(Question.position)).all()
    assert [q.active for q in questions] == [True, False]
    assert len(services.export_module(module)["questions"]) == 1


def test_import_without_replace_refuses_an_existing_slug():
    services.import_module(module_file(), actor=SYSTEM)
    with pytest.raises(DomainError, match="sudah ada"):
        services.import_module(module_file(title="Lain"), actor=SYSTEM, replace=False)


def test_import_needs_the_author_permission(asn):
    with pytest.raises(DomainError):
        services.import_module(module_file(), actor=asn)
    assert db.session.scalar(db.select(db.func.count(TrainingModule.id))) == 0


def test_import_refuses_a_missing_actor():
    with pytest.raises(TypeError):
        services.import_module(module_file(), actor=None)
    with pytest.raises(TypeError):
        services.import_module(module_file())
    assert db.session.scalar(db.select(db.func.count(TrainingModule.id))) == 0


def _broken_questions():
    good = module_file()["questions"]
    two_correct = dict(good[0], options=[{"text": "a", "correct": True}, {"text": "b", "correct": True}])
    return [good[0], good[1], two_correct]


@pytest.mark.parametrize("overrides, message", [
    ({"format": "lain/1"}, "Format berkas tidak dikenal"),
    ({"slug": None}, "\"slug\" jenisnya salah"),
    ({"title": 7}, "\"title\" jenisnya salah"),
    ({"pass_mark": 0}, "pass_mark harus bilangan bulat antara 1 dan 100"),
    ({"pass_mark": True}, "\"pass_mark\" jenisnya salah"),
    ({"estimated_minutes": "30"}, "\"estimated_minutes\" jenisnya salah"),
    ({"audience": "pejabat"}, "Sasaran harus salah satu"),
    ({"slug": "Kode Etik!"}, "Alamat halaman hanya boleh"),
    ({"lessons": []}, "paling sedikit satu pelajaran"),
    ({"lessons": [{"title": "", "body": "x"}]}, "Pelajaran 1: judul pelajaran wajib diisi"),
    ({"lessons": ["teks"]}, "Pelajaran 1: harus berupa objek"),
    ({"questions": _broken_questions()}, "Pertanyaan 3: pilihan tunggal harus punya tepat satu jawaban benar."),
    ({"questions": [{"kind": "multiple", "text": "?", "explanation": "",
                     "options": [{"text": "a", "correct": False}, {"text": "b", "correct": False}]}]},
     "Pertanyaan 1: pilihan ganda harus punya paling sedikit satu jawaban benar"),
    ({"questions": [{"kind": "single", "text": "?", "explanation": "", "options": [{"text": "a", "correct": True}]}]},
     "Pertanyaan 1: harus punya paling sedikit dua pilihan"),
    ({"questions": [{"kind": "benar-salah", "text": "?", "explanation": "", "options": []}]}, "Pertanyaan 1: jenis"),
    ({"questions": [{"kind": "single", "text": "?", "options": [{"text": "a", "correct": "ya"}]}]},
     "Pertanyaan 1: setiap pilihan"),
    ({"prerequisite": "tidak-ada"}, "Modul prasyarat tidak-ada belum ada"),
    ({"lessons": [{"title": "x", "body": "y"}] * 101}, "Paling banyak 100 pelajaran"),
    ({"title": "x" * 201}, "Judul wajib diisi, paling banyak 200"),
])
def test_a_broken_file_is_refused_with_a_message_that_names_the_problem(overrides, message):
    with pytest.raises(DomainError) as caught:
        services.import_module(module_file(**overrides), actor=SYSTEM)
    assert message in caught.value.message
    assert db.session.scalar(db.select(db.func.count(TrainingModule.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Lesson.id))) == 0


def test_a_file_that_is_not_an_object_is_refused():
    with pytest.raises(DomainError, match="satu objek JSON"):
        services.import_module([module_file()], actor=SYSTEM)


# --- through the browser ---------------------------------------------------------------------------

def upload(client, content, replace=True):
    data = {"file": (io.BytesIO(content), "modul.json")}
    if replace:
        data["replace"] = "y"
    return client.post("/pelatihan/kelola/impor", data=data, content_type="multipart/form-data")


def test_admin_downloads_a_module_as_a_json_file(client, login, admin, make_module):
    module = make_module("integritas")
    response = login(admin).get("/pelatihan/kelola/integritas/ekspor.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert 'attachment; filename="integritas.json"' == response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == services.export_module(module)


def test_admin_uploads_a_module_file(client, login, admin):
    response = upload(login(admin), json.dumps(module_file()).encode())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pelatihan/kelola/kode-etik-asn")
    assert services.get_module("kode-etik-asn").title == "Kode Etik ASN"


@pytest.mark.parametrize("content, message", [
    (b"{ bukan json", "bukan JSON yang sah"),
    (b"\xff\xfe\x00", "bukan teks UTF-8"),
    (b"", "Berkas kosong"),
    (b"[1, 2]", "satu objek JSON"),
    (json.dumps(module_file(format="x")).encode(), "Format berkas tidak dikenal"),
    (json.dumps(module_file(questions=_broken_questions())).encode(),
     "Pertanyaan 3: pilihan tunggal harus punya tepat satu jawaban benar."),
])
def test_a_bad_upload_is_answered_with_a_clear_message_not_a_server_error(client, login, admin, content, message):
    response = upload(login(admin), content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(TrainingModule.id))) == 0


def test_upload_without_replace_leaves_the_existing_module(client, login, admin):
    services.import_module(module_file(), actor=SYSTEM)
    response = upload(login(admin), json.dumps(module_file(title="Tiruan")).encode(), replace=False)
    assert response.status_code == 400
    assert "sudah ada" in response.get_data(as_text=True)
    assert services.get_module("kode-etik-asn").title == "Kode Etik ASN"
