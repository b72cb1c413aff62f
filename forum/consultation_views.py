"""Pages of consultations: the list, the consultation page, create/edit, stages, documents, participants."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from accounts.services import active_units
from core import clock, permissions
from core.errors import DomainError
from core.forms import ActionForm
from core.i18n import format_moment
from core.i18n import gettext as _
from core.page_cache import blank_form, cached_for_visitors, cached_fragment, cached_fragments
from core.permissions import permission_required
from core.uploads import PDF, send_stored
from core.web import REFUSED, page_number, paginate, perform, run_for_form

from . import bp, input_services
from . import consultation_services as services
from .consultation_forms import (AttendanceForm, ConsultationForm, DocumentForm, ListFilterForm, RegistrationForm,
                                 RescheduleForm)
from .models import (CONSULTATION_LIST_KEY, DRAFT, FOLLOW_UP_KEY, STAGE_LABELS, Consultation, consultation_key,
                     inputs_key)

FORM_FIELDS = ("title", "unit_id", "topic_type", "description", "format", "opens_at", "closes_at", "meeting_at",
               "place", "online_link", "allow_citizen_input")
LOCAL_TIMES = ("opens_at", "closes_at", "meeting_at")


def _user():
    return current_user._get_current_object()


# --- the list ------------------------------------------------------------------------------------

@bp.get("/")
@cached_for_visitors("forum", keys=lambda: [CONSULTATION_LIST_KEY])
def index():
    now = clock.now()
    tab = request.args.get("tab") or services.TAB_NOW
    if tab not in services.TABS:
        abort(400)
    may_create = permissions.can(current_user, "consultation.create")
    if tab == services.TAB_DRAFTS and not may_create:
        abort(404)
    # The filter form with the list below it is the same for everyone asking the same: a fragment.
    # Only a request with filters builds the form (and reads the units) to check them every time;
    # a page number or a tab alone is checked by the pagination and above.
    filtering = any(request.args.get(name) for name in ListFilterForm.FILTERS)
    form = _list_filter_form() if filtering else None
    if form is not None and not form.validate():
        filters = {}
        status = 400
    elif form is not None:
        filters = {"unit_id": form.unit_id.data, "topic_type": form.topic_type.data or None,
                   "stage": form.stage.data or None}
        status = 200
    else:
        filters = {"unit_id": None, "topic_type": None, "stage": None}
        status = 200
    query = services.listing_query(tab=tab, now=now, user=_user() if current_user.is_authenticated else None,
                                   **filters)

    def render():
        return render_template("forum/_consultation_items.html", page=paginate(query), tab=tab,
                               form=form or _list_filter_form())
    if tab == services.TAB_DRAFTS:  # the drafts a person may see are their own
        listing = render()
    else:
        # Unit names come along untracked, like the other names (see core.page_cache).
        listing = cached_fragment(f"forum-list:{tab}:{request.query_string.decode()}", "forum",
                                  [CONSULTATION_LIST_KEY], render)
    return render_template("forum/index.html", listing=listing, tab=tab, now=now, may_create=may_create), status


def _list_filter_form():
    form = ListFilterForm(request.args)
    form.unit_id.choices = [("", _("Semua unit"))] + [(u.id, u.display_name) for u in active_units()]
    form.stage.choices = [("", _("Semua tahap"))] + [(k, v) for k, v in STAGE_LABELS.items() if k != DRAFT]
    return form


# --- create and edit -----------------------------------------------------------------------------

def _values(form):
    values = {name: getattr(form, name).data for name in FORM_FIELDS}
    for name in LOCAL_TIMES:
        values[name] = clock.from_local_input(values[name])
    return values


def _unit_choices(form, actor):
    form.unit_id.choices = [("", _("— pilih unit —"))] + [(u.id, u.display_name)
                                                         for u in services.hosting_units(actor)]


@bp.route("/konsultasi/baru", methods=["GET", "POST"])
@permission_required("consultation.create")
def new():
    form = ConsultationForm()
    _unit_choices(form, _user())
    if request.method == "GET" and current_user.unit_id and not permissions.is_staff(current_user):
        form.unit_id.data = current_user.unit_id
    if form.validate_on_submit():
        consultation = run_for_form(lambda: services.create_consultation(_user(), **_values(form)), form)
        if consultation is not REFUSED:
            flash(_("Konsultasi disimpan sebagai draf. Terbitkan bila sudah siap."), "success")
            return redirect(url_for("forum.consultation", slug=consultation.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("forum/consultation_form.html", form=form, consultation=None), status


@bp.route("/konsultasi/<slug>/ubah", methods=["GET", "POST"])
@login_required
def edit(slug):
    consultation = services.get_visible(slug, current_user)
    permissions.require(current_user, "consultation.manage", consultation)
    if request.method == "GET":
        form = ConsultationForm(obj=consultation)
        for name in LOCAL_TIMES:
            getattr(form, name).data = clock.to_local_input(getattr(consultation, name))
    else:
        form = ConsultationForm()
    _unit_choices(form, _user())
    if consultation.unit_id not in [c[0] for c in form.unit_id.choices]:
        form.unit_id.choices.append((consultation.unit_id, consultation.unit.display_name))
    if form.validate_on_submit():
        updated = run_for_form(lambda: services.update_consultation(_user(), consultation, **_values(form)), form)
        if updated is not REFUSED:
            flash(_("Perubahan konsultasi disimpan."), "success")
            return redirect(url_for("forum.consultation", slug=consultation.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("forum/consultation_form.html", form=form, consultation=consultation), status


# --- the consultation page -------------------------------------------------------------------------

def _registration_choices():
    orgs = getattr(current_user, "approved_organisations", []) if current_user.is_authenticated else []
    return [("", _("Tidak mewakili organisasi"))] + [(o.id, o.name) for o in orgs if o.status == "verified"]


def _registration_form(formdata=None, choices=None):
    form = RegistrationForm(formdata=formdata, prefix="daftar")
    form.organisation_id.choices = choices if choices is not None else _registration_choices()
    return form


def _registration_fields(sent=None):
    """The registration form's fields: the form `sent` back with its errors, or the empty one kept."""
    choices = _registration_choices() if sent is None else None
    return blank_form("forum/_registration_fields.html", lambda: _registration_form(choices=choices),
                      name="forum-registration", variant=choices, filled=sent)


def shared_fragments(consultation, manage):
    """The parts of the consultation page every viewer sees alike (managers see the composition with
    their advice), kept under the consultation's keys: the published berita acara, the composition of
    participants, and one page of the inputs. One revision read for the three."""
    page = input_services.requested_input_page()
    names = {"minutes": f"forum-minutes:{consultation.id}",
             "composition": f"forum-composition:{consultation.id}:{int(bool(manage))}",
             "inputs": f"forum-inputs:{consultation.id}:{page}"}
    renders = {
        names["minutes"]: lambda: render_template("forum/minutes_summary.html", consultation=consultation),
        names["composition"]: lambda: render_template("forum/consultation_composition.html", consultation=consultation,
                                                      manage=manage, composition=services.composition(consultation)),
        names["inputs"]: lambda: render_template("forum/_input_items.html",
                                                 inputs_page=input_services.input_page(consultation, page)),
    }
    html = cached_fragments("forum", [consultation_key(consultation.id), inputs_key(consultation.id), FOLLOW_UP_KEY],
                            renders)
    return {part: html[name] for part, name in names.items()}


def consultation_page(consultation, status=200, **forms):
    now = clock.now()
    manage = permissions.can(current_user, "consultation.manage", consultation)
    # Forms only for those who may use them: an anonymous page carries no form token (page cache).
    # An empty form is kept (blank_form); one sent back with errors is rendered as sent.
    defaults = {}
    document_form = forms.pop("document_form", None)
    if manage or document_form is not None:
        defaults["document_fields"] = blank_form(
            "forum/_document_fields.html", lambda: DocumentForm(formdata=None, prefix="dokumen"),
            name="forum-document", variant=current_app.config["UPLOAD_MAX_BYTES"], filled=document_form)
    registration_form = forms.pop("registration_form", None)
    if current_user.is_authenticated:
        defaults["registration_fields"] = _registration_fields(registration_form)
    defaults.update(forms)
    participants = services.participants(consultation) if manage else []
    # A manager has the registrants loaded already: their own registration is among them.
    me = (next((p for p in participants if p.user_id == current_user.id), None) if manage
          else services.participant_of(consultation, current_user))
    return render_template(
        "forum/consultation.html", consultation=consultation, now=now, manage=manage,
        shared=shared_fragments(consultation, manage),
        participants=participants, me=me,
        input_open=services.input_open(consultation, now),
        meeting_passed=services.meeting_passed(consultation, now),
        **defaults), status


def _consultation_page_keys(slug):
    """The consultation, its list of inputs and the berita acara, found by the slug in the same statement."""
    consultation_id = select(Consultation.id).where(Consultation.slug == slug).scalar_subquery()
    return [consultation_key(consultation_id), inputs_key(consultation_id), FOLLOW_UP_KEY]


@bp.get("/konsultasi/<slug>")
@cached_for_visitors("forum", keys=_consultation_page_keys)
def consultation(slug):
    return consultation_page(services.get_visible(slug, current_user))


def _step(slug, action, success, *, form_class=None, form_name=None, prefix=None):
    """Run one change from a posted form; bad input shows the page again with the errors (400)."""
    consultation = services.get_visible(slug, current_user)
    if form_class is RegistrationForm:
        form = _registration_form(request.form)
    else:
        form = (form_class or ActionForm)(prefix=prefix or "")
    if not form.validate_on_submit():
        if form_name:
            return consultation_page(consultation, 400, **{form_name: form})
        abort(400)
    perform(lambda: action(consultation, form), success=success, form=form if form_name else None)
    if form.errors:  # the refusal names one of the form's fields
        return consultation_page(consultation, 400, **{form_name: form})
    return redirect(url_for("forum.consultation", slug=consultation.slug))


@bp.post("/konsultasi/<slug>/terbitkan")
@login_required
def publish(slug):
    return _step(slug, lambda c, f: services.publish(_user(), c),
                 _("Konsultasi diterbitkan."))


@bp.route("/konsultasi/<slug>/tutup", methods=["GET", "POST"])
@login_required
def close(slug):
    if request.method == "GET":  # the button leads here first: closing early cannot be undone
        consultation = services.get_visible(slug, current_user)
        permissions.require(current_user, "consultation.manage", consultation)
        if consultation.stage != "open":
            flash(_("Hanya konsultasi yang sedang dibuka yang dapat ditutup."), "danger")
            return redirect(url_for("forum.consultation", slug=slug))
        return render_template(
            "forum/confirm.html", consultation=consultation, heading=_("Tutup masa masukan sekarang?"),
            explanation=_("Masa masukan dijadwalkan ditutup %(when)s. Bila ditutup sekarang:",
                          when=format_moment(consultation.closes_at)),
            consequences=[_("tidak ada lagi yang dapat menyampaikan masukan;"),
                          _("tenggat jawaban resmi atas setiap masukan mulai berjalan;"),
                          _("masa masukan tidak dapat dibuka kembali.")],
            action_url=url_for("forum.close", slug=slug), confirm_label=_("Ya, tutup masa masukan"),
            cancel_url=url_for("forum.consultation", slug=slug))
    return _step(slug, lambda c, f: services.close_input(_user(), c),
                 _("Masa masukan ditutup. Jawaban resmi atas setiap masukan kini berjalan tenggatnya."))


@bp.route("/konsultasi/<slug>/jadwal-pertemuan", methods=["GET", "POST"])
@login_required
def reschedule(slug):
    consultation = services.get_visible(slug, current_user)
    permissions.require(current_user, "consultation.manage", consultation)
    if request.method == "GET":
        form = RescheduleForm(formdata=None, meeting_at=clock.to_local_input(consultation.meeting_at),
                              place=consultation.place, online_link=consultation.online_link)
    else:
        form = RescheduleForm()
    if form.validate_on_submit():
        done = run_for_form(lambda: services.reschedule_meeting(
            _user(), consultation, meeting_at=clock.from_local_input(form.meeting_at.data), place=form.place.data,
            online_link=form.online_link.data), form)
        if done is not REFUSED:
            flash(_("Jadwal pertemuan diubah. Setiap peserta terdaftar diberi tahu lewat e-mail."), "success")
            return redirect(url_for("forum.consultation", slug=consultation.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("forum/consultation_reschedule.html", form=form, consultation=consultation), status


# --- documents -------------------------------------------------------------------------------------

@bp.post("/konsultasi/<slug>/dokumen")
@login_required
def upload_document(slug):
    def add(consultation, form):
        upload = form.document.data
        if not upload or not getattr(upload, "filename", None):
            raise DomainError(_("Pilih berkas PDF."), field="document")
        services.add_document(_user(), consultation, filename=upload.filename, data=upload.read())
    consultation = services.get_visible(slug, current_user)
    permissions.require(current_user, "consultation.manage", consultation)
    return _step(slug, add, _("Dokumen diunggah."), form_class=DocumentForm, form_name="document_form",
                 prefix="dokumen")


@bp.post("/konsultasi/<slug>/dokumen/<int:document_id>/hapus")
@login_required
def remove_document(slug, document_id):
    consultation = services.get_visible(slug, current_user)
    document = services.get_document(consultation, document_id)
    return _step(slug, lambda c, f: services.remove_document(_user(), document), _("Dokumen dihapus."))


@bp.get("/konsultasi/<slug>/dokumen/<int:document_id>")
def document(slug, document_id):
    consultation = services.get_visible(slug, current_user)
    item = services.get_document(consultation, document_id)
    return send_stored(item.stored_name, content_type=PDF, download_name=item.original_name)


# --- participants ----------------------------------------------------------------------------------

@bp.post("/konsultasi/<slug>/daftar")
@login_required
def register(slug):
    consultation = services.get_visible(slug, current_user)
    permissions.require(current_user, "consultation.register", consultation)
    return _step(slug, lambda c, f: services.register(
        _user(), c, stakeholder_category=f.stakeholder_category.data, vulnerable_group=f.vulnerable_group.data,
        organisation_id=f.organisation_id.data), _("Anda terdaftar sebagai peserta konsultasi."),
        form_class=RegistrationForm, form_name="registration_form")


@bp.post("/konsultasi/<slug>/batal-daftar")
@login_required
def cancel_registration(slug):
    return _step(slug, lambda c, f: services.cancel_registration(_user(), c), _("Pendaftaran Anda dibatalkan."))


@bp.post("/konsultasi/<slug>/kehadiran/<int:participant_id>")
@login_required
def attendance(slug, participant_id):
    consultation = services.get_visible(slug, current_user)
    permissions.require(current_user, "consultation.manage", consultation)
    participant = services.get_participant(consultation, participant_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    perform(lambda: services.mark_attendance(_user(), participant, form.attended.data == "1"),
            success=_("Kehadiran %(name)s dicatat.", name=participant.user.full_name))
    return redirect(url_for("forum.consultation", slug=consultation.slug, _anchor="kehadiran"))
