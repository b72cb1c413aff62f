"""Pages of the inputs: posting, the input page, supports, official responses, moderation."""
from functools import partial

from flask import abort, current_app, flash, get_template_attribute, redirect, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from accounts.services import active_units
from core import clock, permissions
from core.errors import NotFound
from core.extensions import limiter
from core.forms import ActionForm
from core.i18n import gettext as _
from core.page_cache import blank_form, cached_for_visitors, cached_fragments
from core.permissions import permission_required
from core.web import REFUSED, page_number, perform, run_for_form

from . import bp, consultation_services, minutes_services
from . import input_services as services
from .input_forms import ConvertForm, EditForm, FlagForm, HideForm, InputForm, ReplyForm, ResponseForm
from .models import FOLLOW_UP_KEY, ForumInput, consultation_key, input_key


def _forum_limit():
    return current_app.config["FORUM_RATE_LIMIT"]


def _user():
    return current_user._get_current_object()


def consultation_url(consultation):
    """The consultation page (its view lives in consultation_views)."""
    return url_for("forum.consultation", slug=consultation.slug)


def input_url(forum_input, **kwargs):
    return url_for("forum.input_detail", input_id=forum_input.id, **kwargs)


# --- the post-input form on the consultation page ------------------------------------------------

def _authorship_choices(consultation):
    """The organisations this person may post for (and "myself" where allowed)."""
    authorship = permissions.input_authorship(current_user, consultation)
    choices = [(org.id, org.name) for org in authorship.organisations]
    if authorship.own_name:
        choices.append(("", _("Pribadi (warga terdaftar)")))
    return choices


def input_form(consultation, formdata=None, choices=None):
    form = InputForm() if formdata is None else InputForm(formdata=formdata)
    form.organisation_id.choices = choices if choices is not None else _authorship_choices(consultation)
    return form


@bp.app_context_processor
def _input_helpers():
    def input_fields_for(consultation):
        """The empty post-input form's fields for the consultation page's partial, or None when this
        visitor may not post now."""
        if not (current_user.is_authenticated and permissions.can(current_user, "forum.post_input", consultation)
                and consultation_services.input_open(consultation, clock.now())):
            return None
        choices = _authorship_choices(consultation)
        return blank_form("forum/_input_fields.html", lambda: input_form(consultation, choices=choices),
                          name="forum-input", variant=choices)

    def input_window_open(consultation):
        return consultation_services.input_open(consultation, clock.now())

    return {"input_fields_for": input_fields_for, "input_window_open": input_window_open,
            "forum_input_url": input_url}


@bp.post("/konsultasi/<slug>/masukan")
@login_required
@limiter.limit(_forum_limit, methods=["POST"])
def post_input(slug):
    consultation = consultation_services.get_visible(slug, current_user)
    permissions.require(current_user, "forum.post_input", consultation)
    form = input_form(consultation)
    if form.validate_on_submit():
        forum_input = run_for_form(lambda: services.post_input(
            _user(), consultation, title=form.title.data, body=form.body.data,
            organisation_id=form.organisation_id.data), form)
        if forum_input is not REFUSED:
            flash(_("Masukan Anda terkirim."), "success")
            return redirect(input_url(forum_input))
    return render_template("forum/input_new.html", consultation=consultation, form=form,
                           consultation_url=consultation_url(consultation),
                           is_open=consultation_services.input_open(consultation, clock.now())), 400


# --- the input page ------------------------------------------------------------------------------

def _visible_input(input_id):
    forum_input = services.get_input(input_id)
    if not permissions.can(current_user, "consultation.view", forum_input.consultation):
        raise NotFound(_("Masukan tidak ditemukan."))
    return forum_input


def _viewer_kind(user, moderator):
    """Which of the replies fragment's variants this viewer gets."""
    return "moderator" if moderator else ("member" if user is not None else "visitor")


def shared_fragments(forum_input, page, viewer, flags):
    """The parts of the input page every viewer of `viewer`'s kind sees alike, kept under the input's
    keys: its trail, and one page of its replies. A new reply elsewhere, or a support, leaves them
    alone. Returns the trail's and the replies' HTML, and the replies when they were loaded for it
    (None when the fragment came from the cache)."""
    loaded = []

    def replies():
        replies_page = services.reply_page(forum_input, page)
        loaded.extend(replies_page.items)
        return render_template("forum/_replies.html", replies=replies_page, viewer=viewer, flags=flags)

    def trail():
        return render_template("forum/_trail.html", trail=minutes_services.trail_for_input(forum_input))

    names = {"trail": f"forum-trail:{forum_input.id}", "replies": f"forum-replies:{forum_input.id}:{page}:{viewer}"}
    html = cached_fragments("forum", _input_page_keys(forum_input.id),
                            {names["trail"]: trail, names["replies"]: replies})
    return html[names["trail"]], html[names["replies"]], (loaded if loaded else None)


def with_edit_forms(html, user, forum_input, now, replies):
    """Put the author's edit form in place of the marker of each of their replies still editable."""
    mine = services.editable_replies(user, forum_input, now, replies)
    if not mine:
        return html
    edit_form = get_template_attribute("forum/input_macros.html", "reply_edit_form")
    html = str(html)
    for post in mine:
        html = html.replace(f"<!--ubah-balasan:{post.id}-->", str(edit_form(post)))
    return Markup(html)


def input_detail_page(forum_input, status=200, page_errors=(), **forms):
    """The input, its pinned official response, the replies and the tools each visitor may use."""
    now = clock.now()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    moderator = user is not None and permissions.can(user, "forum.moderate")
    can_reply = (user is not None and permissions.can(user, "forum.reply", forum_input)
                 and not forum_input.is_locked and not forum_input.is_hidden
                 and forum_input.consultation.stage != "completed")
    response = forum_input.response
    flags = services.open_flags_for(forum_input) if moderator else {}
    trail_html, replies_html, replies = shared_fragments(forum_input, page_number(), _viewer_kind(user, moderator),
                                                         flags)
    if user is not None:
        replies_html = with_edit_forms(replies_html, user, forum_input, now, replies)
    # Forms only for those who may use them (an anonymous page carries no form token, for the page
    # cache); the flag, hide and edit forms are plain HTML in the templates. An empty form is kept
    # (blank_form); one sent back with errors is rendered as sent.
    tools = {"reply_fields": None, "response_fields": None, "convert_fields": None}
    if can_reply or "reply_form" in forms:
        tools["reply_fields"] = blank_form("forum/_reply_fields.html", partial(ReplyForm, formdata=None, prefix="reply"),
                                           name="forum-reply", filled=forms.get("reply_form"))
    if "response_form" in forms or (user is not None and permissions.can(user, "forum.respond", forum_input)):
        make = partial(ResponseForm, formdata=None, prefix="response")
        filled = forms.get("response_form")
        if filled is None and response is not None:
            # The input has its answer: the form holds it, to change (this input's own, not kept).
            filled = make(disposition=response.disposition, reason=response.reason)
        tools["response_fields"] = blank_form("forum/_response_fields.html", make, name="forum-response",
                                              filled=filled)
    if moderator or "convert_form" in forms:
        # Kept per proposed unit; a unit added or closed shows in its list within FRAGMENT_CACHE_SECONDS
        # (the conversion itself checks the unit again).
        unit_id = forum_input.consultation.unit_id
        tools["convert_fields"] = blank_form("forum/_convert_fields.html",
                                             partial(convert_form, formdata=None, unit_id=unit_id),
                                             name="forum-convert", variant=unit_id, filled=forms.get("convert_form"))
    return render_template(
        "forum/input.html", forum_input=forum_input, consultation=forum_input.consultation,
        consultation_url=consultation_url(forum_input.consultation), replies_html=replies_html, now=now,
        is_moderator=moderator, supported=services.has_supported(user, forum_input),
        flags=flags,
        edit_deadline=services.edit_deadline,
        can_edit=lambda post: user is not None and services.can_edit(user, post, now),
        can_reply=can_reply,
        trail_html=trail_html, page_errors=list(page_errors),
        form_sent_back={name: bool(form.errors or form.form_errors) for name, form in forms.items()},
        **tools), status


def convert_form(**kwargs):
    """The conversion form, offering every active unit (only moderators convert)."""
    form = ConvertForm(prefix="convert", **kwargs)
    form.unit_id.choices = [("", _("Tidak tahu"))] + [(u.id, u.display_name) for u in active_units()]
    return form


def _input_page_keys(input_id):
    """What an input's page shows: the input (replies, supports, response, flags), its consultation
    (title, stage, response deadline) and the berita acara trail."""
    consultation_id = select(ForumInput.consultation_id).where(ForumInput.id == input_id).scalar_subquery()
    return [input_key(input_id), consultation_key(consultation_id), FOLLOW_UP_KEY]


@bp.get("/masukan/<int:input_id>")
@cached_for_visitors("forum", keys=_input_page_keys)
def input_detail(input_id):
    return input_detail_page(_visible_input(input_id))


def _errors(form):
    return [message for messages in form.errors.values() for message in messages] + list(form.form_errors)


def _step(forum_input, action, success, *, form=None, form_name=None, anchor=None):
    """Run one change from its form; on bad input show the input page with the errors (400)."""
    form = form or ActionForm()
    if not form.validate_on_submit():
        if form_name:
            return input_detail_page(forum_input, 400, **{form_name: form})
        return input_detail_page(forum_input, 400, page_errors=_errors(form) or [_("Permintaan tidak lengkap.")])
    perform(lambda: action(form), success=success, form=form if form_name else None)
    if form.errors:  # the refusal names one of the form's fields
        return input_detail_page(forum_input, 400, **{form_name: form})
    return redirect(input_url(forum_input, _anchor=anchor) if anchor else input_url(forum_input))


@bp.post("/masukan/<int:input_id>/balas")
@login_required
@limiter.limit(_forum_limit, methods=["POST"])
def reply_to_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.reply", forum_input)
    return _step(forum_input, lambda f: services.reply(_user(), forum_input, body=f.body.data),
                 _("Balasan Anda terkirim."), form=ReplyForm(prefix="reply"), form_name="reply_form",
                 anchor="balasan")


@bp.post("/masukan/<int:input_id>/dukung")
@login_required
def support_input(input_id):
    forum_input = _visible_input(input_id)
    return _step(forum_input, lambda f: services.support(_user(), forum_input),
                 _("Terima kasih, dukungan Anda tercatat."), anchor="dukungan")


@bp.post("/masukan/<int:input_id>/tarik-dukungan")
@login_required
def withdraw_support(input_id):
    forum_input = _visible_input(input_id)
    return _step(forum_input, lambda f: services.withdraw_support(_user(), forum_input),
                 _("Dukungan Anda ditarik."), anchor="dukungan")


@bp.post("/masukan/<int:input_id>/tanggapan")
@login_required
def respond_to_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.respond", forum_input)
    return _step(forum_input, lambda f: services.respond(_user(), forum_input, disposition=f.disposition.data,
                                                        reason=f.reason.data),
                 _("Tanggapan resmi disimpan."), form=ResponseForm(prefix="response"), form_name="response_form",
                 anchor="tanggapan-resmi")


# --- editing ---------------------------------------------------------------------------------------

@bp.post("/masukan/<int:input_id>/ubah")
@login_required
def edit_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.edit_post", forum_input)
    return _step(forum_input, lambda f: services.edit_post(_user(), forum_input, body=f.body.data,
                                                          title=f.title.data or None),
                 _("Masukan diperbarui."), form=EditForm())


@bp.post("/balasan/<int:reply_id>/ubah")
@login_required
def edit_reply(reply_id):
    post = services.get_reply(reply_id)
    forum_input = _visible_input(post.input_id)
    permissions.require(current_user, "forum.edit_post", post)
    return _step(forum_input, lambda f: services.edit_post(_user(), post, body=f.body.data),
                 _("Balasan diperbarui."), form=EditForm(), anchor=f"balasan-{post.id}")


# --- flags and moderation ------------------------------------------------------------------------

@bp.post("/masukan/<int:input_id>/laporkan")
@login_required
@limiter.limit(_forum_limit, methods=["POST"])
def flag_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.flag", forum_input)
    return _step(forum_input, lambda f: services.flag(_user(), forum_input, f.reason.data),
                 _("Laporan terkirim; moderator akan memeriksanya."), form=FlagForm())


@bp.post("/balasan/<int:reply_id>/laporkan")
@login_required
@limiter.limit(_forum_limit, methods=["POST"])
def flag_reply(reply_id):
    post = services.get_reply(reply_id)
    forum_input = _visible_input(post.input_id)
    permissions.require(current_user, "forum.flag", post)
    return _step(forum_input, lambda f: services.flag(_user(), post, f.reason.data),
                 _("Laporan terkirim; moderator akan memeriksanya."), form=FlagForm(), anchor=f"balasan-{post.id}")


@bp.post("/masukan/<int:input_id>/sembunyikan")
@login_required
def hide_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.moderate", forum_input)
    return _step(forum_input, lambda f: services.hide(_user(), forum_input, f.reason.data),
                 _("Masukan disembunyikan."), form=HideForm())


@bp.post("/balasan/<int:reply_id>/sembunyikan")
@login_required
def hide_reply(reply_id):
    post = services.get_reply(reply_id)
    forum_input = _visible_input(post.input_id)
    permissions.require(current_user, "forum.moderate", post)
    return _step(forum_input, lambda f: services.hide(_user(), post, f.reason.data),
                 _("Balasan disembunyikan."), form=HideForm(), anchor=f"balasan-{post.id}")


@bp.post("/masukan/<int:input_id>/tampilkan")
@login_required
def unhide_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.moderate", forum_input)
    return _step(forum_input, lambda f: services.unhide(_user(), forum_input), _("Masukan ditampilkan kembali."))


@bp.post("/balasan/<int:reply_id>/tampilkan")
@login_required
def unhide_reply(reply_id):
    post = services.get_reply(reply_id)
    forum_input = _visible_input(post.input_id)
    permissions.require(current_user, "forum.moderate", post)
    return _step(forum_input, lambda f: services.unhide(_user(), post), _("Balasan ditampilkan kembali."),
                 anchor=f"balasan-{post.id}")


@bp.post("/masukan/<int:input_id>/kunci")
@login_required
def lock_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.moderate", forum_input)
    return _step(forum_input, lambda f: services.lock(_user(), forum_input), _("Utas dikunci."))


@bp.post("/masukan/<int:input_id>/buka-kunci")
@login_required
def unlock_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.moderate", forum_input)
    return _step(forum_input, lambda f: services.unlock(_user(), forum_input), _("Kunci utas dibuka."))


@bp.post("/masukan/<int:input_id>/jadikan-pengaduan")
@login_required
def convert_input(input_id):
    forum_input = _visible_input(input_id)
    permissions.require(current_user, "forum.moderate", forum_input)
    form = convert_form()
    return _step(forum_input, lambda f: services.convert_to_complaint(_user(), forum_input, category=f.category.data,
                                                                     unit_id=f.unit_id.data),
                 _("Masukan dijadikan pengaduan; penanganannya mengikuti tenggat pengaduan."),
                 form=form, form_name="convert_form")


@bp.get("/moderasi")
@permission_required("forum.moderate")
def moderation():
    now = clock.now()
    queue = services.moderation_queue(now, page=page_number())
    return render_template("forum/moderation.html", flags=queue["flags"], overdue=queue["overdue"],
                           overdue_total=queue["overdue_total"], overdue_limit=services.OVERDUE_LIMIT, now=now)


@bp.post("/laporan/<int:flag_id>/abaikan")
@login_required
def dismiss_flag(flag_id):
    item = services.get_flag(flag_id)
    permissions.require(current_user, "forum.moderate", item)
    if not ActionForm().validate_on_submit():
        abort(400)
    perform(lambda: services.dismiss_flag(_user(), item), success=_("Laporan diabaikan."))
    return redirect(url_for("forum.moderation"))

