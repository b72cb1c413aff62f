"""Time the escalation sweep and one outbox delivery pass of the forwards it queued.

    python -m bench.sweeps                                  # SQLite, 1,000 overdue among 100,000
    BENCH_DATABASE_URL=postgresql+psycopg://... python -m bench.sweeps   # PostgreSQL (schema dropped!)
    python -m bench.sweeps --url sqlite:///bench/data/x.sqlite          # a database generated already

Without --url the complaints are generated first (bench/generate.py, --only-complaints, scaled by
--scale / BENCH_SCALE): on SQLite once into bench/data/sweeps-base.sqlite, copied fresh for every
run; on PostgreSQL into BENCH_DATABASE_URL at every run, after **dropping its public schema**.

Forwards go over HTTP to bench/stub_receiver.py, run in its own process (so its CPU is not counted
here), which answers each POST after --delay seconds (5 ms) with a tracking id; the delivery pass
therefore does the real work: claim, sign, POST, record the outcome and the national tracking id.
It sends OUTBOX_DELIVERY_CONCURRENCY (--concurrency, default the setting's) forwards at once.
The stub keeps connections alive (--close: it closes each after its answer) and speaks plain HTTP
(--tls: HTTPS, as the national system does, with a throwaway self-signed certificate that this
process alone trusts, through SSL_CERT_FILE).

Prints one JSON object: for each of escalate and deliver the wall seconds, the CPU seconds of this
process (every thread) and the SQL statements; escalated, delivered, what the stub received.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
DATA = os.path.join(ROOT, "bench", "data")
BASE = os.path.join(DATA, "sweeps-base.sqlite")
BASE_MAX_AGE = 6 * 3600  # generated data is placed around its own "now": refresh it after a while


def prepare(scale, regenerate):
    """The URL of a database holding freshly generated complaints (see the module's docstring)."""
    from bench import generate
    pg_url = os.environ.get("BENCH_DATABASE_URL")
    if pg_url:
        generate.generate(pg_url, scale, only_complaints=True, quiet=True)
        return pg_url
    info = BASE + ".json"
    stale = not os.path.exists(info) or time.time() - os.path.getmtime(info) > BASE_MAX_AGE
    if regenerate or stale or json.load(open(info)).get("scale") != scale:
        generate.generate(generate.sqlite_url(BASE), scale, only_complaints=True, quiet=True)
        json.dump({"scale": scale}, open(info, "w"))
    work = os.path.join(DATA, "sweeps.sqlite")
    for suffix in ("", "-wal", "-shm"):  # a -wal left by the last run would replay over the copy
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    shutil.copyfile(BASE, work)
    return generate.sqlite_url(work)


def start_receiver(delay, close=False, tls=None):
    proc = subprocess.Popen([sys.executable, "-m", "bench.stub_receiver", "--delay", str(delay),
                             *(["--close"] if close else []), *(["--tls", *tls] if tls else [])], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().split()
    if line[:1] != ["port"]:
        proc.kill()
        raise SystemExit("the stub receiver did not start")
    return proc, int(line[1])


def throwaway_certificate():
    """A self-signed certificate for 127.0.0.1 in bench/data: (certificate path, key path)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    os.makedirs(DATA, exist_ok=True)
    cert_path, key_path = os.path.join(DATA, "stub-cert.pem"), os.path.join(DATA, "stub-key.pem")
    with open(cert_path, "wb") as f:
        f.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path


def measure(url, *, concurrency=None, delay=0.005, close=False, tls=False):
    tls = throwaway_certificate() if tls else None
    if tls:
        os.environ["SSL_CERT_FILE"] = tls[0]  # trusted by this process only, read when a TLS context is made
    receiver, port = start_receiver(delay, close, tls)
    try:
        import logging

        from sqlalchemy import event, func, select
        from sqlalchemy.orm import configure_mappers

        from app import create_app
        settings = {"OUTBOX_DELIVERY_CONCURRENCY": concurrency} if concurrency else {}
        app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-secret-key-not-for-production",
                         NATIONAL_FORWARD_URL=f"{'https' if tls else 'http'}://127.0.0.1:{port}/forward",
                         NATIONAL_FORWARD_SECRET="bench-forward-secret", OUTBOX_DELIVER_IMMEDIATELY=False,
                         **settings)
        logging.getLogger().setLevel(logging.WARNING)
        from complaints import services, sweeps
        from complaints.models import Complaint
        from core import clock, outbox
        from core.extensions import db
        result = {}
        with app.app_context():
            result["database"] = db.engine.dialect.name
            configure_mappers()  # once per process; not the sweep's cost
            statements = [0]

            @event.listens_for(db.engine, "before_cursor_execute")
            def _count(*_args):
                statements[0] += 1
            result["complaints"] = db.session.scalar(select(func.count(Complaint.id)))
            result["overdue"] = db.session.scalar(select(func.count(Complaint.id)).where(
                *services.overdue(clock.now())))
            result["concurrency"] = app.config["OUTBOX_DELIVERY_CONCURRENCY"]
            result["receiver_delay_seconds"] = delay
            result["receiver_keeps_connections"], result["tls"] = not close, bool(tls)
            db.session.rollback()

            def timed(name, fn):
                statements[0] = 0
                wall, cpu = time.perf_counter(), time.process_time()
                value = fn()
                result[f"{name}_seconds"] = round(time.perf_counter() - wall, 3)
                result[f"{name}_cpu_seconds"] = round(time.process_time() - cpu, 3)
                result[f"{name}_statements"] = statements[0]
                return value

            result["escalated"] = timed("escalate", sweeps.escalate)
            pending = db.session.scalar(select(func.count(outbox.OutboxMessage.id)).where(
                outbox.OutboxMessage.status == outbox.PENDING, outbox.OutboxMessage.kind == outbox.FORWARD))
            db.session.rollback()
            stats = {}
            result["delivered"] = timed("deliver", lambda: outbox.deliver(limit=pending + 10, stats=stats,
                                                                           kinds=[outbox.FORWARD]))
            result["deliver_stats"] = stats
            result["national_tracking_ids"] = db.session.scalar(select(func.count(Complaint.id)).where(
                Complaint.national_tracking_id.is_not(None)))
        with urllib.request.urlopen(f"{'https' if tls else 'http'}://127.0.0.1:{port}/count", timeout=5) as answer:
            counts = json.load(answer)
        result["received_by_stub"], result["distinct_keys_at_stub"] = counts["requests"], counts["keys"]
        result["connections_at_stub"] = counts["connections"] - 1  # less the /count request's own
        return result
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a database generated already (default: generate, see above)")
    p.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    p.add_argument("--regenerate", action="store_true", help="generate the SQLite base again")
    p.add_argument("--concurrency", type=int, help="OUTBOX_DELIVERY_CONCURRENCY (default: the setting)")
    p.add_argument("--delay", type=float, default=0.005, help="the stub receiver's answer time, seconds")
    p.add_argument("--close", action="store_true",
                   help="the stub closes every connection after its answer (no keep-alive)")
    p.add_argument("--tls", action="store_true", help="forward over HTTPS (a throwaway self-signed certificate)")
    a = p.parse_args(argv)
    url = a.url or prepare(a.scale, a.regenerate)
    print(json.dumps(measure(url, concurrency=a.concurrency, delay=a.delay, close=a.close, tls=a.tls)))


if __name__ == "__main__":
    main()
