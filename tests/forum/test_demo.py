"""The demo consultations: three stages, consistent with the forum's rules."""

import pytest
from sqlalchemy import func, select

from accounts import demo as account_demo
from core import clock
from core.extensions import db
from forum import demo
from forum.models import (COMPLETED, DONE, FINISHED_ACTION_STATUSES, FOLLOW_UP, OPEN, Consultation, ForumInput,
                          ForumReply, Support)
from forum.search import search


@pytest.fixture
def seeded():
    now = clock.now()
    users = account_demo.seed(now=now)
    consultations = demo.seed(users, now=now)
    db.session.commit()
    return now, consultations


def test_three_consultations_in_three_stages(seeded):
    now, consultations = seeded
    stages = dict(db.session.execute(select(Consultation.slug, Consultation.stage)).all())
    assert sorted(stages.values()) == sorted([OPEN, FOLLOW_UP, COMPLETED])
    by_stage = {c.stage: c for c in db.session.scalars(select(Consultation))}
    assert {c.unit.short_name for c in by_stage.values()} == {"Disdukcapil", "DPMPTSP", "Dinkes"}

    open_ = by_stage[OPEN]
    assert open_.opens_at <= now < open_.closes_at and open_.response_due_at is None
    assert len(open_.inputs) >= 3 and open_.minutes is None
    assert any(i.response for i in open_.inputs) and any(i.replies for i in open_.inputs)

    follow_up = by_stage[FOLLOW_UP]
    assert follow_up.minutes.published_at <= now
    statuses = [a.action.status for a in follow_up.minutes.agreements]
    assert DONE in statuses and any(s not in FINISHED_ACTION_STATUSES for s in statuses)
    assert any(a.action.is_overdue(clock.to_local(now).date()) for a in follow_up.minutes.agreements)

    done = by_stage[COMPLETED]
    assert done.completed_at <= now
    assert all(a.action.status == DONE for a in done.minutes.agreements)


def test_the_demo_follows_the_rules(seeded):
    now, _ = seeded
    for consultation in db.session.scalars(select(Consultation)):
        assert consultation.published_at <= consultation.opens_at < consultation.closes_at
        if consultation.stage != OPEN:
            assert consultation.response_due_at > consultation.closes_at
            assert consultation.meeting_at == consultation.minutes.held_at
            assert all(p.attendance_marked_at for p in consultation.participants)
            assert any(p.attended for p in consultation.participants)
        assert len({p.stakeholder_category for p in consultation.participants}) >= 3
        assert any(p.vulnerable_group for p in consultation.participants)
        for forum_input in consultation.inputs:
            assert forum_input.created_at < now
            if forum_input.response:
                assert forum_input.response.responded_by.unit_id == consultation.unit_id
                assert forum_input.response.responded_by.asn_confirmed_at is not None
        if consultation.minutes:
            for agreement in consultation.minutes.agreements:
                assert agreement.action.consultation_id == consultation.id
                assert (agreement.action.completed_at is not None) == (agreement.action.status == DONE)
    support_counts = dict(db.session.execute(
        select(Support.input_id, func.count(Support.id)).group_by(Support.input_id)).all())
    reply_counts = dict(db.session.execute(
        select(ForumReply.input_id, func.count(ForumReply.id)).group_by(ForumReply.input_id)).all())
    for forum_input in db.session.scalars(select(ForumInput)):
        assert forum_input.support_count == support_counts.get(forum_input.id, 0)
        assert forum_input.reply_count == reply_counts.get(forum_input.id, 0)


def test_the_demo_is_searchable_and_in_the_feed(seeded, client):
    assert {r.kind for r in search("disabilitas").items} == {"consultation", "input"}
    assert search("KTP-el").items[0].title == "Rancangan Standar Pelayanan Penerbitan KTP-el Tahun 2027"
    assert client.get("/forum/feed.atom").get_data(as_text=True).count("<entry>") == 3


def test_demo_people_can_log_in(seeded, client):
    response = client.post("/akun/masuk", data={"email": demo.PEOPLE[0][1], "password": account_demo.DEMO_PASSWORD})
    assert response.status_code in (302, 303)
