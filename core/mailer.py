"""E-mail: rendered from templates/emails/, in the recipient's language, sent by Flask-Mail.

Without MAIL_SERVER (MAIL_SUPPRESS_SEND) each message is written to the log instead, so a
newcomer running `make run` can follow the links from the terminal.
"""
from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from .extensions import mail


def send_email(to, subject, template, *, locale="id", **context):
    """Render and send one message; `subject` is a lazy_gettext string, rendered in `locale`."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = str(subject)
        body = render_template(f"emails/{template}.txt", **context)
        html = render_template("emails/layout.html", body=body, subject=subject)
    message = Message(subject=subject, recipients=[to], body=body, html=html)
    if current_app.config.get("MAIL_SUPPRESS_SEND") and not current_app.testing:
        current_app.logger.warning("E-mail not sent (MAIL_SERVER unset) to %s: %s\n%s", to, subject, body)
    mail.send(message)
    return message
