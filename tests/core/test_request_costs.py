"""Issue 15: what every page pays whoever asks for it: the frame's links are built once per script
root, the translations catalogue is looked up once per request, and the language switch still
brings a person back to the page they were on, in the language they chose."""
import pytest
from flask_babel import force_locale

from werkzeug.routing import MapAdapter

import core.i18n
from core.i18n import gettext, lazy_gettext, lazy_ngettext, ngettext
from core.permissions import ASN, CITIZEN
from tests.conftest import count_queries


def counting(monkeypatch, module, name):
    """Count the calls of `module.name` (still calling it) during the test."""
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, counted)
    return calls


def test_the_frame_builds_its_links_once_and_not_on_every_page(app, client, login, make_user, monkeypatch):
    login(make_user(CITIZEN))
    client.get("/")  # the first page under this script root builds the frame's links
    built = counting(monkeypatch, MapAdapter, "build")  # what url_for does, in Python or in a template
    for _ in range(3):
        page = client.get("/tentang").get_data(as_text=True)
    assert built == []  # the about page's own content has no link either
    assert 'href="/pengaduan/saya"' in page and 'action="/akun/keluar"' in page


def test_a_site_under_a_script_root_gets_links_under_it(app, client):
    page = client.get("/", environ_overrides={"SCRIPT_NAME": "/layanan"}).get_data(as_text=True)
    assert 'href="/layanan/forum/"' in page
    assert 'action="/layanan/bahasa/en?next=/?"' in page  # `next`: the path inside the site, as url_for wrote it
    assert client.get("/").get_data(as_text=True).count('href="/layanan/') == 0


def test_the_language_switch_comes_back_to_the_page_with_its_query(client):
    page = client.get("/rapor?periode=2026-10&a=b c").get_data(as_text=True)
    assert 'action="/bahasa/en?next=/rapor?periode%3D2026-10%26a%3Db+c"' in page
    response = client.post("/bahasa/en?next=/rapor?periode%3D2026-10%26a%3Db+c")
    assert response.headers["Location"] == "/rapor?periode=2026-10&a=b%20c"
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_a_page_looks_its_catalogue_up_once_however_many_strings_it_translates(app, client, login, make_user,
                                                                              monkeypatch):
    login(make_user(CITIZEN))
    client.get("/")
    fetched = counting(monkeypatch, core.i18n, "get_translations")
    locales_asked = counting(monkeypatch, core.i18n, "get_locale")
    translated = counting(monkeypatch, core.i18n, "_translations")
    assert client.get("/").status_code == 200
    assert len(translated) > 20  # the frame alone translates more than twenty strings
    assert len(fetched) == 1
    assert len(locales_asked) <= 2  # the request's language, and a date's: not one per string


def test_the_translation_functions_follow_force_locale_within_a_request(app):
    with app.test_request_context():
        assert gettext("Beranda") == "Beranda"
        with force_locale("en"):
            assert gettext("Beranda") == "Home"
            assert str(lazy_gettext("Beranda")) == "Home"
            assert ngettext("%(num)d menit", "%(num)d menit", 1) == "1 minute"
            assert ngettext("%(num)d menit", "%(num)d menit", 2) == "2 minutes"
        assert gettext("Beranda") == "Beranda"
        assert str(lazy_ngettext("%(num)d menit", "%(num)d menit", 3)) == "3 menit"


def test_outside_an_app_a_string_is_its_own_translation():
    assert gettext("Beranda") == "Beranda"
    assert gettext("Pemerintah %(city)s", city="Kota Contoh") == "Pemerintah Kota Contoh"


@pytest.mark.parametrize("role", [CITIZEN, ASN])
def test_the_signed_in_person_is_read_once_by_key_and_nothing_else(app, client, login, users, role):
    login(users[role])
    client.get("/tentang")
    with count_queries() as statements:
        page = client.get("/tentang").get_data(as_text=True)
    assert users[role].full_name in page
    assert len(statements) == 1, statements  # the about page itself reads nothing
    assert 'FROM "user"' in statements[0] or "FROM user" in statements[0]
    assert "JOIN" not in statements[0].upper()
