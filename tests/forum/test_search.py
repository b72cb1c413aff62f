"""Full-text search: one function, the same answers on SQLite (FTS5) and PostgreSQL (tsvector)."""
from datetime import timedelta

import pytest

from core.extensions import db
from forum.models import CLOSED, DRAFT, ForumInput
from forum.search import search, snippet, terms

from .conftest import NOW


@pytest.fixture
def make_input(org_member):
    def make(consultation, title, body="Mohon dipertimbangkan.", **fields):
        forum_input = ForumInput(consultation_id=consultation.id, author_id=org_member.id, title=title, body=body,
                                 created_at=fields.pop("created_at", NOW), **fields)
        db.session.add(forum_input)
        db.session.commit()
        return forum_input
    return make


def kinds_and_titles(page):
    return [(r.kind, r.title) for r in page.items]


def test_a_word_in_the_title_or_description_finds_the_consultation(make_consultation):
    make_consultation(title="Standar pelayanan KTP-el",
                      description="Rancangan standar pelayanan perekaman **KTP elektronik** di kecamatan.")
    make_consultation(title="Maklumat pelayanan perizinan", description="Janji layanan izin usaha.")

    assert kinds_and_titles(search("ktp")) == [("consultation", "Standar pelayanan KTP-el")]
    assert kinds_and_titles(search("kecamatan")) == [("consultation", "Standar pelayanan KTP-el")]
    assert kinds_and_titles(search("IZIN usaha")) == [("consultation", "Maklumat pelayanan perizinan")]


def test_every_word_must_appear(make_consultation):
    make_consultation(title="Standar pelayanan KTP-el", description="Perekaman di kecamatan.")
    assert search("ktp kecamatan").total == 1
    assert search("ktp puskesmas").total == 0


def test_inputs_are_found_with_their_consultation_and_link(make_consultation, make_input):
    consultation = make_consultation(title="Standar pelayanan akta kelahiran")
    make_input(consultation, "Layanan jemput bola untuk lansia",
               "Warga lanjut usia dan penyandang disabilitas sulit datang ke kantor dinas.")

    page = search("disabilitas")
    assert page.total == 1
    result = page.items[0]
    assert (result.kind, result.title, result.consultation_title) == (
        "input", "Layanan jemput bola untuk lansia", "Standar pelayanan akta kelahiran")
    assert "disabilitas" in result.snippet
    assert str(result.id) in result.url
    assert result.date == NOW


def test_drafts_and_hidden_inputs_are_never_found(make_consultation, make_input):
    draft = make_consultation(DRAFT, title="Rahasia draf retribusi")
    make_input(draft, "Masukan retribusi di draf")
    published = make_consultation(title="Tarif retribusi parkir")
    make_input(published, "Retribusi yang disembunyikan", hidden_at=NOW, hidden_reason="spam")
    make_input(published, "Retribusi terlihat")

    assert sorted(kinds_and_titles(search("retribusi"))) == [
        ("consultation", "Tarif retribusi parkir"), ("input", "Retribusi terlihat")]


def test_stage_and_visibility_changes_take_effect_at_once(make_consultation, make_input):
    consultation = make_consultation(DRAFT, title="Evaluasi layanan ambulans")
    forum_input = make_input(consultation, "Ambulans terlambat datang")
    assert search("ambulans").total == 0

    consultation.stage = CLOSED
    db.session.commit()
    assert search("ambulans").total == 2

    forum_input.hidden_at = NOW
    db.session.commit()
    assert kinds_and_titles(search("ambulans")) == [("consultation", "Evaluasi layanan ambulans")]


def test_edits_and_deletes_keep_the_index_in_step(make_consultation, make_input):
    consultation = make_consultation(title="Jadwal layanan keliling")
    forum_input = make_input(consultation, "Tambah jadwal Sabtu")

    consultation.title = "Jadwal pelayanan malam"
    forum_input.body = "Buka juga pada hari Minggu pagi."
    db.session.commit()
    assert search("keliling").total == 0
    assert kinds_and_titles(search("malam")) == [("consultation", "Jadwal pelayanan malam")]
    assert kinds_and_titles(search("minggu")) == [("input", "Tambah jadwal Sabtu")]

    db.session.delete(forum_input)
    db.session.commit()
    assert search("minggu").total == 0


def test_title_matches_rank_above_passing_mentions(make_consultation, make_input):
    consultation = make_consultation(title="Maklumat pelayanan sampah",
                                     description="Pengangkutan sampah rumah tangga, jadwal sampah, bank sampah.")
    make_input(consultation, "Soal lampu jalan", "Lampu padam; di dekatnya juga ada tumpukan sampah.")
    assert [r.kind for r in search("sampah").items] == ["consultation", "input"]


@pytest.mark.parametrize("q", [
    "", "   ", '"', "'", "ktp\"", "ktp OR", "NOT ktp", "ktp AND", "-ktp", "ktp*", "title:ktp", "(ktp",
    "NEAR(ktp el)", "'; DROP TABLE consultation; --", "&|!:*<>", "\\", "%_", "ktp" * 200, "🙂", "\x00",
])
def test_any_query_is_safe(make_consultation, q):
    make_consultation(title="Standar pelayanan KTP-el")
    page = search(q)
    assert page.total == len(page.items) <= 1
    if not terms(q):
        assert page.total == 0


def test_operators_are_read_as_words(make_consultation):
    make_consultation(title="Standar pelayanan KTP-el")
    assert search('"ktp"').total == 1
    assert search("ktp*").total == 1
    assert search("-ktp").total == 1  # not a negation
    assert search("ktp OR akta").total == 0  # every word, OR included


def test_results_paginate(make_consultation):
    for n in range(5):
        make_consultation(title=f"Survei kepuasan masyarakat triwulan {n}",
                          published_at=NOW - timedelta(days=n))
    first = search("survei", page=1, per_page=2)
    second = search("survei", page=2, per_page=2)
    last = search("survei", page=3, per_page=2)
    assert (first.total, first.pages, len(first.items), len(second.items), len(last.items)) == (5, 3, 2, 2, 1)
    titles = [r.title for r in first.items + second.items + last.items]
    assert len(set(titles)) == 5
    assert search("survei", page=4, per_page=2).items == []


def test_snippet_is_cut_around_the_first_match():
    body = "Pembuka. " * 60 + "Warga meminta **loket prioritas** bagi lansia. " + "Penutup. " * 60
    text = snippet(body, ["loket"])
    assert "loket prioritas" in text and "**" not in text
    assert text.startswith("…") and text.endswith("…") and len(text) < 240


def test_the_search_page_shows_marked_results_and_survives_odd_queries(client, make_consultation, make_input):
    consultation = make_consultation(title="Standar pelayanan KTP-el", slug="standar-ktp")
    make_input(consultation, "Antrean KTP terlalu panjang", "Perlu <script>alert(1)</script> antrean daring.")

    response = client.get("/forum/cari?q=antrean")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Antrean KTP terlalu panjang" in html and "<mark>antrean</mark>" in html
    assert "<script>alert" not in html

    for q in ["", '"', "NOT", "a' OR 1=1 --"]:
        assert client.get("/forum/cari", query_string={"q": q}).status_code == 200
    assert client.get("/forum/cari?q=antrean&page=9").status_code == 404
    assert client.get("/forum/cari?q=antrean&page=x").status_code == 400


def test_the_search_page_issues_a_bounded_number_of_queries(client, make_consultation, make_input):
    from tests.conftest import count_queries
    consultation = make_consultation(title="Layanan parkir")
    for n in range(3):
        make_input(consultation, f"Parkir liar {n}")
    with count_queries() as few:
        client.get("/forum/cari?q=parkir")
    for n in range(3, 15):
        make_input(consultation, f"Parkir liar {n}")
    with count_queries() as many:
        client.get("/forum/cari?q=parkir")
    assert len(many) == len(few)
