"""Issue 12: training content that names the city's settings ({{...}}), the sources block at the
end of a module, and the authoring warning for a bank that guessing the longest option passes."""
import json

import pytest

from core.errors import DomainError
from core.extensions import db
from training import authoring_services as authoring
from training import learning_services as learning
from training.models import TrainingModule
from training.module_sources import as_lines, parse_lines

from .conftest import NOW
from .test_import_export import module_file

SETTINGS_TEXT = "Diteruskan ke {{sistem_pengaduan_nasional}} setelah {{batas_hari_kerja_pengaduan}} hari kerja di {{nama_kota}}."
SOURCE = {"regulation": "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik", "articles": "Pasal 40",
          "checked_on": "2026-12-01", "note": ""}


@pytest.fixture
def city(app, monkeypatch):
    """Settings other than the defaults, so a hard-coded 5 or "Kota Contoh" would show."""
    for name, value in {"CITY_NAME": "Kota Mataram", "COMPLAINT_SLA_WORKING_DAYS": 7,
                        "NATIONAL_SYSTEM_NAME": "LAPOR!"}.items():
        monkeypatch.setitem(app.config, name, value)
    return app


# --- placeholders ------------------------------------------------------------------------------

def test_a_lesson_and_the_summary_show_the_city_settings(city, client, login, asn, make_module):
    module = make_module(lessons=1, summary="Layanan {{nama_kota}}.")
    module.lessons[0].body = "## Batas waktu\n\n" + SETTINGS_TEXT
    db.session.commit()
    login(asn)
    lesson = client.get(f"/pelatihan/modul/{module.slug}/pelajaran/1").get_data(as_text=True)
    assert "Diteruskan ke LAPOR! setelah 7 hari kerja di Kota Mataram." in lesson
    page = client.get(f"/pelatihan/modul/{module.slug}").get_data(as_text=True)
    assert "Layanan Kota Mataram." in page
    assert "{{" not in lesson + page


def test_the_quiz_and_its_review_fill_questions_options_and_explanations(city, asn, make_module, read_all):
    module = make_module(lessons=1, questions=1, questions_per_quiz=1, review_policy="always")
    question = module.questions[0]
    question.kind = "single"
    question.text = "Berapa hari kerja di {{nama_kota}}?"
    question.explanation = "Pengaturan kota: {{batas_hari_kerja_pengaduan}} hari kerja."
    question.options[0].text = "{{batas_hari_kerja_pengaduan}} hari kerja"
    question.options[1].correct = False
    db.session.commit()
    read_all(asn, module)

    attempt = learning.start_attempt(asn, module, NOW)
    sheet = learning.quiz_sheet(attempt)
    assert sheet[0]["text"] == "Berapa hari kerja di Kota Mataram?"
    assert "7 hari kerja" in [option["text"] for option in sheet[0]["options"]]
    learning.submit_attempt(asn, attempt, {question.id: [question.options[0].id]}, NOW)
    item = learning.review(attempt, NOW).items[0]
    assert item.text == "Berapa hari kerja di Kota Mataram?"
    assert item.explanation == "Pengaturan kota: 7 hari kerja."
    assert "7 hari kerja" in [option["text"] for option in item.options]
    # Stored content keeps the placeholder, so a later change of the setting shows everywhere.
    assert db.session.get(type(question), question.id).options[0].text == "{{batas_hari_kerja_pengaduan}} hari kerja"


def test_an_unknown_placeholder_is_refused_next_to_its_field(client, login, admin, make_module):
    module = make_module(lessons=1)
    login(admin)
    response = client.post(f"/pelatihan/kelola/{module.slug}/pelajaran/{module.lessons[0].id}",
                           data={"title": "Pelajaran 1", "body": "Batas {{batas_hari_kerja}} hari.", "save": "1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "penanda {{batas_hari_kerja}} tidak dikenal" in page
    assert "{{batas_hari_kerja_pengaduan}}" in page  # the message lists what exists
    assert db.session.get(type(module.lessons[0]), module.lessons[0].id).body.startswith("## Bagian")


@pytest.mark.parametrize("change,field", [
    (lambda data: data["questions"][0]["options"][0].update(text="{{kota}}"), "Pertanyaan 1"),
    (lambda data: data["questions"][1].update(explanation="Lihat {{ nama }}."), "Pertanyaan 2"),
    (lambda data: data.update(summary="Ringkasan {{x}}."), "Ringkasan"),
    (lambda data: data["lessons"][1].update(body="Isi {{nama_kota }} dan {{kota_nama}}."), "Pelajaran 2"),
])
def test_an_import_with_an_unknown_placeholder_writes_nothing(admin, change, field):
    data = module_file()
    change(data)
    with pytest.raises(DomainError) as refused:
        authoring.import_module(data, actor=admin)
    assert refused.value.message.startswith(field) and "tidak dikenal" in refused.value.message
    assert db.session.scalar(db.select(TrainingModule).filter_by(slug=data["slug"])) is None


def test_titles_stay_literal(admin):
    data = module_file(lessons=[{"title": "Di {{nama_kota}}", "body": "Isi."}])
    with pytest.raises(DomainError, match="judul tidak boleh memuat penanda"):
        authoring.import_module(data, actor=admin)


# --- sources -----------------------------------------------------------------------------------

def test_sources_travel_with_the_file_and_show_at_the_end_of_the_module(client, login, asn, admin):
    module = authoring.import_module(module_file(sources=[SOURCE, dict(SOURCE, articles="", note="Ringkasan resmi.")]),
                                     actor=admin)
    assert authoring.export_module(module)["sources"] == [SOURCE, dict(SOURCE, articles="", note="Ringkasan resmi.")]
    login(asn)
    page = client.get(f"/pelatihan/modul/{module.slug}").get_data(as_text=True)
    assert "Sumber dan tanggal pemeriksaan" in page
    assert "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik, Pasal 40" in page
    assert "diperiksa 1 Desember 2026" in page and "Ringkasan resmi." in page
    last = client.get(f"/pelatihan/modul/{module.slug}/pelajaran/2").get_data(as_text=True)
    first = client.get(f"/pelatihan/modul/{module.slug}/pelajaran/1").get_data(as_text=True)
    assert "Sumber dan tanggal pemeriksaan" in last and "Sumber dan tanggal pemeriksaan" not in first


def test_a_file_without_sources_imports_with_none(admin):
    data = module_file()
    data.pop("sources", None)
    assert authoring.import_module(data, actor=admin).sources == []


@pytest.mark.parametrize("sources,message", [
    ({"regulation": "UU 25/2009"}, 'Kolom "sources" jenisnya salah'),
    ([dict(SOURCE, checked_on="1/12/2026")], "Sumber 1: tanggal pemeriksaan harus ditulis TTTT-BB-HH"),
    ([SOURCE, dict(SOURCE, checked_on="2999-01-01")], "Sumber 2: tanggal pemeriksaan tidak boleh di masa depan"),
    ([dict(SOURCE, regulation="  ")], "Sumber 1: nama peraturan wajib diisi"),
    ([dict(SOURCE, url="https://example.org")], "Sumber 1: harus berupa objek"),
])
def test_a_bad_sources_block_refuses_the_whole_file(admin, sources, message):
    with pytest.raises(DomainError, match=message):
        authoring.import_module(module_file(sources=sources), actor=admin)


def test_the_module_form_edits_sources_one_per_line(client, login, admin, make_module):
    module = make_module(lessons=1, questions=1)
    module.sources = [SOURCE]
    db.session.commit()
    login(admin)
    form = client.get(f"/pelatihan/kelola/{module.slug}").get_data(as_text=True)
    assert "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik | Pasal 40 | 2026-12-01" in form

    values = authoring.export_module(module)
    data = {name: values[name] for name in ("title", "slug", "summary", "audience", "estimated_minutes", "pass_mark",
                                            "questions_per_quiz", "attempts_per_day", "validity_months",
                                            "review_policy", "retake_wait_minutes")}
    data.update(published="y", sources="PP 94/2021 tentang Disiplin PNS | Pasal 8 | 2026-12-02 | dibaca dari teks\n\n")
    assert client.post(f"/pelatihan/kelola/{module.slug}", data=data).status_code == 302
    db.session.expire_all()
    assert module.sources == [{"regulation": "PP 94/2021 tentang Disiplin PNS", "articles": "Pasal 8",
                               "checked_on": "2026-12-02", "note": "dibaca dari teks"}]

    data.update(sources="PP 94/2021 tanpa tanggal")
    refused = client.post(f"/pelatihan/kelola/{module.slug}", data=data)
    assert refused.status_code == 400
    assert "Sumber 1: tulis" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert module.sources[0]["regulation"] == "PP 94/2021 tentang Disiplin PNS"


def test_the_form_text_reads_back_as_the_same_sources():
    sources = [SOURCE, dict(SOURCE, articles="", note="Catatan.")]
    assert parse_lines(as_lines(sources)) == sources


# --- the authoring warning: guessing the longest option ------------------------------------------

def _singles(module, longest):
    """Make the first `longest` single-answer questions have a correct option longer than the rest."""
    singles = [q for q in module.questions if q.kind == "single"]
    for number, question in enumerate(singles):
        for option in question.options:
            option.text = ("Pilihan yang lebih panjang " if option.correct and number < longest else "Pilihan ") + str(option.id)
    db.session.commit()
    return len(singles)


def test_a_bank_where_the_longest_option_wins_in_more_than_half_is_flagged(admin, make_module):
    module = make_module(lessons=1, questions=20, questions_per_quiz=10)  # 10 single-answer questions
    assert _singles(module, 5) == 10
    assert authoring.bank_warning(module) is None  # exactly half: not flagged
    _singles(module, 6)
    warning = authoring.bank_warning(module)
    assert warning == ("Pada 6 dari 10 soal pilihan tunggal, jawaban benar adalah pilihan terpanjang, sehingga peserta "
                       "dapat lulus dengan menebak pilihan terpanjang. Samakan panjang pilihan atau buat pilihan "
                       "salah yang lebih lengkap.")


def test_both_warnings_show_together_on_the_module_page(client, login, admin, make_module):
    module = make_module(lessons=1, questions=12, questions_per_quiz=10)
    _singles(module, 6)
    login(admin)
    page = client.get(f"/pelatihan/kelola/{module.slug}").get_data(as_text=True)
    assert "Bank soal hanya berisi 12 pertanyaan aktif untuk 10 soal per kuis." in page
    assert "Pada 6 dari 6 soal pilihan tunggal" in page


def test_the_shipped_bank_check_reads_the_same_rule():
    assert authoring.correct_is_longest([("Panjang sekali", True), ("Pendek", False)])
    assert not authoring.correct_is_longest([("Sama", True), ("Sama!", False)])
    assert not authoring.correct_is_longest([("Sama", True), ("Juga", False)])  # a tie tells nothing
    assert authoring.longest_answer_share([("single", [("AAA", True), ("B", False)]),
                                           ("multiple", [("AAA", True), ("B", False)]),
                                           ("single", [("A", True), ("BBB", False)])]) == (1, 2)
