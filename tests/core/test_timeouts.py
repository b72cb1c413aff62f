"""Every outside call has a time limit, and the web never waits on e-mail (issue 10, point 4).

A mail server or database that accepts connections and never answers is a loopback socket
(tests/core/hung.py); PostgreSQL's own limits are checked on the PostgreSQL run.
"""
import http.client
import json
import threading
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, text
from werkzeug.serving import make_server

from app import create_app
from complaints.models import Complaint
from config import TestConfig, engine_options
from core import clock, outbox
from core.extensions import db, mail
from core.mailer import send_email
from core.outbox import PENDING, OutboxMessage
from tests.core.hung import FreezableProxy, HungServer, closed_port



def on_postgresql(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture
def hung_server():
    server = HungServer()
    yield server
    server.stop()


@pytest.fixture
def hung_smtp(app, settings, hung_server):
    """Flask-Mail pointed at a server that accepts and never answers."""
    settings(MAIL_SERVER="127.0.0.1", MAIL_PORT=hung_server.port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)  # Flask-Mail reads its settings at init
    yield hung_server
    hung_server.release()
    app.config.update(MAIL_SERVER=TestConfig.MAIL_SERVER, MAIL_PORT=TestConfig.MAIL_PORT,
                      MAIL_SUPPRESS_SEND=TestConfig.MAIL_SUPPRESS_SEND)
    mail.init_app(app)


def fresh(message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


# --- e-mail ------------------------------------------------------------------------------------

def test_mail_timeout_defaults_to_ten_seconds():
    assert TestConfig.MAIL_TIMEOUT == 10


def test_sending_to_a_mail_server_that_never_answers_gives_up_after_mail_timeout(settings, hung_smtp):
    settings(MAIL_TIMEOUT=1)
    message = send_email("warga@example.com", "Uji", "_signature", key="email:hung")
    db.session.commit()
    before = clock.now()
    started = time.monotonic()
    stats = {}
    outbox.deliver(stats=stats)
    elapsed = time.monotonic() - started
    assert hung_smtp.accepted == 1
    assert 0.9 <= elapsed < 3  # one timeout, and no second wait on a polite QUIT
    assert stats["retry"] == 1
    message = fresh(message.id)
    assert (message.status, message.attempts) == (PENDING, 1)
    assert message.next_attempt_at > before  # scheduled for the worker's retry, with backoff
    assert "timed out" in message.last_error


@pytest.fixture
def live_server(app):
    """The app behind a real WSGI server on loopback, so "the response has gone" is real."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


FORM = {"title": "Lampu jalan mati sebulan", "description": "Lampu jalan di Gang Mawar mati sejak bulan lalu.",
        "classification": "pengaduan", "category": "infrastruktur", "unit_id": "", "location": "Gang Mawar",
        "reporter_name": "Rina", "reporter_email": "rina@example.com"}
API_BODY = {"title": "Sampah menumpuk di pasar", "classification": "pengaduan", "category": "lingkungan",
            "description": "Sampah tidak diangkut selama seminggu di Pasar Flamboyan.",
            "location": "Pasar Flamboyan", "anonymous": False, "confidential": False,
            "reporter": {"name": "Wati", "email": "wati@example.com", "phone": "0812"}}


@pytest.mark.parametrize("path, body, content_type, status", [
    ("/pengaduan/baru", urlencode(FORM), "application/x-www-form-urlencoded", 302),
    ("/api/v1/complaints", json.dumps(API_BODY), "application/json", 201),
])
def test_a_complaint_filed_while_the_mail_server_hangs_is_answered_at_once(
        settings, hung_smtp, live_server, path, body, content_type, status):
    # Far longer than the answer may take: only sending after the response can explain it.
    settings(MAIL_TIMEOUT=30)
    connection = http.client.HTTPConnection("127.0.0.1", live_server.server_port, timeout=10)
    started = time.monotonic()
    connection.request("POST", path, body=body, headers={"Content-Type": content_type})
    response = connection.getresponse()
    response.read()
    elapsed = time.monotonic() - started
    connection.close()
    assert response.status == status
    assert elapsed < 5
    complaint = db.session.scalar(select(Complaint))
    assert complaint is not None  # filed once; the person has the answer and need not retry
    # The confirmation e-mail is on its way to the hung server after the answer...
    assert hung_smtp.wait_for_connection()
    message = db.session.scalar(select(OutboxMessage))
    # ...and when that server drops it, the message stays for the worker.
    hung_smtp.release()
    deadline = time.monotonic() + 10
    while fresh(message.id).last_error is None and time.monotonic() < deadline:
        time.sleep(0.05)
    message = fresh(message.id)
    assert (message.status, message.attempts) == (PENDING, 1)
    assert "SMTPServerDisconnected" in message.last_error


def test_one_failed_immediate_send_leaves_the_rest_of_the_request_to_the_worker(app, settings, hung_smtp):
    settings(MAIL_TIMEOUT=1)
    with app.test_request_context():
        for n in range(3):
            send_email("warga@example.com", "Uji", "_signature", key=f"email:{n}")
        db.session.commit()
        keys = [f"email:{n}" for n in range(3)]
    started = time.monotonic()
    outbox._deliver_now(app, keys)
    assert time.monotonic() - started < 3  # one MAIL_TIMEOUT, not one per message
    db.session.expire_all()
    attempts = sorted(db.session.scalars(select(OutboxMessage.attempts)))
    assert attempts == [0, 0, 1]
    assert set(db.session.scalars(select(OutboxMessage.status))) == {PENDING}


# --- the database's time limits -------------------------------------------------------------

def test_postgresql_connections_get_timeouts_and_keepalives_merged_with_given_options():
    config = {**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
              "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/x",
              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                                            "connect_args": {"options": "-csearch_path=s1"}}}
    options = engine_options(config)
    assert options["pool_pre_ping"] is True
    assert options["pool_timeout"] == 10
    args = options["connect_args"]
    assert (args["connect_timeout"], args["keepalives"], args["keepalives_idle"],
            args["keepalives_interval"], args["keepalives_count"], args["tcp_user_timeout"]) == (5, 1, 30, 10, 3, 30000)
    assert args["options"] == "-c statement_timeout=30000 -c lock_timeout=10000 -csearch_path=s1"
    # Merging again (an app built from another app's settings) does not repeat them.
    assert engine_options({**config, "SQLALCHEMY_ENGINE_OPTIONS": options}) == options


def test_sqlite_keeps_its_own_options():
    config = {**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
              "SQLALCHEMY_DATABASE_URI": "sqlite://", "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}}
    assert engine_options(config) == {"pool_pre_ping": True}


def test_the_apps_postgresql_connections_have_the_limits_in_force(app):
    if not on_postgresql(app):
        pytest.skip("PostgreSQL settings: runs with TEST_DATABASE_URL set to PostgreSQL")
    shown = {name: db.session.execute(text(f"SHOW {name}")).scalar()
             for name in ("statement_timeout", "lock_timeout", "search_path")}
    assert shown["statement_timeout"] == "30s"
    assert shown["lock_timeout"] == "10s"
    assert shown["search_path"].startswith("test_run_")  # the tests' own option survived the merge
    # The client side of the connection (libpq): its connect timeout, keepalives, user timeout.
    client = db.session.connection().connection.dbapi_connection.info.get_parameters()
    assert {name: client.get(name) for name in ("connect_timeout", "keepalives", "keepalives_idle",
                                                "keepalives_interval", "keepalives_count", "tcp_user_timeout")} == {
        "connect_timeout": "5", "keepalives": "1", "keepalives_idle": "30", "keepalives_interval": "10",
        "keepalives_count": "3", "tcp_user_timeout": "30000"}


def test_a_query_past_the_statement_timeout_gets_the_friendly_503(app):
    if not on_postgresql(app):
        pytest.skip("statement_timeout is PostgreSQL's; runs with TEST_DATABASE_URL set to PostgreSQL")
    slow = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      DB_STATEMENT_TIMEOUT=0.5)

    @slow.get("/lambat")
    def sleepy():
        db.session.execute(text("SELECT pg_sleep(3)"))
        return "never"
    with slow.app_context():
        started = time.monotonic()
        response = slow.test_client().get("/lambat")
        db.engine.dispose()
    assert time.monotonic() - started < 2.5
    assert response.status_code == 503
    assert "Layanan sedang tidak tersedia" in response.get_data(as_text=True)


# --- the database unreachable: /healthz and the pages ---------------------------------------

def unreachable_app(port, **settings):
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{port}/test",
                      **settings)


def test_healthz_answers_503_at_once_when_the_database_refuses(app):
    broken = unreachable_app(closed_port())
    with broken.app_context():
        started = time.monotonic()
        response = broken.test_client().get("/healthz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


def test_healthz_answers_503_within_3_seconds_when_the_database_never_answers(hung_server):
    blackholed = unreachable_app(hung_server.port, DB_CONNECT_TIMEOUT=2)
    with blackholed.app_context():
        started = time.monotonic()
        response = blackholed.test_client().get("/healthz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert hung_server.accepted == 1


def test_healthz_answers_within_its_timeout_even_when_the_database_is_slower(hung_server):
    # A connect timeout longer than the load balancer waits: /healthz still answers in time.
    blackholed = unreachable_app(hung_server.port, DB_CONNECT_TIMEOUT=30, HEALTHZ_TIMEOUT=1)
    with blackholed.app_context():
        client = blackholed.test_client()
        started = time.monotonic()
        first = client.get("/healthz")
        second = client.get("/healthz")  # the first probe still hangs: no second one piles up
    assert time.monotonic() - started < 2
    assert (first.status_code, second.status_code) == (503, 503)
    assert hung_server.accepted == 1


def test_healthz_does_not_hang_on_the_pre_ping_of_a_database_gone_silent(app):
    if not on_postgresql(app):
        pytest.skip("needs a PostgreSQL server to proxy; runs with TEST_DATABASE_URL set to PostgreSQL")
    url = db.engine.url
    proxy = FreezableProxy(url.port or 5432)
    try:
        through = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url.set(
            host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
        with through.app_context():
            client = through.test_client()
            assert client.get("/healthz").status_code == 200  # a pooled connection now exists
            proxy.frozen.set()
            started = time.monotonic()
            response = client.get("/healthz")
            assert time.monotonic() - started < 3
            assert response.status_code == 503
    finally:
        proxy.stop()
        with through.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("lang, title", [("id", "Layanan sedang tidak tersedia"),
                                         ("en", "Service temporarily unavailable")])
def test_a_page_needing_the_unreachable_database_gets_a_friendly_503(lang, title):
    broken = unreachable_app(closed_port())
    with broken.app_context():
        client = broken.test_client()
        with client.session_transaction() as session:
            session["lang"] = lang
        response = client.get("/organisasi")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert title in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_the_api_answers_503_in_json_when_the_database_is_unreachable():
    broken = unreachable_app(closed_port())
    with broken.app_context():
        response = broken.test_client().get("/api/v1/units", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json["error"]["status"] == 503
    assert response.json["error"]["title"] == "Service temporarily unavailable"


def test_an_sqlite_file_that_cannot_be_opened_gets_the_503_page_too(tmp_path):
    broken = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    with broken.app_context():
        response = broken.test_client().get("/organisasi")
    assert response.status_code == 503
