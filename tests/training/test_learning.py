"""The learner's side: the catalogue, module and lesson pages, progress per lesson, prerequisites."""
from datetime import timedelta

import pytest

from core.errors import DomainError, NotAllowed, NotFound
from core.extensions import db
from training import learning_services as services
from training.models import LessonProgress

from tests.conftest import count_queries

from .conftest import NOW


# --- progress ---------------------------------------------------------------------------------------

def test_reading_a_lesson_saves_progress_once(asn, make_module):
    module = make_module(lessons=3)
    first = module.lessons[0]
    services.mark_read(asn, first, NOW)
    services.mark_read(asn, first, NOW + timedelta(minutes=5))
    assert LessonProgress.query.filter_by(user_id=asn.id, lesson_id=first.id).count() == 1
    progress = services.progress(asn, module)
    assert progress.read_ids == {first.id}
    assert (progress.read_count, progress.total, progress.all_read) == (1, 3, False)


def test_every_lesson_read_completes_the_reading(asn, make_module):
    module = make_module(lessons=2)
    for lesson in module.lessons:
        services.mark_read(asn, lesson, NOW)
    assert services.progress(asn, module).all_read


def test_progress_is_per_learner(asn, make_user, make_module):
    from core.permissions import ASN
    other = make_user(ASN, nip="199001012015011001")
    module = make_module(lessons=2)
    services.mark_read(other, module.lessons[0], NOW)
    assert services.progress(asn, module).read_count == 0


def test_a_citizen_cannot_take_an_asn_module(citizen, make_module):
    module = make_module(audience="asn")
    with pytest.raises(NotAllowed):
        services.mark_read(citizen, module.lessons[0], NOW)
    assert LessonProgress.query.count() == 0


def test_a_citizen_may_take_a_community_module(citizen, make_module):
    module = make_module(audience="komunitas")
    services.mark_read(citizen, module.lessons[0], NOW)
    assert services.progress(citizen, module).read_count == 1


def test_an_unpublished_module_is_hidden_except_from_authors(asn, admin, make_module):
    module = make_module(slug="draf", published=False)
    with pytest.raises(NotFound):
        services.get_module("draf", asn)
    assert services.get_module("draf", admin) == module
    with pytest.raises(NotAllowed):  # nobody learns from a draft
        services.mark_read(asn, module.lessons[0], NOW)


# --- prerequisites ----------------------------------------------------------------------------------

def test_lessons_are_locked_until_the_prerequisite_is_certified(asn, make_module, make_certificate):
    basic = make_module(slug="dasar")
    advanced = make_module(slug="lanjutan", prerequisite=basic)
    assert not services.prerequisite_met(asn, advanced, NOW)
    with pytest.raises(DomainError, match="prasyarat"):
        services.mark_read(asn, advanced.lessons[0], NOW)
    make_certificate(asn, basic)
    assert services.prerequisite_met(asn, advanced, NOW)
    services.mark_read(asn, advanced.lessons[0], NOW)


def test_an_expired_or_revoked_prerequisite_certificate_does_not_count(asn, make_module, make_certificate):
    basic = make_module(slug="dasar")
    advanced = make_module(slug="lanjutan", prerequisite=basic)
    make_certificate(asn, basic, issued_at=NOW - timedelta(days=400), expires_at=NOW - timedelta(days=35))
    make_certificate(asn, basic, revoked_at=NOW - timedelta(days=1))
    assert not services.prerequisite_met(asn, advanced, NOW)
    make_certificate(asn, basic, expires_at=None)  # a certificate without expiry
    assert services.prerequisite_met(asn, advanced, NOW)


def test_another_learners_certificate_does_not_unlock(asn, make_user, make_module, make_certificate):
    from core.permissions import ASN
    other = make_user(ASN, nip="199001012015011001")
    basic = make_module(slug="dasar")
    advanced = make_module(slug="lanjutan", prerequisite=basic)
    make_certificate(other, basic)
    assert not services.prerequisite_met(asn, advanced, NOW)


# --- the catalogue ------------------------------------------------------------------------------------

def test_catalogue_lists_what_each_learner_may_take(asn, citizen, make_module):
    make_module(slug="etik-asn", audience="asn")
    make_module(slug="komunitas", audience="komunitas")
    make_module(slug="umum", audience="semua")
    make_module(slug="draf", audience="semua", published=False)
    slugs = lambda user: {e.module.slug for e in services.module_catalogue(user, NOW)}  # noqa: E731
    assert slugs(asn) == {"etik-asn", "komunitas", "umum"}
    assert slugs(citizen) == {"komunitas", "umum"}
    assert {e.module.slug for e in services.module_catalogue(None, NOW)} == {"etik-asn", "komunitas", "umum"}


def test_catalogue_shows_progress_and_certificate_state(asn, make_module, make_certificate):
    done = make_module(slug="selesai", lessons=2)
    old = make_module(slug="lama", lessons=2)
    fresh = make_module(slug="baru", lessons=4)
    make_certificate(asn, done)
    make_certificate(asn, old, issued_at=NOW - timedelta(days=400), expires_at=NOW - timedelta(days=1))
    services.mark_read(asn, fresh.lessons[0], NOW)
    entries = {e.module.slug: e for e in services.module_catalogue(asn, NOW)}
    assert entries["selesai"].certificate_status == "valid"
    assert entries["lama"].certificate_status == "expired"
    fresh_entry = entries["baru"]
    assert (fresh_entry.lessons_read, fresh_entry.lessons_total, fresh_entry.certificate_status) == (1, 4, None)


def test_catalogue_page_issues_a_bounded_number_of_queries(client, login, asn, make_module, make_certificate):
    login(asn)

    def queries():
        with count_queries() as statements:
            assert client.get("/pelatihan/").status_code == 200
        return len(statements)
    first = make_module(lessons=2)
    make_certificate(asn, first)
    make_module(lessons=1, prerequisite=first)
    few = queries()
    for n in range(6):
        module = make_module(lessons=3, prerequisite=first if n % 2 else None)
        make_certificate(asn, module)
        services.mark_read(asn, module.lessons[0], NOW)
    assert queries() == few


def test_catalogue_page_for_a_visitor_invites_to_log_in(client, make_module):
    make_module(title="Nilai Dasar BerAKHLAK")
    html = client.get("/pelatihan/").get_data(as_text=True)
    assert "Nilai Dasar BerAKHLAK" in html
    assert "/masuk" in html or "login" in html
    assert "Periksa sertifikat" in html or "training.verify_lookup" not in client.application.view_functions


def test_catalogue_page_shows_progress_and_badges(client, login, asn, make_module, make_certificate):
    module = make_module(title="Disiplin Pegawai", lessons=3)
    services.mark_read(asn, module.lessons[0], NOW)
    done = make_module(title="Kode Etik", lessons=1)
    make_certificate(asn, done)
    html = login(asn).get("/pelatihan/").get_data(as_text=True)
    assert "1 dari 3 pelajaran dibaca" in html
    assert "sertifikat berlaku" in html


def test_catalogue_filters_by_audience(client, login, asn, make_module):
    make_module(title="Modul ASN Saja", audience="asn")
    make_module(title="Modul Untuk Semua", audience="semua")
    html = login(asn).get("/pelatihan/?sasaran=semua").get_data(as_text=True)
    assert "Modul Untuk Semua" in html and "Modul ASN Saja" not in html
    assert client.get("/pelatihan/?sasaran=bukan").status_code == 400


# --- module and lesson pages ------------------------------------------------------------------------------

def test_module_page_shows_lessons_and_quiz_facts(client, login, asn, make_module, read_all):
    module = make_module(slug="etik", lessons=2, questions=12, questions_per_quiz=10, pass_mark=80,
                         time_limit_minutes=20, attempts_per_day=3)
    login(asn)
    html = client.get("/pelatihan/modul/etik").get_data(as_text=True)
    assert "Pelajaran 1" in html and "Pelajaran 2" in html
    assert "80%" in html and "20 menit" in html and "3 dari 3" in html
    assert "Mulai kuis" not in html  # lessons not read yet
    read_all(asn, module)
    html = client.get("/pelatihan/modul/etik").get_data(as_text=True)
    assert "Mulai kuis" in html and "Sudah dibaca" in html


def test_module_page_is_refused_to_those_outside_its_audience(client, login, citizen, make_module):
    make_module(slug="etik", audience="asn")
    assert client.get("/pelatihan/modul/etik").status_code == 302  # log in first
    assert login(citizen).get("/pelatihan/modul/etik").status_code == 403
    assert client.get("/pelatihan/modul/tidak-ada").status_code == 404


def test_module_page_notes_a_missing_prerequisite(client, login, asn, make_module):
    basic = make_module(slug="dasar", title="Modul Dasar")
    make_module(slug="lanjutan", prerequisite=basic)
    html = login(asn).get("/pelatihan/modul/lanjutan").get_data(as_text=True)
    assert "terkunci" in html and "Modul Dasar" in html
    assert "Mulai kuis" not in html
    response = client.get("/pelatihan/modul/lanjutan/pelajaran/1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/pelatihan/modul/lanjutan")
    assert client.post("/pelatihan/modul/lanjutan/pelajaran/1/selesai").status_code == 302
    assert LessonProgress.query.count() == 0


def test_lesson_body_is_sanitised_markdown(client, login, asn, make_module):
    module = make_module(slug="etik", lessons=1)
    module.lessons[0].body = "**Integritas** adalah inti.\n\n<script>alert(1)</script>"
    db.session.commit()
    html = login(asn).get("/pelatihan/modul/etik/pelajaran/1").get_data(as_text=True)
    assert "<strong>Integritas</strong>" in html
    assert "<script>alert(1)" not in html
    assert "Tandai sudah dibaca" in html


def test_marking_a_lesson_read_leads_to_the_next_then_the_module(client, login, asn, make_module):
    module = make_module(slug="etik", lessons=2)
    login(asn)
    response = client.post("/pelatihan/modul/etik/pelajaran/1/selesai")
    assert response.headers["Location"].endswith("/pelatihan/modul/etik/pelajaran/2")
    response = client.post("/pelatihan/modul/etik/pelajaran/2/selesai")
    assert response.headers["Location"].endswith("/pelatihan/modul/etik")
    assert services.progress(asn, module).all_read
    # Reading again changes nothing.
    client.post("/pelatihan/modul/etik/pelajaran/2/selesai")
    assert LessonProgress.query.count() == 2


def test_marking_read_needs_the_csrf_token(client, login, asn, make_module, csrf_enabled):
    make_module(slug="etik")
    assert login(asn).post("/pelatihan/modul/etik/pelajaran/1/selesai").status_code == 400
    assert LessonProgress.query.count() == 0


def test_a_missing_lesson_is_not_found(client, login, asn, make_module):
    make_module(slug="etik", lessons=2)
    assert login(asn).get("/pelatihan/modul/etik/pelajaran/9").status_code == 404


def test_an_author_previews_an_unpublished_module(client, login, admin, make_module):
    make_module(slug="draf", published=False)
    login(admin)
    assert client.get("/pelatihan/modul/draf").status_code == 200
    assert client.get("/pelatihan/modul/draf/pelajaran/1").status_code == 200
