import pytest
from flask import abort

from app import create_app
from config import TestConfig


def test_every_page_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script(client):
    page = client.get("/akun/daftar").get_data(as_text=True)
    for chunk in page.split("<script")[1:]:
        assert chunk.lstrip().startswith("src="), "every script is a file"
    assert "cdn" not in page.lower()  # Bootstrap is served by this site


def test_bootstrap_assets_are_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css" in page
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200


def test_the_site_speaks_indonesian_by_default_and_english_on_request(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in page and "Beranda" in page
    response = client.post("/bahasa/en?next=/organisasi")
    assert response.headers["Location"] == "/organisasi"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Home" in page
    assert client.post("/bahasa/xx").status_code == 404


def test_the_home_page_links_to_the_three_pillars(client):
    page = client.get("/").get_data(as_text=True)
    for path in ("/forum/", "/pengaduan/", "/pelatihan/"):
        assert f'href="{path}"' in page


def test_a_missing_page_gets_a_friendly_404_in_the_visitors_language(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.post("/bahasa/en")
    assert "Page not found" in client.get("/tidak-ada").get_data(as_text=True)


def test_the_api_answers_errors_in_json(client):
    response = client.get("/api/v1/tidak-ada", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json["error"]["status"] == 404
    assert response.json["error"]["title"] == "Page not found"


def test_a_too_large_upload_gets_a_friendly_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/akun/daftar", data={"full_name": "x" * 5000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = TestConfig.MAX_CONTENT_LENGTH
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(app):
    # A separate app: routes cannot be added to one that has served requests.
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"])

    @other.get("/boom")
    def boom():
        raise RuntimeError("deliberate failure")

    @other.get("/forbidden")
    def forbidden():
        abort(403)
    return other


def test_an_unexpected_error_gets_a_friendly_500_page(failing_app):
    with failing_app.app_context():
        response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.get_data(as_text=True)
    assert "deliberate failure" not in response.get_data(as_text=True)


def test_forbidden_gets_a_friendly_403_page(failing_app):
    with failing_app.app_context():
        response = failing_app.test_client().get("/forbidden")
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)


def test_a_bad_page_number_is_a_400_not_a_crash(client):
    assert client.get("/organisasi?page=abc").status_code == 400
    assert client.get("/organisasi?page=0").status_code == 400
    assert client.get("/organisasi?page=99").status_code == 404


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_200_on_a_fresh_sqlite_file_site(tmp_path):
    """As on `make run`: the probe's thread opens the first connection, outside any app context."""
    fresh = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/site.sqlite")
    response = fresh.test_client().get("/healthz")
    assert response.status_code == 200, response.json


def test_healthz_says_503_when_the_database_is_gone(tmp_path):
    broken = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    with broken.app_context():
        response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_behind_a_trusted_proxy_the_visitor_address_comes_from_x_forwarded_for(app):
    """Per-address limits need the visitor's address, not nginx's; an untrusted header is ignored."""
    from flask import request

    from app import create_app
    from config import TestConfig
    seen = {}
    for hops in (0, 1):
        proxied = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                             TRUSTED_PROXIES=hops)

        @proxied.get("/_address")
        def address():
            return request.remote_addr

        seen[hops] = proxied.test_client().get(
            "/_address", headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    assert seen == {0: "127.0.0.1", 1: "203.0.113.7"}
