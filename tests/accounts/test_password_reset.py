import re

from accounts.models import User
from core.extensions import db
from tests.conftest import PASSWORD

NEW = {"password": "sandi-baru-yang-kuat", "password_confirm": "sandi-baru-yang-kuat"}


def reset_link(sent_mail):
    return re.search(r"http://localhost(/akun/atur-ulang-sandi/\S+)", sent_mail[-1].body).group(1)


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(client, make_user, sent_mail):
    make_user(email="warga@example.com")
    known = client.post("/akun/lupa-sandi", data={"email": "warga@example.com"})
    unknown = client.post("/akun/lupa-sandi", data={"email": "siapa@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert [m.recipients for m in sent_mail] == [["warga@example.com"]]


def test_the_reset_link_sets_a_new_password_and_works_only_once(client, make_user, sent_mail):
    user = make_user(email="warga@example.com")
    client.post("/akun/lupa-sandi", data={"email": "warga@example.com"})
    link = reset_link(sent_mail)
    assert client.get(link).status_code == 200
    assert client.post(link, data=NEW).status_code == 302
    user = db.session.get(User, user.id)
    assert user.check_password(NEW["password"]) and not user.check_password(PASSWORD)
    response = client.get(link)
    assert response.status_code == 400
    assert "sudah dipakai" in response.get_data(as_text=True)


def test_an_expired_reset_link_is_refused(app, client, make_user, sent_mail):
    make_user(email="warga@example.com")
    client.post("/akun/lupa-sandi", data={"email": "warga@example.com"})
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    try:
        response = client.post(reset_link(sent_mail), data=NEW)
    finally:
        app.config["RESET_TOKEN_MAX_AGE"] = 3600
    assert response.status_code == 400
    assert "kedaluwarsa" in response.get_data(as_text=True)


def test_a_weak_new_password_is_refused_at_the_field(client, make_user, sent_mail):
    make_user(email="warga@example.com")
    client.post("/akun/lupa-sandi", data={"email": "warga@example.com"})
    response = client.post(reset_link(sent_mail), data={"password": "123", "password_confirm": "123"})
    assert response.status_code == 400
    assert 'id="password-error"' in response.get_data(as_text=True)


def test_forgot_password_is_throttled(client):
    statuses = [client.post("/akun/lupa-sandi", data={"email": f"x{n}@example.com"}).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]


def test_resetting_also_proves_the_address(client, make_user, sent_mail):
    user = make_user(email="anyar@example.com", verified=False)
    client.post("/akun/lupa-sandi", data={"email": "anyar@example.com"})
    client.post(reset_link(sent_mail), data=NEW)
    assert db.session.get(User, user.id).email_verified_at is not None
