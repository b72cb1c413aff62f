"""A copied session cookie dies with its owner's session: logging out, a new password, a reset,
deactivation and "log out on all devices" all make every copy anonymous."""
import re

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.permissions import ADMIN
from tests.conftest import PASSWORD


def log_in(client, email="warga@example.com", password=PASSWORD, **extra):
    return client.post("/akun/masuk", data={"email": email, "password": password, **extra})


def copy_of(app, client):
    """A second browser holding every cookie of the first (as an attacker who copied them)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def signed_in(client):
    return client.get("/akun/profil").status_code == 200


@pytest.fixture
def owner(make_user):
    return make_user(email="warga@example.com")


@pytest.fixture
def owner_client(client, owner):
    assert log_in(client).status_code == 302
    return client


def test_logging_out_makes_a_copied_session_cookie_anonymous(app, owner_client):
    thief = copy_of(app, owner_client)
    assert signed_in(thief)
    owner_client.post("/akun/keluar")
    assert not signed_in(owner_client)
    assert not signed_in(thief)


def test_logging_out_kills_a_copied_remember_me_cookie(app, client, owner):
    log_in(client, remember="y")
    remembered = app.test_client()
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    remembered.set_cookie("remember_token", cookie.value)
    assert signed_in(remembered)  # the remember cookie alone opens a session
    client.post("/akun/keluar")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    assert not signed_in(fresh)


def test_changing_the_password_makes_a_copied_cookie_anonymous(app, owner_client):
    thief = copy_of(app, owner_client)
    owner_client.post("/akun/ganti-sandi", data={"current_password": PASSWORD, "password": "sandi-baru-yang-kuat",
                                                 "password_confirm": "sandi-baru-yang-kuat"})
    assert signed_in(owner_client)
    assert not signed_in(thief)


def test_resetting_the_password_makes_a_copied_cookie_anonymous(app, owner_client, sent_mail):
    thief = copy_of(app, owner_client)
    app.test_client().post("/akun/lupa-sandi", data={"email": "warga@example.com"})
    link = re.search(r"http://localhost(/akun/atur-ulang-sandi/\S+)", sent_mail[-1].body).group(1)
    assert app.test_client().post(link, data={"password": "sandi-baru-yang-kuat",
                                              "password_confirm": "sandi-baru-yang-kuat"}).status_code == 302
    assert not signed_in(thief)
    assert not signed_in(owner_client)


def test_deactivating_makes_a_copied_cookie_anonymous(app, login, make_user, owner, owner_client):
    thief = copy_of(app, owner_client)
    admin = login(make_user(ADMIN), on=app.test_client())
    assert admin.post(f"/admin/pengguna/{owner.id}/nonaktifkan").status_code == 302
    assert not signed_in(thief)


def test_a_deactivated_account_is_never_loaded_even_with_its_current_stamp(owner, owner_client):
    owner.active = False  # e.g. switched off in the database, without a new stamp
    db.session.commit()
    assert not signed_in(owner_client)


def test_logging_out_on_all_devices_ends_this_session_and_every_copy(app, owner, owner_client, csrf_enabled):
    other_device = app.test_client()
    log_in_with_csrf = other_device.get("/akun/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', log_in_with_csrf).group(1)
    log_in(other_device, csrf_token=token)
    thief = copy_of(app, owner_client)
    profile = owner_client.get("/akun/profil").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/akun/keluar-semua-perangkat">.*?value="([^"]+)"', profile, re.S)
    assert "Keluar dari semua perangkat" in profile
    response = owner_client.post("/akun/keluar-semua-perangkat", data={"csrf_token": form.group(1)})
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]
    assert not signed_in(owner_client)
    assert not signed_in(thief)
    assert not signed_in(other_device)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "user.logged_out_everywhere", AuditEvent.object_id == owner.id)) == 1


def test_logging_out_on_all_devices_needs_the_csrf_token(owner_client, csrf_enabled):
    assert owner_client.post("/akun/keluar-semua-perangkat").status_code == 400
    assert signed_in(owner_client)


def test_logging_out_drops_the_complaint_reporter_pass_of_every_copy(app, owner_client):
    from complaints import services as complaints
    with app.test_request_context():
        complaint, key = complaints.file_complaint(
            title="Jalan berlubang", category="infrastruktur", classification="pengaduan",
            description="Lubang besar di depan sekolah membahayakan pengendara.",
            reporter_name="Siti", reporter_email="warga@example.com", confidential=True)
    case = f"/pengaduan/{complaint.tracking_code}"
    assert owner_client.get(f"/pengaduan/akses/{complaint.tracking_code}/{key}").status_code == 302
    thief = copy_of(app, owner_client)
    assert thief.get(case).status_code == 200
    owner_client.post("/akun/keluar")
    assert owner_client.get(case).status_code == 403
    assert thief.get(case).status_code == 403
    # The reporter link stays the way back.
    assert owner_client.get(f"/pengaduan/akses/{complaint.tracking_code}/{key}").status_code == 302
    assert owner_client.get(case).status_code == 200


def test_the_language_survives_logging_out(owner_client):
    with owner_client.session_transaction() as session:
        session["lang"] = "en"
    owner_client.post("/akun/keluar")
    with owner_client.session_transaction() as session:
        assert session.get("lang") == "en"
        assert "_user_id" not in session
