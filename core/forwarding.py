"""The channel to the national complaint system (SP4N-LAPOR!): signed HTTP POST, or e-mail.

Called by the outbox for `forward` and `forward_update` messages; raises the outbox's
RetryLater / Undeliverable / NotConfigured to say what should happen next.

Over HTTP the payload is serialised once and exactly those bytes are signed and sent:
`X-Signature: sha256=<hex HMAC-SHA256(body, NATIONAL_FORWARD_SECRET)>`, and the message's key
travels as `Idempotency-Key`, so a repeat after a lost answer is recognisable by the receiver.

Connections are kept alive between forwards (urllib3's pool, shared by the outbox's sending
threads), so a round of forwards does not pay a TCP and TLS handshake each. The proxy settings of
the environment (https_proxy, no_proxy, ...) apply, as they do to urllib.
"""
import hashlib
import hmac
import json
import os
import smtplib
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import urllib3

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mail import Message

from . import encryption
from .extensions import mail
from .outbox import NotConfigured, RetryLater, Undeliverable

HTTP, EMAIL = "http", "email"
# What stops forwarding, in English for the log and the outbox row; the admin page words it
# for people (templates/admin/outbox.html).
PROBLEMS = {
    "no_channel": "national forwarding is not configured: set NATIONAL_FORWARD_URL or NATIONAL_FORWARD_EMAIL",
    "bad_url": "NATIONAL_FORWARD_URL must be an http:// or https:// URL",
    "no_secret": "NATIONAL_FORWARD_SECRET is not set; requests are not sent unsigned",
    "no_mail_server": "NATIONAL_FORWARD_EMAIL is set but MAIL_SERVER is not, so the e-mail cannot leave",
}
MAX_ANSWER_BYTES = 64 * 1024
RETRY_STATUSES = {408, 429}


def readiness():
    """How forwarding leaves now: (HTTP or EMAIL, None), or (None, a key of PROBLEMS) while it waits."""
    config = current_app.config
    url = (config.get("NATIONAL_FORWARD_URL") or "").strip()
    if url:
        if urlsplit(url).scheme not in ("http", "https"):
            return None, "bad_url"
        if not config.get("NATIONAL_FORWARD_SECRET"):
            return None, "no_secret"
        return HTTP, None
    if config.get("NATIONAL_FORWARD_EMAIL"):
        # Without a mail server Flask-Mail would only log it, and the outbox would call it sent.
        if config.get("MAIL_SUPPRESS_SEND") and not current_app.testing:
            return None, "no_mail_server"
        return EMAIL, None
    return None, "no_channel"


def forward(payload, *, key=None):
    """Deliver one forwarding payload; returns the receiver's JSON answer (a dict, maybe empty)."""
    channel, problem = readiness()
    payload = encryption.unseal(payload)  # the reporter's contact, kept encrypted while it waited
    body = encode(payload)
    # The outbox always passes the message key; a stable digest keeps a direct call idempotent too.
    key = key or "sha256:" + hashlib.sha256(body).hexdigest()
    if channel == HTTP:
        return _post(current_app.config["NATIONAL_FORWARD_URL"].strip(), body, key)
    if channel == EMAIL:
        _send_email(current_app.config["NATIONAL_FORWARD_EMAIL"], payload, key)
        return {}
    raise NotConfigured(PROBLEMS[problem])


def encode(payload):
    """The exact bytes that are signed and sent: compact and with sorted keys, so stable."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def sign(body, secret):
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class _Connections:
    """The kept-alive connections to the national system, one pool per process.

    A pool is not carried across a fork (a child opens its own), and not reused once it has been
    idle NATIONAL_FORWARD_KEEPALIVE_SECONDS: a firewall that silently forgets an idle connection
    would otherwise cost the next forward its whole timeout.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.manager, self.made_for, self.used_at = None, None, 0.0

    def get(self, url, config):
        proxy = _proxy_for(url)
        made_for = (os.getpid(), proxy, config["OUTBOX_DELIVERY_CONCURRENCY"])
        now = time.monotonic()
        with self.lock:
            if (self.manager is None or self.made_for != made_for
                    or now - self.used_at > config["NATIONAL_FORWARD_KEEPALIVE_SECONDS"]):
                if self.manager is not None and self.made_for[0] == os.getpid():
                    self.manager.clear()
                # One connection per sending thread; block=False: an extra one is opened, not waited for.
                size = max(1, int(config["OUTBOX_DELIVERY_CONCURRENCY"]))
                self.manager = (urllib3.ProxyManager(proxy, maxsize=size, block=False) if proxy
                                else urllib3.PoolManager(maxsize=size, block=False))
                self.made_for = made_for
            self.used_at = now
            return self.manager


_connections = _Connections()


def _proxy_for(url):
    """The proxy urllib would use for this URL (from the environment), or None."""
    parts = urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxy


def _post(url, body, key):
    config = current_app.config
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": key,
        "X-Signature": sign(body, config["NATIONAL_FORWARD_SECRET"]),
    }
    timeout = config["NATIONAL_FORWARD_TIMEOUT"]
    for fresh in (False, True):
        try:
            status, answer, retry_after = _exchange(_connections.get(url, config), url, body, headers, timeout)
            break
        except urllib3.exceptions.NewConnectionError as e:  # refused, unreachable, DNS (urllib3: a timeout)
            raise RetryLater(f"connection failed: {_reason(e)}") from e
        except urllib3.exceptions.TimeoutError as e:
            raise RetryLater(f"no answer within {timeout:g}s") from e
        except urllib3.exceptions.ProtocolError as e:
            # Closed before an answer came: usually a kept-alive connection the receiver had just
            # let go. Sent once more, on a fresh one (the Idempotency-Key makes a repeat harmless).
            if not fresh:
                continue
            raise RetryLater(f"connection failed: {_reason(e)}") from e
        except (urllib3.exceptions.HTTPError, OSError) as e:  # TLS, a proxy's refusal
            raise RetryLater(f"connection failed: {_reason(e)}") from e

    if 200 <= status < 300:
        return _parse(answer)
    excerpt = answer[:300].decode("utf-8", "replace").strip()
    detail = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
    if status in RETRY_STATUSES or status >= 500:
        raise RetryLater(detail, after=retry_after)
    if 300 <= status < 400:
        detail += " (redirect; check NATIONAL_FORWARD_URL)"
    raise Undeliverable(detail)


def _exchange(connections, url, body, headers, timeout):
    """One POST: (status, at most MAX_ANSWER_BYTES of the answer, Retry-After in seconds).

    No redirect is followed: it would turn the signed POST into a GET without its body."""
    response = connections.request("POST", url, body=body, headers=headers, retries=False, redirect=False,
                                   timeout=urllib3.Timeout(connect=timeout, read=timeout), preload_content=False)
    answer = b""
    try:
        answer = response.read(MAX_ANSWER_BYTES)
        retry_after = None if 200 <= response.status < 300 else _seconds(response.headers.get("Retry-After"))
        return response.status, answer, retry_after
    finally:
        if response.length_remaining or len(answer) >= MAX_ANSWER_BYTES:
            response.close()  # more answer than we read: not worth reading it all to reuse the connection
        response.release_conn()


def _reason(error):
    """What went wrong on the wire, in one line and without the URL (its query may hold a secret):
    urllib3 names the connection's host and port, never the path."""
    text = str(error)
    if text.startswith(("HTTPConnection(", "HTTPSConnection(")) and "): " in text:
        text = text.split("): ", 1)[1]  # "HTTPConnection(host=..., port=...): Failed to ..."
    return f"{type(error).__name__}: {text}"


def _parse(answer):
    """The receiver accepted; a body that is not a JSON object carries nothing for us."""
    try:
        data = json.loads(answer.decode("utf-8")) if answer.strip() else {}
    except ValueError:
        current_app.logger.warning("national forwarding: accepted, but the answer is not JSON: %r", answer[:200])
        return {}
    return data if isinstance(data, dict) else {}


def _seconds(value):
    """Retry-After in seconds (the HTTP-date form is rare enough to leave to our own backoff)."""
    try:
        return max(0, int(value)) if value else None
    except ValueError:
        return None


def _send_email(address, payload, key):
    # The national desk reads Indonesian, whatever the language of the person who caused it.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        code = payload.get("tracking_code") or "-"
        subject = (_("Pembaruan pengaduan %(code)s", code=code) if payload.get("event") == "update"
                   else _("Penerusan pengaduan %(code)s", code=code))
        body = render_template("emails/national_forward.txt", payload=payload, key=key,
                               fields=_readable(payload), subject=subject,
                               data=json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
    message = Message(subject=subject, recipients=[address], body=body,
                      extra_headers={"X-Idempotency-Key": key})
    try:
        mail.send(message)
    except smtplib.SMTPRecipientsRefused as e:
        if all(code >= 500 for code, _text in e.recipients.values()):
            raise Undeliverable(f"SMTP refused {address}: {e.recipients}") from e
        raise RetryLater(f"SMTP refused {address} for now: {e.recipients}") from e
    except (smtplib.SMTPException, OSError) as e:
        raise RetryLater(f"SMTP: {type(e).__name__}: {e}") from e


def _readable(payload, prefix=""):
    """(label, text) lines for the e-mail: the tracking code and event first, nesting flattened."""
    first = [k for k in ("tracking_code", "event") if k in payload and not prefix]
    lines = []
    for name in first + sorted(k for k in payload if k not in first):
        value, label = payload[name], f"{prefix}{name}"
        if isinstance(value, dict):
            lines.extend(_readable(value, prefix=f"{label}."))
        elif isinstance(value, list):
            if value and all(isinstance(item, dict) for item in value):
                for i, item in enumerate(value, 1):
                    lines.extend(_readable(item, prefix=f"{label}[{i}]."))
            else:
                lines.append((label, ", ".join(str(item) for item in value) or "-"))
        else:
            lines.append((label, "-" if value in (None, "") else str(value)))
    return lines
