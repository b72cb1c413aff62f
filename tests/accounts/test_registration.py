import re

import pytest
from sqlalchemy import func, select

from accounts import services
from accounts.models import User
from core.audit import AuditEvent
from core.extensions import db
from core.permissions import ASN, CITIZEN

FORM = {"full_name": "Siti Aminah", "email": "Siti@Example.com", "password": "kopi-pagi-di-teras",
        "password_confirm": "kopi-pagi-di-teras", "account_type": "citizen", "agree": "y"}


def link_in(message):
    return re.search(r"http://localhost(/\S+)", message.body).group(1)


def test_registering_creates_an_unverified_account_and_mails_the_link(client, sent_mail):
    response = client.post("/akun/daftar", data=FORM)
    assert response.status_code == 302
    assert "/akun/periksa-email" in response.headers["Location"]
    user = db.session.scalar(select(User))
    assert user.email == "siti@example.com"  # stored lower-case: one account per address
    assert user.role == CITIZEN and user.email_verified_at is None
    assert user.password_hash.startswith("scrypt:")
    assert [m.recipients for m in sent_mail] == [["siti@example.com"]]
    assert "/akun/verifikasi/" in sent_mail[0].body
    assert db.session.scalar(select(AuditEvent.action)) == "user.registered"


def test_the_verification_link_verifies_the_address_once_and_for_all(client, sent_mail):
    client.post("/akun/daftar", data=FORM)
    link = link_in(sent_mail[0])
    response = client.get(link)
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]
    user = db.session.scalar(select(User))
    verified_at = user.email_verified_at
    assert verified_at is not None
    assert client.get(link).status_code == 302  # following it again changes nothing
    assert db.session.scalar(select(User)).email_verified_at == verified_at


def test_an_expired_or_forged_verification_link_is_refused(app, client, sent_mail):
    client.post("/akun/daftar", data=FORM)
    link = link_in(sent_mail[0])
    assert client.get(link[:-3] + "abc").status_code == 400
    app.config["EMAIL_TOKEN_MAX_AGE"] = -1
    try:
        response = client.get(link)
    finally:
        app.config["EMAIL_TOKEN_MAX_AGE"] = 48 * 3600
    assert response.status_code == 400
    assert "kedaluwarsa" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)).email_verified_at is None


def test_registering_a_taken_address_answers_the_same_and_warns_the_owner(client, sent_mail, make_user):
    owner = make_user(email="siti@example.com")
    response = client.post("/akun/daftar", data=FORM)
    assert response.status_code == 302
    assert "/akun/periksa-email" in response.headers["Location"]
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert sent_mail[0].recipients == [owner.email]
    assert "sudah memiliki akun" in sent_mail[0].body


@pytest.mark.parametrize("change,field,message", [
    ({"password": "pendek", "password_confirm": "pendek"}, "password", "Kata sandi minimal 10 karakter"),
    ({"password_confirm": "lain-sekali-sandinya"}, "password_confirm", "Kedua kata sandi tidak sama"),
    ({"email": "bukan-email"}, "email", "Alamat e-mail tidak sah"),
    ({"agree": ""}, "agree", "menyetujui pemrosesan data"),
    ({"full_name": ""}, "full_name", "Wajib diisi"),
])
def test_bad_input_is_answered_next_to_its_field_and_nothing_is_saved(client, sent_mail, change, field, message):
    response = client.post("/akun/daftar", data={**FORM, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert sent_mail == []


def test_field_messages_come_in_english_when_the_visitor_chose_english(client):
    client.post("/bahasa/en")
    response = client.post("/akun/daftar", data={**FORM, "email": "bukan-email"})
    assert response.status_code == 400
    assert "Invalid e-mail address" in response.get_data(as_text=True)


def test_an_asn_registers_with_nip_and_unit_and_waits_for_confirmation(client, sent_mail, make_unit):
    unit = make_unit()
    response = client.post("/akun/daftar", data={**FORM, "account_type": "asn", "nip": "19850312 201001 1 003",
                                                 "unit_id": unit.id})
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert (user.role, user.nip, user.unit_id) == (ASN, "198503122010011003", unit.id)
    assert user.asn_confirmed_at is None and user.asn_pending


@pytest.mark.parametrize("nip,message", [
    ("", "NIP wajib diisi untuk ASN"),
    ("198502302010011003", "tanggal lahir yang sah"),
    ("198503122010013003", "jenis kelamin"),
])
def test_an_asn_with_a_bad_nip_is_told_what_is_wrong(client, make_unit, nip, message):
    unit = make_unit()
    response = client.post("/akun/daftar", data={**FORM, "account_type": "asn", "nip": nip, "unit_id": unit.id})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_registering_a_taken_nip_answers_as_a_fresh_one_and_tells_the_nip_owner(client, make_unit, make_user,
                                                                                 sent_mail):
    unit = make_unit()
    owner = make_user(ASN, unit=unit, nip="198503122010011003", email="pemilik.nip@example.com")
    fresh = client.post("/akun/daftar", data={**FORM, "email": "baru@example.com", "account_type": "asn",
                                              "nip": "199001012015031002", "unit_id": unit.id})
    sent_mail.clear()
    taken = client.post("/akun/daftar", data={**FORM, "account_type": "asn", "nip": "198503122010011003",
                                              "unit_id": unit.id})
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"]
    assert "NIP" not in client.get(taken.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "siti@example.com")) == 0
    assert [m.recipients for m in sent_mail] == [[owner.email]]
    assert "198503122010011003" in sent_mail[0].body and "Tidak ada akun baru" in sent_mail[0].body


def test_the_nip_owner_is_told_in_english_when_that_is_their_language(client, make_unit, make_user, sent_mail):
    unit = make_unit()
    make_user(ASN, unit=unit, nip="198503122010011003", locale="en")
    client.post("/akun/daftar", data={**FORM, "account_type": "asn", "nip": "198503122010011003", "unit_id": unit.id})
    assert sent_mail[0].subject == "Registration attempt with your NIP"
    assert "No new account was created" in sent_mail[0].body


def test_a_citizen_needs_no_nip(client):
    assert client.post("/akun/daftar", data={**FORM, "nip": "", "unit_id": ""}).status_code == 302


def test_resending_verification_does_not_reveal_whether_an_address_exists(client, sent_mail, make_user):
    make_user(email="belum@example.com", verified=False)
    unknown = client.post("/akun/verifikasi-ulang", data={"email": "tidak-ada@example.com"})
    known = client.post("/akun/verifikasi-ulang", data={"email": "belum@example.com"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.headers["Location"] == known.headers["Location"]
    assert [m.recipients for m in sent_mail] == [["belum@example.com"]]


def test_services_refuse_a_weak_password_even_without_the_form(app):
    with app.test_request_context():
        with pytest.raises(services.DomainError) as error:
            services.register_user(email="a@example.com", password="aaaaaaaaaaaa", full_name="A")
    assert error.value.field == "password"
