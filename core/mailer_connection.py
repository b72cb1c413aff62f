"""Flask-Mail with a time limit on its SMTP connection, and a way to cut a send short.

Flask-Mail 0.10 opens `smtplib.SMTP(host, port)` without a timeout, so a mail server that
accepts the connection and never answers holds the caller forever. Here every socket operation
of that connection (connect, greeting, each command) waits at most MAIL_TIMEOUT seconds, set on
that connection only (never the process-wide socket default). When a send fails the connection
is closed, not QUIT: a polite QUIT to a server that stopped answering would wait once more.
"""
import smtplib
import threading

from flask import current_app
from flask_mail import Connection, Mail

_open = set()  # SMTP connections of this process being used now, for abort_sends()
_open_lock = threading.RLock()  # re-entrant: abort_sends() may run in a signal handler


class TimedConnection(Connection):
    def configure_host(self):
        timeout = float(current_app.config.get("MAIL_TIMEOUT") or 10)
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        # The connection is registered before connect() so abort_sends() can cut a hung connect too.
        host = smtp_class(timeout=timeout)
        with _open_lock:
            _open.add(host)
        try:
            host.set_debuglevel(int(self.mail.debug))
            host.connect(self.mail.server, self.mail.port)
            if self.mail.use_tls:
                host.starttls()
            if self.mail.username and self.mail.password:
                host.login(self.mail.username, self.mail.password)
        except BaseException:
            self._forget(host)
            host.close()
            raise
        return host

    def __exit__(self, exc_type, exc_value, tb):
        host, self.host = self.host, None
        if host is None:
            return
        try:
            if exc_type is None:
                host.quit()
            else:
                host.close()
        except (smtplib.SMTPException, OSError):
            host.close()  # the message went; a server that drops QUIT does not undo it
        finally:
            self._forget(host)

    @staticmethod
    def _forget(host):
        with _open_lock:
            _open.discard(host)


class TimedMail(Mail):
    def connect(self):
        app = getattr(self, "app", None) or current_app
        try:
            return TimedConnection(app.extensions["mail"])
        except KeyError as err:
            raise RuntimeError("The current application was not configured with Flask-Mail") from err


def abort_sends():
    """Cut every SMTP connection of this process short (the worker stopping mid-send).

    The blocked send then fails at once with an OSError, and the outbox schedules the message
    for another try, as after any other failed send.
    """
    import socket
    with _open_lock:
        hosts = list(_open)
    for host in hosts:
        sock = getattr(host, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
