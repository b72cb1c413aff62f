"""Inputs: inputs, replies, supports, official responses, moderation.

Each function checks the permission and the rule, writes the change (and the audit event for
staff actions) and commits once. A refused operation raises NotAllowed or DomainError with a
sentence for the person; nothing is written then.
"""
from datetime import timedelta

from flask import current_app, has_request_context, request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import Organisation, User
from complaints import services as complaint_services
from core import audit, clock, notices, permissions
from core.errors import DomainError, NotAllowed, NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.permissions import MODERATOR
from core.web import MAX_PAGE, links_context, parse_page

from . import consultation_services, notice_services
from .models import COMPLETED, DISPOSITIONS, Consultation, Flag, ForumInput, ForumReply, OfficialResponse, Support

__all__ = ["DomainError", "NotAllowed", "NotFound"]

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MIN, BODY_MAX = 10, 10000
REASON_MAX = 2000
# Overdue inputs shown at once in the moderators' queue (oldest deadline first).
OVERDUE_LIMIT = 50

HIDDEN, DISMISSED = "hidden", "dismissed"


# --- lookups ----------------------------------------------------------------------------------

def get_input(input_id):
    forum_input = db.session.scalar(
        select(ForumInput).options(joinedload(ForumInput.consultation).joinedload(Consultation.unit),
                                   joinedload(ForumInput.author), joinedload(ForumInput.organisation),
                                   joinedload(ForumInput.complaint),
                                   joinedload(ForumInput.response).joinedload(OfficialResponse.unit))
        .where(ForumInput.id == input_id))
    if forum_input is None:
        raise NotFound(_("Masukan tidak ditemukan."))
    return forum_input


def get_reply(reply_id):
    reply = db.session.scalar(select(ForumReply).options(joinedload(ForumReply.input)).where(ForumReply.id == reply_id))
    if reply is None:
        raise NotFound(_("Balasan tidak ditemukan."))
    return reply


def get_flag(flag_id):
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(_("Laporan tidak ditemukan."))
    return flag


def input_of(post):
    return post if isinstance(post, ForumInput) else post.input


# The query argument that pages the input list on the consultation page (which has its own arguments).
INPUT_PAGE_ARG = "halaman_masukan"


def requested_input_page():
    if not has_request_context():
        return 1
    # A number past any list's end answers 404 (paginate's error_out); anything else shows page 1.
    return min(parse_page(request.args.get(INPUT_PAGE_ARG)) or 1, MAX_PAGE)


class CountedPage(Pagination):
    """A page whose statement also counts every row: one statement, not two. The count is an
    uncorrelated scalar subquery, which both databases evaluate once, from the index (a window
    count, count(*) OVER (), would sort every row of the list first: 12 ms for a consultation's
    10,000 inputs on SQLite, against 0.4 ms). Only a page with no rows asks for the count apart. The
    statement selects one thing (ids, or rows with many-to-one loads only, so each joined row is one
    item)."""

    def _query_items(self):
        rows = db.session.execute(self._query_args["select"].add_columns(self._count_statement().scalar_subquery())
                                  .limit(self.per_page).offset(self._query_offset)).all()
        self._counted = rows[0][1] if rows else None
        return [row[0] for row in rows]

    def _query_count(self):
        if self._counted is not None:
            return self._counted
        return db.session.scalar(self._count_statement())

    def _count_statement(self):
        return select(func.count()).select_from(self._query_args["select"].order_by(None).subquery())


def input_page(consultation, page=None, per_page=None):
    """The consultation's inputs, newest first, with author, organisation and response loaded.

    Without `page`, the page named by the request's `halaman_masukan` argument. The page's ids come
    from the (consultation_id, created_at, id) index alone; only those rows are then joined to
    their author, organisation and response, so page 500 costs what page 1 does (an OFFSET over
    the joined rows would join every skipped row too). Two statements: ids with the count, rows.
    """
    order = (ForumInput.created_at.desc(), ForumInput.id.desc())
    ids = select(ForumInput.id).where(ForumInput.consultation_id == consultation.id).order_by(*order)
    pagination = CountedPage(select=ids, page=page or requested_input_page(),
                              per_page=per_page or current_app.config["PER_PAGE"], error_out=True)
    if pagination.items:
        pagination.items = db.session.scalars(
            select(ForumInput).options(joinedload(ForumInput.author), joinedload(ForumInput.organisation),
                                       joinedload(ForumInput.response))
            .where(ForumInput.id.in_(pagination.items)).order_by(*order)).all()
    return pagination


def reply_page(forum_input, page=1, per_page=None):
    """An input's replies, oldest first, with their authors loaded and all of them counted, in one
    statement."""
    query = (select(ForumReply).options(joinedload(ForumReply.author))
             .where(ForumReply.input_id == forum_input.id).order_by(ForumReply.created_at, ForumReply.id))
    return CountedPage(select=query, page=page, per_page=per_page or current_app.config["PER_PAGE"], error_out=True)


def has_supported(user, forum_input):
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(select(func.count(Support.id)).where(
        Support.input_id == forum_input.id, Support.user_id == user.id)) > 0


def open_flags_for(forum_input):
    """Open flags on the input and on any of its replies, as {("input"|"reply", id): [flag, ...]}; one
    statement, for the input's moderator tools and every page of its replies alike."""
    reply_ids = select(ForumReply.id).where(ForumReply.input_id == forum_input.id)
    flags = db.session.scalars(select(Flag).options(joinedload(Flag.user))
                               .where((Flag.input_id == forum_input.id) | Flag.reply_id.in_(reply_ids),
                                      Flag.resolved_at.is_(None)).order_by(Flag.id)).all()
    grouped = {}
    for flag in flags:
        key = ("reply", flag.reply_id) if flag.reply_id else ("input", flag.input_id)
        grouped.setdefault(key, []).append(flag)
    return grouped


def can_edit(user, post, now):
    return permissions.can(user, "forum.edit_post", post) and not post.is_hidden and now < edit_deadline(post)


def editable_replies(user, forum_input, now, replies=None):
    """The replies of `user` on this input they may still edit: among `replies` when given, else one
    query (usually answering none)."""
    if replies is None:
        since = now - timedelta(minutes=current_app.config["FORUM_EDIT_MINUTES"])
        replies = db.session.scalars(select(ForumReply).where(
            ForumReply.input_id == forum_input.id, ForumReply.author_id == user.id,
            ForumReply.created_at > since)).all()
    return [post for post in replies if can_edit(user, post, now)]


def edit_deadline(post):
    return post.created_at + timedelta(minutes=current_app.config["FORUM_EDIT_MINUTES"])


# --- checks -------------------------------------------------------------------------------------

def _text(value, field, *, minimum, maximum, label_missing):
    text = (value or "").strip()
    if not text:
        raise DomainError(label_missing, field=field)
    if len(text) < minimum:
        raise DomainError(_("Terlalu singkat: paling sedikit %(n)s karakter.", n=minimum), field=field)
    if len(text) > maximum:
        raise DomainError(_("Terlalu panjang: paling banyak %(n)s karakter.", n=maximum), field=field)
    return text


def _reason(value, field="reason"):
    return _text(value, field, minimum=5, maximum=REASON_MAX, label_missing=_("Tuliskan alasannya."))


def _require_not_completed(consultation):
    if consultation.stage == COMPLETED:
        raise DomainError(_("Konsultasi ini sudah selesai; utasnya tidak menerima perubahan lagi."))


def _require_visible(post):
    if post.is_hidden:
        raise DomainError(_("Tulisan ini disembunyikan oleh moderator."))


# --- posting ------------------------------------------------------------------------------------

def post_input(actor, consultation, *, title, body, organisation_id=None, now=None):
    """Post an input while the consultation is open: on behalf of a verified organisation the
    actor is an approved member of, or as a citizen where the consultation allows it."""
    permissions.require(actor, "forum.post_input", consultation)
    now = now or clock.now()
    if not consultation_services.input_open(consultation, now):
        raise DomainError(_("Masukan hanya dapat dikirim selama konsultasi dibuka untuk masukan."))
    authorship = permissions.input_authorship(actor, consultation)
    organisation = None
    if organisation_id:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation not in authorship.organisations:
            raise DomainError(_("Anda hanya dapat mengirim masukan atas nama organisasi terverifikasi tempat "
                                "Anda menjadi anggota."), field="organisation_id")
    elif not authorship.own_name:
        raise DomainError(_("Pilih organisasi yang Anda wakili."), field="organisation_id")
    forum_input = ForumInput(
        consultation_id=consultation.id, author_id=actor.id,
        organisation_id=organisation.id if organisation else None,
        title=_text(title, "title", minimum=TITLE_MIN, maximum=TITLE_MAX, label_missing=_("Tuliskan judul masukan.")),
        body=_text(body, "body", minimum=BODY_MIN, maximum=BODY_MAX, label_missing=_("Tuliskan isi masukan.")),
        created_at=now, support_count=0, reply_count=0)
    db.session.add(forum_input)
    db.session.flush()
    # The author hears of the official response without asking for it.
    notice_services.auto_follow(actor, forum_input=forum_input, now=now)
    db.session.commit()
    return forum_input


def reply(actor, forum_input, *, body, now=None):
    """Reply to an input: not on a locked or hidden input, not after the consultation is completed."""
    permissions.require(actor, "forum.reply", forum_input)
    now = now or clock.now()
    if forum_input.is_locked:
        raise DomainError(_("Utas ini dikunci moderator; balasan baru tidak dapat dikirim."))
    _require_visible(forum_input)
    _require_not_completed(forum_input.consultation)
    post = ForumReply(input_id=forum_input.id, author_id=actor.id, created_at=now,
                      body=_text(body, "body", minimum=2, maximum=BODY_MAX, label_missing=_("Tuliskan balasan Anda.")))
    db.session.add(post)
    # Counted in SQL, so two replies at once both count.
    forum_input.reply_count = ForumInput.reply_count + 1
    db.session.commit()
    return post


def edit_post(actor, post, *, body, title=None, now=None):
    """Authors change their own input or reply within FORUM_EDIT_MINUTES of posting it."""
    permissions.require(actor, "forum.edit_post", post)
    now = now or clock.now()
    _require_visible(post)
    if now >= edit_deadline(post):
        raise DomainError(_("Tulisan hanya dapat diubah dalam %(n)s menit setelah dikirim.",
                            n=current_app.config["FORUM_EDIT_MINUTES"]))
    if input_of(post).is_locked:
        raise DomainError(_("Utas ini dikunci moderator; tulisan di dalamnya tidak dapat diubah."))
    if isinstance(post, ForumInput):
        post.body = _text(body, "body", minimum=BODY_MIN, maximum=BODY_MAX, label_missing=_("Tuliskan isi masukan."))
        if title is not None:
            post.title = _text(title, "title", minimum=TITLE_MIN, maximum=TITLE_MAX,
                               label_missing=_("Tuliskan judul masukan."))
    else:
        post.body = _text(body, "body", minimum=2, maximum=BODY_MAX, label_missing=_("Tuliskan balasan Anda."))
    post.edited_at = now
    db.session.commit()
    return post


# --- support ------------------------------------------------------------------------------------

def support(actor, forum_input, *, now=None):
    """One support per person per input; the count moves with it in the same transaction."""
    permissions.require(actor, "forum.support", forum_input)
    now = now or clock.now()
    _require_visible(forum_input)
    already = _("Anda sudah mendukung masukan ini.")
    if has_supported(actor, forum_input):
        raise DomainError(already)
    db.session.add(Support(input_id=forum_input.id, user_id=actor.id, created_at=now))
    try:
        # The unique constraint decides between two clicks at once: the second one fails here.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(already) from None
    forum_input.support_count = ForumInput.support_count + 1
    db.session.commit()


def withdraw_support(actor, forum_input, *, now=None):
    """Take one's support back; the count follows."""
    permissions.require(actor, "forum.support", forum_input)
    removed = db.session.execute(Support.__table__.delete().where(
        Support.input_id == forum_input.id, Support.user_id == actor.id)).rowcount
    if not removed:
        db.session.rollback()
        raise DomainError(_("Anda belum mendukung masukan ini."))
    forum_input.support_count = ForumInput.support_count - 1
    db.session.commit()


# --- official responses -------------------------------------------------------------------------

def respond(actor, forum_input, *, disposition, reason, now=None):
    """The host unit answers an input officially (once; later calls update the answer)."""
    permissions.require(actor, "forum.respond", forum_input)
    now = now or clock.now()
    if disposition not in DISPOSITIONS:
        raise DomainError(_("Pilih keputusan atas masukan ini."), field="disposition")
    reason = _text(reason, "reason", minimum=10, maximum=BODY_MAX, label_missing=_("Tuliskan alasan keputusan."))
    _require_visible(forum_input)
    response = forum_input.response
    if response is None:
        response = OfficialResponse(input_id=forum_input.id, unit_id=forum_input.consultation.unit_id,
                                    created_at=now)
        db.session.add(response)
        action = "forum.response_given"
    else:
        action = "forum.response_changed"
    response.disposition = disposition
    response.reason = reason
    response.responded_by_id = actor.id
    response.updated_at = now
    forum_input.response = response
    audit.record(actor, action, forum_input, now=now, disposition=disposition)
    notice_services.notify_response(forum_input)
    db.session.commit()
    return response


# --- flags and moderation -----------------------------------------------------------------------

def _post_kind(post):
    return "input" if isinstance(post, ForumInput) else "reply"


def flag(actor, post, reason, *, now=None):
    """Anyone logged in reports a post, once while their report is open."""
    permissions.require(actor, "forum.flag", post)
    now = now or clock.now()
    _require_visible(post)
    reason = _reason(reason)
    column = Flag.input_id if isinstance(post, ForumInput) else Flag.reply_id
    open_own = db.session.scalar(select(func.count(Flag.id)).where(
        column == post.id, Flag.user_id == actor.id, Flag.resolved_at.is_(None)))
    if open_own:
        raise DomainError(_("Anda sudah melaporkan tulisan ini; moderator sedang memeriksanya."))
    item = Flag(user_id=actor.id, reason=reason, created_at=now,
                input_id=post.id if isinstance(post, ForumInput) else None,
                reply_id=post.id if isinstance(post, ForumReply) else None)
    db.session.add(item)
    db.session.flush()
    _tell_moderators_of_flag(item, post, now)
    db.session.commit()
    return item


def _tell_moderators_of_flag(item, post, now):
    """Every active moderator hears of a new flag at once, or in their daily digest."""
    forum_input = post if isinstance(post, ForumInput) else post.input
    with links_context():
        url = url_for("forum.moderation", _external=True)
        for person in db.session.scalars(select(User).where(User.role == MODERATOR, User.active.is_(True))
                                         .order_by(User.id)):
            notices.notify(person, subject=_l("Laporan baru di forum: %(title)s", title=forum_input.title),
                           template="forum_flag", key=f"forum-flag:{item.id}:{person.id}",
                           line=_l("Laporan baru atas tulisan di masukan \"%(title)s\"", title=forum_input.title),
                           url=url, now=now, flag=item, forum_input=forum_input)


def _resolve_open_flags(post, actor, resolution, now):
    column = Flag.input_id if isinstance(post, ForumInput) else Flag.reply_id
    for item in db.session.scalars(select(Flag).where(column == post.id, Flag.resolved_at.is_(None))):
        item.resolved_at, item.resolved_by_id, item.resolution = now, actor.id, resolution


def hide(actor, post, reason, *, now=None):
    """A moderator hides a post; the reason shows in its place and stays in the audit log."""
    permissions.require(actor, "forum.moderate", post)
    now = now or clock.now()
    reason = _reason(reason)
    if post.is_hidden:
        raise DomainError(_("Tulisan ini sudah disembunyikan."))
    post.hidden_at, post.hidden_reason, post.hidden_by_id = now, reason, actor.id
    _resolve_open_flags(post, actor, HIDDEN, now)
    audit.record(actor, f"forum.{_post_kind(post)}_hidden", post, now=now, reason=reason)
    db.session.commit()


def unhide(actor, post, *, now=None):
    """A moderator shows a hidden post again (the hiding stays in the audit log)."""
    permissions.require(actor, "forum.moderate", post)
    now = now or clock.now()
    if not post.is_hidden:
        raise DomainError(_("Tulisan ini tidak disembunyikan."))
    previous = post.hidden_reason
    post.hidden_at = post.hidden_reason = post.hidden_by_id = None
    audit.record(actor, f"forum.{_post_kind(post)}_unhidden", post, now=now, previous_reason=previous)
    db.session.commit()


def dismiss_flag(actor, item, *, now=None):
    """A moderator closes a report without acting on the post."""
    permissions.require(actor, "forum.moderate", item)
    now = now or clock.now()
    if item.resolved_at is not None:
        raise DomainError(_("Laporan ini sudah ditangani."))
    item.resolved_at, item.resolved_by_id, item.resolution = now, actor.id, DISMISSED
    audit.record(actor, "forum.flag_dismissed", item, now=now, input_id=item.input_id, reply_id=item.reply_id)
    db.session.commit()


def lock(actor, forum_input, *, now=None):
    """A moderator locks an input: no new replies or edits."""
    permissions.require(actor, "forum.moderate", forum_input)
    now = now or clock.now()
    if forum_input.is_locked:
        raise DomainError(_("Utas ini sudah dikunci."))
    forum_input.locked_at, forum_input.locked_by_id = now, actor.id
    # The audit codes are stored: they keep their old word ("thread" = an input).
    audit.record(actor, "forum.thread_locked", forum_input, now=now)
    db.session.commit()


def unlock(actor, forum_input, *, now=None):
    permissions.require(actor, "forum.moderate", forum_input)
    now = now or clock.now()
    if not forum_input.is_locked:
        raise DomainError(_("Utas ini tidak dikunci."))
    forum_input.locked_at = forum_input.locked_by_id = None
    audit.record(actor, "forum.thread_unlocked", forum_input, now=now)  # stored code, see lock()
    db.session.commit()


def convert_to_complaint(actor, forum_input, *, category, unit_id=None, now=None):
    """A moderator turns an input reporting a service failure into a complaint, once; both link."""
    permissions.require(actor, "forum.moderate", forum_input)
    now = now or clock.now()
    # Lock the row (PostgreSQL) so two moderators converting at once make one complaint.
    complaint_id = db.session.scalar(select(ForumInput.complaint_id).where(ForumInput.id == forum_input.id)
                                     .with_for_update())
    if complaint_id is not None:
        raise DomainError(_("Masukan ini sudah dijadikan pengaduan."))
    _require_visible(forum_input)
    author = forum_input.author
    complaint, _key = complaint_services.file_complaint(
        title=forum_input.title, description=forum_input.body, classification="pengaduan", category=category,
        unit_id=unit_id, reporter=author, channel="forum", locale=author.locale or "id", now=now, commit=False)
    forum_input.complaint_id = complaint.id
    audit.record(actor, "forum.input_converted", forum_input, now=now, code=complaint.tracking_code)
    db.session.commit()
    return complaint


def moderation_queue(now, page=1, per_page=None):
    """Open flags (paginated, oldest first) and overdue unanswered inputs (oldest deadline first)."""
    flags = db.paginate(
        select(Flag).options(selectinload(Flag.user), selectinload(Flag.input),
                             selectinload(Flag.reply).selectinload(ForumReply.input))
        .where(Flag.resolved_at.is_(None)).order_by(Flag.created_at, Flag.id),
        page=page, per_page=per_page or current_app.config["PER_PAGE"], error_out=True)
    overdue_filter = (ForumInput.response == None,  # noqa: E711 (NOT EXISTS)
                      Consultation.response_due_at < now, ForumInput.hidden_at.is_(None),
                      ForumInput.complaint_id.is_(None))
    overdue_query = select(ForumInput).join(ForumInput.consultation).where(*overdue_filter)
    overdue_total = db.session.scalar(select(func.count()).select_from(overdue_query.subquery()))
    overdue = db.session.scalars(
        overdue_query.options(selectinload(ForumInput.organisation), selectinload(ForumInput.author),
                              selectinload(ForumInput.consultation).selectinload(Consultation.unit))
        .order_by(Consultation.response_due_at, ForumInput.id).limit(OVERDUE_LIMIT)).all()
    return {"flags": flags, "overdue": overdue, "overdue_total": overdue_total}
