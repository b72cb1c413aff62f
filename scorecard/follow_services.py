"""Civil society watching a unit: following ("Pantau unit"), the weekly digest, the unit's Atom feed.

- `follow` / `unfollow` (each one transaction, audited; following twice is one follow, not
  following is not an error), `is_following`, `followed_units_query` (the person's list, with
  whether each unit is still active).
- `unsubscribe_token` / `unsubscribe_by_token`: the digest's "stop following" links, which work
  without signing in. The token is signed (SECRET_KEY, its own salt) and names the person and
  follow rows, so it never expires yet stops only those rows: a unit followed again later has a
  new row that an old e-mail cannot touch.
- `changes(unit_id, since, until)`: what happened at a unit in a window — complaints that became
  overdue and are still open, complaints forwarded to the national system, follow-up actions that
  became overdue, consultations published. Counts for complaints (a rahasia complaint counts, and
  nothing of any complaint's content or reporter is read); titles only of public consultations.
- `send_weekly_digests` (a worker sweep): once a week, after SCORECARD_DIGEST_WEEKDAY at
  SCORECARD_DIGEST_HOUR local time, each follower gets ONE e-mail for every unit they follow with
  what changed since their last digest and how the unit's 12-month score moved. A deactivated
  unit is left out (its follow stays, shown as such on the person's list, until they stop it).
  Each unit has its stop link; the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058
  one-click) stop all of the person's follows. The outbox key `rapor-digest:<user>:<ISO week>`
  is unique, so two workers send one digest; on PostgreSQL the person's follow rows are taken
  FOR UPDATE SKIP LOCKED, so a second worker passes them by.
- `feed_events(unit_id, now)`: the Atom feed's entries over the last SCORECARD_FEED_WEEKS weeks.
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask import current_app, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.exc import IntegrityError

from accounts.models import Unit, User
from complaints.models import OPEN_STATUSES, Complaint
from core import audit, clock, permissions, signed_tokens, worker
from core.errors import DomainError, NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.mailer import send_email
from core.outbox import OutboxMessage
from core.web import links_context
from forum.models import DONE, DRAFT, FINISHED_ACTION_STATUSES, Consultation, FollowUpAction

from . import periods, services
from .aggregates import local_day
from .models import Follow

__all__ = ["follow", "unfollow", "is_following", "followed_units_query", "unsubscribe_token",
           "unsubscription", "unsubscribe_by_token", "changes", "digest_moment", "week_label",
           "send_weekly_digests", "feed_events", "current_score"]


# --- following -----------------------------------------------------------------------------------

def current_score(unit_id, now):
    """The unit's overall score over the last 12 months (the scorecard's figures), or None."""
    return services.unit_card(unit_id, periods.last_12_months(local_day(now))).score


def follow(actor, unit, *, now=None):
    """A signed-in person follows an active unit; following again returns the same row."""
    permissions.require(actor, "scorecard.follow", unit)
    if not unit.is_active:
        raise DomainError(_("Unit ini sudah tidak aktif dan tidak dapat dipantau."))
    existing = db.session.scalar(select(Follow).where(Follow.user_id == actor.id, Follow.unit_id == unit.id))
    if existing is not None:
        return existing
    now = now or clock.now()
    row = Follow(user_id=actor.id, unit_id=unit.id, created_at=now, last_score=current_score(unit.id, now))
    db.session.add(row)
    audit.record(actor, "scorecard.unit_followed", unit, now=now)
    try:
        db.session.commit()
    except IntegrityError:  # the same person following from two tabs at once
        db.session.rollback()
        row = db.session.scalar(select(Follow).where(Follow.user_id == actor.id, Follow.unit_id == unit.id))
    return row


def unfollow(actor, unit, *, now=None):
    """Stop following; not following is not an error (and records nothing)."""
    permissions.require(actor, "scorecard.follow", unit)
    row = db.session.scalar(select(Follow).where(Follow.user_id == actor.id, Follow.unit_id == unit.id))
    if row is None:
        return False
    db.session.delete(row)
    audit.record(actor, "scorecard.unit_unfollowed", unit, now=now or clock.now())
    db.session.commit()
    return True


def is_following(user, unit_id):
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Follow.id).where(Follow.user_id == user.id, Follow.unit_id == unit_id)) is not None


def followed_units_query(user):
    """select of the Units `user` follows, by name (for db.paginate); a deactivated one stays listed
    (Unit.is_active says so) until they stop following it."""
    return (select(Unit).join(Follow, Follow.unit_id == Unit.id)
            .where(Follow.user_id == user.id).order_by(Unit.name, Unit.id))


# --- stopping from the digest, without signing in -----------------------------------------------

UNSUBSCRIBE_SALT = "scorecard.digest-unsubscribe"


def _since(moment):
    # Whole seconds: what a follow row's created_at reads back as on every database.
    return int(moment.timestamp())


def unsubscribe_token(user_id, follows):
    """The signed, lasting token of a digest's link that stops these follow rows of this person.

    Each row is named by its id and the second it began: SQLite may give a deleted row's id to the
    next follow, which an old e-mail must not stop.
    """
    named = sorted([row.id, _since(row.created_at)] for row in follows)
    return signed_tokens.lasting(UNSUBSCRIBE_SALT).dumps({"u": user_id, "f": named})


def _bad_token():
    return NotFound(_("Tautan berhenti memantau ini tidak sah. Salin tautan lengkap dari e-mail ringkasan, "
                      "atau masuk dan buka daftar unit yang Anda pantau."))


@dataclass
class Unsubscription:
    user: User
    follows: list  # [(Follow, Unit)] of the token that still exist, by unit name

    @property
    def units(self):
        return [unit for _row, unit in self.follows]


def unsubscription(token, *, for_update=False):
    """The person and the follow rows (still there) a token names; NotFound when it is not one of ours."""
    try:
        data = signed_tokens.lasting(UNSUBSCRIBE_SALT).loads(token)
        user_id = int(data["u"])
        began = {int(follow_id): int(second) for follow_id, second in data["f"]}
    except (signed_tokens.BadData, KeyError, TypeError, ValueError):
        raise _bad_token() from None
    user = db.session.get(User, user_id)
    if user is None:
        raise _bad_token()  # the account is gone, and its follows with it
    query = (select(Follow, Unit).join(Unit, Unit.id == Follow.unit_id)
             .where(Follow.user_id == user_id, Follow.id.in_(list(began))).order_by(Unit.name, Unit.id))
    if for_update:
        query = query.with_for_update(of=Follow)
    rows = [(row, unit) for row, unit in db.session.execute(query) if began[row.id] == _since(row.created_at)]
    return Unsubscription(user, rows)


def unsubscribe_by_token(token, *, now=None):
    """Stop the follows a digest's link names, without signing in: the signed token stands for the
    person, so it is audited as their own unfollow. Stopped already is not an error. Returns the units."""
    found = unsubscription(token, for_update=True)
    now = now or clock.now()
    for row, unit in found.follows:
        db.session.delete(row)
        audit.record(found.user, "scorecard.unit_unfollowed", unit, now=now, via="email")
    db.session.commit()
    return found.units


# --- what changed at a unit ----------------------------------------------------------------------

@dataclass
class Changes:
    overdue_complaints: int = 0
    forwarded: int = 0
    overdue_actions: int = 0
    consultations: list = field(default_factory=list)  # [(title, slug)] of published consultations

    def __bool__(self):
        return bool(self.overdue_complaints or self.forwarded or self.overdue_actions or self.consultations)


def _became_overdue(action):
    """An unfinished action is overdue from the day after its target; a done one was when done late."""
    if action.status not in FINISHED_ACTION_STATUSES:
        return True
    return action.status == DONE and action.completed_at is not None and \
        local_day(action.completed_at) > action.target_date


def _overdue_actions(unit_id, first_day, last_day):
    """Actions of the unit whose target date is within [first_day, last_day] and that became overdue."""
    rows = db.session.scalars(select(FollowUpAction).options(selectinload(FollowUpAction.consultation)).where(
        FollowUpAction.unit_id == unit_id, FollowUpAction.target_date >= first_day,
        FollowUpAction.target_date <= last_day).order_by(FollowUpAction.target_date, FollowUpAction.id)).all()
    return [a for a in rows if _became_overdue(a)]


def changes(unit_id, since, until):
    """What happened at the unit after `since` up to `until` (four queries)."""
    result = Changes()
    result.overdue_complaints = db.session.scalar(select(func.count(Complaint.id)).where(
        Complaint.unit_id == unit_id, Complaint.status.in_(OPEN_STATUSES),
        Complaint.due_at > since, Complaint.due_at <= until))
    result.forwarded = db.session.scalar(select(func.count(Complaint.id)).where(
        Complaint.unit_id == unit_id, Complaint.forwarded_at > since, Complaint.forwarded_at <= until))
    # An action becomes overdue when the local day after its target begins.
    first, last = local_day(since), local_day(until) - timedelta(days=1)
    result.overdue_actions = len(_overdue_actions(unit_id, first, last)) if first <= last else 0
    result.consultations = [tuple(row) for row in db.session.execute(
        select(Consultation.title, Consultation.slug).where(
            Consultation.unit_id == unit_id, Consultation.stage != DRAFT,
            Consultation.published_at > since, Consultation.published_at <= until)
        .order_by(Consultation.published_at, Consultation.id))]
    return result


# --- the weekly digest ---------------------------------------------------------------------------

def digest_moment(now):
    """This week's digest moment (local SCORECARD_DIGEST_WEEKDAY, 1 = Monday, at SCORECARD_DIGEST_HOUR)."""
    config = current_app.config
    local = clock.to_local(now)
    monday = local.date() - timedelta(days=local.isoweekday() - 1)
    day = monday + timedelta(days=config["SCORECARD_DIGEST_WEEKDAY"] - 1)
    return datetime.combine(day, time(config["SCORECARD_DIGEST_HOUR"]), tzinfo=local.tzinfo)


def week_label(now):
    """The local ISO week of `now`, e.g. "2026-W45": the digest's once-a-week key."""
    year, week, _day = clock.to_local(now).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class UnitDigest:
    unit: Unit
    changes: Changes
    score_before: int | None
    score_now: int | None
    follow: Follow | None = None
    url: str = ""
    unsubscribe_url: str = ""

    @property
    def score_moved(self):
        return self.score_before != self.score_now

    @property
    def move(self):
        if self.score_before is None or self.score_now is None:
            return None
        return self.score_now - self.score_before


def or_week(week):
    """Follow rows no digest of `week` has taken yet."""
    return or_(Follow.last_week.is_(None), Follow.last_week != week)


@worker.sweep(order=85)  # after the scorecard's refresh (and before core's daily digests)
def send_weekly_digests(now=None):
    """Sweep: each follower's weekly digest, once per person and local ISO week. Returns how many."""
    now = now or clock.now()
    moment = digest_moment(now)
    if now < moment:
        return 0
    week = week_label(now)
    # A person who began to follow after this week's moment waits for next week's digest; a
    # deactivated unit has nothing more to report.
    due = (or_week(week), Follow.created_at < moment,
           Follow.unit_id.in_(select(Unit.id).where(Unit.is_active.is_(True))))
    people = db.session.scalars(select(Follow.user_id).where(*due).distinct().order_by(Follow.user_id)).all()
    db.session.rollback()  # end the read; each person below is one transaction
    sent = 0
    for user_id in people:
        key = f"rapor-digest:{user_id}:{week}"
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
            db.session.rollback()
            continue  # this week's digest has gone already
        follows = db.session.scalars(
            select(Follow).where(Follow.user_id == user_id, *due).order_by(Follow.id)
            .with_for_update(skip_locked=True)).all()
        if not follows:
            db.session.rollback()
            continue  # another worker holds them
        person = db.session.get(User, user_id)
        units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_([f.unit_id for f in follows])))}
        digests = []
        for row in follows:
            unit = units[row.unit_id]
            score_now = current_score(unit.id, now)
            found = changes(unit.id, row.last_digest_at or row.created_at, now)
            item = UnitDigest(unit, found, row.last_score, score_now, follow=row)
            if found or item.score_moved:
                digests.append(item)
            row.last_digest_at, row.last_score, row.last_week = now, score_now, week
        if digests and person is not None and person.active:
            # The header's link stops every unit the person follows, not only those in this e-mail:
            # a mail client's "unsubscribe" means no more of these digests.
            every_follow = db.session.execute(select(Follow.id, Follow.created_at).where(Follow.user_id == user_id)).all()
            with links_context():
                for item in digests:
                    item.url = url_for("scorecard.unit", unit_id=item.unit.id, _external=True)
                    item.unsubscribe_url = url_for("scorecard.unsubscribe", _external=True,
                                                   token=unsubscribe_token(user_id, [item.follow]))
                stop_all = unsubscribe_token(user_id, every_follow)
                one_click = url_for("scorecard.unsubscribe_one_click", token=stop_all, _external=True)
                send_email(person.email, _l("Pantauan unit minggu ini (%(n)s unit)", n=len(digests)),
                           "scorecard_digest", locale=person.locale, key=key, user=person, digests=digests,
                           consultation_url=lambda slug: url_for("forum.consultation", slug=slug, _external=True),
                           following_url=url_for("scorecard.following", _external=True),
                           unsubscribe_all_url=url_for("scorecard.unsubscribe", token=stop_all, _external=True),
                           national=current_app.config["NATIONAL_SYSTEM_NAME"],
                           headers={"List-Unsubscribe": f"<{one_click}>",
                                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
        try:
            db.session.commit()
        except IntegrityError:  # another worker sent this person's digest a moment ago
            db.session.rollback()
            continue
        sent += 1 if digests and person is not None and person.active else 0
    return sent


# --- the Atom feed -------------------------------------------------------------------------------

@dataclass
class FeedEvent:
    kind: str  # konsultasi, tindak-lanjut, diteruskan
    ident: str  # stable within the unit, e.g. "konsultasi/12"
    at: datetime
    title: str
    slug: str | None = None  # the consultation's, for its link


FEED_LIMIT = 50


def feed_events(unit_id, now):
    """The unit's public events over the last SCORECARD_FEED_WEEKS weeks, newest first (three queries).

    Forwarded complaints are entries without any content: no title, no category, no reporter.
    """
    since = now - timedelta(weeks=current_app.config["SCORECARD_FEED_WEEKS"])
    events = []
    for cid, title, slug, published in db.session.execute(
            select(Consultation.id, Consultation.title, Consultation.slug, Consultation.published_at).where(
                Consultation.unit_id == unit_id, Consultation.stage != DRAFT,
                Consultation.published_at > since, Consultation.published_at <= now)
            .order_by(Consultation.published_at.desc()).limit(FEED_LIMIT)):
        events.append(FeedEvent("konsultasi", f"konsultasi/{cid}", published,
                                _("Konsultasi publik dibuka: %(title)s", title=title), slug))
    today = local_day(now)
    for action in _overdue_actions(unit_id, local_day(since), today - timedelta(days=1))[-FEED_LIMIT:]:
        consultation = action.consultation
        became = datetime.combine(action.target_date + timedelta(days=1), time(0),
                                  tzinfo=clock.to_local(now).tzinfo)
        events.append(FeedEvent("tindak-lanjut", f"tindak-lanjut/{action.id}/{action.target_date.isoformat()}",
                                became, _("Tindak lanjut lewat target: %(title)s", title=consultation.title),
                                consultation.slug))
    national = current_app.config["NATIONAL_SYSTEM_NAME"]
    for cid, forwarded in db.session.execute(
            select(Complaint.id, Complaint.forwarded_at).where(
                Complaint.unit_id == unit_id, Complaint.forwarded_at > since, Complaint.forwarded_at <= now)
            .order_by(Complaint.forwarded_at.desc()).limit(FEED_LIMIT)):
        events.append(FeedEvent("diteruskan", f"diteruskan/{cid}", forwarded,
                                _("Satu pengaduan diteruskan ke %(system)s", system=national)))
    events.sort(key=lambda e: (e.at, e.ident), reverse=True)
    return events
