"""Official responses: only the host unit answers; unanswered inputs past the deadline are overdue."""
from datetime import timedelta

import pytest

from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.permissions import ASN
from forum import notice_services
from forum import input_services
from forum.models import CLOSED, OfficialResponse

from .conftest import NOW


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


@pytest.fixture
def forum_input(org_member, organisation, consultation):
    return input_services.post_input(org_member, consultation, organisation_id=organisation.id, now=NOW,
                                     title="Jam layanan diperpanjang", body="Mohon loket buka sampai pukul 16.00 WIB.")


def test_the_host_unit_gives_one_pinned_response_and_may_revise_it(host, forum_input, monkeypatch):
    told = []
    monkeypatch.setattr(notice_services, "notify_response", told.append)
    input_services.respond(host, forum_input, disposition="dipertimbangkan", reason="Kami kaji bersama bagian kepegawaian.",
                           now=NOW)
    input_services.respond(host, forum_input, disposition="diterima", reason="Mulai bulan depan loket buka sampai 16.00.",
                           now=NOW + timedelta(days=1))
    response = db.session.query(OfficialResponse).one()
    assert response.disposition == "diterima" and response.unit_id == forum_input.consultation.unit_id
    assert response.responded_by_id == host.id
    assert told == [forum_input, forum_input]
    assert db.session.query(AuditEvent).filter_by(action="forum.response_changed").count() == 1


@pytest.mark.parametrize("who", ["citizen", "org_member", "moderator", "other_asn", "unconfirmed_host"])
def test_only_the_host_unit_answers_officially(request, who, forum_input, make_user, other_unit, host_unit):
    actor = {
        "other_asn": lambda: make_user(ASN, unit=other_unit),
        "unconfirmed_host": lambda: make_user(ASN, unit=host_unit, confirmed=False),
    }.get(who, lambda: request.getfixturevalue(who))()
    with pytest.raises(NotAllowed):
        input_services.respond(actor, forum_input, disposition="diterima", reason="Bukan wewenang saya menjawab.", now=NOW)
    assert db.session.query(OfficialResponse).count() == 0


def test_a_response_needs_a_disposition_and_a_reason(host, forum_input):
    with pytest.raises(DomainError) as error:
        input_services.respond(host, forum_input, disposition="mungkin", reason="Alasan yang cukup panjang.", now=NOW)
    assert error.value.field == "disposition"
    with pytest.raises(DomainError) as error:
        input_services.respond(host, forum_input, disposition="tidak_diterima", reason="  ", now=NOW)
    assert error.value.field == "reason"


def test_the_response_form_shows_the_disposition_on_the_input(client, login, host, forum_input):
    login(host)
    response = client.post(f"/forum/masukan/{forum_input.id}/tanggapan", data={
        "response-disposition": "diterima_sebagian", "response-reason": "Sebagian kami terima: loket sampai 15.30."})
    assert response.status_code == 302
    page = client.get(f"/forum/masukan/{forum_input.id}").get_data(as_text=True)
    assert "Diterima sebagian" in page and "loket sampai 15.30" in page


def test_a_citizen_gets_403_on_the_response_form(client, login, citizen, forum_input):
    login(citizen)
    response = client.post(f"/forum/masukan/{forum_input.id}/tanggapan",
                           data={"response-disposition": "diterima", "response-reason": "Saya menjawab sendiri."})
    assert response.status_code == 403


def test_unanswered_inputs_past_the_deadline_are_overdue_in_the_moderators_queue(
        host, moderator, forum_input, org_member, organisation, make_consultation, consultation):
    answered = input_services.post_input(org_member, consultation, organisation_id=organisation.id, now=NOW,
                                         title="Sudah dijawab", body="Masukan ini sudah dijawab unit.")
    hidden = input_services.post_input(org_member, consultation, organisation_id=organisation.id, now=NOW,
                                       title="Disembunyikan", body="Masukan ini disembunyikan moderator.")
    input_services.respond(host, answered, disposition="tidak_diterima", reason="Bertentangan dengan peraturan.", now=NOW)
    input_services.hide(moderator, hidden, "Berisi data pribadi.", now=NOW)
    consultation.stage = CLOSED
    consultation.response_due_at = NOW + timedelta(days=14)
    db.session.commit()

    assert input_services.moderation_queue(NOW + timedelta(days=13))["overdue"] == []
    queue = input_services.moderation_queue(NOW + timedelta(days=15))
    assert [item.id for item in queue["overdue"]] == [forum_input.id]
    assert queue["overdue_total"] == 1


def test_the_moderation_page_lists_overdue_inputs(client, login, moderator, forum_input, consultation):
    consultation.stage = CLOSED
    consultation.response_due_at = NOW - timedelta(days=1)
    db.session.commit()
    login(moderator)
    page = client.get("/forum/moderasi").get_data(as_text=True)
    assert "Jam layanan diperpanjang" in page


def test_a_response_without_a_reason_shows_the_form_again(client, login, host, forum_input):
    login(host)
    response = client.post(f"/forum/masukan/{forum_input.id}/tanggapan", data={"response-disposition": "diterima"})
    assert response.status_code == 400
    assert "Wajib diisi." in response.get_data(as_text=True)


def test_a_reason_too_short_once_trimmed_shows_the_form_again_with_the_message(client, login, host, forum_input):
    login(host)
    response = client.post(f"/forum/masukan/{forum_input.id}/tanggapan", data={
        "response-disposition": "diterima", "response-reason": "   Diterima.   "})
    assert response.status_code == 400
    assert 'id="response-reason-error"' in response.text and "Terlalu singkat" in response.text
    assert db.session.query(OfficialResponse).count() == 0
