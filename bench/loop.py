"""Time N renders of a page in-process, for one kind of visitor: `python -m bench.loop [PATH] [options]`.

    python -m bench.loop /pengaduan/lacak/ADU-... --role citizen -n 500
    python -m bench.loop --standard             # home, complaint tracking, certificate page; every role

Runs against the generated bench database (bench/data/bench.sqlite, or BENCH_DB_URL) through the
test client, as bench/profile.py does, with no server and no network between: what is measured is
the application's own Python and SQL. A role signs in as `make bench` signs it in (the first
generated person of that role, by the session cookie); "visitor" is anonymous with the page cache
off, so the page is rendered on every request too. After a warm-up, the N requests run in
--rounds rounds; the best round is reported (the machine may be shared: a slower round is someone
else's work), in wall-clock and CPU milliseconds per request, with the SQL statements of one
request and the Python function calls of one request (counted by cProfile: the same on a busy
machine as on an idle one, so before/after comparisons hold when the timings are noisy).
"""
import argparse
import cProfile
import json
import pstats
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

VISITOR = "visitor"


def signed_in_client(app, role):
    """A test client signed in as the first generated person of `role` (bench.run.ROLE_USERS)."""
    from sqlalchemy import text

    from bench.run import ROLE_USERS
    from core.extensions import db
    client = app.test_client()
    if role == VISITOR:
        return client
    with app.app_context():
        user_id, stamp = db.session.execute(text(
            f"SELECT id, security_stamp FROM \"user\" WHERE active AND {ROLE_USERS[role]} ORDER BY id LIMIT 1")).one()
        db.session.remove()
    with client.session_transaction() as session:
        session.update({"_user_id": f"{user_id}:{stamp}", "_fresh": True})
    return client


def function_calls(client, path):
    """Python function calls of one request (cProfile's count, primitive and recursive)."""
    profile = cProfile.Profile()
    profile.runcall(client.get, path)
    return pstats.Stats(profile).total_calls


def time_page(client, path, count, rounds):
    """(best wall ms, best CPU ms) per request over `rounds` rounds of count/rounds requests, the
    SQL statements and the function calls of one request."""
    first = client.get(path)
    if first.status_code != 200:
        raise SystemExit(f"{path}: status {first.status_code}")
    per_round = max(1, count // rounds)
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(per_round):
            client.get(path)
        walls.append((time.perf_counter() - wall) * 1000 / per_round)
        cpus.append((time.process_time() - cpu) * 1000 / per_round)
    return min(walls), min(cpus), client.get(path).headers.get("X-Bench-SQL"), function_calls(client, path)


def standard_pages():
    from bench.run import DATA
    with open(os.path.join(DATA, "info.json")) as fh:
        info = json.load(fh)
    return {"home": "/", "complaint tracking": f"/pengaduan/lacak/{info['tracking_code']}",
            "certificate verification": f"/pelatihan/sertifikat/{info['certificate_code']}"}


def main(argv):
    from bench.run import ROLES
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?")
    parser.add_argument("--role", default=VISITOR, choices=[VISITOR, *ROLES])
    parser.add_argument("-n", type=int, default=300, help="requests timed (default 300)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds the requests are split in (default 10)")
    parser.add_argument("--standard", action="store_true", help="home, tracking and certificate pages, every role")
    args = parser.parse_args(argv)
    if not args.path and not args.standard:
        parser.error("give a PATH or --standard")
    os.environ["BENCH_PAGE_CACHE_SECONDS"] = "0"  # a visitor's page is rendered, as a signed-in person's
    from bench.wsgi import app
    pages = standard_pages() if args.standard else {args.path: args.path}
    roles = [VISITOR, *ROLES] if args.standard else [args.role]
    print(f"{'page':28} {'who':20} {'wall ms':>8} {'CPU ms':>8} {'SQL':>4} {'calls':>7}")
    for role in roles:
        client = signed_in_client(app, role)
        for name, path in pages.items():
            wall, cpu, statements, calls = time_page(client, path, args.n, args.rounds)
            print(f"{name:28} {role:20} {wall:8.2f} {cpu:8.2f} {statements:>4} {calls:>7}")


if __name__ == "__main__":
    main(sys.argv[1:])
