"""Profile one benchmark page in-process with pyinstrument: `python -m bench.profile PATH [N]`.

Runs against the generated bench database (bench/data/bench.sqlite, or BENCH_DB_URL), requests PATH
N times (default 200) through the test client after one warm-up request, and prints the call tree.
`python -m bench.profile --pages` lists the paths `make bench` loads.
"""
import json
import os
import sys

from pyinstrument import Profiler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    from bench.run import DATA, pages
    if argv[0] == "--pages":
        with open(os.path.join(DATA, "info.json")) as fh:
            for name, path, _ in pages(json.load(fh)):
                print(f"{path}\t{name}")
        return
    path, count = argv[0], int(argv[1]) if len(argv) > 1 else 200
    from bench.wsgi import app
    client = app.test_client()
    first = client.get(path)
    if first.status_code != 200:
        raise SystemExit(f"{path}: status {first.status_code}")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(count):
        client.get(path)
    profiler.stop()
    print(f"{path}: {count} requests, {first.headers.get('X-Bench-SQL')} SQL each")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main(sys.argv[1:])
