"""The benchmark's WSGI app: the real application plus, on this instance only, a floor route and
an SQL-statement counter. Served by gunicorn as `bench.wsgi:app` (BENCH_DB_URL names the database).

Nothing here is registered on the application's blueprints: the floor exists only in this process.
"""
import os
import sys

from flask import g, request
from sqlalchemy import event, select

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from app import create_app  # noqa: E402
from complaints.models import Complaint  # noqa: E402
from core.extensions import cache, db  # noqa: E402

_url = os.environ.get("BENCH_DB_URL") or "sqlite:///" + os.path.join(ROOT, "bench", "data", "bench.sqlite")
_overrides = {}
if os.environ.get("BENCH_PAGE_CACHE_SECONDS"):  # 0: every visitor's page rendered (the page-cache-off table)
    _overrides["PAGE_CACHE_SECONDS"] = int(os.environ["BENCH_PAGE_CACHE_SECONDS"])
if os.environ.get("BENCH_FRAGMENT_CACHE_SECONDS"):  # 0 too: nothing cached (the nothing-cached table)
    _overrides["FRAGMENT_CACHE_SECONDS"] = int(os.environ["BENCH_FRAGMENT_CACHE_SECONDS"])
app = create_app(SQLALCHEMY_DATABASE_URI=_url, SECRET_KEY="bench-secret-key-not-for-production",
                 RATELIMIT_ENABLED=False, OUTBOX_DELIVER_IMMEDIATELY=False, **_overrides)

# X-Bench-Cache says what the page cache did for the response (hit, miss, or nothing: signed in,
# a POST, a page it does not serve), so the realistic-traffic run can report its hit rate.
_cache_get = cache.get


def _counting_get(key, *args, **kwargs):
    value = _cache_get(key, *args, **kwargs)
    if str(key).startswith("page:"):
        g.bench_cache = "hit" if value is not None else "miss"
    return value


cache.get = _counting_get

# Sync workers serve one request at a time, so one counter per process is exact.
_statements = [0]

with app.app_context():
    @event.listens_for(db.engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        _statements[0] += 1


@app.before_request
def _reset_counter():
    _statements[0] = 0


@app.after_request
def _report_counter(response):
    response.headers["X-Bench-SQL"] = str(_statements[0])
    response.headers["X-Bench-Cache"] = g.get("bench_cache", "none")
    response.headers["X-Bench-Method"] = request.method
    return response


FLOOR_TEMPLATE = app.jinja_env.from_string(
    "<!doctype html><html lang=id><title>floor</title><ul>"
    "{% for c in rows %}<li>{{ c.tracking_code }} {{ c.title }} {{ c.status }}</li>{% endfor %}</ul>")


def floor():
    """One indexed query (ix_complaint_unit_status_due), 20 rows, a minimal Jinja template."""
    unit_id = request.args.get("unit", 2, type=int)
    rows = db.session.execute(
        select(Complaint.tracking_code, Complaint.title, Complaint.status)
        .where(Complaint.unit_id == unit_id, Complaint.status == "closed")
        .order_by(Complaint.due_at.desc()).limit(20)).all()
    return FLOOR_TEMPLATE.render(rows=rows)


app.add_url_rule("/_bench/floor", "bench_floor", floor)
