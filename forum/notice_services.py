"""Following consultations and inputs, e-mail notices to followers, units that hold no FKP.

`follow`/`unfollow` commit. The `notify_*` functions are called by the services that publish an
official response, a berita acara or a follow-up change: they queue one e-mail per follower in
the outbox inside the caller's transaction and do not commit. Each message has a key naming the
event and the person, so calling them twice for one event queues nothing new.
"""
from datetime import timezone

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from accounts.models import Unit, User
from core import clock, permissions
from core.errors import NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.mailer import send_email
from core.outbox import OutboxMessage
from core.web import links_context

from .models import DRAFT, Consultation, Follow, ForumInput, Participant
from .search import consultation_url, input_url

__all__ = ["follow", "unfollow", "auto_follow", "is_following", "following", "notify_response", "notify_minutes",
           "notify_action", "notify_meeting_changed", "idle_units", "idle_units_query", "idle_cutoff", "last_published"]


# --- following -----------------------------------------------------------------------------------

def _target(consultation, forum_input):
    if (consultation is None) == (forum_input is None):
        raise ValueError("follow exactly one of a consultation or an input")
    if consultation is not None:
        if consultation.stage == DRAFT:
            raise NotFound(_("Konsultasi tidak ditemukan."))
        return Follow.consultation_id, consultation.id
    if forum_input.is_hidden or forum_input.consultation.stage == DRAFT:
        raise NotFound(_("Masukan tidak ditemukan."))
    return Follow.input_id, forum_input.id


def follow(actor, *, consultation=None, forum_input=None, now=None):
    """A signed-in person follows a published consultation or a visible input (once; again is a no-op)."""
    permissions.require(actor, "forum.follow", consultation or forum_input)
    column, target_id = _target(consultation, forum_input)
    existing = db.session.scalar(select(Follow).where(Follow.user_id == actor.id, column == target_id))
    if existing is not None:
        return existing
    row = Follow(user_id=actor.id, created_at=now or clock.now(), **{column.key: target_id})
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # the same person following from two tabs at once
        db.session.rollback()
        row = db.session.scalar(select(Follow).where(Follow.user_id == actor.id, column == target_id))
    return row


def unfollow(actor, *, consultation=None, forum_input=None, now=None):
    """Stop following; not following is not an error."""
    permissions.require(actor, "forum.follow", consultation or forum_input)
    if (consultation is None) == (forum_input is None):
        raise ValueError("unfollow exactly one of a consultation or an input")
    column, target_id = ((Follow.consultation_id, consultation.id) if consultation is not None
                         else (Follow.input_id, forum_input.id))
    row = db.session.scalar(select(Follow).where(Follow.user_id == actor.id, column == target_id))
    if row is not None:
        db.session.delete(row)
        db.session.commit()


def auto_follow(user, *, consultation=None, forum_input=None, now=None):
    """Follow inside the caller's transaction (no commit): an author follows their own input.

    Call after the input is added (it flushes to get the id); following already is a no-op.
    """
    if (consultation is None) == (forum_input is None):
        raise ValueError("follow exactly one of a consultation or an input")
    target = consultation or forum_input
    if target.id is None:
        db.session.flush()
    column = Follow.consultation_id if consultation is not None else Follow.input_id
    if db.session.scalar(select(Follow.id).where(Follow.user_id == user.id, column == target.id)) is None:
        db.session.add(Follow(user_id=user.id, created_at=now or clock.now(), **{column.key: target.id}))


def is_following(user, *, consultation=None, forum_input=None):
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    column, target_id = ((Follow.consultation_id, consultation.id) if consultation is not None
                         else (Follow.input_id, forum_input.id))
    return db.session.scalar(select(Follow.id).where(Follow.user_id == user.id, column == target_id)) is not None


def following(user, *, consultation_ids=(), input_ids=()):
    """Which of these consultations and inputs `user` follows, in one query (for list pages).

    Returns two sets: (consultation ids, input ids).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not (consultation_ids or input_ids):
        return set(), set()
    rows = db.session.execute(select(Follow.consultation_id, Follow.input_id).where(
        Follow.user_id == user.id,
        or_(Follow.consultation_id.in_(list(consultation_ids)), Follow.input_id.in_(list(input_ids))))).all()
    return ({r.consultation_id for r in rows if r.consultation_id},
            {r.input_id for r in rows if r.input_id})


# --- notices -------------------------------------------------------------------------------------

def _followers(*, consultation_id, input_ids=None, all_inputs=False):
    """Active people following the consultation, or one of its inputs (one query, no duplicates)."""
    conditions = [Follow.consultation_id == consultation_id]
    if all_inputs:
        conditions.append(Follow.input_id.in_(
            select(ForumInput.id).where(ForumInput.consultation_id == consultation_id)))
    elif input_ids:
        conditions.append(Follow.input_id.in_(list(input_ids)))
    follower_ids = select(Follow.user_id).where(or_(*conditions))
    return db.session.scalars(select(User).where(User.id.in_(follower_ids), User.active.is_(True))
                              .order_by(User.id)).all()


def _queue(people, *, key_prefix, subject, template, subject_obj, **context):
    """One e-mail per person, skipping those already queued for this event. Returns how many were queued."""
    if not people:
        return 0
    keys = {person.id: f"{key_prefix}:{person.id}" for person in people}
    queued = set(db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys.values()))))
    count = 0
    with links_context():
        context = {name: (value() if callable(value) else value) for name, value in context.items()}
        for person in people:
            if keys[person.id] in queued:
                continue
            send_email(person.email, subject, template, locale=person.locale, key=keys[person.id],
                       subject_obj=subject_obj, user=person, **context)
            count += 1
    return count


def _stamp(moment):
    """The same text for one moment whether it was just set (any zone) or read back (UTC)."""
    return moment.astimezone(timezone.utc).isoformat()


def notify_response(forum_input):
    """An official response appeared (or changed): tell the input's and consultation's followers."""
    response = forum_input.response
    if response is None or forum_input.is_hidden:
        return 0
    consultation = forum_input.consultation
    people = [p for p in _followers(consultation_id=consultation.id, input_ids=[forum_input.id])
              if p.id != response.responded_by_id]
    return _queue(
        people, key_prefix=f"forum-response:{response.id}:{_stamp(response.updated_at)}",
        subject=_l("Tanggapan resmi atas masukan: %(title)s", title=forum_input.title),
        template="forum_response", subject_obj=forum_input, forum_input=forum_input, response=response,
        consultation=consultation,
        url=lambda: input_url(forum_input.id, consultation.slug, external=True))


def notify_minutes(consultation):
    """A berita acara was published: tell the consultation's followers and those of its inputs."""
    minutes = consultation.minutes
    if minutes is None or minutes.published_at is None:
        return 0
    people = [p for p in _followers(consultation_id=consultation.id, all_inputs=True)
              if p.id != minutes.published_by_id]
    return _queue(
        people, key_prefix=f"forum-minutes:{minutes.id}:{_stamp(minutes.published_at)}",
        subject=_l("Berita acara diterbitkan: %(title)s", title=consultation.title),
        template="forum_minutes", subject_obj=consultation, consultation=consultation, minutes=minutes,
        url=lambda: consultation_url(consultation.slug, external=True))


def notify_action(action):
    """A follow-up action changed: tell the consultation's followers (and the answered input's)."""
    consultation = action.consultation
    agreement = action.agreement
    input_ids = [agreement.input_id] if agreement is not None and agreement.input_id else []
    people = _followers(consultation_id=consultation.id, input_ids=input_ids)
    latest = action.progress[-1] if action.progress else None
    return _queue(
        people, key_prefix=f"forum-action:{action.id}:{_stamp(action.updated_at)}",
        subject=_l("Perkembangan tindak lanjut: %(title)s", title=consultation.title),
        template="forum_action", subject_obj=consultation, consultation=consultation, action=action,
        agreement=agreement, latest=latest,
        url=lambda: consultation_url(consultation.slug, external=True))


def notify_meeting_changed(consultation, *, now):
    """The meeting was rescheduled: one e-mail to each registered participant with the new date."""
    people = db.session.scalars(
        select(User).join(Participant, Participant.user_id == User.id)
        .where(Participant.consultation_id == consultation.id, User.active.is_(True)).order_by(User.id)).all()
    return _queue(
        people, key_prefix=f"forum-meeting:{consultation.id}:{_stamp(now)}",
        subject=_l("Jadwal pertemuan berubah: %(title)s", title=consultation.title),
        template="forum_meeting", subject_obj=consultation, consultation=consultation,
        url=lambda: consultation_url(consultation.slug, external=True))


# --- idle units ----------------------------------------------------------------------------------

def idle_cutoff(now):
    return now - relativedelta(months=current_app.config["FORUM_UNIT_IDLE_MONTHS"])


def _last_published():
    return (select(Consultation.unit_id, func.max(Consultation.published_at).label("last_published_at"))
            .where(Consultation.published_at.is_not(None))
            .group_by(Consultation.unit_id).subquery())


def idle_units_query(now, *, with_last_published=False):
    """Active units with no consultation published since the cutoff, the longest idle first.

    A select of Unit (for db.paginate), or of (Unit, last_published_at or None); one statement
    however many units and consultations there are.
    """
    last = _last_published()
    query = select(Unit, last.c.last_published_at) if with_last_published else select(Unit)
    return (query.outerjoin(last, last.c.unit_id == Unit.id)
            .where(Unit.is_active.is_(True),
                   or_(last.c.last_published_at.is_(None), last.c.last_published_at < idle_cutoff(now)))
            .order_by(last.c.last_published_at.is_not(None), last.c.last_published_at, Unit.name, Unit.id))


def last_published(unit_ids):
    """{unit id: when its latest consultation was published} for these units (one query)."""
    if not unit_ids:
        return {}
    return dict(db.session.execute(
        select(Consultation.unit_id, func.max(Consultation.published_at))
        .where(Consultation.unit_id.in_(list(unit_ids)), Consultation.published_at.is_not(None))
        .group_by(Consultation.unit_id)).all())


def idle_units(now):
    """[(unit, last_published_at or None)]: the units to flag to moderators (see idle_units_query)."""
    return [(unit, last) for unit, last in db.session.execute(idle_units_query(now, with_last_published=True)).all()]
