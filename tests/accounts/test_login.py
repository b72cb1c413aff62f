import re

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.permissions import ADMIN, CITIZEN
from tests.conftest import PASSWORD


def log_in(client, email, password=PASSWORD):
    return client.post("/akun/masuk", data={"email": email, "password": password})


def test_logging_in_with_the_right_password_opens_a_session(client, make_user):
    user = make_user(email="warga@example.com")
    response = log_in(client, "WARGA@example.com ")
    assert response.status_code == 302
    page = client.get("/akun/profil")
    assert page.status_code == 200
    assert "warga@example.com" in page.get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is not None


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, make_user):
    make_user(email="warga@example.com")
    wrong = log_in(client, "warga@example.com", "salah-sekali-sandinya")
    unknown = log_in(client, "siapa@example.com")
    assert wrong.status_code == unknown.status_code == 400

    def message(response):
        return re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>',
                         response.get_data(as_text=True), re.S).group(1).strip()
    assert message(wrong) == message(unknown)
    assert "E-mail atau kata sandi salah." in message(wrong)


def test_an_unverified_account_cannot_log_in_and_gets_the_link_again(client, make_user, sent_mail):
    make_user(email="baru@example.com", verified=False)
    response = log_in(client, "baru@example.com")
    assert response.status_code == 400
    assert "belum diverifikasi" in response.get_data(as_text=True)
    assert [m.recipients for m in sent_mail] == [["baru@example.com"]]
    assert client.get("/akun/profil").status_code == 302


def test_log_in_is_throttled_per_address(client, make_user):
    make_user(email="warga@example.com")
    statuses = [log_in(client, "warga@example.com", f"tebakan-ke-{n}").status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    # The right password is refused too while the address is throttled.
    response = log_in(client, "warga@example.com")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)


def test_logging_out_ends_the_session(client, make_user):
    make_user(email="warga@example.com")
    log_in(client, "warga@example.com")
    assert client.post("/akun/keluar").status_code == 302
    assert client.get("/akun/profil").status_code == 302


def test_a_deactivated_account_loses_its_session_and_cannot_log_in(client, login, make_user, app):
    admin = make_user(ADMIN)
    user = make_user(CITIZEN, email="warga@example.com")
    log_in(client, "warga@example.com")
    admin_client = login(admin, on=app.test_client())
    assert admin_client.post(f"/admin/pengguna/{user.id}/nonaktifkan").status_code == 302
    assert client.get("/akun/profil").status_code == 302
    response = log_in(client, "warga@example.com")
    assert response.status_code == 400
    assert "dinonaktifkan" in response.get_data(as_text=True)


def test_changing_the_password_ends_sessions_elsewhere_but_keeps_this_one(app, client, make_user):
    make_user(email="warga@example.com")
    other_device = app.test_client()
    log_in(client, "warga@example.com")
    log_in(other_device, "warga@example.com")
    response = client.post("/akun/ganti-sandi", data={"current_password": PASSWORD, "password": "sandi-baru-yang-kuat",
                                                      "password_confirm": "sandi-baru-yang-kuat"})
    assert response.status_code == 302
    assert client.get("/akun/profil").status_code == 200
    assert other_device.get("/akun/profil").status_code == 302
    client.post("/akun/keluar")
    assert log_in(client, "warga@example.com", "sandi-baru-yang-kuat").status_code == 302


def test_changing_the_password_needs_the_current_one(client, login, make_user):
    user = make_user()
    login(user)
    response = client.post("/akun/ganti-sandi", data={"current_password": "bukan-ini-sandinya",
                                                      "password": "sandi-baru-yang-kuat",
                                                      "password_confirm": "sandi-baru-yang-kuat"})
    assert response.status_code == 400
    assert "Kata sandi saat ini salah" in response.get_data(as_text=True)


def test_next_after_login_stays_on_this_site(client, make_user):
    make_user(email="warga@example.com")
    response = client.post("/akun/masuk?next=https://evil.example.com/",
                           data={"email": "warga@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/akun/keluar")
    response = client.post("/akun/masuk?next=/akun/profil", data={"email": "warga@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/akun/profil"


def test_profile_changes_name_phone_and_language(client, login, make_user):
    user = make_user()
    login(user)
    response = client.post("/akun/profil", data={"full_name": "Nama Baru", "phone": "0812 3456 7890", "locale": "en"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.id == user.id))
    assert (user.full_name, user.phone, user.locale) == ("Nama Baru", "0812 3456 7890", "en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def from_address(app, address):
    """A browser on its own IP address."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def test_hammering_an_account_from_one_address_does_not_lock_its_owner_out(app, make_user):
    make_user(email="warga@example.com")
    attacker = from_address(app, "203.0.113.7")
    owner = from_address(app, "198.51.100.20")
    limit = 5  # LOGIN_ACCOUNT_RATE_LIMIT: 5 per minute per (account, address)
    statuses = [log_in(attacker, "warga@example.com", f"tebakan-ke-{n}").status_code for n in range(limit + 1)]
    assert statuses == [400] * limit + [429]
    assert log_in(attacker, "warga@example.com").status_code == 429  # even the right password, from there
    assert log_in(owner, "warga@example.com").status_code == 302
    assert owner.get("/akun/profil").status_code == 200


def test_many_failures_on_one_account_slow_every_attempt_on_it_but_never_block(app, make_user, monkeypatch):
    from accounts import throttle
    waits = []
    monkeypatch.setattr(throttle, "_sleep", waits.append)
    make_user(email="warga@example.com")
    after = app.config["LOGIN_SLOWDOWN_AFTER"]
    assert (after, app.config["LOGIN_SLOWDOWN_SECONDS"], app.config["LOGIN_SLOWDOWN_WINDOW_SECONDS"]) == (10, 2, 900)
    for n in range(after):  # from many addresses, each under its own limit
        attacker = from_address(app, f"203.0.113.{n + 1}")
        assert log_in(attacker, "warga@example.com", "tebakan-yang-salah").status_code == 400
    assert waits == []
    owner = from_address(app, "198.51.100.20")
    assert log_in(owner, "warga@example.com").status_code == 302  # slowed, not refused
    assert waits == [2]
    # An unknown address is slowed the same way, so the delay tells nobody which accounts exist.
    for n in range(after):
        assert log_in(from_address(app, f"192.0.2.{n + 1}"), "siapa@example.com", "x" * 12).status_code == 400
    assert waits == [2]
    assert log_in(from_address(app, "198.51.100.21"), "siapa@example.com", "x" * 12).status_code == 400
    assert waits == [2, 2]
