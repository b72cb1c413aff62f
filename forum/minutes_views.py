"""Pages of the berita acara (form, PDF, signed scan, publishing) and of the follow-up tracker."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from accounts.services import active_units
from core import clock, permissions
from core.extensions import login_manager
from core.forms import ActionForm
from core.i18n import gettext as _
from core.page_cache import cached_for_visitors, cached_fragment
from core.uploads import PDF, send_stored
from core.web import REFUSED, page_number, perform, run_for_form

from . import bp
from . import consultation_services
from . import minutes_services as services
from .minutes_forms import AGREEMENT_ROWS, SIGNATORY_ROWS, ActionUpdateForm, MinutesForm, ScanForm, TrackerFilterForm
from .models import ACTION_STATUS_LABELS, CONSULTATION_LIST_KEY, FOLLOW_UP_KEY


def consultation_url(consultation):
    """The consultation's own page (another module's view)."""
    return url_for("forum.consultation", slug=consultation.slug)


def _user():
    return current_user._get_current_object()


def _require_manage(consultation):
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    permissions.require(current_user, "consultation.manage", consultation)


def _require_view(consultation):
    """Published minutes are public (like their consultation); drafts only for the host and moderators."""
    minutes = services.get_minutes(consultation)
    if minutes is None:
        abort(404)
    if not services.is_published(minutes):
        _require_manage(consultation)
    return minutes


def _unit_choices(empty_label):
    return [("", empty_label)] + [(u.id, u.display_name) for u in active_units()]


def _input_choices(consultation):
    return [("", _("— tidak terkait masukan tertentu —"))] + [
        (i.id, f"#{i.id} {i.title}"[:120]) for i in consultation.inputs if not i.is_hidden]


def _fill_choices(form, consultation):
    units, inputs = _unit_choices(_("— pilih unit —")), _input_choices(consultation)
    for row in form.agreements:
        row.form.unit_id.choices = units
        row.form.input_id.choices = inputs


def _initial_data(consultation, minutes):
    if minutes is None:
        return {"held_at": clock.to_local_input(consultation.meeting_at), "place": consultation.place}
    plan = services.agreement_plan(minutes)
    return {
        "held_at": clock.to_local_input(minutes.held_at),
        "place": minutes.place, "summary": minutes.summary,
        "other_attendees": minutes.other_attendees,
        "agreements": [{"text": a.text, "input_id": a.input_id,
                        "unit_id": plan.get(a.number, (None, None))[0],
                        "target_date": plan.get(a.number, (None, None))[1]} for a in minutes.agreements],
        "signatories": list(minutes.signatories or []),
    }


def _minutes_page(consultation, minutes, form=None, scan_form=None, status=200):
    published = services.is_published(minutes)
    if form is None and not published:
        form = MinutesForm(formdata=None, prefix="ba", data=_initial_data(consultation, minutes))
        # A few blank rows beyond what was saved, for the next agreements and signatories.
        while len(form.agreements) < min(len(minutes.agreements) + 3 if minutes else AGREEMENT_ROWS,
                                          form.agreements.max_entries):
            form.agreements.append_entry()
        while len(form.signatories) < min(len(minutes.signatories or []) + 2 if minutes
                                          else SIGNATORY_ROWS, form.signatories.max_entries):
            form.signatories.append_entry()
    if form is not None:
        _fill_choices(form, consultation)
    now = clock.now()
    return render_template(
        "forum/minutes_form.html", consultation=consultation, minutes=minutes, form=form,
        scan_form=scan_form or ScanForm(formdata=None, prefix="scan"), published=published,
        meeting_passed=consultation_services.meeting_passed(consultation, now),
        attendees=services.attendees(consultation), consultation_url=consultation_url(consultation),
        can_publish=minutes is not None and not published and bool(minutes.agreements)
        and bool(minutes.signatories)), status


@bp.route("/konsultasi/<slug>/berita-acara", methods=["GET", "POST"])
@login_required
def minutes_edit(slug):
    consultation = consultation_services.get_by_slug(slug)
    permissions.require(current_user, "consultation.manage", consultation)
    minutes = services.get_minutes(consultation)
    if request.method == "GET" or services.is_published(minutes):
        if request.method == "POST":
            flash(_("Berita acara sudah diterbitkan dan tidak dapat diubah lagi."), "danger")
            return redirect(url_for("forum.minutes_edit", slug=slug))
        return _minutes_page(consultation, minutes)
    form = MinutesForm(prefix="ba")
    _fill_choices(form, consultation)
    if form.validate_on_submit():
        saved = run_for_form(lambda: services.save_minutes(
            _user(), consultation, held_at=clock.from_local_input(form.held_at.data), place=form.place.data,
            summary=form.summary.data, other_attendees=form.other_attendees.data,
            signatories=[row.data for row in form.signatories],
            agreements=[row.data for row in form.agreements]), form)
        if saved is not REFUSED:
            flash(_("Berita acara disimpan. Periksa PDF-nya, unggah pindaian yang sudah ditandatangani, "
                    "lalu terbitkan."), "success")
            return redirect(url_for("forum.minutes_edit", slug=slug))
    return _minutes_page(consultation, services.get_minutes(consultation), form=form, status=400)


@bp.get("/konsultasi/<slug>/berita-acara.pdf")
def minutes_pdf(slug):
    consultation = consultation_services.get_by_slug(slug)
    minutes = _require_view(consultation)
    response = make_response(services.render_pdf(minutes))
    response.headers["Content-Type"] = PDF
    response.headers["Content-Disposition"] = f'inline; filename="berita-acara-{consultation.slug}.pdf"'
    if not services.is_published(minutes):
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/konsultasi/<slug>/berita-acara/scan")
@login_required
def minutes_upload_scan(slug):
    consultation = consultation_services.get_by_slug(slug)
    permissions.require(current_user, "consultation.manage", consultation)
    minutes = services.get_minutes(consultation)
    if minutes is None:
        flash(_("Simpan berita acara terlebih dahulu."), "danger")
        return redirect(url_for("forum.minutes_edit", slug=slug))
    form = ScanForm(prefix="scan")
    if form.validate_on_submit():
        uploaded = run_for_form(lambda: services.upload_signed_scan(
            _user(), minutes, form.scan.data.filename, form.scan.data.read()), form)
        if uploaded is not REFUSED:
            flash(_("Pindaian berita acara diunggah."), "success")
            return redirect(url_for("forum.minutes_edit", slug=slug))
    return _minutes_page(consultation, minutes, scan_form=form, status=400)


@bp.get("/konsultasi/<slug>/berita-acara/scan")
def minutes_scan(slug):
    consultation = consultation_services.get_by_slug(slug)
    minutes = _require_view(consultation)
    if not minutes.signed_scan_stored_name:
        abort(404)
    return send_stored(minutes.signed_scan_stored_name, content_type=PDF,
                       download_name=minutes.signed_scan_original_name or f"berita-acara-{slug}-ttd.pdf")


@bp.route("/konsultasi/<slug>/berita-acara/terbitkan", methods=["GET", "POST"])
@login_required
def minutes_publish(slug):
    consultation = consultation_services.get_by_slug(slug)
    permissions.require(current_user, "consultation.manage", consultation)
    minutes = services.get_minutes(consultation)
    if minutes is None:
        abort(404)
    if request.method == "GET":  # the button leads here first: publishing cannot be undone
        if services.is_published(minutes):
            flash(_("Berita acara sudah diterbitkan."), "danger")
            return redirect(url_for("forum.minutes_edit", slug=slug))
        return render_template(
            "forum/confirm.html", consultation=consultation, heading=_("Terbitkan berita acara?"),
            explanation=_("Periksa PDF-nya lebih dahulu. Setelah diterbitkan:"),
            consequences=[_("berita acara tampil untuk umum dan tidak dapat diubah lagi;"),
                          _("setiap kesepakatan (%(n)s) menjadi tindak lanjut yang dipantau publik;",
                            n=len(minutes.agreements)),
                          _("konsultasi masuk tahap tindak lanjut dan jadwal pertemuan tidak dapat diubah lagi.")],
            action_url=url_for("forum.minutes_publish", slug=slug), confirm_label=_("Ya, terbitkan berita acara"),
            cancel_url=url_for("forum.minutes_edit", slug=slug))
    if not ActionForm().validate_on_submit():
        abort(400)
    published = perform(lambda: services.publish_minutes(_user(), minutes), success=_(
        "Berita acara diterbitkan; setiap kesepakatan kini menjadi tindak lanjut yang dipantau publik."))
    if published is REFUSED:
        return redirect(url_for("forum.minutes_edit", slug=slug))
    return redirect(consultation_url(consultation))


# --- follow-up actions ------------------------------------------------------------------------------

@bp.get("/tindak-lanjut")
@cached_for_visitors("forum", keys=lambda: [FOLLOW_UP_KEY, CONSULTATION_LIST_KEY])
def tracker():
    today = services.local_today()
    # The filter form and the table are the same for everyone asking the same (the table shows
    # consultation titles): one fragment. Only a request with filters builds the form to check them.
    form = _tracker_filter_form() if request.args else None
    unit_id = status = None
    overdue = False
    if form is not None:
        if not form.validate():
            return render_template("forum/tracker.html", listing=render_template(
                "forum/_tracker_table.html", form=form, page=None, today=today)), 400
        unit_id, status, overdue = form.unit_id.data, form.status.data or None, form.overdue.data == "1"
    number = page_number()
    listing = cached_fragment(
        f"forum-tracker:{request.query_string.decode()}:{today}", "forum", [FOLLOW_UP_KEY, CONSULTATION_LIST_KEY],
        lambda: render_template("forum/_tracker_table.html", form=form or _tracker_filter_form(), today=today,
                                status_labels=ACTION_STATUS_LABELS,
                                page=services.tracker_page(unit_id=unit_id, status=status, overdue=overdue,
                                                           today=today, page=number)))
    return render_template("forum/tracker.html", listing=listing)


def _tracker_filter_form():
    form = TrackerFilterForm(request.args)
    form.unit_id.choices = _unit_choices(_("Semua unit"))
    return form


def _action_page(action, form=None, status=200):
    can_update = permissions.can(current_user, "action.update", action)
    if form is None and can_update:
        form = ActionUpdateForm(formdata=None, prefix="update")
    return render_template("forum/action.html", action=action, form=form, can_update=can_update,
                           today=services.local_today(), status_labels=ACTION_STATUS_LABELS,
                           consultation_url=consultation_url(action.consultation)), status


@bp.get("/tindak-lanjut/<int:action_id>")
@cached_for_visitors("forum", keys=lambda action_id: [FOLLOW_UP_KEY, CONSULTATION_LIST_KEY])
def action(action_id):
    return _action_page(services.get_action(action_id))


@bp.post("/tindak-lanjut/<int:action_id>/perbarui")
@login_required
def update_action(action_id):
    action_ = services.get_action(action_id)
    permissions.require(current_user, "action.update", action_)
    form = ActionUpdateForm(prefix="update")
    if not form.validate_on_submit():
        return _action_page(action_, form, 400)
    updated = run_for_form(lambda: services.update_action(
        _user(), action_, status=form.status.data or None, note=form.note.data,
        cancel_reason=form.cancel_reason.data), form)
    if updated is REFUSED:
        return _action_page(services.get_action(action_id), form, 400)
    flash(_("Perkembangan tindak lanjut dicatat."), "success")
    return redirect(url_for("forum.action", action_id=action_id))


@bp.app_template_global("published_minutes")
def published_minutes(consultation):
    """For templates/forum/minutes_summary.html: the published berita acara with its agreements,
    actions and units loaded in a fixed number of queries, or None."""
    return services.published_minutes(consultation)


@bp.app_template_global("minutes_today")
def minutes_today():
    """Today in the city's zone, for the overdue marks."""
    return services.local_today()
