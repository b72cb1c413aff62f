"""Rescheduling the meeting after input closed: allowed until the berita acara is published, and
each registered participant gets one e-mail with the new date."""
from datetime import datetime, timedelta

import pytest

from core import clock
from core.errors import DomainError
from core.extensions import db
from core.outbox import EMAIL, OutboxMessage
from forum import consultation_services as services
from forum.models import CLOSED, Consultation

from .conftest import NOW, WIB
from .minutes_helpers import held_consultation, publish, save

NEW_MEETING = datetime(2026, 11, 20, 9, 0, tzinfo=WIB)


def meeting_mails():
    return [m for m in db.session.query(OutboxMessage).filter_by(kind=EMAIL).order_by(OutboxMessage.id)
            if m.key.startswith("forum-meeting:")]


@pytest.fixture
def closed(make_consultation, org_member, citizen):
    consultation = make_consultation(CLOSED, opens_at=NOW - timedelta(days=10), closes_at=NOW - timedelta(days=1),
                                     meeting_at=NOW + timedelta(days=2))
    services.register(org_member, consultation, stakeholder_category="organisasi_masyarakat", now=NOW - timedelta(days=3))
    services.register(citizen, consultation, stakeholder_category="pengguna_layanan", now=NOW - timedelta(days=3))
    return consultation


def test_the_meeting_can_be_moved_after_input_closed_and_each_participant_is_told(app, closed, host):
    with app.test_request_context():
        services.reschedule_meeting(host, closed, meeting_at=NEW_MEETING, place="Ruang Rapat Bappeda",
                                    online_link="https://meet.example.com/baru", now=NOW)
    consultation = db.session.get(Consultation, closed.id)
    assert consultation.meeting_at == NEW_MEETING and consultation.place == "Ruang Rapat Bappeda"
    mails = meeting_mails()
    assert sorted(m.payload["to"] for m in mails) == ["anggota@example.com", "warga@example.com"]
    assert all("20 November 2026" in m.payload["body"] and "Ruang Rapat Bappeda" in m.payload["body"] for m in mails)


def test_the_meeting_can_be_moved_after_it_was_due_until_the_minutes_are_published(
        app, make_consultation, host, host_unit, now):
    consultation = held_consultation(make_consultation, now)
    save(host, consultation, now, host_unit)  # saved, not yet published: still movable
    with app.test_request_context():
        services.reschedule_meeting(host, consultation, meeting_at=now + timedelta(days=1), place="Aula",
                                    online_link="https://meet.example.com/x", now=now)
    assert consultation.meeting_at == now + timedelta(days=1)
    publish(host, held_consultation(make_consultation, now), now, host_unit)
    published = db.session.query(Consultation).order_by(Consultation.id.desc()).first()
    with pytest.raises(DomainError, match="berita acara diterbitkan"):
        services.reschedule_meeting(host, published, meeting_at=now + timedelta(days=1), place="Aula",
                                    online_link="https://meet.example.com/x", now=now)


def test_the_new_meeting_time_must_be_ahead(app, closed, host):
    with pytest.raises(DomainError) as error:
        services.reschedule_meeting(host, closed, meeting_at=NOW - timedelta(minutes=1), place="Aula",
                                    online_link="https://meet.example.com/x", now=NOW)
    assert error.value.field == "meeting_at" and meeting_mails() == []


def test_only_the_host_and_moderators_reschedule(app, closed, citizen):
    from core.errors import NotAllowed
    with pytest.raises(NotAllowed):
        services.reschedule_meeting(citizen, closed, meeting_at=NEW_MEETING, place="Aula",
                                    online_link="https://meet.example.com/x", now=NOW)


def test_moving_the_meeting_while_open_also_tells_participants(app, make_consultation, host, host_unit, citizen):
    from .test_consultations import values
    consultation = make_consultation()
    services.register(citizen, consultation, stakeholder_category="pengguna_layanan", now=NOW)
    data = values(host_unit, opens_at=consultation.opens_at, closes_at=consultation.closes_at,
                  meeting_at=consultation.meeting_at)
    with app.test_request_context():
        services.update_consultation(host, consultation, **data, now=NOW)
        assert meeting_mails() == []  # nothing about the meeting changed
        services.update_consultation(host, consultation, **{**data, "meeting_at": NEW_MEETING}, now=NOW)
    assert [m.payload["to"] for m in meeting_mails()] == ["warga@example.com"]


def test_the_page_offers_rescheduling_once_input_closed(client, login, make_consultation, host, citizen):
    now = clock.now()
    consultation = make_consultation(CLOSED, opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1),
                                     meeting_at=now + timedelta(days=2))
    url = f"/forum/konsultasi/{consultation.slug}/jadwal-pertemuan"
    login(host)
    assert f'href="{url}"' in client.get(f"/forum/konsultasi/{consultation.slug}").text
    assert client.get(url).status_code == 200
    new = clock.to_local(now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data={"meeting_at": new, "place": "Aula Baru", "online_link": "https://meet.example.com/b"})
    assert response.status_code == 302, response.text
    assert db.session.get(Consultation, consultation.id).place == "Aula Baru"
    bad = client.post(url, data={"meeting_at": "2000-01-01T10:00", "place": "Aula", "online_link": "https://x.example"})
    assert bad.status_code == 400 and "masa depan" in bad.text
    login(citizen)
    assert client.get(url).status_code == 403
