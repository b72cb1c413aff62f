"""Following consultations and inputs, e-mail notices through the outbox, idle units."""
from datetime import date, timedelta, timezone

import pytest
from sqlalchemy import func, select

from core.errors import NotAllowed, NotFound
from core.extensions import db
from core.outbox import EMAIL, OutboxMessage
from forum import notice_services as notices
from forum.models import (DRAFT, FOLLOW_UP, IN_PROGRESS, ActionProgress, Agreement, Minutes, Follow,
                          FollowUpAction, ForumInput, OfficialResponse)

from .conftest import NOW


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(title="Standar pelayanan izin usaha mikro", slug="izin-usaha-mikro")


@pytest.fixture
def forum_input(consultation, org_member):
    row = ForumInput(consultation_id=consultation.id, author_id=org_member.id, title="Persyaratan NIB disederhanakan",
                     body="Mohon syarat surat domisili dihapus.", created_at=NOW)
    db.session.add(row)
    db.session.commit()
    return row


def respond(forum_input, host, *, disposition="diterima", at=NOW):
    response = forum_input.response or OfficialResponse(input_id=forum_input.id, unit_id=forum_input.consultation.unit_id,
                                                        responded_by_id=host.id, created_at=at)
    response.disposition, response.reason, response.updated_at = disposition, "Syarat domisili dihapus mulai Januari.", at
    db.session.add(response)
    db.session.flush()
    db.session.refresh(forum_input)
    return response


def emails(to=None):
    query = select(OutboxMessage).where(OutboxMessage.kind == EMAIL).order_by(OutboxMessage.id)
    messages = db.session.scalars(query).all()
    return [m for m in messages if to is None or m.payload["to"] == to]


# --- following -------------------------------------------------------------------------------------

def test_following_twice_keeps_one_follow_and_unfollowing_removes_it(citizen, consultation, forum_input):
    notices.follow(citizen, consultation=consultation, now=NOW)
    notices.follow(citizen, consultation=consultation, now=NOW)
    notices.follow(citizen, forum_input=forum_input, now=NOW)
    assert db.session.scalar(select(func.count(Follow.id))) == 2
    assert notices.is_following(citizen, consultation=consultation)
    assert notices.following(citizen, consultation_ids=[consultation.id], input_ids=[forum_input.id]) == (
        {consultation.id}, {forum_input.id})

    notices.unfollow(citizen, consultation=consultation, now=NOW)
    notices.unfollow(citizen, consultation=consultation, now=NOW)  # not following is no error
    assert not notices.is_following(citizen, consultation=consultation)
    assert notices.is_following(citizen, forum_input=forum_input)


def test_authors_follow_their_input_in_the_callers_transaction(org_member, consultation):
    forum_input = ForumInput(consultation_id=consultation.id, author_id=org_member.id, title="Usul", body="Isi",
                             created_at=NOW)
    db.session.add(forum_input)
    notices.auto_follow(org_member, forum_input=forum_input, now=NOW)
    notices.auto_follow(org_member, forum_input=forum_input, now=NOW)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Follow.id))) == 0  # nothing committed by itself
    db.session.add(forum_input := ForumInput(consultation_id=consultation.id, author_id=org_member.id, title="Usul",
                                             body="Isi", created_at=NOW))
    notices.auto_follow(org_member, forum_input=forum_input, now=NOW)
    db.session.commit()
    assert notices.is_following(org_member, forum_input=forum_input)


def test_drafts_and_hidden_inputs_cannot_be_followed(citizen, make_consultation, forum_input):
    with pytest.raises(NotFound):
        notices.follow(citizen, consultation=make_consultation(DRAFT), now=NOW)
    forum_input.hidden_at = NOW
    db.session.commit()
    with pytest.raises(NotFound):
        notices.follow(citizen, forum_input=forum_input, now=NOW)


def test_inactive_people_cannot_follow(citizen, consultation):
    citizen.active = False
    db.session.commit()
    with pytest.raises(NotAllowed):
        notices.follow(citizen, consultation=consultation, now=NOW)


def test_the_follow_buttons_follow_and_unfollow_and_return_to_the_page(client, login, citizen, consultation, forum_input):
    login(citizen)
    response = client.post("/forum/konsultasi/izin-usaha-mikro/ikuti", data={"next": "/forum/cari?q=izin"})
    assert response.status_code == 302 and response.headers["Location"] == "/forum/cari?q=izin"
    assert notices.is_following(citizen, consultation=consultation)
    client.post(f"/forum/masukan/{forum_input.id}/ikuti")
    assert notices.is_following(citizen, forum_input=forum_input)

    response = client.post("/forum/konsultasi/izin-usaha-mikro/berhenti-ikuti", data={"next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/forum/konsultasi/izin-usaha-mikro")
    client.post(f"/forum/masukan/{forum_input.id}/berhenti-ikuti")
    assert db.session.scalar(select(func.count(Follow.id))) == 0


def test_the_follow_buttons_404_on_drafts_and_ask_visitors_to_log_in(client, login, citizen, make_consultation):
    make_consultation(DRAFT, slug="draf-rahasia")
    assert client.post("/forum/konsultasi/izin-tidak-ada/ikuti").status_code == 302  # login first
    login(citizen)
    assert client.post("/forum/konsultasi/draf-rahasia/ikuti").status_code == 404
    assert client.post("/forum/konsultasi/tidak-ada/ikuti").status_code == 404
    assert client.post("/forum/masukan/999/ikuti").status_code == 404


def test_the_follow_button_needs_the_csrf_token(client, login, citizen, consultation, csrf_enabled):
    login(citizen)
    assert client.post("/forum/konsultasi/izin-usaha-mikro/ikuti").status_code == 400
    assert not notices.is_following(citizen, consultation=consultation)


def test_the_follow_button_partial_shows_the_right_action(app, login, client, citizen, consultation, forum_input):
    from flask import render_template_string
    from flask_login import login_user
    template = "{% include 'forum/_follow_button.html' %}"
    with app.test_request_context("/forum/"):
        assert render_template_string(template, consultation=consultation).strip() == ""  # visitors see nothing
        login_user(citizen)
        html = render_template_string(template, consultation=consultation)
        assert "/forum/konsultasi/izin-usaha-mikro/ikuti" in html and "Ikuti konsultasi" in html
        notices.follow(citizen, forum_input=forum_input, now=NOW)
        html = render_template_string(template, consultation=consultation, forum_input=forum_input)
        assert f"/forum/masukan/{forum_input.id}/berhenti-ikuti" in html
        html = render_template_string(template, consultation=consultation, followed=True)
        assert "berhenti-ikuti" in html


# --- notices ---------------------------------------------------------------------------------------

def test_an_official_response_is_mailed_once_to_input_and_consultation_followers(
        in_request, make_user, host, citizen, consultation, forum_input, org_member):
    other = make_user(email="lain@example.com")
    notices.follow(citizen, consultation=consultation, now=NOW)
    notices.follow(org_member, forum_input=forum_input, now=NOW)
    notices.follow(other, forum_input=forum_input, now=NOW)
    notices.follow(other, consultation=consultation, now=NOW)  # follows both: still one e-mail
    response = respond(forum_input, host)

    assert notices.notify_response(forum_input) == 3
    assert notices.notify_response(forum_input) == 0  # the same event again queues nothing
    db.session.commit()
    db.session.expire_all()  # read back from the database (UTC): still the same event
    assert notices.notify_response(forum_input) == 0
    messages = emails()
    assert sorted(m.payload["to"] for m in messages) == sorted([citizen.email, org_member.email, other.email])
    body = messages[0].payload["body"]
    assert "Persyaratan NIB disederhanakan" in body and "Diterima" in body and "Syarat domisili dihapus" in body
    assert "http://localhost/forum/" in body
    stamp = f"forum-response:{response.id}:{response.updated_at.astimezone(timezone.utc).isoformat()}"
    assert {m.key for m in messages} == {f"{stamp}:{person.id}" for person in (citizen, org_member, other)}


def test_a_changed_response_is_a_new_notice(in_request, host, citizen, consultation, forum_input):
    notices.follow(citizen, forum_input=forum_input, now=NOW)
    respond(forum_input, host, disposition="dipertimbangkan")
    notices.notify_response(forum_input)
    respond(forum_input, host, disposition="diterima", at=NOW + timedelta(days=2))
    notices.notify_response(forum_input)
    db.session.commit()
    assert len(emails(citizen.email)) == 2


def test_notices_work_outside_a_request_with_links_to_the_site(app, host, citizen, consultation, forum_input):
    notices.follow(citizen, forum_input=forum_input, now=NOW)
    respond(forum_input, host)
    notices.notify_response(forum_input)
    db.session.commit()
    assert app.config["EXTERNAL_URL"] in emails()[0].payload["body"]


def test_inactive_followers_and_the_responder_get_nothing(in_request, host, citizen, consultation, forum_input):
    notices.follow(citizen, consultation=consultation, now=NOW)
    notices.follow(host, consultation=consultation, now=NOW)
    citizen.active = False
    respond(forum_input, host)
    assert notices.notify_response(forum_input) == 0


def test_notify_does_not_commit(in_request, host, citizen, consultation, forum_input):
    notices.follow(citizen, consultation=consultation, now=NOW)
    respond(forum_input, host)
    notices.notify_response(forum_input)
    db.session.rollback()
    assert emails() == []


@pytest.fixture
def minutes(consultation, forum_input, moderator):
    consultation.stage = FOLLOW_UP
    ba = Minutes(consultation_id=consultation.id, held_at=NOW, place="Aula DPMPTSP", summary="Rapat berjalan baik.",
                 signatories=[], published_at=NOW, published_by_id=moderator.id)
    ba.agreements = [Agreement(number=1, text="Syarat surat domisili dihapus.", input_id=forum_input.id),
                     Agreement(number=2, text="Loket prioritas untuk disabilitas.")]
    db.session.add(ba)
    db.session.flush()
    for agreement in ba.agreements:
        db.session.add(FollowUpAction(agreement_id=agreement.id, consultation_id=consultation.id,
                                      unit_id=consultation.unit_id, target_date=date(2027, 1, 31),
                                      created_at=NOW, updated_at=NOW))
    db.session.commit()
    return ba


def test_published_minutes_are_mailed_to_consultation_and_input_followers(
        in_request, make_user, citizen, org_member, consultation, forum_input, minutes):
    bystander = make_user(email="bystander@example.com")
    notices.follow(citizen, consultation=consultation, now=NOW)
    notices.follow(org_member, forum_input=forum_input, now=NOW)
    assert notices.notify_minutes(consultation) == 2
    assert notices.notify_minutes(consultation) == 0
    db.session.commit()
    body = emails(citizen.email)[0].payload["body"]
    assert "Berita acara" in body and "1. Syarat surat domisili dihapus." in body
    assert emails(bystander.email) == []


def test_unpublished_minutes_are_not_mailed(in_request, citizen, consultation, minutes):
    notices.follow(citizen, consultation=consultation, now=NOW)
    minutes.published_at = None
    assert notices.notify_minutes(consultation) == 0


def test_an_action_change_is_mailed_to_followers(in_request, host, citizen, org_member, consultation, forum_input,
                                                 minutes):
    notices.follow(citizen, consultation=consultation, now=NOW)
    notices.follow(org_member, forum_input=forum_input, now=NOW)
    first, second = (agreement.action for agreement in minutes.agreements)
    first.status, first.updated_at = IN_PROGRESS, NOW + timedelta(days=3)
    db.session.add(ActionProgress(action=first, note="Draf revisi SOP disusun.", status=IN_PROGRESS, author_id=host.id,
                                  created_at=first.updated_at))
    db.session.flush()
    assert notices.notify_action(first) == 2  # the input it answers is followed too
    assert notices.notify_action(second) == 1
    assert notices.notify_action(first) == 0
    db.session.commit()
    body = emails(org_member.email)[0].payload["body"]
    assert "Berjalan" in body and "Draf revisi SOP disusun." in body and "Kesepakatan 1" in body


# --- idle units ------------------------------------------------------------------------------------

def test_units_without_a_consultation_published_in_twelve_months_are_idle(make_unit, make_consultation, host_unit):
    recent = make_unit(name="Dinas Kesehatan", short_name="Dinkes")
    old = make_unit(name="Dinas Sosial", short_name="Dinsos")
    never = make_unit(name="Dinas Perhubungan", short_name="Dishub")
    make_unit(name="Unit Lama", short_name="Lama", is_active=False)
    make_consultation(unit=recent, published_at=NOW - timedelta(days=300))
    make_consultation(unit=old, published_at=NOW - timedelta(days=400))
    make_consultation(unit=old, published_at=NOW - timedelta(days=500))
    make_consultation(DRAFT, unit=never)  # a draft is not a consultation held
    make_consultation(unit=host_unit, published_at=NOW - timedelta(days=10))

    idle = notices.idle_units(NOW)
    assert [(unit.short_name, last) for unit, last in idle] == [
        ("Dishub", None), ("Dinsos", NOW - timedelta(days=400))]


def test_the_idle_unit_check_is_one_query(make_unit):
    from tests.conftest import count_queries
    for n in range(10):
        make_unit(name=f"Kelurahan {n}", short_name=None)
    with count_queries() as statements:
        assert len(notices.idle_units(NOW)) == 10
    assert len(statements) == 1


def test_moderators_see_the_idle_units_page(client, login, moderator, citizen, make_unit, make_consultation):
    make_unit(name="Dinas Perhubungan", short_name="Dishub")
    login(citizen)
    assert client.get("/forum/moderasi/unit-pasif").status_code == 403
    login(moderator)
    html = client.get("/forum/moderasi/unit-pasif").get_data(as_text=True)
    assert "Dinas Perhubungan (Dishub)" in html and "Belum pernah" in html
