"""`make bench`: generate → serve with gunicorn → load every page with wrk → time the sweeps → REPORT.md.

Environment: BENCH_SCALE (default 1), BENCH_SECONDS per page (default 10), BENCH_CONNECTIONS (default 4),
BENCH_DATABASE_URL (PostgreSQL instead of the SQLite file, for generation and pages; the sweeps
always use SQLite files), BENCH_SKIP_GENERATE=1 to reuse bench/data/bench.sqlite, BENCH_PORT.
"""
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
DATA = os.path.join(ROOT, "bench", "data")
PY = sys.executable


def env_float(name, default):
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        raise SystemExit(f"{name} must be a number") from None


def log(*args):
    print("[bench]", *args, flush=True)


def fetch(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as r:
            return r.status, r.headers, r.read()  # 127.0.0.1 only
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def wait_ready(base, proc, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited before it was ready; see bench/data/gunicorn.log")
        try:
            if fetch(base + "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def run_wrk(url, seconds, connections, headers=None):
    extra = [arg for k, v in (headers or {}).items() for arg in ("-H", f"{k}: {v}")]
    out = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "--timeout", "10s", *extra, url], capture_output=True, text=True, timeout=seconds + 60)
    text = out.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\b", text, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "requests": total,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(0) if errors else ""}


def load_page(base, name, path, expected, seconds, conns, problems, headers=None, who="visitor"):
    """Check the page four times, then load it with wrk.

    The first visit renders the page; each gunicorn worker keeps its own page cache, so the fewest
    statements of the next three visits is what a cached visit costs."""
    checks = [fetch(base + path, headers) for _ in range(4)]
    status = checks[0][0]
    ok = all(st == 200 and expected.encode() in body for st, _h, body in checks)
    if not ok:
        problems.append(f"{name} ({path}), {who}: status {[c[0] for c in checks]}, "
                        f"expected text {'found' if all(expected.encode() in c[2] for c in checks) else 'MISSING'}")
    counts = [int(h.get("X-Bench-SQL", -1)) for _st, h, _b in checks]
    sql = [counts[0], min(counts[1:])]
    body = checks[0][2]
    log(f"{name} ({who}): {status}, {len(body)} bytes, SQL {sql[0]} then {sql[1]}; "
        f"loading {seconds}s")
    load = run_wrk(base + path, seconds, conns, headers)
    if load["non2xx"] or load["socket_errors"]:
        problems.append(f"{name}, {who}: {load['non2xx']} non-2xx responses under load {load['socket_errors']}")
    return {"name": name, "who": who, "path": path, "status": status, "ok": ok, "bytes": len(body),
            "sql_first": sql[0], "sql_cached": sql[1], "sql_most": max(counts), **load}


def deep_page_check(base, info, seconds, conns, headers=None):
    """Page 1 and the deepest page of the big input list (as in pages()), loaded in turn (1, deep, 1,
    deep) so that a drift of the machine's speed during the run falls on both alike; mean req/s."""
    paths = input_list_pages(info)
    rps = {label: [] for label in paths}
    for _round in range(2):
        for label, path in paths.items():
            rps[label].append(run_wrk(base + path, max(1, seconds // 2), conns, headers)["rps"])
    return {label: sum(values) / len(values) for label, values in rps.items()}


# Who signs in: one generated person per role (the host is an ASN of consultation 1's unit).
ROLE_USERS = {
    "citizen": "role = 'citizen'",
    "organisation member": "role = 'org_member' AND id IN (SELECT user_id FROM organisation_membership "
                           "WHERE status = 'approved')",
    "host ASN": "role = 'asn' AND unit_id = (SELECT unit_id FROM consultation WHERE slug = 'konsultasi-bench-1')",
    "moderator": "role = 'moderator'",
}


def session_cookies(url):
    """{role: (session cookie, CSRF token)} for a generated person of each role, signed as the bench app
    signs them (no log-in form). The session carries a CSRF secret, so the token lets the
    realistic-traffic run post forms with CSRF protection on."""
    os.environ["BENCH_DB_URL"] = url
    from bench.wsgi import app
    from flask import g, session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import text
    from core.extensions import db
    cookies = {}
    with app.app_context():
        for role, condition in ROLE_USERS.items():
            user_id, stamp = db.session.execute(text(
                f"SELECT id, security_stamp FROM \"user\" WHERE active AND {condition} ORDER BY id LIMIT 1")).one()
            with app.test_request_context():
                session.update({"_user_id": f"{user_id}:{stamp}", "_fresh": True})
                g.pop(app.config["WTF_CSRF_FIELD_NAME"], None)  # g is the app context's: one token per person
                token = generate_csrf()
                cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
            cookies[role] = (cookie, token)
        db.session.remove()
        db.engine.dispose()
    return cookies


ROLES = list(ROLE_USERS)


def signed_in_pages(info):
    """The pages people see signed in: every benchmarked page but the floor and the JSON APIs."""
    return [(name, path, expected) for name, path, expected in pages(info)[1:] if not path.startswith("/api/")]


@contextlib.contextmanager
def serve(port, url, **extra_env):
    """gunicorn, 2 sync workers, serving bench.wsgi:app on the bench database; stopped on leaving."""
    env = dict(os.environ, BENCH_DB_URL=url, **extra_env)
    glog = open(os.path.join(DATA, "gunicorn.log"), "a")
    proc = subprocess.Popen([os.path.join(os.path.dirname(PY), "gunicorn"), "-w", "2", "-k", "sync",
                             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "bench.wsgi:app"],
                            cwd=ROOT, env=env, stdout=glog, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        glog.close()


def refresh_scorecard(url):
    out = subprocess.run([PY, "-m", "bench.scorecard_refresh", "--url", url], cwd=ROOT, capture_output=True,
                         text=True, timeout=1200)
    if out.returncode != 0:
        raise SystemExit(f"scorecard refresh failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def mix_run(base, url, cookies, seconds, conns, info):
    from bench import mix
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.connect() as conn:  # the organisation the member posts for
        member_org = conn.execute(text(
            "SELECT organisation_id FROM organisation_membership WHERE status = 'approved' AND user_id = "
            "(SELECT min(user_id) FROM organisation_membership m JOIN \"user\" u ON u.id = m.user_id "
            "WHERE u.role = 'org_member' AND u.active AND m.status = 'approved')")).scalar()
    engine.dispose()
    return mix.run(base, url, cookies, member_org, seconds, conns, DATA, info['consultation_list_pages'])


def sqlite_copy(src, dst):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
    s, d = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        s.backup(d)
    finally:
        s.close()
        d.close()


def sweep(url, *options):
    out = subprocess.run([PY, "-m", "bench.sweeps", "--url", url, *options], cwd=ROOT, capture_output=True,
                         text=True, timeout=1200)
    if out.returncode != 0:
        raise SystemExit(f"sweep failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def input_list_pages(info):
    """Page 1 and page 500 (the last one at a smaller scale) of consultation 1's input list."""
    slug, deep = info["consultation_slug"], min(500, max(1, info["big_input_pages"]))
    return {"page 1": f"/forum/konsultasi/{slug}", f"page {deep}": f"/forum/konsultasi/{slug}?halaman_masukan={deep}"}


def pages(info):
    (first, first_path), (deep, deep_path) = input_list_pages(info).items()
    return [
        ("floor (bare Flask route, 1 query, 20 rows)", "/_bench/floor?unit=2", "<li>ADU-"),
        ("home", "/", "</html>"),
        ("consultation list, page 1", "/forum/", "Konsultasi publik nomor"),
        (f"consultation list, last page ({info['consultation_list_pages']})",
         f"/forum/?page={info['consultation_list_pages']}", "Konsultasi publik nomor"),
        (f"consultation with threads, {first}", first_path, "Masukan tentang waktu layanan"),
        (f"consultation threads, {deep}", deep_path, "Masukan tentang waktu layanan"),
        (f"thread with {info['long_input_replies']} replies", f"/forum/masukan/{info['long_input_id']}",
         "catatan nomor"),
        ("public follow-up tracker", "/forum/tindak-lanjut", "Kesepakatan"),
        ("complaint tracking page", f"/pengaduan/lacak/{info['tracking_code']}", info["tracking_code"]),
        ("complaint API answer", f"/api/v1/complaints/{info['tracking_code']}", info["tracking_code"]),
        ("certificate verification", f"/pelatihan/sertifikat/{info['certificate_code']}", info["certificate_code"]),
        ("city scorecard, last 12 months", "/rapor", "Unit Pelayanan 002"),
        ("unit scorecard", "/rapor/unit/2", "Unit Pelayanan 002"),
        ("how the score is computed", "/rapor/cara-penilaian", "Cara penilaian"),
        ("scorecard open data (JSON)", "/api/v1/rapor", '"units"'),
        ("a unit's public complaint list", "/pengaduan/publik/unit/2", "Jalan berlubang"),
    ]


def main():
    scale = env_float("BENCH_SCALE", "1")
    seconds = int(env_float("BENCH_SECONDS", "10"))
    conns = int(env_float("BENCH_CONNECTIONS", "4"))
    port = int(env_float("BENCH_PORT", "8765"))
    if scale <= 0 or seconds <= 0 or conns <= 0:
        raise SystemExit("BENCH_SCALE, BENCH_SECONDS and BENCH_CONNECTIONS must be > 0")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk; `make bench` does it as root)")
    os.makedirs(DATA, exist_ok=True)
    pg_url = os.environ.get("BENCH_DATABASE_URL")
    main_db = os.path.join(DATA, "bench.sqlite")
    url = pg_url or "sqlite:///" + main_db
    info_file = os.path.join(DATA, "info.json")
    started = time.monotonic()
    open(os.path.join(DATA, "gunicorn.log"), "w").close()

    from bench import generate
    if os.environ.get("BENCH_SKIP_GENERATE") == "1" and os.path.exists(info_file):
        info = json.load(open(info_file))
        log("reusing generated data", info["counts"])
    else:
        log(f"generating at scale {scale} into {url.split('@')[-1]}")
        info = generate.generate(url, scale)
        info["scale"] = scale
        json.dump(info, open(info_file, "w"), default=str, indent=1)

    # The large sweep runs on the city as generated, before the pages' visits and writes change it.
    if not pg_url:
        sqlite_copy(main_db, os.path.join(DATA, "sweep-big.sqlite"))

    # --- the scorecard's refresh (it also leaves the figures the scorecard pages show) ----------
    log("scorecard: full rebuild, then an incremental refresh after 1 % of the complaints changed")
    scorecard = refresh_scorecard(url)

    # --- pages under load ----------------------------------------------------------------------
    base = f"http://127.0.0.1:{port}"
    results, signed_in, uncached, cold, deep, problems, mix, floor_again = [], {}, [], [], {}, [], None, None
    cookies = session_cookies(url)
    with serve(port, url) as proc:
        wait_ready(base, proc)
        for name, path, expected in pages(info):
            results.append(load_page(base, name, path, expected, seconds, conns, problems))
        # The same pages for signed-in people of each role: rendered on every request (no page cache).
        for role in ROLES:
            header = {"Cookie": "session=" + cookies[role][0]}
            signed_in[role] = [load_page(base, name, path, expected, seconds, conns, problems, header, role)
                               for name, path, expected in signed_in_pages(info)]
        citizen = {"Cookie": "session=" + cookies["citizen"][0]}
        deep = {"visitor": deep_page_check(base, info, seconds, conns),
                "signed in": deep_page_check(base, info, seconds, conns, citizen)}
        # The floor once more, after every page of this server: the ratios use the highest reading.
        floor_again = load_page(base, *pages(info)[0], seconds, conns, problems, None, "floor, read again")
    # Visitors again with the page cache off (another server: PAGE_CACHE_SECONDS=0), so their
    # pages are rendered as a signed-in person's are, fragments included; its own floor is loaded too.
    with serve(port, url, BENCH_PAGE_CACHE_SECONDS="0") as proc:
        wait_ready(base, proc)
        for name, path, expected in pages(info):
            uncached.append(load_page(base, name, path, expected, seconds, conns, problems, None, "page cache off"))
    # And with nothing cached at all (fragments off too): what a miss costs when every part is cold.
    with serve(port, url, BENCH_PAGE_CACHE_SECONDS="0", BENCH_FRAGMENT_CACHE_SECONDS="0") as proc:
        wait_ready(base, proc)
        for name, path, expected in pages(info):
            cold.append(load_page(base, name, path, expected, seconds, conns, problems, None, "nothing cached"))
    # Realistic traffic last, on a server as served (page cache on, starting cold): its writes add
    # inputs and replies, which would push the pages' expected text off the pages loaded above.
    if os.environ.get("BENCH_MIX") == "1":
        with serve(port, url) as proc:
            wait_ready(base, proc)
            mix_seconds = int(env_float("BENCH_MIX_SECONDS", "180"))
            log(f"realistic traffic for {mix_seconds} s")
            mix = mix_run(base, url, cookies, mix_seconds, conns, info)
            if mix["bad_reads"] or mix["bad_writes"] or mix["socket_errors"]:
                problems.append(f"realistic traffic: {mix['bad_reads']} reads not 200, {mix['bad_writes']} writes "
                                f"not a redirect {mix['socket_errors']}")

    # --- sweeps: same overdue count, 10x the complaints -----------------------------------------
    overdue = generate.counts_for(scale)["overdue"]
    big_n = generate.counts_for(scale)["complaints"]
    small_n = max(overdue, big_n // 10)
    sweeps = {}
    big_db = os.path.join(DATA, "sweep-big.sqlite")
    if pg_url:
        log("sweeps: generating a SQLite copy of the complaints for the large sweep")
        generate.generate("sqlite:///" + big_db, scale, only_complaints=True, quiet=True)
    small_db = os.path.join(DATA, "sweep-small.sqlite")
    generate.generate("sqlite:///" + small_db, scale, complaints=small_n, overdue=overdue, only_complaints=True,
                      quiet=True)
    # The national system speaks HTTPS: the large sweep again over TLS, with kept-alive connections
    # and with a new connection (and handshake) per forward, each on a fresh copy of the city.
    pristine_db = os.path.join(DATA, "sweep-big-pristine.sqlite")
    sqlite_copy(big_db, pristine_db)
    tls_db = os.path.join(DATA, "sweep-tls.sqlite")
    runs = [("large", big_db, big_n, ()), ("small", small_db, small_n, ()),
            ("large, HTTPS", tls_db, big_n, ("--tls",)),
            ("large, HTTPS, no keep-alive", tls_db, big_n, ("--tls", "--close"))]
    for label, path, n, options in runs:
        if path == tls_db:
            sqlite_copy(pristine_db, tls_db)
        log(f"sweep on {n} complaints, {overdue} overdue {' '.join(options)}")
        sweeps[label] = {"complaints": n, "overdue": overdue, **sweep("sqlite:///" + path, *options)}
        # Delivered counts the e-mails to reporters too; the stub counts the forwards it received.
        forwarded = sweeps[label].get("received_by_stub", sweeps[label]["delivered"])
        if sweeps[label]["escalated"] != overdue or forwarded != overdue:
            problems.append(f"sweep {label}: escalated {sweeps[label]['escalated']}, forwards received "
                            f"{forwarded}, expected {overdue}")

    write_report(info, scale, seconds, conns, url, results, signed_in, uncached, cold, deep, sweeps, scorecard,
                 mix, problems, time.monotonic() - started, floor_again)
    log(f"wrote bench/{report_name(url)}")
    if problems:
        log("PROBLEMS:\n  " + "\n  ".join(problems))
        return 1
    return 0


def versions():
    from importlib.metadata import version
    names = ["Flask", "Werkzeug", "SQLAlchemy", "Jinja2", "gunicorn", "Flask-SQLAlchemy"]
    out = {n: version(n) for n in names}
    out["Python"] = platform.python_version()
    out["SQLite"] = sqlite3.sqlite_version
    try:
        out["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
    except Exception:
        out["wrk"] = "?"
    return out


def machine():
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(open("/proc/meminfo").readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        mem = "?"
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({cpu}), {mem} MiB RAM"


def report_name(url):
    """The SQLite run and the PostgreSQL run each keep their own report."""
    return "REPORT-postgresql.md" if url.startswith("postgresql") else "REPORT.md"


def page_table(results, floor):
    lines = ["| page | status / content | req/s | ratio to floor | p50 ms | p99 ms | SQL first visit / cached "
             "| bytes |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        ratio = r["rps"] / floor if floor else 0
        lines.append(f"| {r['name']} `{r['path'][:60]}` | {r['status']} {'ok' if r['ok'] else 'WRONG'} "
                     f"| {r['rps']:.1f} | {ratio:.2f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['sql_first']} / "
                     f"{r['sql_cached']} | {r['bytes']} |")
    return lines


def mark(ok):
    return "PASS" if ok else "**FAIL**"


def write_report(info, scale, seconds, conns, url, results, signed_in, uncached, cold, deep, sweeps, scorecard,
                 mix, problems, elapsed, floor_again=None):
    # The floor is read four times (first, after the first server's pages, and on each other server);
    # a ratio is to the highest reading, so a reading taken in a slow moment never flatters a ratio.
    readings = [rows[0]["rps"] for rows in (results, uncached, cold) if rows] + ([floor_again["rps"]] if floor_again else [])
    floor = max(readings) if readings else 0
    postgres = url.startswith("postgresql")
    lines = ["# Benchmark report", "",
             f"- **Scale: {scale}** (BENCH_SCALE; 1 is the issue's full size), {seconds} s per page, "
             f"{conns} connections (wrk, 1 thread), gunicorn 2 sync workers on 127.0.0.1",
             f"- Date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; whole run {elapsed:.0f} s",
             f"- Machine: {machine()}",
             f"- Database: {'PostgreSQL' if postgres else 'SQLite file'}; "
             f"generated {info.get('rows', '?')} rows in {info.get('seconds', '?')} s",
             "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
             "- Data: " + ", ".join(f"{k} {v}" for k, v in info["counts"].items()),
             f"- Every ratio is to the highest of this run's floor readings ({floor:.1f} req/s; read "
             + ", ".join(f"{r:.1f}" for r in readings) + " req/s: first, on the page-cache-off and the "
             "nothing-cached servers, and again after the first server's pages), so a reading taken in a slow "
             "moment never flatters a ratio. The floor is a bare Flask route with one indexed query of 20 rows "
             "and a tiny template.",
             "", "## Pages, as a visitor who is not logged in (page cache on, as served)", "",
             "Public pages are served from the page cache (core/page_cache.py) to visitors who are not logged "
             "in: the first visit renders the page (its SQL count is the first number), later visits cost one "
             "query (the content revision) until a change is committed or the minute turns. wrk loads one URL "
             "for the whole measurement, so after the first request of each worker **every response here is a "
             "cache hit**: this table measures the cache. The realistic-traffic section below says how often "
             "real visitors hit it, and the table after the signed-in ones measures the same pages rendered. "
             "Each gunicorn worker keeps its own cache (SimpleCache; CACHE_TYPE=RedisCache shares one).", ""]
    lines += page_table(results, floor)
    for role, rows in signed_in.items():
        lines += ["", f"## The same pages for a signed-in {role} (rendered on every request)", "",
                  "People who are logged in see their own tools (forms, support buttons, their role's links), "
                  "so their pages never come from the page cache; each request renders the page. The parts "
                  "every viewer sees alike (a thread's replies, a consultation's inputs, the lists, the "
                  "scorecard's figures) come from fragments (core.page_cache.cached_fragment) kept under the "
                  "content revisions of what they show, for FRAGMENT_CACHE_SECONDS and at most the minute. "
                  "wrk repeats one URL, so after each worker's first request the fragments are hits here; "
                  "the nothing-cached table below renders everything, fragments included, each time, and the "
                  "realistic-traffic section mixes hits and misses as real visits would.", ""]
        lines += page_table(rows, floor)
    if uncached:
        lines += ["", "## Visitors with the page cache off (PAGE_CACHE_SECONDS=0, a second server)", "",
                  "The visitors' pages rendered on every request as a signed-in person's are: the layout, the "
                  "page's own queries and its per-request parts each time, the parts every viewer sees alike "
                  "from the fragments (FRAGMENT_CACHE_SECONDS stays 60). wrk repeats one URL, so after each "
                  "worker's first request the fragments are hits, as in the signed-in tables. What a visitor "
                  "gets on a page-cache miss whose fragments are still valid (the page's key changed for "
                  "something else it shows, or the cache dropped it). Ratios are to the highest floor reading; this "
                  "server's own floor reading is the first row.", ""]
        lines += page_table(uncached, floor)
    if cold:
        lines += ["", "## Nothing cached (PAGE_CACHE_SECONDS=0 and FRAGMENT_CACHE_SECONDS=0, a third server)", "",
                  "Every page rendered whole on every request, fragments included: what a visitor or a "
                  "signed-in person gets when the page and its fragments are cold (the first visit of a URL "
                  "in a worker, after a change to what the page shows, or a new minute). Not a target; the "
                  "cost a cache miss adds. Ratios are to the highest floor reading; this server's own floor reading is "
                  "the first row.", ""]
        lines += page_table(cold, floor)
    if mix:
        served = mix["hit"] + mix["miss"]
        lines += ["", "## Realistic traffic (BENCH_MIX=1)", "",
                  f"{mix['requests']} requests in {mix['duration_us'] / 1e6:.0f} s over "
                  + ", ".join(f"{n} {kind} URLs" for kind, n in mix["urls"].items())
                  + ". Reads by kind in the shares of bench/mix.py (SHARES), within a kind by a Zipf-like "
                  "popularity (weight 1/rank^1.1); 80 % of reads by visitors, 20 % signed in (citizen, "
                  "organisation member, host ASN, moderator in equal parts); one write (a reply, a support, "
                  "a complaint, an input, in turn, through the real forms with CSRF) every 50 reads. It runs "
                  "last, on a server started for it (page cache on, every cache cold at the start).", "",
                  "| req/s | ratio to floor | p50 ms | p99 ms | reads | writes | page-cache hits | misses "
                  "| not from the cache (signed in, or a page it does not serve) | hit rate of cacheable reads |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                  f"| {mix['rps']:.1f} | {mix['rps'] / floor if floor else 0:.2f} | {mix['p50']:.1f} | "
                  f"{mix['p99']:.1f} | {mix['reads']} | {mix['writes']} | {mix['hit']} | {mix['miss']} | "
                  f"{mix['none']} | "
                  f"{100 * mix['hit'] / served if served else 0:.1f} % |"]
    else:
        lines += ["", "## Realistic traffic", "", "- not run: `make bench BENCH_MIX=1` runs it (BENCH_MIX_SECONDS, "
                  "default 180)."]
    lines += ["", "## Scorecard refresh (bench/scorecard_refresh.py, own process)", "",
              "| complaints | full rebuild s | SQL | days | then 1 % changed: incremental s | SQL | days |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
              f"| {scorecard['complaints']} | {scorecard['full']['seconds']:.3f} | {scorecard['full']['statements']} | "
              f"{scorecard['full']['days']} | {scorecard['incremental']['seconds']:.3f} | "
              f"{scorecard['incremental']['statements']} | {scorecard['incremental']['days']} |"]
    lines += ["", "## Sweeps (escalation + one outbox delivery pass, forwards POSTed to a stub on 127.0.0.1)", "",
              "The stub answers after 5 ms and keeps connections alive, like an HTTP/1.1 server; the HTTPS rows use "
              "a throwaway certificate, and \"no keep-alive\" makes the stub close every connection after its "
              "answer (a TCP and TLS handshake per forward, which is what every forward cost before the "
              "connections were kept). Connections: as counted by the stub.", "",
              "| run | complaints | overdue | escalated | escalate s | SQL | delivered | deliver s | deliver CPU s | "
              "SQL | connections | total s |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, s in sweeps.items():
        lines.append(f"| {label} | {s['complaints']} | {s['overdue']} | {s['escalated']} | "
                     f"{s['escalate_seconds']:.3f} | {s['escalate_statements']} | {s['delivered']} | "
                     f"{s['deliver_seconds']:.3f} | {s['deliver_cpu_seconds']:.3f} | {s['deliver_statements']} | "
                     f"{s.get('connections_at_stub', '-')} | {s['escalate_seconds'] + s['deliver_seconds']:.3f} |")
    # --- targets
    lines += ["", "## Targets", ""]
    for r in results[1:]:
        ratio = r["rps"] / floor if floor else 0
        lines.append(f"- {mark(ratio >= 0.5)} ≥ 0.5× floor req/s, visitor (page cache): {r['name']} ({ratio:.2f}×)")
    for rows in list(signed_in.values()) + [uncached[1:]]:
        for r in rows:
            ratio = r["rps"] / floor if floor else 0
            lines.append(f"- {mark(ratio >= 0.5)} ≥ 0.5× floor req/s, {r['who']}: {r['name']} ({ratio:.2f}×)")
    for r in results[1:] + [r for rows in signed_in.values() for r in rows] + uncached[1:] + cold[1:]:
        lines.append(f"- {mark(0 <= r['sql_most'] <= 10)} ≤ 10 SQL statements, {r['who']}: {r['name']} "
                     f"({r['sql_most']})")
    for r in cold[1:]:
        ratio = r["rps"] / floor if floor else 0
        lines.append(f"- (info) {r['who']}: {r['name']} at {ratio:.2f}× the floor")
    big_sweep = sweeps.get("large")
    if big_sweep:
        lines.append(f"- {mark(big_sweep['escalate_seconds'] < 1)} escalation of {big_sweep['overdue']} overdue "
                     f"among {big_sweep['complaints']} complaints under 1 s: {big_sweep['escalate_seconds']:.3f} s")
        lines.append(f"- {mark(big_sweep['deliver_seconds'] < 2)} delivery of {big_sweep['delivered']} forwards to "
                     f"a local receiver under 2 s: {big_sweep['deliver_seconds']:.3f} s")
    kept, fresh = sweeps.get("large, HTTPS"), sweeps.get("large, HTTPS, no keep-alive")
    if kept and fresh:
        lines.append(f"- (info) the same delivery over HTTPS: {kept['deliver_seconds']:.3f} s "
                     f"({kept['deliver_cpu_seconds']:.3f} s CPU) on kept-alive connections, "
                     f"{fresh['deliver_seconds']:.3f} s ({fresh['deliver_cpu_seconds']:.3f} s CPU) with a new "
                     f"connection per forward")
    if mix:
        ratio = mix["rps"] / floor if floor else 0
        lines.append(f"- {mark(ratio >= 0.5)} ≥ 0.5× floor req/s, realistic traffic ({ratio:.2f}×)")
    if not postgres:
        full = scorecard["full"]["seconds"]
        lines.append(f"- {mark(full < 10)} full scorecard rebuild on SQLite under 10 s: {full:.3f} s "
                     f"({scorecard['complaints']} complaints)")
    else:
        lines.append(f"- (info) full scorecard rebuild on PostgreSQL: {scorecard['full']['seconds']:.3f} s")
    for who, rps in deep.items():
        (first_label, first), (deep_label, deepest) = rps.items()
        lines.append(f"- {mark(deepest >= first * 0.9)} deep page not slower than page 1 (10% noise allowed), "
                     f"{who}: consultation threads {deep_label} {deepest:.1f} req/s vs {first_label} {first:.1f} "
                     f"req/s (loaded in turn, twice each)"
                     + ("" if "500" in deep_label else " — no page 500 at this scale; the last page was used"))
    lst = [r for r in results if r["name"].startswith("consultation list")]
    if len(lst) == 2:
        lines.append(f"- (info) consultation list page 1 {lst[0]['rps']:.1f} req/s vs {lst[1]['name']} "
                     f"{lst[1]['rps']:.1f} req/s (200 consultations at full scale: the list has only a few pages)")
    if "large" in sweeps and "small" in sweeps:
        big = sweeps["large"]["escalate_seconds"] + sweeps["large"]["deliver_seconds"]
        small = sweeps["small"]["escalate_seconds"] + sweeps["small"]["deliver_seconds"]
        lines.append(f"- {mark(big <= 2 * small)} sweep with {sweeps['large']['complaints']} complaints ≤ 2× the "
                     f"time with {sweeps['small']['complaints']} (same {sweeps['large']['overdue']} overdue): "
                     f"{big:.3f} s vs {small:.3f} s ({big / small if small else 0:.2f}×)")
    # Why the targets above that failed are missed: analysis written by hand (profiles, not this run's
    # numbers), kept beside the generator so that every report carries it.
    with open(os.path.join(ROOT, "bench", "report_notes.md")) as fh:
        lines += ["", fh.read().rstrip()]
    lines += ["", "## Problems", ""] + ([f"- {p}" for p in problems] or ["- none: every response was a 200 "
                                                                          "with the expected content"])
    with open(os.path.join(ROOT, "bench", report_name(url)), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
