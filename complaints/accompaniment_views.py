"""Pages of accompaniment (pengawalan): the reporter's request, the organisation's answers and notes,
either side's end, and the organisation's list of accompanied complaints. The rules live in
accompaniment_services; what each viewer sees, in visibility."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from core import permissions
from core.i18n import gettext as _
from core.web import REFUSED, paginate, perform

from . import accompaniment_services as accompaniments
from . import bp, services, visibility
from .forms import (AccompanimentNoteForm, AccompanimentRequestForm, DeclineAccompanimentForm, EndAccompanimentForm,
                    OrganisationSearchForm)
from .models import Accompaniment, Complaint
from .views import case_page, reporter_actor


def _case_url(complaint):
    return url_for("complaints.case", code=complaint.tracking_code)


def _user():
    return current_user._get_current_object()


# --- the reporter asks, or withdraws ---------------------------------------------------------------

@bp.route("/<code>/pengawalan", methods=["GET", "POST"])
def accompaniment_request(code):
    """The reporter picks a verified organisation (searchable, paginated) and whether to share who they are."""
    complaint = services.get_by_code(code)
    actor = reporter_actor(complaint)
    if actor is None:
        abort(403)
    search = OrganisationSearchForm(request.args)
    if not search.validate():
        abort(400)
    page = paginate(accompaniments.verified_organisations(search.q.data))
    form = AccompanimentRequestForm()
    form.organisation_id.choices = [(org.id, org.name) for org in page.items]
    live = accompaniments.live_accompaniment(complaint)
    if request.method == "POST" and form.validate_on_submit():
        perform(lambda: accompaniments.request_accompaniment(
            actor, complaint, organisation_id=form.organisation_id.data, share_identity=form.share_identity.data),
            success=_("Permintaan pengawalan terkirim. Anggota organisasi akan menerima atau menolaknya."), form=form)
        if not form.errors:  # a refusal naming a field is shown next to it, on the page again
            return redirect(_case_url(complaint))
    return _request_page(complaint, form, search, page, live, 400 if request.method == "POST" else 200)


def _request_page(complaint, form, search, page, live, status):
    return render_template("complaints/accompaniment_request.html", complaint=complaint, form=form, search=search,
                           page=page, live=live), status


@bp.post("/<code>/pengawalan/<int:accompaniment_id>/tarik")
def accompaniment_withdraw(code, accompaniment_id):
    complaint = services.get_by_code(code)
    actor = reporter_actor(complaint)
    if actor is None:
        abort(403)
    accompaniment = accompaniments.get_accompaniment(complaint, accompaniment_id)
    perform(lambda: accompaniments.withdraw_request(actor, accompaniment),
            success=_("Permintaan pengawalan ditarik."))
    return redirect(_case_url(complaint))


# --- the organisation answers ------------------------------------------------------------------------

@bp.post("/<code>/pengawalan/<int:accompaniment_id>/terima")
@login_required
def accompaniment_accept(code, accompaniment_id):
    complaint = services.get_by_code(code)
    accompaniment = accompaniments.get_accompaniment(complaint, accompaniment_id)
    permissions.require(current_user, "organisation.act_for", accompaniment.organisation)
    accepted = perform(lambda: accompaniments.accept_request(_user(), accompaniment),
                       success=_("Anda kini mengawal pengaduan ini atas nama organisasi."))
    if accepted is not REFUSED and accompaniment.is_active:
        return redirect(_case_url(complaint))
    return redirect(url_for("complaints.accompaniments"))


@bp.post("/<code>/pengawalan/<int:accompaniment_id>/tolak")
@login_required
def accompaniment_decline(code, accompaniment_id):
    complaint = services.get_by_code(code)
    accompaniment = accompaniments.get_accompaniment(complaint, accompaniment_id)
    permissions.require(current_user, "organisation.act_for", accompaniment.organisation)
    form = DeclineAccompanimentForm()
    if not form.validate_on_submit():
        abort(400)
    perform(lambda: accompaniments.decline_request(_user(), accompaniment, reason=form.reason.data),
            success=_("Permintaan pengawalan ditolak; pelapor diberi tahu."))
    return redirect(url_for("complaints.accompaniments"))


@bp.post("/<code>/pengawalan/<int:accompaniment_id>/catatan")
@login_required
def accompaniment_note(code, accompaniment_id):
    complaint = services.get_by_code(code)
    accompaniment = accompaniments.get_accompaniment(complaint, accompaniment_id)
    permissions.require(current_user, "accompaniment.follow", accompaniment)
    form = AccompanimentNoteForm(prefix="accnote")
    if not form.validate_on_submit():
        return case_page(complaint, 400, accompaniment_note_form=form)
    perform(lambda: accompaniments.add_note(_user(), accompaniment, text=form.text.data),
            success=_("Catatan tersimpan; pelapor dan petugas dapat membacanya."), form=form)
    if form.errors:
        return case_page(complaint, 400, accompaniment_note_form=form)
    return redirect(_case_url(complaint))


# --- either side ends it (one click, then a confirmation) ------------------------------------------

@bp.route("/<code>/pengawalan/<int:accompaniment_id>/akhiri", methods=["GET", "POST"])
def accompaniment_end(code, accompaniment_id):
    complaint = services.get_by_code(code)
    accompaniment = accompaniments.get_accompaniment(complaint, accompaniment_id)
    actor = reporter_actor(complaint)
    by_reporter = actor is not None
    if actor is None:
        if not current_user.is_authenticated:
            abort(403)
        actor = _user()
        permissions.require(actor, "accompaniment.follow", accompaniment)
    form = EndAccompanimentForm()
    if request.method == "POST" and form.validate_on_submit():
        perform(lambda: accompaniments.end_accompaniment(actor, accompaniment, reason=form.reason.data),
                success=_("Pengawalan diakhiri."), form=form)
        if not form.errors:
            return redirect(_case_url(complaint) if by_reporter else url_for("complaints.accompaniments"))
    return _end_page(complaint, accompaniment, form, by_reporter, 400 if request.method == "POST" else 200)


def _end_page(complaint, accompaniment, form, by_reporter, status):
    return render_template("complaints/accompaniment_end.html", complaint=complaint, accompaniment=accompaniment,
                           form=form, by_reporter=by_reporter), status


# --- the organisation's list -----------------------------------------------------------------------

@bp.get("/pengawalan", endpoint="accompaniments")
@login_required
def accompaniments_list():
    """The accompaniments of every organisation the person acts for: requests to answer first."""
    organisations = accompaniments.organisations_acted_for(_user())
    query = accompaniments.accompaniments_of([org.id for org in organisations]).options(
        selectinload(Accompaniment.organisation), selectinload(Accompaniment.complaint).selectinload(Complaint.unit))
    page = paginate(query)
    # Every row is of an organisation the person acts for (the rule was asked once per organisation).
    views = {a.id: visibility.view_in_organisation_list(a, acts_for_organisation=True) for a in page.items}
    return render_template("complaints/accompaniments.html", organisations=organisations, page=page, views=views)

