"""Profile one benchmark page in-process with pyinstrument: `python -m bench.profile PATH [N]`.

Runs against the generated bench database (bench/data/bench.sqlite, or BENCH_DB_URL), requests PATH
N times (default 200) through the test client after one warm-up request, and prints the call tree.
`python -m bench.profile --pages` lists the paths `make bench` loads.

Options (before PATH):
  --role ROLE   request as a signed-in person: citizen, org, host (an ASN of consultation 1's unit),
                moderator; or visitor (the default)
  --no-cache    PAGE_CACHE_SECONDS=0 and FRAGMENT_CACHE_SECONDS=0: what a cache miss costs
  --time        no profiler: print the milliseconds per request of PATH and of the floor route
                (/_bench/floor?unit=2) measured alike, and their ratio
"""
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROLES = {"citizen": "citizen", "org": "organisation member", "host": "host ASN", "moderator": "moderator"}
FLOOR = "/_bench/floor?unit=2"


def _options(argv):
    role, no_cache, timing, rest = "visitor", False, False, []
    args = iter(argv)
    for arg in args:
        if arg == "--role":
            role = next(args)
            if role not in ROLES and role != "visitor":
                raise SystemExit(f"--role: one of {', '.join([*ROLES, 'visitor'])}")
        elif arg == "--no-cache":
            no_cache = True
        elif arg == "--time":
            timing = True
        else:
            rest.append(arg)
    return role, no_cache, timing, rest


def _client(role):
    from bench.run import session_cookies
    from bench.wsgi import _url, app
    client = app.test_client()
    if role != "visitor":
        cookie = session_cookies(_url)[ROLES[role]][0]
        client.set_cookie("session", cookie)
    return client


def _ms_per_request(client, path, count):
    client.get(path)
    started = time.perf_counter()
    for _ in range(count):
        client.get(path)
    return (time.perf_counter() - started) * 1000 / count


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    role, no_cache, timing, argv = _options(argv)
    if no_cache:
        os.environ["BENCH_PAGE_CACHE_SECONDS"] = "0"
        os.environ["BENCH_FRAGMENT_CACHE_SECONDS"] = "0"
    from bench.run import DATA, pages
    if argv[0] == "--pages":
        with open(os.path.join(DATA, "info.json")) as fh:
            for name, path, _ in pages(json.load(fh)):
                print(f"{path}\t{name}")
        return
    path, count = argv[0], int(argv[1]) if len(argv) > 1 else 200
    client = _client(role)
    first = client.get(path)
    if first.status_code != 200:
        raise SystemExit(f"{path}: status {first.status_code}")
    if timing:
        floor = _ms_per_request(client, FLOOR, count)
        page = _ms_per_request(client, path, count)
        print(f"{path}\t{role}{' no-cache' if no_cache else ''}\t{page:.2f} ms\tfloor {floor:.2f} ms\t"
              f"{floor / page:.2f}x floor\t{first.headers.get('X-Bench-SQL')} SQL")
        return
    from pyinstrument import Profiler
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(count):
        client.get(path)
    profiler.stop()
    print(f"{path} as {role}: {count} requests, {first.headers.get('X-Bench-SQL')} SQL each")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main(sys.argv[1:])
