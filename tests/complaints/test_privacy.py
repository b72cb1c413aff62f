"""An anonim reporter's identity and a rahasia complaint's content appear nowhere for others."""
import pytest

from complaints import services
from core.outbox import OutboxMessage
from core.extensions import db
from core.permissions import ADMIN, CITIZEN

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


def test_an_admin_may_reveal_an_anonymous_identity_and_it_is_logged(client, login, make_user, anonymous_complaint):
    from core.audit import AuditEvent
    admin = make_user(ADMIN)
    login(admin)
    response = client.post(f"/pengaduan/{anonymous_complaint.tracking_code}/identitas")
    assert response.status_code == 200 and SECRET_EMAIL in response.get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.action == "complaint.identity_revealed", AuditEvent.actor_id == admin.id))


def test_a_moderator_cannot_reveal_an_anonymous_identity(client, login, moderator, anonymous_complaint):
    login(moderator)
    response = client.post(f"/pengaduan/{anonymous_complaint.tracking_code}/identitas")
    assert response.status_code == 403 and no_identity(response.get_data(as_text=True))


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
