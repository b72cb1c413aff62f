"""An anonim reporter's identity and a rahasia complaint's content appear nowhere for others."""
import pytest

from complaints import services
from sqlalchemy import text

from core import permissions
from core.extensions import db
from core.mailer import recipient
from core.outbox import OutboxMessage
from core.permissions import ADMIN, CITIZEN, MODERATOR

SECRET_NAME, SECRET_EMAIL, SECRET_PHONE = "Bambang Rahasia", "bambang.rahasia@example.com", "0811999888"
SECRET_TEXT = "Petugas loket meminta uang pelicin Rp200.000"


@pytest.fixture
def anonymous_complaint(file_complaint):
    return file_complaint(anonymous=True, reporter_name=SECRET_NAME, reporter_email=SECRET_EMAIL,
                          reporter_phone=SECRET_PHONE)[0]


@pytest.fixture
def confidential_complaint(file_complaint):
    return file_complaint(confidential=True, title="Pungli di loket KTP", description=SECRET_TEXT,
                          category="pungli")[0]


def no_identity(text):
    return not any(secret in text for secret in (SECRET_NAME, SECRET_EMAIL, SECRET_PHONE))


def pages_as(client, login, user, complaint):
    if user is not None:
        login(user)
    code = complaint.tracking_code
    texts = [client.get(f"/pengaduan/lacak/{code}").get_data(as_text=True),
             client.get(f"/api/v1/complaints/{code}").get_data(as_text=True)]
    response = client.get(f"/pengaduan/{code}")
    texts.append(response.get_data(as_text=True))
    if user is not None and user.role in ("moderator", "admin", "asn"):
        texts.append(client.get("/pengaduan/antrean?status=all").get_data(as_text=True))
    return texts


@pytest.mark.parametrize("who", ["anonymous", "citizen", "handler", "moderator", "admin"])
def test_an_anonymous_reporter_is_hidden_from_everyone(client, login, make_user, anonymous_complaint, handler,
                                                       moderator, unit, who, in_request):
    services.verify(moderator, anonymous_complaint, unit_id=unit.id)
    user = {"anonymous": None, "citizen": make_user(CITIZEN), "handler": handler, "moderator": moderator,
            "admin": make_user(ADMIN)}[who]
    for text in pages_as(client, login, user, anonymous_complaint):
        assert no_identity(text)


def test_the_national_system_never_learns_an_anonymous_identity(anonymous_complaint, moderator, unit, in_request):
    services.forward(anonymous_complaint, actor=moderator, reason="Keselamatan")
    services.verify(moderator, anonymous_complaint, unit_id=unit.id)
    for message in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind.like("forward%"))):
        assert "reporter" not in message.payload
        assert no_identity(str(message.payload))


def test_no_role_can_reveal_an_anonymous_identity_any_more(client, login, make_user, anonymous_complaint):
    for user in (make_user(ADMIN), make_user(MODERATOR, email="mod2@example.com")):
        login(user)
        response = client.post(f"/pengaduan/{anonymous_complaint.tracking_code}/identitas")
        assert response.status_code in (404, 405) and no_identity(response.get_data(as_text=True))
    assert "complaint.reveal_identity" not in permissions._rules


def test_an_admin_sees_no_anonymous_identity_in_the_outbox_or_the_audit_log(client, login, make_user,
                                                                          anonymous_complaint, moderator, unit,
                                                                          in_request):
    services.verify(moderator, anonymous_complaint, unit_id=unit.id)
    services.forward(anonymous_complaint, actor=moderator, reason="Keselamatan")
    login(make_user(ADMIN))
    for url in ("/admin/outbox?status=semua", "/admin/audit", f"/pengaduan/{anonymous_complaint.tracking_code}",
                "/pengaduan/antrean?status=all"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_identity(response.get_data(as_text=True)), url
    # The e-mails to the reporter still go out: only the system reads the address.
    email = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "email"))
    assert no_identity(str(email.payload)) and recipient(email.payload) == SECRET_EMAIL


def test_a_citizen_filing_anonim_is_not_shown_to_staff_by_their_account(client, login, make_user, moderator,
                                                                          handler, unit, in_request):
    citizen = make_user(CITIZEN, email="siti.pelapor@example.com", full_name="Siti Pelapor")
    complaint, _key = services.file_complaint(title="Pungli di kelurahan", category="pungli",
                                              description="Petugas meminta uang untuk surat pengantar.",
                                              classification="pengaduan", anonymous=True, reporter=citizen)
    services.verify(moderator, complaint, unit_id=unit.id)
    for user in (moderator, handler, make_user(ADMIN)):
        login(user)
        for url in (f"/pengaduan/{complaint.tracking_code}", "/pengaduan/antrean?status=all"):
            text = client.get(url).get_data(as_text=True)
            assert "Siti Pelapor" not in text and "siti.pelapor@example.com" not in text
    forwarded = services.forward_payload(complaint, event="forwarded")
    assert "reporter" not in forwarded and "Siti" not in str(forwarded)


def test_the_reporter_contact_is_encrypted_in_the_database_and_read_back(anonymous_complaint, complaint):
    rows = db.session.execute(text("SELECT reporter_name, reporter_email, reporter_phone FROM complaint")).all()
    raw = " ".join(str(value) for row in rows for value in row)
    for secret in (SECRET_NAME, SECRET_EMAIL, SECRET_PHONE, "Rudi Hartono", "rudi@example.com", "081234567890"):
        assert secret not in raw
    db.session.expire_all()
    assert (anonymous_complaint.reporter_name, anonymous_complaint.reporter_email,
            anonymous_complaint.reporter_phone) == (SECRET_NAME, SECRET_EMAIL, SECRET_PHONE)


def test_a_rotated_key_still_reads_what_the_old_key_wrote(app, complaint):
    from cryptography.fernet import Fernet
    old = app.config["DATA_ENCRYPTION_KEY"]
    try:
        app.config["DATA_ENCRYPTION_KEY"] = f"{Fernet.generate_key().decode()},{old}"
        app.extensions.pop("data_encryption", None)
        db.session.expire_all()
        assert complaint.reporter_email == "rudi@example.com"
    finally:
        app.config["DATA_ENCRYPTION_KEY"] = old
        app.extensions.pop("data_encryption", None)


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_a_confidential_complaint_shows_no_content_to_the_public(client, login, make_user, confidential_complaint,
                                                                 moderator, handler, unit, who, in_request):
    services.verify(moderator, confidential_complaint, unit_id=unit.id)
    services.resolve(handler, confidential_complaint, response="Petugas loket telah diberi sanksi")
    user = make_user(CITIZEN) if who == "citizen" else None
    texts = pages_as(client, login, user, confidential_complaint)
    for text in texts:
        assert SECRET_TEXT not in text and "Pungli di loket KTP" not in text
        assert "diberi sanksi" not in text
    api = client.get(f"/api/v1/complaints/{confidential_complaint.tracking_code}").json
    assert "title" not in api and "description" not in api and api["confidential"] is True


def test_the_unit_handling_a_confidential_complaint_sees_its_content(client, login, confidential_complaint,
                                                                     moderator, handler, unit, in_request):
    services.verify(moderator, confidential_complaint, unit_id=unit.id)
    login(handler)
    assert SECRET_TEXT in client.get(f"/pengaduan/{confidential_complaint.tracking_code}").get_data(as_text=True)


def test_the_reporter_link_opens_the_case_in_this_browser_only(app, client, file_complaint):
    complaint, key = file_complaint()
    other_browser = app.test_client()
    assert client.get(f"/pengaduan/akses/{complaint.tracking_code}/salah-kunci").status_code == 404
    assert client.get(f"/pengaduan/{complaint.tracking_code}").status_code == 403
    assert client.get(f"/pengaduan/akses/{complaint.tracking_code}/{key}").status_code == 302
    assert client.get(f"/pengaduan/{complaint.tracking_code}").status_code == 200
    assert other_browser.get(f"/pengaduan/{complaint.tracking_code}").status_code == 403


def test_attachments_are_served_only_to_the_reporter_and_the_handlers(app, client, login, make_user, moderator):
    import io
    from sqlalchemy import select

    from complaints.models import Complaint, ComplaintAttachment
    pdf = b"%PDF-1.4\n%rahasia\n"
    client.post("/pengaduan/baru", content_type="multipart/form-data", data={
        "title": "Laporan dengan lampiran", "description": "Lampiran berisi bukti pembayaran pungli.",
        "classification": "pengaduan", "category": "pungli", "unit_id": "",
        "attachments": [(io.BytesIO(pdf), "bukti.pdf")]})
    complaint = db.session.scalar(select(Complaint))
    attachment = db.session.scalar(select(ComplaintAttachment))
    url = f"/pengaduan/{complaint.tracking_code}/lampiran/{attachment.id}"
    reporter_view = client.get(url)  # the filing browser holds the reporter grant
    assert reporter_view.status_code == 200 and reporter_view.data == pdf
    assert reporter_view.headers["Content-Type"] == "application/pdf"
    stranger = app.test_client()
    assert stranger.get(url).status_code == 403
    login(make_user(CITIZEN), on=stranger)
    assert stranger.get(url).status_code == 403
    login(moderator, on=stranger)
    assert stranger.get(url).status_code == 200


def test_turning_a_forwarded_complaint_anonim_says_the_national_system_already_has_the_identity(
        client, login, complaint, moderator, in_request):
    services.forward(complaint, actor=moderator, reason="Mendesak")
    login(moderator)
    text = client.get(f"/pengaduan/{complaint.tracking_code}").get_data(as_text=True)
    assert "sistem nasional sudah menerimanya" in text


def test_a_named_reporter_reaches_the_national_system_but_waits_encrypted_in_the_outbox(app, complaint, moderator,
                                                                                       in_request):
    import json
    from datetime import timedelta

    from core import clock, outbox
    from tests.core.receiver import SECRET, Receiver, free_port
    services.forward(complaint, actor=moderator, reason="Mendesak")
    stored = db.session.execute(text("SELECT payload FROM outbox_message WHERE kind = 'forward'")).scalar()
    assert "rudi@example.com" not in str(stored) and "Rudi Hartono" not in str(stored)
    port, saved = free_port(), dict(app.config)
    app.config.update(NATIONAL_FORWARD_URL=f"http://127.0.0.1:{port}/api", NATIONAL_FORWARD_SECRET=SECRET,
                      NATIONAL_FORWARD_EMAIL="", NATIONAL_FORWARD_TIMEOUT=2.0)
    try:
        with Receiver([(201, {})], port=port) as receiver:
            outbox.deliver(now=clock.now() + timedelta(seconds=1))
    finally:
        app.config.update(saved)
    [request] = [r for r in receiver.requests if json.loads(r.body).get("event") == "forwarded"]
    assert json.loads(request.body)["reporter"] == {"name": "Rudi Hartono", "email": "rudi@example.com",
                                                    "phone": "081234567890"}
