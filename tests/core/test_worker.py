"""The worker loop and the `flask outbox` / `flask worker` commands."""
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select

from core import clock, outbox, worker
from core.extensions import db
from core.mailer import send_email
from core.outbox import FORWARD, PENDING, SENT, OutboxMessage

ROOT = Path(__file__).resolve().parents[2]


def email(key):
    message = send_email("warga@example.com", "Uji", "_signature", key=key)
    db.session.commit()
    return message


def test_one_round_of_the_worker_sends_the_pending_outbox(sent_mail):
    message = email("email:1")
    results = worker.run(once=True)
    assert message.status == SENT
    assert len(sent_mail) == 1
    assert results["outbox"]["sent"] == 1


def test_the_worker_runs_the_complaint_sweeps_with_its_clock(monkeypatch):
    calls = []
    monkeypatch.setattr("complaints.sweeps.run_all", lambda now=None: calls.append(now) or {"forwarded": 0})
    moment = clock.now()
    results = worker.run(once=True, now=moment)
    assert calls == [moment]
    assert results["sweeps"]["complaints.sweeps:run_all"] == {"forwarded": 0}
    assert results["sweeps"]["forum.consultation_services:close_due"] == 0  # the forum's sweep runs too


def test_a_failing_sweep_does_not_stop_the_outbox(monkeypatch, sent_mail, caplog):
    def broken(now=None):
        raise RuntimeError("sweep exploded")
    monkeypatch.setattr("complaints.sweeps.run_all", broken)
    email("email:1")
    worker.run(once=True)
    assert len(sent_mail) == 1
    assert "worker step sweeps failed" in caplog.text and "sweep exploded" in caplog.text


def test_a_sweep_that_cannot_be_imported_stops_the_worker_with_an_error(monkeypatch, sent_mail, app):
    monkeypatch.setitem(sys.modules, "complaints.sweeps", None)  # importing it raises ImportError
    email("email:1")
    with pytest.raises(worker.SweepUnavailable, match="complaints.sweeps:run_all"):
        worker.run(once=True)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code != 0 and isinstance(result.exception, worker.SweepUnavailable)
    # `flask outbox deliver` runs no sweeps, so it still sends.
    assert worker.run(once=True, sweeps=False)["outbox"]["sent"] == 1
    assert len(sent_mail) == 1


def test_stopping_wakes_a_sleeping_worker_at_once(app, settings):
    settings(WORKER_OUTBOX_SECONDS=3600, WORKER_SWEEP_SECONDS=3600)
    box = {}

    def run():
        with app.app_context():
            box["worker"] = worker.Worker()
            box["worker"].run()
            db.session.remove()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while "outbox" not in getattr(box.get("worker"), "last_results", {}) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the first round is done and it sleeps for an hour
    assert thread.is_alive()
    asked = time.monotonic()
    box["worker"].stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - asked < 2


def test_a_stopping_pass_leaves_the_rest_for_later(sent_mail):
    email("email:1")
    stop = threading.Event()
    stop.set()
    assert outbox.deliver(stop=stop) == 0
    assert sent_mail == []


# --- the commands ---------------------------------------------------------------------------

def test_outbox_deliver_once_reports_what_it_did(app, settings, sent_mail):
    settings(NATIONAL_FORWARD_URL="", NATIONAL_FORWARD_EMAIL="")
    email("email:1")
    outbox.enqueue(FORWARD, key="forward:1", payload={"tracking_code": "ADU-1", "event": "forwarded"})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent: 1, retry later: 0, failed: 0, waiting for configuration: 1" in result.output
    assert "1 pending, 0 failed" in result.output
    assert "national forwarding is not configured" in result.output
    assert len(sent_mail) == 1


def test_worker_once_runs_one_round(app, sent_mail):
    email("email:1")
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "'sent': 1" in result.output
    assert len(sent_mail) == 1


# --- a real worker process -----------------------------------------------------------------

@pytest.fixture(scope="module")
def worker_env(tmp_path_factory):
    """Environment for `flask` subprocesses on their own, freshly migrated SQLite file."""
    home = tmp_path_factory.mktemp("worker")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NATIONAL_FORWARD_", "MAIL_", "DATABASE_URL", "WORKER_", "OUTBOX_"))}
    env.update(FLASK_APP="app", DATABASE_URL=f"sqlite:///{home / 'worker.sqlite'}", INSTANCE_PATH=str(home),
               SECRET_KEY="worker-test", WORKER_OUTBOX_SECONDS="1", WORKER_SWEEP_SECONDS="3600",
               PYTHONUNBUFFERED="1")
    migrated = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    return env


def wait_for(predicate, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_worker_process_sends_the_outbox_and_stops_cleanly_on_a_signal(worker_env, tmp_path, signum):
    engine = create_engine(worker_env["DATABASE_URL"])
    key = f"email:{signum.name}"
    now = clock.now()
    with engine.begin() as conn:
        conn.execute(insert(OutboxMessage.__table__).values(
            kind="email", key=key, status=PENDING, attempts=0, next_attempt_at=now, created_at=now,
            payload={"to": "warga@example.com", "subject": "Uji", "body": "Halo"}))

    def status():
        with engine.connect() as conn:
            return conn.scalar(select(OutboxMessage.status).where(OutboxMessage.key == key))

    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=worker_env,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: status() == SENT), log.read_text()
        assert process.poll() is None  # still looping
        process.send_signal(signum)
        assert process.wait(timeout=10) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        engine.dispose()
    output = log.read_text()
    assert "worker started" in output and "worker stopped" in output
    assert "Traceback" not in output


def test_a_worker_process_stops_within_seconds_of_sigterm_while_the_mail_server_hangs(worker_env, tmp_path):
    from tests.core.hung import HungServer
    hung = HungServer()
    # MAIL_TIMEOUT far longer than the stop may take: the send itself must be cut short.
    env = {**worker_env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(hung.port), "MAIL_TIMEOUT": "60"}
    engine = create_engine(worker_env["DATABASE_URL"])
    key, now = "email:hung-smtp", clock.now()
    with engine.begin() as conn:
        conn.execute(insert(OutboxMessage.__table__).values(
            kind="email", key=key, status=PENDING, attempts=0, next_attempt_at=now, created_at=now,
            payload={"to": "warga@example.com", "subject": "Uji", "body": "Halo"}))
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        assert hung.wait_for_connection(15), log.read_text()
        time.sleep(0.5)  # connected, and waiting for a greeting that never comes
        asked = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0, log.read_text()
        assert time.monotonic() - asked < 5
        with engine.connect() as conn:
            message = conn.execute(select(OutboxMessage).where(OutboxMessage.key == key)).one()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        hung.stop()
        engine.dispose()
    assert (message.status, message.attempts) == (PENDING, 1)  # tried once, left for the next run
    assert "SMTP" in message.last_error
    output = log.read_text()
    assert "worker stopped" in output and "Traceback" not in output
    # Every line of the log says when: an operator can match it to the database's own log.
    started = next(line for line in output.splitlines() if "worker started" in line)
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO ", started), started


def test_a_step_that_loses_the_database_is_logged_and_the_worker_recovers(app, settings, monkeypatch, caplog,
                                                                          sent_mail):
    from sqlalchemy.exc import OperationalError
    settings(WORKER_OUTBOX_SECONDS=0.05)
    email("email:1")
    real, calls = worker.deliver_outbox, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        return real(**kwargs)
    monkeypatch.setattr(worker, "deliver_outbox", flaky)
    box = {}

    def run():
        with app.app_context():
            box["worker"] = worker.Worker(sweeps=False)
            box["worker"].run()
            db.session.remove()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert wait_for(lambda: len(sent_mail) == 1, seconds=10)
    box["worker"].stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(calls) >= 2
    assert "worker step outbox failed, the database is unavailable (OperationalError" in caplog.text
