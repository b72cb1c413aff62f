"""The privacy notice (issue 11): says what the code does, with the configured numbers, linked from every form."""
import pytest

from config import Config
from core.permissions import CITIZEN


def test_the_privacy_page_shows_the_configured_retention_and_contact(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "COMPLAINT_IDENTITY_RETENTION_MONTHS", 18)
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT_EMAIL", "ppid@kota-contoh.go.id")
    page = client.get("/privasi").get_data(as_text=True)
    assert "Kebijakan privasi" in page and "Undang-Undang Nomor 27 Tahun 2022" in page
    assert "<strong>18 bulan</strong>" in page
    assert 'href="mailto:ppid@kota-contoh.go.id"' in page
    # What it promises the code keeps: anonim identity shown to no one, encrypted at rest, the SK private.
    assert "kepada siapa pun" in page
    assert "terenkripsi" in page and "SK atau akta" in page


def test_without_a_contact_address_the_page_points_to_the_ppid_and_the_complaint_form(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT_EMAIL", "")
    page = client.get("/privasi").get_data(as_text=True)
    assert "mailto:" not in page
    assert "PPID" in page and 'href="/pengaduan/baru"' in page


def test_the_privacy_page_has_an_english_version(client):
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/privasi").get_data(as_text=True)
    assert "Privacy notice" in page and "<strong>24 months</strong>" in page
    assert "Kebijakan privasi</h1>" not in page


def test_the_privacy_settings_have_their_documented_defaults():
    assert Config.COMPLAINT_IDENTITY_RETENTION_MONTHS == 24
    assert Config.PRIVACY_CONTACT_EMAIL == ""


@pytest.mark.parametrize("path", ["/", "/pengaduan/baru", "/akun/daftar", "/tentang"])
def test_the_footer_and_the_public_forms_link_to_the_privacy_page(client, path):
    page = client.get(path).get_data(as_text=True)
    assert page.count('href="/privasi"') >= (2 if path in ("/pengaduan/baru", "/akun/daftar") else 1)


@pytest.mark.parametrize("path", ["/organisasi/daftar", "/akun/profil"])
def test_forms_for_signed_in_people_link_to_the_privacy_page(client, login, make_user, path):
    login(make_user(CITIZEN))
    page = client.get(path).get_data(as_text=True)
    assert page.count('href="/privasi"') >= 2  # the footer and the form
