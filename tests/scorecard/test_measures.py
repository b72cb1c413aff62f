"""Each measure computed on hand-made complaints with known answers."""
from datetime import datetime, timedelta

import pytest

from complaints import services as complaints
from core.permissions import SYSTEM, ReporterPass
from scorecard import aggregates, measures, services
from scorecard.measures import median_from_buckets
from scorecard.periods import Period

from tests.conftest import NOW, WIB

# NOW is Monday 2 November 2026 10:00 WIB: with 5 working days the deadline is Monday 9
# November 23:59:59 WIB (no holiday in between).
DEADLINE_DAY = datetime(2026, 11, 9, 23, 59, tzinfo=WIB)
LATER = NOW + timedelta(days=60)
NOVEMBER = Period("rentang", NOW.date(), LATER.date())


def figures_of(unit_id):
    return services.period_figures(NOVEMBER.start, NOVEMBER.end).get(unit_id, {})


def test_a_complaint_resolved_at_23_59_of_the_last_working_day_is_on_time_and_a_minute_later_is_not(
        file, resolve, unit, moderator, rebuild):
    on_time = file(unit=unit, moderator=moderator)
    late = file(unit=unit, moderator=moderator)
    assert on_time.due_at == DEADLINE_DAY.replace(second=59)
    resolve(on_time, moderator, DEADLINE_DAY)
    resolve(late, moderator, DEADLINE_DAY + timedelta(minutes=2))  # 00:01 on Tuesday
    rebuild()
    figures = figures_of(unit.id)
    assert figures["c.resolved"] == 2 and figures["c.resolved_on_time"] == 1
    # Working days from Monday 2 to Monday 9 November: 5; to Tuesday 10: 6.
    assert figures["c.days:5"] == 1 and figures["c.days:6"] == 1
    value, base = measures.get("c.sla_share").compute(figures)
    assert (value, base) == (50.0, 2)


def test_the_median_comes_from_the_stored_distribution(file, resolve, unit, moderator, rebuild):
    # Resolved after 1, 2, 3 and 8 working days (Friday 6 November is day 4; the weekend does not count).
    for days in (1, 2, 3, 8):
        complaint = file(unit=unit, moderator=moderator)
        resolve(complaint, moderator, {1: NOW + timedelta(days=1), 2: NOW + timedelta(days=2),
                                       3: NOW + timedelta(days=3), 8: NOW + timedelta(days=10)}[days])
    rebuild()
    figures = figures_of(unit.id)
    assert aggregates_days(figures) == {1: 1, 2: 1, 3: 1, 8: 1}
    assert measures.get("c.median_days").compute(figures) == (2.5, 4)
    assert median_from_buckets({1: 1, 2: 1, 3: 1}) == 2.0
    assert median_from_buckets({}) is None


def aggregates_days(figures):
    return measures.day_buckets(figures)


def test_days_waiting_for_the_reporter_do_not_count(app, file, resolve, unit, moderator, rebuild):
    complaint = file(unit=unit, moderator=moderator)
    with app.test_request_context():
        complaints.start_progress(moderator, complaint, now=NOW + timedelta(hours=3))
        complaints.request_info(moderator, complaint, message="Mohon foto lokasi.", now=NOW + timedelta(hours=4))
        # The reporter answers a week later: Monday 9 November, five working days paused.
        complaints.reporter_reply(ReporterPass(complaint.id), complaint, message="Ini fotonya.",
                                  now=NOW + timedelta(days=7))
    resolve(complaint, moderator, NOW + timedelta(days=8))  # Tuesday 10 November
    rebuild()
    figures = figures_of(unit.id)
    # 6 working days from receipt to resolution, 5 of them paused: 1; and within the moved deadline.
    assert figures["c.days:1"] == 1
    assert figures["c.resolved_on_time"] == 1


def test_a_disputed_resolution_counts_once_resolved_again(app, file, resolve, unit, moderator, rebuild):
    complaint = file(unit=unit, moderator=moderator)
    resolve(complaint, moderator, NOW + timedelta(days=1))
    with app.test_request_context():
        complaints.dispute(ReporterPass(complaint.id), complaint, reason="Belum beres.", now=NOW + timedelta(days=2))
    rebuild()
    figures = figures_of(unit.id)
    assert figures.get("c.resolved", 0) == 0 and figures["c.disputed"] == 1
    resolve(complaint, moderator, NOW + timedelta(days=3))
    rebuild()
    figures = figures_of(unit.id)
    assert figures["c.resolved"] == 1 and figures["c.disputed"] == 1
    assert figures["c.days:3"] == 1  # from receipt to the final resolution


def test_rahasia_and_anonymous_complaints_count_but_nothing_of_them_shows(client, file, unit, moderator, rebuild):
    file(unit=unit, moderator=moderator, title="Pungutan liar di loket tujuh", confidential=True, anonymous=True,
         category="pungli", reporter_name="Saksi Rahasia", reporter_email="saksi@example.com")
    file(unit=unit, moderator=moderator)
    rebuild()
    figures = figures_of(unit.id)
    assert figures["c.received"] == 2 and figures["c.confidential"] == 1
    for path in ("/rapor?periode=rentang&dari=2026-11-01&sampai=2026-12-01", f"/rapor/unit/{unit.id}?periode=bulan&bulan=2026-11"):
        page = client.get(path).get_data(as_text=True)
        assert "Pungutan liar di loket tujuh" not in page and "Saksi Rahasia" not in page and "saksi@" not in page
    unit_page = client.get(f"/rapor/unit/{unit.id}?periode=bulan&bulan=2026-11").get_data(as_text=True)
    assert "Pungutan liar" in unit_page  # the category's name, a count, nothing more


def test_open_overdue_forwarded_and_ratings(app, file, resolve, unit, moderator, rebuild):
    overdue = file(unit=unit, moderator=moderator)
    with app.test_request_context():
        complaints.forward(overdue, actor=SYSTEM, reason=None, now=overdue.due_at + timedelta(hours=1), automatic=True)
    by_hand = file(unit=unit, moderator=moderator)
    with app.test_request_context():
        complaints.forward(by_hand, actor=moderator, reason="Lintas unit.", now=NOW + timedelta(days=1))
    for rating in (5, 4, 1):
        resolve(file(unit=unit, moderator=moderator), moderator, NOW + timedelta(days=1), rating=rating)
    rebuild(now=NOW + timedelta(days=20))
    figures = figures_of(unit.id)
    assert figures["c.forwarded_auto"] == 1 and figures["c.forwarded_manual"] == 1
    assert figures["c.open_past_due"] == 2
    assert measures.get("c.sla_share").compute(figures) == (60.0, 5)
    assert measures.rating_counts(figures) == {1: 1, 2: 0, 3: 0, 4: 1, 5: 1}
    assert measures.get("c.rating_avg").compute(figures) == (10 / 3, 3)
    snapshot = services.snapshot_figures()[unit.id]
    assert snapshot["c.open_now"] == 2 and snapshot["c.overdue_now"] == 2
    assert figures["c.verified"] == 5 and figures["c.verified_on_time"] == 5


def test_a_complaint_not_yet_routed_counts_for_the_city_only(client, file, unit, rebuild):
    file()  # no unit yet
    rebuild()
    everything = services.period_figures(NOVEMBER.start, NOVEMBER.end)
    assert everything[0]["c.received"] == 1 and unit.id not in everything
    card = services.city_card(NOVEMBER)
    assert card.results["c.received"].value == 1


@pytest.mark.parametrize("key", [m.key for m in measures.MEASURES])
def test_every_measure_is_documented_and_computes_on_empty_figures(key):
    measure = measures.get(key)
    assert str(measure.label) and len(str(measure.description)) > 40
    assert measure.family in measures.FAMILIES and measure.unit in measures.UNIT_LABELS
    value, base = measure.compute({})
    if measure.scored:
        assert measure.direction and measure.good != measure.bad and measure.weight > 0
