"""No input gets a 500: what a column cannot hold is refused with a 400 or 404 in the visitor's language.

Every request here comes from an anonymous visitor, as an attacker's would.
"""
import pytest
from sqlalchemy import func, select

from complaints.models import Complaint
from core.extensions import db
from core.input_guard import MAX_ID, MAX_JSON_DEPTH
from core.web import MAX_PAGE

BODY = {"title": "Sampah menumpuk di pasar", "description": "Sampah tidak diangkut selama seminggu di Pasar Flamboyan.",
        "classification": "pengaduan", "category": "lingkungan", "anonymous": False, "confidential": False}
ID, EN = {"Accept-Language": "id"}, {"Accept-Language": "en"}
REFUSED_CHARACTER = {"id": "memuat karakter yang tidak diizinkan", "en": "contains a character that is not allowed"}


def _speaking(client, lang):
    """A visitor who chose a language (pages follow the visitor's choice; the API, Accept-Language)."""
    with client.session_transaction() as session:
        session["lang"] = lang
    return client


def _nested(depth):
    return "[" * depth + "]" * depth


def _filed():
    return db.session.scalar(select(func.count(Complaint.id)))


@pytest.mark.parametrize("headers, expected", [(ID, "Kirim objek JSON"), (EN, "Send a JSON object")])
def test_json_nested_past_the_depth_limit_is_a_400_in_the_visitors_language(client, headers, expected):
    body = '{"title": ' + _nested(1500) + "}"
    response = client.post("/api/v1/complaints", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert expected in response.json["errors"]["_"][0]
    assert _filed() == 0


def test_json_nested_just_within_the_depth_limit_is_still_parsed(client):
    # MAX_JSON_DEPTH levels are fine (the body is refused as not an object, not as unreadable JSON).
    assert MAX_JSON_DEPTH == 100
    inside = client.post("/api/v1/complaints", data=_nested(MAX_JSON_DEPTH), content_type="application/json")
    deeper = client.post("/api/v1/complaints", data="{\"x\": " + _nested(MAX_JSON_DEPTH) + "}",
                         content_type="application/json")
    assert inside.status_code == deeper.status_code == 400
    assert deeper.json["errors"]["_"] == ["Kirim objek JSON dengan Content-Type application/json."]
    # Brackets inside strings are text, not nesting.
    titled = client.post("/api/v1/complaints", json={**BODY, "title": "[" * 500 + " judul"})
    assert titled.status_code == 400 and set(titled.json["errors"]) == {"title"}


@pytest.mark.parametrize("raw", ['"Sampah\\u0000 di pasar"', '"Sampah \\ud800 di pasar"', '"\\udfff"'])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_nul_byte_or_lone_surrogate_in_the_api_body_is_a_field_error(client, raw, lang):
    body = '{"title": "Sampah menumpuk", "description": ' + raw + ', "category": "lingkungan"}'
    response = client.post("/api/v1/complaints", data=body, content_type="application/json",
                           headers={"Accept-Language": lang})
    assert response.status_code == 400
    assert list(response.json["errors"]) == ["description"]
    assert REFUSED_CHARACTER[lang] in response.json["errors"]["description"][0]
    assert _filed() == 0


def test_a_nul_byte_in_a_nested_api_field_names_its_top_field(client):
    response = client.post("/api/v1/complaints", json={**BODY, "reporter": {"name": "Wa\x00ti"}})
    assert response.status_code == 400 and list(response.json["errors"]) == ["reporter"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_nul_byte_in_a_form_field_is_a_400_naming_the_field(client, lang):
    response = _speaking(client, lang).post("/akun/masuk", data={"email": "warga\x00@example.com", "password": "x"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert REFUSED_CHARACTER[lang] in page and "email" in page


@pytest.mark.parametrize("url", ["/forum/cari?q=jalan%00rusak", "/organisasi?q=%00", "/forum/?q=a%00",
                                 "/pengaduan/lacak?kode=ADU%00", "/pelatihan/periksa?kode=%00"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_nul_byte_in_a_search_or_filter_is_a_400(client, url, lang):
    response = _speaking(client, lang).get(url)
    assert response.status_code == 400
    assert REFUSED_CHARACTER[lang] in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/pengaduan/lacak/ADU-2026-%00", "/forum/konsultasi/a%00b",
                                 "/pelatihan/sertifikat/X%00"])
def test_a_nul_byte_in_the_address_is_a_400(client, url):
    assert client.get(url).status_code == 400


def test_a_nul_byte_in_an_api_address_is_a_json_400(client):
    response = client.get("/api/v1/complaints/ADU%00X", headers=EN)
    assert response.status_code == 400
    assert REFUSED_CHARACTER["en"] in response.json["errors"]["code"][0]
    assert client.get("/api/v1/certificates/%00").status_code == 400


@pytest.mark.parametrize("url", ["/forum/masukan/2147483648", "/forum/tindak-lanjut/99999999999999999999",
                                 "/organisasi/9223372036854775808", "/pelatihan/kuis/2147483648/hasil"])
@pytest.mark.parametrize("lang, expected", [("id", "Halaman tidak ditemukan"), ("en", "Page not found")])
def test_an_id_beyond_the_column_range_is_a_404_in_the_visitors_language(client, url, lang, expected):
    response = _speaking(client, lang).get(url)
    assert response.status_code == 404
    assert expected in response.get_data(as_text=True)


def test_the_largest_id_a_column_holds_is_an_ordinary_404(client):
    assert MAX_ID == 2**31 - 1
    assert client.get(f"/forum/masukan/{MAX_ID}").status_code == 404
    assert client.get(f"/organisasi/{MAX_ID}").status_code == 404


@pytest.mark.parametrize("url", ["/organisasi", "/forum/", "/forum/tindak-lanjut", "/forum/cari?q=jalan"])
@pytest.mark.parametrize("lang, expected", [("id", "Halaman tidak ditemukan"), ("en", "Page not found")])
def test_a_page_number_beyond_any_list_is_a_404(client, url, lang, expected):
    joiner = "&" if "?" in url else "?"
    for page in ("99999999999999999999", "9" * 5000, str(MAX_PAGE + 1)):
        response = _speaking(client, lang).get(f"{url}{joiner}page={page}")
        assert response.status_code == 404, page
        assert expected in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "1.5", "١"])
def test_a_page_number_that_is_not_a_positive_number_is_a_400(client, page):
    response = _speaking(client, "en").get(f"/organisasi?page={page}")
    assert response.status_code == 400
    assert "The request could not be processed" in response.get_data(as_text=True)


def test_a_page_number_is_whole_ascii_digits_and_anything_past_the_bound_reads_as_past_it():
    from core.web import parse_page
    assert MAX_PAGE == 1_000_000
    assert parse_page("99999999999999999999") == MAX_PAGE + 1
    assert parse_page("9" * 5000) == MAX_PAGE + 1
    assert parse_page("007") == 7 and parse_page("9999999") == MAX_PAGE + 1 and parse_page(str(MAX_PAGE)) == MAX_PAGE
    assert parse_page("0") is None and parse_page("x") is None


@pytest.mark.parametrize("flag", ["anonymous", "confidential"])
@pytest.mark.parametrize("value", ["true", 1, "y", None, [True], {"value": True}])
def test_the_api_refuses_a_privacy_flag_that_is_not_a_json_boolean(client, flag, value):
    response = client.post("/api/v1/complaints", json={**BODY, flag: value})
    assert response.status_code == 400
    assert list(response.json["errors"]) == [flag]
    assert response.json["errors"][flag] == ["Harus bernilai true atau false (boolean JSON)."]
    english = client.post("/api/v1/complaints", json={**BODY, flag: value}, headers=EN)
    assert english.json["errors"][flag] == ["Must be true or false (a JSON boolean)."]
    assert _filed() == 0


def test_the_api_files_an_anonymous_complaint_when_the_flag_is_true(client):
    response = client.post("/api/v1/complaints", json={**BODY, "anonymous": True, "confidential": True})
    assert response.status_code == 201
    assert response.json["anonymous"] is True and response.json["confidential"] is True
    complaint = db.session.scalar(select(Complaint))
    assert complaint.anonymous and complaint.confidential


def test_the_privacy_flags_may_be_left_out(client):
    body = {k: v for k, v in BODY.items() if k not in ("anonymous", "confidential")}
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201 and response.json["anonymous"] is False


def test_an_imported_training_module_with_a_nul_byte_is_refused_with_the_field_named():
    from core.errors import DomainError
    from training.authoring_services import parse_module_file
    with pytest.raises(DomainError, match='"lessons.0.title"') as caught:
        parse_module_file(b'{"slug": "etika", "lessons": [{"title": "Bab\\u0000 1"}]}')
    assert caught.value.field == "file"
    with pytest.raises(DomainError, match='"title"'):
        parse_module_file(b'{"title": "\\ud800"}')


def test_a_consultation_page_with_an_input_page_beyond_the_range_is_a_404(client, make_unit):
    from datetime import timedelta

    from forum.models import OPEN, Consultation
    from tests.conftest import NOW
    unit = make_unit()
    opens = NOW - timedelta(days=1)
    db.session.add(Consultation(
        slug="konsultasi-1", title="Rancangan standar pelayanan perizinan", unit_id=unit.id,
        topic_type="standar_pelayanan", description="Masukan atas rancangan.", format="hybrid",
        opens_at=opens, closes_at=opens + timedelta(days=8), meeting_at=opens + timedelta(days=11),
        place="Aula", stage=OPEN, created_at=opens, updated_at=opens, published_at=opens))
    db.session.commit()
    assert client.get("/forum/konsultasi/konsultasi-1?halaman_masukan=x").status_code == 200  # as before: page 1
    assert client.get("/forum/konsultasi/konsultasi-1?halaman_masukan=99999999999999999999").status_code == 404
    assert client.get("/forum/konsultasi/konsultasi-1?halaman_masukan=" + "9" * 5000).status_code == 404


def test_wrong_types_in_the_api_body_are_field_errors_in_the_requested_language(client):
    body = {"title": 5, "description": ["Sampah"], "classification": "lain", "category": None, "unit_id": "3",
            "location": 7, "anonymous": "false", "reporter": {"email": 5}}
    english = client.post("/api/v1/complaints", json=body, headers=EN)
    assert english.status_code == 400
    assert english.json["errors"] == {
        "title": ["Must be text."], "description": ["Must be text."],
        "classification": ["Not one of the available choices."], "category": ["This field is required."],
        "unit_id": ["Not one of the available choices."], "location": ["Must be text."],
        "anonymous": ["Must be true or false (a JSON boolean)."], "reporter_email": ["Must be text."]}
    indonesian = client.post("/api/v1/complaints", json={**BODY, "title": "Air", "unit_id": 2**31}, headers=ID)
    assert indonesian.json["errors"] == {"title": ["Paling sedikit 5 karakter."],
                                         "unit_id": ["Bukan pilihan yang tersedia."]}
