"""E-mail: rendered from templates/emails/ in the recipient's language, queued in the outbox.

`send_email` renders now (the request knows the links and the language) and adds an outbox
message to the current transaction; the caller commits, and the outbox delivers through
Flask-Mail. Without MAIL_SERVER (MAIL_SUPPRESS_SEND) delivery writes each e-mail to the log
instead, so a newcomer running `make run` can follow the links from the terminal. The SMTP
connection waits at most MAIL_TIMEOUT seconds for each step (core/mailer_connection.py).
"""
import re
import smtplib
import uuid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from . import encryption, outbox
from .extensions import mail


def send_email(to, subject, template, *, locale="id", key=None, subject_obj=None, private=False, headers=None,
               **context):
    """Queue one message; `subject` is a lazy_gettext string, rendered in `locale`.

    `key` makes the message unique (a reminder sent once); by default every call is a new one.
    `private` (a complaint's reporter): the address is kept encrypted in the outbox, so neither
    the admin's outbox page nor a database dump shows it; only delivery reads it.
    `headers`: extra header lines ({name: value}), e.g. a digest's List-Unsubscribe.
    """
    return outbox.enqueue(outbox.EMAIL, key=key or f"email:{uuid.uuid4().hex}", subject=subject_obj,
                          payload=render_email(to, subject, template, locale=locale, private=private,
                                               headers=headers, **context))


def render_email(to, subject, template, *, locale="id", private=False, headers=None, **context):
    """The outbox payload of one e-mail (as send_email queues it), for a caller that queues many at once."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = str(subject)
        body = render_template(f"emails/{template}.txt", **context)
        html = render_template("emails/layout.html", body=body, subject=subject)
    address = {"to_encrypted": encryption.encrypt(to)} if private else {"to": to}
    payload = {**address, "subject": subject, "body": body, "html": html}
    if headers:
        payload["headers"] = dict(headers)
    return payload


_PLAIN_VALUE = re.compile(r"[A-Za-z0-9-]+")


def is_plain(value):
    """Letters, digits and hyphens: a value neither HTML nor a URL changes (render_emails_alike)."""
    return bool(_PLAIN_VALUE.fullmatch(value or ""))


def placeholders(names):
    """{name: placeholder} for render_emails_alike: plain, and none inside another."""
    return {name: f"ZZPLACEHOLDER{i}ZZ" for i, name in enumerate(names)}


def render_emails_alike(recipients, subject, template, *, private=False, **context):
    """render_email's payloads for many e-mails whose text differs only by a few plain values (a
    tracking code, and the link that carries it): each language is rendered once with placeholders
    (see placeholders()) standing for the values in `subject` and `context`, then each e-mail gets
    its own values.

    `recipients`: (to, locale, {placeholder: value}) triples; returns the payloads in their order.
    Every value must be plain (is_plain), so that rendering it would not have changed it.
    """
    rendered, payloads = {}, []
    for to, locale, values in recipients:
        if not all(is_plain(value) for value in values.values()):
            raise ValueError(f"{values!r}: only plain values can stand in a rendered e-mail")
        if locale not in rendered:
            rendered[locale] = render_email("", subject, template, locale=locale, **context)
        parts = {}
        for part in ("subject", "body", "html"):
            text = rendered[locale][part]
            for placeholder, value in values.items():
                text = text.replace(placeholder, value)
            parts[part] = text
        address = {"to_encrypted": encryption.encrypt(to)} if private else {"to": to}
        payloads.append({**address, **parts})
    return payloads


def recipient(payload):
    return payload["to"] if "to" in payload else encryption.decrypt(payload["to_encrypted"])


def deliver_email(payload, key=None):
    """Send one queued e-mail now (called by the outbox, which passes the message's key)."""
    message = Message(subject=payload["subject"], recipients=[recipient(payload)], body=payload["body"],
                      html=payload.get("html"), extra_headers=payload.get("headers"))
    if current_app.config.get("MAIL_SUPPRESS_SEND") and not current_app.testing:
        current_app.logger.warning("E-mail not sent (MAIL_SERVER unset) to %s: %s\n%s",
                                   payload.get("to", "(private)"), payload["subject"], payload["body"])
    try:
        mail.send(message)
    except (smtplib.SMTPException, OSError) as e:  # OSError covers a timeout and a refused connection
        raise outbox.RetryLater(f"SMTP: {type(e).__name__}: {e}") from e
