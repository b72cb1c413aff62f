"""E-mail leaves through real SMTP: a local aiosmtpd server receives what Flask-Mail sends."""
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from core.extensions import mail


class Collect(Sink):
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SUPPRESS_SEND")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)  # Flask-Mail reads its settings at init
    yield handler
    app.config.update(saved)
    mail.init_app(app)
    controller.stop()


def test_the_verification_mail_reaches_an_smtp_server(client, smtp_server):
    response = client.post("/akun/daftar", data={
        "full_name": "Rudi", "email": "rudi@example.com", "password": "kopi-pagi-di-teras",
        "password_confirm": "kopi-pagi-di-teras", "account_type": "citizen", "agree": "y"})
    assert response.status_code == 302
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["rudi@example.com"]
    body = envelope.content.decode()
    assert "Verifikasi alamat e-mail Anda" in body
    assert "/akun/verifikasi/" in body
