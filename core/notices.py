"""Work notices to staff and contact persons, sent at once or gathered into one daily digest.

A moderator hears of a new flag or an organisation waiting for verification, a contact person of a
membership request. Each person chooses on their profile (`User.notice_frequency`):
- "immediate": `notify` queues the e-mail in the outbox inside the caller's transaction;
- "daily": `notify` keeps one line (in the person's language, with its link) as a PendingNotice,
  and the sweep `send_digests` sends each person one e-mail a day, after NOTICE_DIGEST_HOUR local
  time, with every line kept before that hour. The outbox key `digest:<user>:<local date>` is
  unique, so two workers running the sweep at once send one digest, never two; lines kept after
  today's digest wait for tomorrow's.

Core knows no pillar: the pillars pass the person, the e-mail template and the line.
"""
from datetime import datetime, time

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import clock, worker
from .extensions import db
from .i18n import lazy_gettext as _l
from .mailer import send_email
from .outbox import OutboxMessage
from .types import UTCDateTime
from .web import links_context

IMMEDIATE, DAILY = "immediate", "daily"
FREQUENCIES = {IMMEDIATE: _l("Segera, satu e-mail untuk setiap pemberitahuan"),
               DAILY: _l("Ringkasan harian, satu e-mail sehari")}


class PendingNotice(db.Model):
    """One line waiting for its person's daily digest."""
    __tablename__ = "pending_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The digest (its outbox key) that carried this line; None while it waits.
    digest_key: Mapped[str | None] = mapped_column(String(120))

    user = relationship("User")

    __table_args__ = (Index("ix_pending_notice_waiting", "digest_key", "user_id", "created_at"),)


def notify(person, *, subject, template, key, line, url, now=None, **context):
    """Tell one person now or in their next digest, as they chose (no commit; the caller commits).

    `line` is a lazy string: one sentence for the digest, rendered in the person's language.
    """
    if not getattr(person, "active", True):
        return
    if getattr(person, "notice_frequency", IMMEDIATE) == DAILY:
        with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            text = str(line)
        db.session.add(PendingNotice(user_id=person.id, text=text, url=url, created_at=now or clock.now()))
        return
    send_email(person.email, subject, template, locale=person.locale, key=key, user=person, url=url, **context)


def digest_cutoff(now):
    """Today's digest moment (NOTICE_DIGEST_HOUR local time) as UTC, or None before it."""
    local = clock.to_local(now)
    moment = datetime.combine(local.date(), time(current_app.config["NOTICE_DIGEST_HOUR"]), tzinfo=local.tzinfo)
    return moment if local >= moment else None


@worker.sweep(order=90)  # last: a digest carries what the other sweeps noted
def send_digests(now=None):
    """Sweep: one digest e-mail per person with lines waiting from before today's digest hour.

    At most one per person and local day, whichever worker runs it (unique outbox key). Returns how
    many digests it queued.
    """
    now = now or clock.now()
    cutoff = digest_cutoff(now)
    if cutoff is None:
        return 0
    day = clock.to_local(now).date().isoformat()
    people = db.session.scalars(select(PendingNotice.user_id).where(
        PendingNotice.digest_key.is_(None), PendingNotice.created_at < cutoff).distinct()).all()
    db.session.rollback()  # end the read; each person below is one transaction
    sent = 0
    for user_id in people:
        key = f"digest:{user_id}:{day}"
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
            db.session.rollback()
            continue  # today's digest has gone already; the rest waits for tomorrow
        lines = db.session.scalars(
            select(PendingNotice).where(PendingNotice.user_id == user_id, PendingNotice.digest_key.is_(None),
                                        PendingNotice.created_at < cutoff)
            .order_by(PendingNotice.created_at, PendingNotice.id).with_for_update(skip_locked=True)).all()
        if not lines:
            db.session.rollback()
            continue
        person = lines[0].user
        for line in lines:
            line.digest_key = key
        if person.active:
            with links_context():
                send_email(person.email, _l("Ringkasan pemberitahuan harian (%(n)s)", n=len(lines)), "notice_digest",
                           locale=person.locale, key=key, user=person, lines=lines)
        try:
            db.session.commit()
        except IntegrityError:  # another worker sent this person's digest a moment ago
            db.session.rollback()
            continue
        sent += 1 if person.active else 0
    return sent
