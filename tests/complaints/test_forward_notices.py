"""The reporter hears when the complaint goes to SP4N-LAPOR!, and again when its national number comes back."""
from datetime import datetime

from sqlalchemy import select

from complaints import services, sweeps
from complaints.models import Complaint, ComplaintEvent
from core import outbox
from core.extensions import db
from core.outbox import FORWARD, FORWARD_UPDATE, OutboxMessage
from tests.complaints.conftest import WIB
from tests.core.conftest import settings  # noqa: F401  (the fixture)
from tests.core.receiver import SECRET, Receiver

AFTER_DUE = datetime(2026, 11, 10, 0, 0, 1, tzinfo=WIB)  # MONDAY's complaint fell due on 9 November


def reporter_mail(sent_mail, to="rudi@example.com"):
    return [m for m in sent_mail if m.recipients == [to]]


def test_a_moderator_forwarding_by_hand_tells_the_reporter(complaint, moderator, in_request, sent_mail):
    services.forward(complaint, actor=moderator, reason="Perlu penanganan lintas instansi")
    outbox.deliver()
    [mail] = [m for m in reporter_mail(sent_mail) if "SP4N-LAPOR!" in m.subject]
    assert complaint.tracking_code in mail.subject and "Moderator meneruskan" in mail.body


def test_the_escalation_sweep_forwarding_tells_the_reporter(complaint, in_request, sent_mail):
    assert sweeps.escalate(now=AFTER_DUE) == 1
    outbox.deliver()
    [mail] = [m for m in reporter_mail(sent_mail) if "SP4N-LAPOR!" in m.subject]
    assert "belum selesai ditangani sampai tenggatnya" in mail.body


def test_an_anonymous_reporter_is_told_without_their_address_showing_in_the_outbox(file_complaint, in_request,
                                                                                    sent_mail):
    complaint = file_complaint(anonymous=True)[0]
    sweeps.escalate(now=AFTER_DUE)
    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "email")).all()
    assert all("rudi@example.com" not in str(m.payload) for m in notices)
    outbox.deliver()
    assert any("SP4N-LAPOR!" in m.subject for m in reporter_mail(sent_mail))
    forwarded = db.session.scalar(select(OutboxMessage.payload).where(OutboxMessage.kind == FORWARD))
    assert "rudi" not in str(forwarded).lower() and complaint.anonymous


def test_the_national_tracking_number_is_mailed_to_the_reporter_and_shown_on_the_tracking_page(
        app, complaint, sent_mail, settings, client):
    sweeps.escalate(now=AFTER_DUE)
    with Receiver([(201, {"tracking_id": "LAPOR-2026-778899"})] * 3) as receiver:
        settings(NATIONAL_FORWARD_URL=receiver.url, NATIONAL_FORWARD_SECRET=SECRET, NATIONAL_FORWARD_EMAIL="",
                 NATIONAL_FORWARD_TIMEOUT=2.0)
        outbox.deliver()
        # A later update answered with the same number tells the reporter nothing new.
        outbox.enqueue(FORWARD_UPDATE, key="forward-update:test", subject=complaint,
                       payload={"tracking_code": complaint.tracking_code, "event": "update"})
        db.session.commit()
        outbox.deliver()
    db.session.expire_all()
    complaint = db.session.get(Complaint, complaint.id)
    assert complaint.national_tracking_id == "LAPOR-2026-778899"
    numbers = [m for m in reporter_mail(sent_mail) if "LAPOR-2026-778899" in m.body]
    assert len(numbers) == 1 and "Nomor pelacakan SP4N-LAPOR!" in numbers[0].subject
    assert "http://" in numbers[0].body or "https://" in numbers[0].body  # a link, built outside a request
    kinds = db.session.scalars(select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint.id)).all()
    assert kinds.count("national_tracking_id") == 1
    # The number reaching the city is not news for the national system: no update goes back.
    assert len(receiver.requests) == 2
    page = client.get(f"/pengaduan/lacak/{complaint.tracking_code}").get_data(as_text=True)
    assert "LAPOR-2026-778899" in page and "Nomor pelacakan SP4N-LAPOR! diterima" in page
