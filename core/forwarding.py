"""The channel to the national complaint system (SP4N-LAPOR!): signed HTTP POST, or e-mail.

Called by the outbox for `forward` and `forward_update` messages; raises the outbox's
RetryLater / Undeliverable / NotConfigured to say what should happen next.

Over HTTP the payload is serialised once and exactly those bytes are signed and sent:
`X-Signature: sha256=<hex HMAC-SHA256(body, NATIONAL_FORWARD_SECRET)>`, and the message's key
travels as `Idempotency-Key`, so a repeat after a lost answer is recognisable by the receiver.
"""
import hashlib
import hmac
import http.client
import json
import smtplib
import urllib.error
import urllib.request
from urllib.parse import urlsplit

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the signed POST into a GET without its body; treat it as the answer."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url, body, key):
    config = current_app.config
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": key,
        "X-Signature": sign(body, config["NATIONAL_FORWARD_SECRET"]),
    })
    timeout = config["NATIONAL_FORWARD_TIMEOUT"]
    retry_after = None
    try:
        with _opener.open(request, timeout=timeout) as response:
            status, answer = response.status, response.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as e:  # a non-2xx answer: its status decides
        status, retry_after = e.code, _seconds(e.headers.get("Retry-After") if e.headers else None)
        try:
            answer = e.read(MAX_ANSWER_BYTES)
        except (OSError, http.client.HTTPException):
            answer = b""
        finally:
            e.close()
    except TimeoutError as e:
        raise RetryLater(f"no answer within {timeout:g}s") from e
    except urllib.error.URLError as e:  # refused, unreachable, DNS; the URL itself may hold secrets
        raise RetryLater(f"connection failed: {e.reason}") from e
    except (OSError, http.client.HTTPException) as e:  # reset or cut off mid-answer
        raise RetryLater(f"connection failed: {type(e).__name__}: {e}") from e

    if 200 <= status < 300:
        return _parse(answer)
    excerpt = answer[:300].decode("utf-8", "replace").strip()
    detail = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
    if status in RETRY_STATUSES or status >= 500:
        raise RetryLater(detail, after=retry_after)
    if 300 <= status < 400:
        detail += " (redirect; check NATIONAL_FORWARD_URL)"
    raise Undeliverable(detail)


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
