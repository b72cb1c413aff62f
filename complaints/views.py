"""Pages of the complaint desk: intake, public tracking, the reporter's and the staff's case page, queues."""
import secrets
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from accounts.services import active_units
from core import clock, permissions
from core.extensions import db, limiter
from core.forms import ActionForm
from core.i18n import gettext as _
from core.i18n import select_locale
from core.page_cache import cached_for_visitors
from core.permissions import ReporterPass, permission_required
from core.uploads import send_stored
from core.web import REFUSED, paginate, perform, run_for_form
from forum.models import ForumInput

from . import accompaniment_services, bp, public_list, services, visibility
from .forms import (AccompanimentNoteForm, ComplaintForm, DisputeForm, ForwardForm, HideFromListForm, MessageForm,
                    NoteForm, QueueFilterForm, RatingForm, RejectForm, ReplyForm, ResolveForm, RerouteForm,
                    ShowOnListForm, TrackForm, VerifyForm)
from .models import (AWAITING_REPORTER, OPEN_STATUSES, STATUS_LABELS, Complaint, ComplaintAttachment, ComplaintEvent,
                     complaint_key)

GRANTS = "reporter_of"  # session key: tracking codes whose reporter link this browser opened
MAX_GRANTS = 20


def _complaint_limit():
    return current_app.config["COMPLAINT_RATE_LIMIT"]


def _unit_choices(empty_label):
    return [("", empty_label)] + [(u.id, u.display_name) for u in active_units()]


def _grant(code):
    codes = [c for c in session.get(GRANTS, []) if c != code]
    session[GRANTS] = (codes + [code])[-MAX_GRANTS:]


def reporter_actor(complaint):
    """The person in front of the screen as this complaint's reporter, or None."""
    if current_user.is_authenticated and complaint.reporter_id == current_user.id:
        return current_user._get_current_object()
    # A pass from the reporter link ends with the link, when the retention sweep erases the identity.
    if complaint.tracking_code in session.get(GRANTS, []) and complaint.identity_erased_at is None:
        return ReporterPass(complaint.id)
    return None


# --- landing, intake, tracking -------------------------------------------------------------------

@bp.get("/")
def index():
    return render_template("complaints/index.html", track_form=TrackForm(),
                           sla_days=current_app.config["COMPLAINT_SLA_WORKING_DAYS"])


@bp.route("/baru", methods=["GET", "POST"])
@limiter.limit(_complaint_limit, methods=["POST"])
def new():
    form = ComplaintForm()
    form.unit_id.choices = _unit_choices(_("Tidak tahu"))
    if not form.once_token.data:
        form.once_token.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        files = _files(form.attachments)
        reporter = current_user._get_current_object() if current_user.is_authenticated else None
        filed = run_for_form(lambda: services.file_complaint(
            title=form.title.data, description=form.description.data,
            classification=form.classification.data, category=form.category.data,
            unit_id=form.unit_id.data, location=form.location.data, anonymous=form.anonymous.data,
            confidential=form.confidential.data, reporter=reporter,
            reporter_name=None if reporter else form.reporter_name.data,
            reporter_email=None if reporter else form.reporter_email.data,
            reporter_phone=form.reporter_phone.data, attachments=files, locale=select_locale(),
            idempotency_key=f"web:{form.once_token.data}"), form)
        if filed is not REFUSED:
            complaint, key = filed
            _grant(complaint.tracking_code)
            session["new_complaint"] = {"code": complaint.tracking_code, "key": key}
            return redirect(url_for("complaints.filed", code=complaint.tracking_code))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("complaints/new.html", form=form,
                           max_mb=round(current_app.config["UPLOAD_MAX_BYTES"] / 1048576, 1)), status


@bp.get("/terkirim/<code>")
def filed(code):
    complaint = services.get_by_code(code)
    fresh = session.pop("new_complaint", None)
    key = fresh["key"] if fresh and fresh.get("code") == complaint.tracking_code else None
    reporter_url = url_for("complaints.reporter_access", code=complaint.tracking_code, key=key,
                           _external=True) if key else None
    return render_template("complaints/filed.html", complaint=complaint, reporter_url=reporter_url)


@bp.get("/lacak")
def track_lookup():
    form = TrackForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("complaints.track", code=services.normalise_code(form.kode.data)))
    return render_template("complaints/track_lookup.html", form=form), 400 if request.args else 200


def _tracking_page_keys(code):
    # The complaint's key, resolved by the database in the same statement that reads the revisions.
    complaint_id = select(Complaint.id).where(Complaint.tracking_code == services.normalise_code(code))
    return [complaint_key(complaint_id.scalar_subquery())]


@bp.get("/lacak/<code>")
@cached_for_visitors("complaints", keys=_tracking_page_keys)
def track(code):
    # A complaint a moderator made from a forum input links back to it.
    complaint, forum_input = services.get_public_by_code(code, linked=ForumInput)
    # The same page for everyone, the reporter and the handlers too (it is cached for visitors).
    view = visibility.view_for(complaint, visibility.PUBLIC)
    return render_template("complaints/track.html", complaint=complaint, view=view,
                           events=view.timeline(loaded=complaint.events),
                           now=clock.now(), is_reporter=reporter_actor(complaint) is not None,
                           forum_input=forum_input)


@bp.get("/akses/<code>/<key>")
def reporter_access(code, key):
    """The reporter's secret link: this browser may follow and answer the complaint."""
    complaint = services.get_by_code(code)
    if not services.reporter_key_matches(complaint, key):
        abort(404)
    _grant(complaint.tracking_code)
    return redirect(url_for("complaints.case", code=complaint.tracking_code))


@bp.get("/saya")
@login_required
def mine():
    query = (select(Complaint).options(selectinload(Complaint.unit))
             .where(Complaint.reporter_id == current_user.id).order_by(Complaint.received_at.desc(), Complaint.id.desc()))
    return render_template("complaints/mine.html", page=paginate(query), now=clock.now())


# --- the staff's queue ---------------------------------------------------------------------------

@bp.get("/antrean")
@permission_required("complaint.queue")
def queue():
    form = QueueFilterForm(request.args)
    staff = permissions.is_staff(current_user)
    form.unit_id.choices = _unit_choices(_("Semua unit"))
    now = clock.now()
    query = select(Complaint).options(selectinload(Complaint.unit))
    if not staff:
        query = query.where(Complaint.unit_id == current_user.unit_id)
    if form.validate():
        status = form.status.data or ""
        if status == "":
            query = query.where(Complaint.status.in_(OPEN_STATUSES + (AWAITING_REPORTER,)))
        elif status == "needs_moderator":
            query = query.where(services.needs_moderator())
        elif status in STATUS_LABELS:
            query = query.where(Complaint.status == status)
        if staff and form.unit_id.data:
            query = query.where(Complaint.unit_id == form.unit_id.data)
        if form.due.data == "overdue":
            query = query.where(Complaint.status.in_(OPEN_STATUSES), Complaint.due_at < now)
        elif form.due.data == "soon":
            query = query.where(Complaint.status.in_(OPEN_STATUSES), Complaint.due_at >= now,
                                Complaint.due_at < now + timedelta(days=2))
        if form.pengawalan.data == "dikawal":
            query = query.where(accompaniment_services.is_accompanied())
        elif form.pengawalan.data == "tidak":
            query = query.where(~accompaniment_services.is_accompanied())
        if form.q.data:
            needle = form.q.data.strip()
            query = query.where(or_(Complaint.tracking_code.contains(needle.upper(), autoescape=True),
                                    func.lower(Complaint.title).contains(needle.lower(), autoescape=True)))
    else:
        query = query.where(Complaint.status.in_(OPEN_STATUSES + (AWAITING_REPORTER,)))
    page = paginate(query.order_by(Complaint.due_at, Complaint.id))
    # Units on this page that have someone to act (one query), so the others are marked.
    unit_ids = {c.unit_id for c in page.items if c.unit_id}
    return render_template("complaints/queue.html", page=page, form=form, now=now, staff=staff,
                           unstaffed=unit_ids - services.staffed_units(unit_ids),
                           accompanied=accompaniment_services.active_by_complaint([c.id for c in page.items]))


# --- the case page -------------------------------------------------------------------------------

def _unit_select(form_field):
    form_field.choices = _unit_choices(_("— pilih unit —"))


def case_page(complaint, status=200, **forms):
    """The case as its reporter, its handlers or its accompanying organisation see it, with the
    forms each may use."""
    reporter = reporter_actor(complaint)
    staff_view = permissions.can(current_user, "complaint.handle", complaint)
    viewer = current_user._get_current_object() if staff_view or reporter is None else reporter
    view = visibility.view_for(complaint, viewer)
    if view.viewer == visibility.PUBLIC:
        abort(403)
    # Each form has its own prefix: the page holds several, and ids must stay unique.
    defaults = {
        "verify_form": VerifyForm(formdata=None, prefix="verify", unit_id=complaint.unit_id,
                                  category=complaint.category, classification=complaint.classification),
        "reroute_form": RerouteForm(formdata=None, prefix="reroute"),
        "reject_form": RejectForm(formdata=None, prefix="reject"),
        "info_form": MessageForm(formdata=None, prefix="info"),
        "resolve_form": ResolveForm(formdata=None, prefix="resolve"),
        "note_form": NoteForm(formdata=None, prefix="note"),
        "forward_form": ForwardForm(formdata=None, prefix="forward"),
        "reply_form": ReplyForm(formdata=None, prefix="reply"),
        "dispute_form": DisputeForm(formdata=None, prefix="dispute"),
        "rating_form": RatingForm(formdata=None, prefix="rating"),
        "accompaniment_note_form": AccompanimentNoteForm(formdata=None, prefix="accnote"),
        "hide_list_form": HideFromListForm(formdata=None, prefix="hide_list"),
        "show_list_form": ShowOnListForm(formdata=None, prefix="show_list"),
    }
    defaults.update(forms)
    _unit_select(defaults["verify_form"].unit_id)
    _unit_select(defaults["reroute_form"].unit_id)
    events = view.timeline(selectinload(ComplaintEvent.actor))
    forum_input = db.session.scalar(select(ForumInput).where(ForumInput.complaint_id == complaint.id))
    accompanier = view.viewer == visibility.ACCOMPANIER
    # The reporter and the handlers see the current request or accompaniment; the organisation its own.
    accompaniment = view.accompaniment if accompanier else accompaniment_services.live_accompaniment(complaint)
    return render_template("complaints/case.html", complaint=complaint, view=view, events=events,
                           staff_view=staff_view, is_reporter=reporter is not None, now=clock.now(),
                           forum_input=forum_input, accompanier=accompanier, accompaniment=accompaniment,
                           listing_state=public_list.listing_state(complaint),
                           unit_list_endpoint=public_list.UNIT_LIST_ENDPOINT, **defaults), status


@bp.get("/<code>")
def case(code):
    return case_page(services.get_by_code(code))


@bp.get("/<code>/lampiran/<int:attachment_id>")
def attachment(code, attachment_id):
    complaint = services.get_by_code(code)
    if not (permissions.can(current_user, "complaint.handle", complaint) or reporter_actor(complaint)):
        abort(403)
    item = db.session.get(ComplaintAttachment, attachment_id)
    if item is None or item.complaint_id != complaint.id:
        abort(404)
    return send_stored(item.stored_name, content_type=item.content_type, download_name=item.original_name)


def _prefix(form_name):
    # A bare button (ActionForm) posts only the CSRF token, unprefixed.
    return "" if form_name == "action_form" else form_name.removesuffix("_form")


def _staff_step(code, form_class, permission, action, success, *, form_name):
    """Run one staff transition from its form; on bad input show the case page with the errors."""
    complaint = services.get_by_code(code)
    permissions.require(current_user, permission, complaint)
    form = form_class(prefix=_prefix(form_name))
    if form_class in (VerifyForm, RerouteForm):
        _unit_select(form.unit_id)
    if not form.validate_on_submit():
        return case_page(complaint, 400, **{form_name: form})
    warning = perform(lambda: action(complaint, form), success=success, form=form)
    if form.errors:  # the refusal names one of the form's fields
        return case_page(complaint, 400, **{form_name: form})
    if isinstance(warning, str):  # e.g. routed to a unit where nobody can act on it
        flash(warning, "warning")
    return redirect(url_for("complaints.case", code=complaint.tracking_code))


def _user():
    return current_user._get_current_object()


@bp.post("/<code>/verifikasi")
@login_required
def verify(code):
    return _staff_step(code, VerifyForm, "complaint.moderate", lambda c, f: services.verify(
        _user(), c, unit_id=f.unit_id.data, category=f.category.data, classification=f.classification.data,
        anonymous=f.anonymous.data, confidential=f.confidential.data, note=f.note.data),
        _("Pengaduan diverifikasi dan diteruskan ke unit."), form_name="verify_form")


@bp.post("/<code>/alihkan")
@login_required
def reroute(code):
    return _staff_step(code, RerouteForm, "complaint.moderate", lambda c, f: services.reroute(
        _user(), c, unit_id=f.unit_id.data, reason=f.reason.data),
        _("Pengaduan dialihkan."), form_name="reroute_form")


@bp.post("/<code>/tolak")
@login_required
def reject(code):
    return _staff_step(code, RejectForm, "complaint.moderate", lambda c, f: services.reject(
        _user(), c, kind=f.kind.data, reason=f.reason.data, referral=f.referral.data,
        duplicate_code=f.duplicate_code.data),
        _("Pengaduan ditolak; pelapor diberi tahu alasannya."), form_name="reject_form")


@bp.post("/<code>/proses")
@login_required
def start_progress(code):
    return _staff_step(code, ActionForm, "complaint.handle", lambda c, f: services.start_progress(_user(), c),
                       _("Pengaduan mulai diproses."), form_name="action_form")


@bp.post("/<code>/minta-informasi")
@login_required
def request_info(code):
    return _staff_step(code, MessageForm, "complaint.handle", lambda c, f: services.request_info(_user(), c, message=f.message.data),
                       _("Permintaan informasi dikirim ke pelapor; tenggat berhenti sementara."),
                       form_name="info_form")


@bp.post("/<code>/selesaikan")
@login_required
def resolve(code):
    return _staff_step(code, ResolveForm, "complaint.handle", lambda c, f: services.resolve(_user(), c, response=f.response.data),
                       _("Pengaduan ditandai selesai; pelapor diberi tahu."), form_name="resolve_form")


@bp.post("/<code>/catatan")
@login_required
def add_note(code):
    return _staff_step(code, NoteForm, "complaint.handle", lambda c, f: services.add_note(_user(), c, text=f.text.data),
                       _("Catatan internal disimpan."), form_name="note_form")


@bp.post("/<code>/teruskan")
@login_required
def forward(code):
    return _staff_step(code, ForwardForm, "complaint.moderate", lambda c, f: services.forward(c, actor=_user(), reason=f.reason.data),
                       _("Pengaduan diteruskan ke SP4N-LAPOR! dan tetap ditangani kota."), form_name="forward_form")


# --- the reporter's steps ------------------------------------------------------------------------

def _reporter_step(code, form_class, action, success, *, form_name):
    complaint = services.get_by_code(code)
    actor = reporter_actor(complaint)
    if actor is None:
        abort(403)
    form = form_class(prefix=_prefix(form_name))
    if not form.validate_on_submit():
        return case_page(complaint, 400, **{form_name: form})
    perform(lambda: action(actor, complaint, form), success=success, form=form)
    if form.errors:  # the refusal names one of the form's fields
        return case_page(complaint, 400, **{form_name: form})
    return redirect(url_for("complaints.case", code=complaint.tracking_code))


@bp.post("/<code>/balas")
def reply(code):
    return _reporter_step(code, ReplyForm, lambda a, c, f: services.reporter_reply(
        a, c, message=f.message.data, attachments=_files(f.attachments)),
        _("Tanggapan Anda terkirim."), form_name="reply_form")


def _files(field):
    return [(f.filename, f.read()) for f in (field.data or []) if f and f.filename]


@bp.post("/<code>/terima")
def accept(code):
    return _reporter_step(code, ActionForm, lambda a, c, f: services.accept(a, c),
                          _("Terima kasih. Pengaduan ditutup."), form_name="action_form")


@bp.post("/<code>/sanggah")
def dispute(code):
    return _reporter_step(code, DisputeForm, lambda a, c, f: services.dispute(a, c, reason=f.reason.data),
                          _("Sanggahan terkirim; pengaduan dibuka kembali dengan tenggat baru."),
                          form_name="dispute_form")


@bp.post("/<code>/nilai")
def rate(code):
    return _reporter_step(code, RatingForm, lambda a, c, f: services.rate(a, c, rating=f.rating.data,
                                                                          comment=f.comment.data),
                          _("Terima kasih atas penilaian Anda."), form_name="rating_form")
