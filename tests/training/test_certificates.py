"""Certificates: issued on a passed quiz, verified by code, expiring, revoked, reminded before expiry."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core import audit
from core.extensions import db
from core.outbox import OutboxMessage
from training import certificate_services as services
from training.models import Certificate

from .certificate_helpers import issued, passed_attempt


def outbox(prefix):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.startswith(prefix))
                              .order_by(OutboxMessage.id)).all()


def audit_actions(certificate):
    return [e.action for e in db.session.scalars(select(audit.AuditEvent).where(
        audit.AuditEvent.object_type == "certificate", audit.AuditEvent.object_id == certificate.id))]


# --- issuing ---------------------------------------------------------------------------------------

def test_passing_issues_a_certificate_with_an_unguessable_code(asn, make_module, now):
    module = make_module(title="Kode Etik dan Perilaku ASN", validity_months=None)
    certificate = issued(asn, module, now, score=95)
    other = issued(asn, module, now + timedelta(days=1))

    assert re.fullmatch(r"SRT-[A-Z2-7]{12}", certificate.code)
    assert certificate.code != other.code
    assert (certificate.holder_name, certificate.holder_nip) == ("Siti Rahmawati", "198503122010011003")
    assert (certificate.module_title, certificate.score) == ("Kode Etik dan Perilaku ASN", 95)
    assert certificate.issued_at == now and certificate.expires_at is None
    assert certificate.status(now + timedelta(days=3650)) == "valid"
    assert audit_actions(certificate) == ["certificate.issued"]


def test_a_citizen_certificate_carries_no_nip(citizen, make_module, now):
    citizen.nip = None
    certificate = issued(citizen, make_module(audience="komunitas"), now)
    assert certificate.holder_name == "Budi Santoso" and certificate.holder_nip is None


def test_the_learner_gets_an_email_with_the_verification_link(app, asn, make_module, now):
    module = make_module(title="Nilai Dasar BerAKHLAK")
    certificate = issued(asn, module, now)
    [message] = outbox(f"certificate:{certificate.code}")
    assert message.payload["to"] == "asn@example.com"
    assert message.payload["subject"] == "Sertifikat Nilai Dasar BerAKHLAK"
    assert services.verification_url(certificate.code) in message.payload["body"]


def test_validity_counts_calendar_months(asn, make_module):
    issued_at = datetime(2026, 1, 31, 3, 0, tzinfo=timezone.utc)
    one_month = issued(asn, make_module(validity_months=1), issued_at)
    a_year = issued(asn, make_module(validity_months=12), issued_at)
    assert one_month.expires_at == datetime(2026, 2, 28, 3, 0, tzinfo=timezone.utc)
    assert a_year.expires_at == datetime(2027, 1, 31, 3, 0, tzinfo=timezone.utc)


def test_an_attempt_gets_one_certificate_and_a_failed_one_none(asn, make_module, now):
    module = make_module()
    attempt = passed_attempt(asn, module, now)
    first = services.issue(attempt, now=now)
    db.session.commit()
    assert services.issue(attempt, now=now).id == first.id
    with pytest.raises(services.DomainError):
        services.issue(passed_attempt(asn, module, now, score=40, passed=False), now=now)
    assert db.session.scalar(select(db.func.count(Certificate.id))) == 1


def test_a_new_certificate_keeps_the_old_one_and_is_listed_first(asn, make_module, now):
    module = make_module()
    old = issued(asn, module, now - timedelta(days=300))
    new = issued(asn, module, now)
    assert old.status(now) == "valid"
    assert [c.id for c in services.certificates_of(asn)] == [new.id, old.id]


def test_a_code_is_found_whatever_its_case_and_spaces(asn, make_module, now):
    certificate = issued(asn, make_module(), now)
    assert services.get_by_code(f"  {certificate.code.lower()} ").id == certificate.id
    with pytest.raises(services.NotFound):
        services.get_by_code("SRT-TIDAKADA2345")


def test_a_certificate_expires_after_its_validity(asn, make_module, now):
    certificate = issued(asn, make_module(validity_months=12), now)
    assert certificate.status(now + timedelta(days=364)) == "valid"
    assert certificate.status(now + timedelta(days=366)) == "expired"


# --- revoking ----------------------------------------------------------------------------------------

def test_an_admin_revokes_with_a_reason(asn, admin, make_module, now):
    certificate = issued(asn, make_module(), now)
    services.revoke(admin, certificate, reason="Kuis dikerjakan orang lain", now=now + timedelta(days=1))
    db.session.expire_all()
    assert certificate.status(now + timedelta(days=2)) == "revoked"
    assert (certificate.revoked_by_id, certificate.revoke_reason) == (admin.id, "Kuis dikerjakan orang lain")
    assert audit_actions(certificate) == ["certificate.issued", "certificate.revoked"]


def test_only_admins_revoke_and_only_with_a_reason(asn, admin, moderator, make_module, now):
    certificate = issued(asn, make_module(), now)
    for actor in (asn, moderator):
        with pytest.raises(services.NotAllowed):
            services.revoke(actor, certificate, reason="Alasan")
    with pytest.raises(services.DomainError):
        services.revoke(admin, certificate, reason="   ")
    services.revoke(admin, certificate, reason="Alasan")
    with pytest.raises(services.DomainError):
        services.revoke(admin, certificate, reason="Lagi")
    db.session.expire_all()
    assert certificate.revoke_reason == "Alasan"


# --- reminders before expiry ------------------------------------------------------------------------

def test_the_learner_is_reminded_once_before_expiry(app, asn, make_module, now):
    app.config["TRAINING_REMINDER_DAYS"] = 30
    module = make_module(slug="kode-etik", validity_months=12)
    certificate = issued(asn, module, now)
    expires = certificate.expires_at

    assert services.remind_expiring(now=expires - timedelta(days=31)) == 0
    assert services.remind_expiring(now=expires - timedelta(days=29)) == 1
    assert services.remind_expiring(now=expires - timedelta(days=28)) == 0  # once per certificate
    [message] = outbox("certificate-expiring:")
    assert message.payload["to"] == "asn@example.com"
    assert message.payload["subject"] == "Sertifikat Anda akan berakhir — ikuti lagi modulnya"
    assert certificate.code in message.payload["body"]
    assert "/pelatihan/modul/kode-etik" in message.payload["body"]
    db.session.expire_all()
    assert certificate.reminder_sent_at == expires - timedelta(days=29)


def test_revoked_expired_and_permanent_certificates_are_not_reminded(app, asn, admin, make_module, now):
    revoked = issued(asn, make_module(validity_months=1), now)
    services.revoke(admin, revoked, reason="Dicabut", now=now)
    issued(asn, make_module(validity_months=None), now)
    expired = issued(asn, make_module(validity_months=1), now - timedelta(days=60))
    assert expired.status(now) == "expired"
    assert services.remind_expiring(now=now + timedelta(days=20)) == 0
    assert outbox("certificate-expiring:") == []


def test_a_reminder_already_claimed_by_another_worker_is_not_sent_again(asn, make_module, now):
    certificate = issued(asn, make_module(validity_months=1), now)
    # Another worker won the compare-and-set between our SELECT and our UPDATE.
    db.session.execute(Certificate.__table__.update().where(Certificate.id == certificate.id)
                       .values(reminder_sent_at=now))
    db.session.commit()
    assert services.remind_expiring(now=now + timedelta(days=20)) == 0
    assert outbox("certificate-expiring:") == []


# --- pages -----------------------------------------------------------------------------------------------

def test_learners_see_their_certificates_with_download_links(client, login, asn, citizen, make_module, now):
    certificate = issued(asn, make_module(title="Disiplin Pegawai"), now)
    html = login(asn).get("/pelatihan/sertifikat-saya").get_data(as_text=True)
    assert "Disiplin Pegawai" in html and certificate.code in html
    assert f"/pelatihan/sertifikat/{certificate.code}.pdf" in html
    html = login(citizen).get("/pelatihan/sertifikat-saya").get_data(as_text=True)
    assert certificate.code not in html


def test_the_public_page_verifies_without_the_nip(client, asn, make_module, now):
    certificate = issued(asn, make_module(title="Standar Pelayanan Publik"), now)
    response = client.get(f"/pelatihan/sertifikat/{certificate.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Siti Rahmawati" in html and "Standar Pelayanan Publik" in html and "Berlaku" in html
    assert "198503122010011003" not in html
    assert ".pdf" not in html and "/cabut" not in html


def test_the_public_sees_a_revoked_certificate_but_not_why(client, login, asn, admin, make_module, now):
    certificate = issued(asn, make_module(), now)
    services.revoke(admin, certificate, reason="Rahasia: kecurangan kuis", now=now)
    html = client.get(f"/pelatihan/sertifikat/{certificate.code}").get_data(as_text=True)
    assert "Dicabut" in html and "kecurangan" not in html
    html = login(asn).get(f"/pelatihan/sertifikat/{certificate.code}").get_data(as_text=True)
    assert "kecurangan" in html and "198503122010011003" in html


def test_an_expired_certificate_shows_as_expired_and_invites_a_retake(client, login, asn, make_module):
    certificate = issued(asn, make_module(slug="disiplin", validity_months=1), datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert "Kedaluwarsa" in client.get(f"/pelatihan/sertifikat/{certificate.code}").get_data(as_text=True)
    html = login(asn).get("/pelatihan/sertifikat-saya").get_data(as_text=True)
    assert "Kedaluwarsa" in html and "/pelatihan/modul/disiplin" in html


def test_an_admin_revokes_from_the_verification_page(client, login, asn, admin, make_module, now):
    certificate = issued(asn, make_module(), now)
    login(admin)
    assert "Cabut sertifikat" in client.get(f"/pelatihan/sertifikat/{certificate.code}").get_data(as_text=True)
    assert client.post(f"/pelatihan/sertifikat/{certificate.code}/cabut", data={"reason": ""}).status_code == 400
    response = client.post(f"/pelatihan/sertifikat/{certificate.code}/cabut", data={"reason": "Data tidak sah"})
    assert response.status_code == 302
    db.session.expire_all()
    assert certificate.revoke_reason == "Data tidak sah"


def test_a_revoked_certificate_is_not_revoked_again(client, login, asn, admin, make_module, now):
    certificate = issued(asn, make_module(), now)
    login(admin)
    assert client.post(f"/pelatihan/sertifikat/{certificate.code}/cabut", data={"reason": "Data tidak sah"}).status_code == 302
    assert client.post(f"/pelatihan/sertifikat/{certificate.code}/cabut", data={"reason": "Lagi"}).status_code == 400
    db.session.expire_all()
    assert certificate.revoke_reason == "Data tidak sah"


def test_a_learner_cannot_revoke(client, login, asn, make_module, now):
    certificate = issued(asn, make_module(), now)
    login(asn)
    assert client.post(f"/pelatihan/sertifikat/{certificate.code}/cabut", data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert certificate.revoked_at is None


def test_the_lookup_form_leads_to_the_verification_page(client, asn, make_module, now):
    certificate = issued(asn, make_module(), now)
    assert client.get("/pelatihan/periksa").status_code == 200
    response = client.get("/pelatihan/periksa", query_string={"kode": f" {certificate.code.lower()} "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pelatihan/sertifikat/{certificate.code}")
    assert client.get("/pelatihan/periksa", query_string={"kode": ""}).status_code == 400
    assert client.get("/pelatihan/sertifikat/SRT-TIDAKADA2345").status_code == 404


def test_only_the_holder_and_admins_download_the_pdf(client, login, asn, admin, citizen, moderator, make_module, now):
    certificate = issued(asn, make_module(), now)
    url = f"/pelatihan/sertifikat/{certificate.code}.pdf"
    assert client.get(url).status_code == 403
    for user in (citizen, moderator):
        assert login(user).get(url).status_code == 403
    for user in (asn, admin):
        response = login(user).get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/pdf"
        assert f'filename="sertifikat-{certificate.code}.pdf"' in response.headers["Content-Disposition"]
        assert response.data.startswith(b"%PDF")


def test_an_older_certificate_is_marked_as_replaced_on_the_learners_page(client, login, asn, make_module, now):
    module = make_module(title="Disiplin Pegawai")
    old = issued(asn, module, now - timedelta(days=400))
    new = issued(asn, module, now)
    assert services.superseded_ids(services.certificates_of(asn)) == {old.id}
    html = login(asn).get("/pelatihan/sertifikat-saya").get_data(as_text=True)
    assert html.index(new.code) < html.index(old.code)
    assert html.count("sertifikat lama") == 1
