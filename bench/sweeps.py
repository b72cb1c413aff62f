"""Time the escalation sweep and one outbox delivery pass on a database (run in its own process).

    python -m bench.sweeps --url sqlite:///bench/data/sweep.sqlite

Forwards go over HTTP to a stub receiver on 127.0.0.1 (a thread in this process) that answers
200 with a tracking id, so the delivery pass does the real work: claim, sign, POST, record.
Prints one JSON object: escalated, escalate_seconds, delivered, deliver_seconds, statements.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


class _Receiver(BaseHTTPRequestHandler):
    count = 0

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        _Receiver.count += 1
        body = json.dumps({"tracking_id": f"LAPOR-{_Receiver.count}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    a = p.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        from sqlalchemy import event, func, select

        from app import create_app
        app = create_app(SQLALCHEMY_DATABASE_URI=a.url, SECRET_KEY="bench-secret-key-not-for-production",
                         NATIONAL_FORWARD_URL=f"http://127.0.0.1:{server.server_port}/forward",
                         NATIONAL_FORWARD_SECRET="bench-forward-secret", OUTBOX_DELIVER_IMMEDIATELY=False)
        import logging
        logging.getLogger().setLevel(logging.WARNING)
        from complaints import sweeps
        from core import outbox
        from core.extensions import db
        result = {}
        with app.app_context():
            counter = [0]

            @event.listens_for(db.engine, "before_cursor_execute")
            def _count(*_args):
                counter[0] += 1
            result["complaints"] = db.session.scalar(select(func.count()).select_from(outbox.OutboxMessage).where(
                outbox.OutboxMessage.kind == "email"))
            db.session.rollback()
            t0 = time.perf_counter()
            result["escalated"] = sweeps.escalate()
            result["escalate_seconds"] = round(time.perf_counter() - t0, 3)
            result["escalate_statements"] = counter[0]
            counter[0] = 0
            pending = db.session.scalar(select(func.count()).select_from(outbox.OutboxMessage).where(
                outbox.OutboxMessage.status == outbox.PENDING))
            db.session.rollback()
            stats = {}
            t0 = time.perf_counter()
            result["delivered"] = outbox.deliver(limit=pending + 10, stats=stats)
            result["deliver_seconds"] = round(time.perf_counter() - t0, 3)
            result["deliver_statements"] = counter[0]
            result["deliver_stats"] = stats
            result["received_by_stub"] = _Receiver.count
        print(json.dumps(result))
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
