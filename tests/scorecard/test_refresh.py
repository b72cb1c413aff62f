"""Incremental refresh gives what a full rebuild gives; two refreshes at once count nothing twice."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from complaints import services as complaints
from core import worker
from core.extensions import db
from core.permissions import ReporterPass
from scorecard import aggregates
from scorecard.models import DailyFigure, MonthlyFigure, RefreshState, SnapshotFigure

from tests.conftest import NOW


def everything():
    daily = sorted(db.session.execute(select(DailyFigure.unit_id, DailyFigure.day, DailyFigure.measure_key,
                                             DailyFigure.value)).all())
    monthly = sorted(db.session.execute(select(MonthlyFigure.unit_id, MonthlyFigure.month, MonthlyFigure.measure_key,
                                               MonthlyFigure.value)).all())
    snapshot = sorted(db.session.execute(select(SnapshotFigure.unit_id, SnapshotFigure.measure_key,
                                                SnapshotFigure.value)).all())
    return daily, monthly, snapshot


def test_an_incremental_refresh_after_changes_equals_a_full_rebuild(app, file, resolve, unit, other_unit,
                                                                     moderator):
    earlier = file(at=NOW - timedelta(days=40), unit=unit, moderator=moderator)
    moved = file(at=NOW - timedelta(days=35), unit=unit, moderator=moderator)
    disputed = file(at=NOW - timedelta(days=33), unit=unit, moderator=moderator)
    resolve(disputed, moderator, NOW - timedelta(days=31), rating=2)
    untouched = file(at=NOW - timedelta(days=50), unit=other_unit, moderator=moderator)
    lingering = file(at=NOW - timedelta(days=32), unit=unit, moderator=moderator)  # due after the first refresh
    first = NOW - timedelta(days=30)
    aggregates.refresh(now=first, full=True)
    # Changes after the first refresh: a resolution, a reroute to another unit, a dispute, a new
    # complaint, and a deadline passing with nothing written anywhere.
    resolve(earlier, moderator, NOW - timedelta(days=20))
    with app.test_request_context():
        complaints.reroute(moderator, moved, unit_id=other_unit.id, reason="Salah unit.", now=NOW - timedelta(days=19))
    with app.test_request_context():
        complaints.dispute(ReporterPass(disputed.id), disputed, reason="Belum.", now=NOW - timedelta(days=18))
    file(at=NOW - timedelta(days=2), unit=other_unit, moderator=moderator)
    result = aggregates.refresh(now=NOW)
    assert result["full"] is False
    # Only the touched days were recomputed, not the untouched complaint's day.
    assert 0 < result["days"] < 8
    incremental = everything()
    assert (unit.id, aggregates.local_day(lingering.received_at), "c.open_past_due", 1) in incremental[0]
    assert any(row[2] == "c.received" and row[0] == other_unit.id and row[1] == aggregates.local_day(moved.received_at)
               for row in incremental[0])
    aggregates.refresh(now=NOW, full=True)
    assert everything() == incremental
    assert untouched.id  # counted by both


def test_a_refresh_is_idempotent_and_moves_the_watermark(file, unit, moderator):
    file(unit=unit, moderator=moderator)
    aggregates.refresh(now=NOW + timedelta(hours=1), full=True)
    before = everything()
    aggregates.refresh(now=NOW + timedelta(hours=2))
    aggregates.refresh(now=NOW + timedelta(hours=2))
    assert everything() == before
    state = db.session.get(RefreshState, 1)
    assert state.refreshed_at == NOW + timedelta(hours=2)
    assert state.watermark == NOW + timedelta(hours=2) - timedelta(seconds=300)


def test_the_worker_runs_the_refresh_at_most_every_few_minutes(app, file, unit, moderator):
    assert "scorecard.aggregates:refresh_sweep" in worker.SWEEPS
    file(unit=unit, moderator=moderator)
    assert aggregates.refresh_sweep(now=NOW + timedelta(hours=1))["full"] is True  # the first one rebuilds all
    assert aggregates.refresh_sweep(now=NOW + timedelta(hours=1, minutes=4)) == {"skipped": "fresh"}
    assert aggregates.refresh_sweep(now=NOW + timedelta(hours=1, minutes=5))["full"] is False
    assert aggregates.refresh_sweep(now=NOW + timedelta(hours=25, minutes=1))["full"] is True


def test_two_refreshes_at_once_do_not_count_twice(app, file, resolve, unit, moderator):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers with its database lock")
    for n in range(6):
        complaint = file(at=NOW - timedelta(days=n), unit=unit, moderator=moderator)
        resolve(complaint, moderator, NOW + timedelta(hours=n + 1), rating=5)
    aggregates.refresh(now=NOW + timedelta(days=1), full=True)
    expected = everything()
    db.session.execute(RefreshState.__table__.update().values(watermark=NOW - timedelta(days=30)))
    db.session.commit()
    barrier, results, errors = threading.Barrier(2), [], []

    def run(wait):
        with app.app_context():
            try:
                barrier.wait()
                results.append(aggregates.refresh(now=NOW + timedelta(days=1), wait=wait))
            except Exception as e:  # pragma: no cover - shown by the assertion below
                errors.append(e)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run, args=(wait,)) for wait in (True, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert len([r for r in results if r is not None]) == 2  # both waited their turn and ran
    db.session.expire_all()
    assert everything() == expected
    # With SKIP LOCKED (the worker's way) the second one gives up its turn instead.
    db.session.execute(RefreshState.__table__.update().values(watermark=NOW - timedelta(days=30)))
    db.session.commit()
    barrier, results = threading.Barrier(2), []
    threads = [threading.Thread(target=run, args=(False,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    db.session.expire_all()
    assert everything() == expected
