"""The public tracker of follow-up actions: filters, overdue marks, bounded queries."""
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.conftest import count_queries
from core.extensions import db
from forum import minutes_services as services
from forum.models import CANCELLED, DONE, FOLLOW_UP, IN_PROGRESS, PLANNED, Agreement, Minutes, FollowUpAction

TODAY = date(2026, 11, 2)


@pytest.fixture
def many_actions(make_consultation, host_unit, other_unit):
    """Ten published consultations with 30 actions each (300 rows), statuses and targets mixed."""
    statuses = (PLANNED, IN_PROGRESS, DONE, CANCELLED)
    moment = datetime(2026, 10, 1, tzinfo=timezone.utc)
    host_id, other_id = host_unit.id, other_unit.id
    for c in range(10):
        consultation = make_consultation(stage=FOLLOW_UP, unit=host_unit if c % 2 else other_unit)
        minutes = Minutes(consultation=consultation, held_at=moment, place="Aula", summary="Ringkasan",
                          signatories=[{"name": "A"}], published_at=moment)
        db.session.add(minutes)
        for n in range(1, 31):
            agreement = Agreement(minutes=minutes, number=n, text=f"Kesepakatan {c}-{n}")
            db.session.add(agreement)
            db.session.add(FollowUpAction(agreement=agreement, consultation=consultation,
                                          unit_id=host_id if n % 3 else other_id,
                                          target_date=TODAY + timedelta(days=n - 15), status=statuses[n % 4]))
    db.session.commit()


def _expected(unit_id=None, status=None, overdue=False):
    query = db.session.query(FollowUpAction)
    rows = [a for a in query.all() if (not unit_id or a.unit_id == unit_id) and (not status or a.status == status)
            and (not overdue or a.is_overdue(TODAY))]
    return len(rows)


def test_filters_by_unit_status_and_overdue(many_actions, host_unit):
    assert services.tracker_page(today=TODAY).total == 300
    assert services.tracker_page(unit_id=host_unit.id, today=TODAY).total == _expected(unit_id=host_unit.id)
    assert services.tracker_page(status=DONE, today=TODAY).total == _expected(status=DONE) == 80
    overdue = services.tracker_page(overdue=True, today=TODAY, per_page=500)
    assert overdue.total == _expected(overdue=True) > 0
    assert all(a.target_date < TODAY and a.status in (PLANNED, IN_PROGRESS) for a in overdue.items)
    both = services.tracker_page(unit_id=host_unit.id, status=IN_PROGRESS, overdue=True, today=TODAY)
    assert both.total == _expected(unit_id=host_unit.id, status=IN_PROGRESS, overdue=True)


def test_unpublished_minutes_have_no_actions_on_the_tracker(make_consultation, host, host_unit, now):
    from .minutes_helpers import held_consultation, save
    save(host, held_consultation(make_consultation, now), now, host_unit)
    assert services.tracker_page(today=TODAY).total == 0


def test_the_tracker_page_issues_a_bounded_number_of_queries(client, many_actions):
    client.get("/forum/tindak-lanjut")  # warm-up: first-request work is not the page's
    with count_queries() as few:
        small = client.get("/forum/tindak-lanjut?page=2")
    with count_queries() as filtered:
        other = client.get("/forum/tindak-lanjut?status=berjalan&overdue=1&page=1")
    assert small.status_code == 200 and other.status_code == 200
    assert len(few) <= 6, few
    assert len(filtered) <= 6, filtered
    assert "Kesepakatan" in small.text


def test_the_tracker_query_count_does_not_grow_with_the_rows(make_consultation, host_unit, many_actions):
    with count_queries() as statements:
        page = services.tracker_page(today=TODAY, per_page=300)
        for action in page.items:
            action.agreement.text, action.unit.name, action.consultation.title, action.is_overdue(TODAY)
    assert len(page.items) == 300
    assert len(statements) == 2  # the count and the rows


def test_the_tracker_marks_overdue_actions_and_rejects_bad_filters(client, many_actions):
    page = client.get("/forum/tindak-lanjut?overdue=1")
    assert page.status_code == 200 and "Lewat target" in page.text
    assert client.get("/forum/tindak-lanjut?status=entah").status_code == 400
    assert client.get("/forum/tindak-lanjut?page=999").status_code == 404
