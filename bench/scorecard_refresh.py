"""Time the scorecard's refresh on the generated data: `python -m bench.scorecard_refresh --url URL`.

1. A full rebuild (every daily, monthly and snapshot figure from the records): what
   `flask scorecard rebuild` and the worker's daily rebuild cost. It leaves the figures in place,
   so the scorecard pages have something to show when they are loaded afterwards.
2. An incremental refresh after 1 % of the complaints changed (their updated_at moved, as a
   verification or an answer moves it): what the worker pays every SCORECARD_REFRESH_SECONDS.

Prints one JSON line: seconds and SQL statements of each, and how many days each recomputed.
"""
import argparse
import json
import os
import sys
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    args = parser.parse_args(argv)
    os.environ["BENCH_DB_URL"] = args.url
    from sqlalchemy import event, func, select, update

    from bench.wsgi import app
    from complaints.models import Complaint
    from core import clock
    from core.extensions import db
    from scorecard import aggregates

    statements = [0]
    with app.app_context():
        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args):
            statements[0] += 1

        def timed(**kwargs):
            statements[0] = 0
            started = time.perf_counter()
            result = aggregates.refresh(wait=True, **kwargs)
            return {"seconds": round(time.perf_counter() - started, 3), "statements": statements[0],
                    "days": result["days"]}

        out = {"complaints": db.session.scalar(select(func.count(Complaint.id)))}
        # The rebuild is dated one overlap ahead, so that its watermark lies after the generation:
        # otherwise the incremental refresh would also re-read every row the generator stamped
        # "now" (the forum's participants and responses), as the overlap is meant to.
        overlap = timedelta(seconds=app.config["SCORECARD_WATERMARK_OVERLAP_SECONDS"])
        rebuilt_at = clock.now() + overlap + timedelta(minutes=1)
        out["full"] = timed(full=True, now=rebuilt_at)
        # 1 % of the complaints, spread over the table, changed after the rebuild's watermark.
        now = rebuilt_at + timedelta(minutes=10)
        step = 100
        db.session.execute(update(Complaint).where(Complaint.id % step == 7).values(updated_at=now))
        db.session.commit()
        out["changed"] = out["complaints"] // step
        out["incremental"] = timed(now=now + timedelta(seconds=1))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
