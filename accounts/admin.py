"""Administration pages: units, users, organisation verification, the audit log."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from core import admin_menu, permissions
from core.audit import AuditEvent
from core.extensions import db
from core.forms import ActionForm
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.permissions import ASN, permission_required
from core.web import REFUSED, paginate, perform, run_for_form

from core import admin_bp as bp
from . import services
from .forms import NoteForm, ReasonForm, RoleForm, UnitForm, UserFilterForm
from .models import (MEMBER_PENDING, ORG_PENDING, ORGANISATION_STATUS_LABELS, Organisation,
                     OrganisationMembership, Unit, User)

admin_menu.add("admin.dashboard", _l("Ringkasan"), "admin.access", order=10)
admin_menu.add("admin.organisations", _l("Organisasi"), "admin.access", order=20)
admin_menu.add("admin.users", _l("Pengguna"), "user.list", order=30)
admin_menu.add("admin.units", _l("Unit"), "unit.manage", order=40)
admin_menu.add("admin.audit_log", _l("Log audit"), "audit.view", order=70)  # after core's calendar and outbox


@bp.get("/")
@permission_required("admin.access")
def dashboard():
    counts = {
        "organisations_pending": db.session.scalar(
            select(func.count(Organisation.id)).where(Organisation.status == ORG_PENDING)),
        "asn_pending": db.session.scalar(
            select(func.count(User.id)).where(User.role == ASN, User.asn_confirmed_at.is_(None),
                                              User.active.is_(True))),
        "users": db.session.scalar(select(func.count(User.id))),
        "units": db.session.scalar(select(func.count(Unit.id)).where(Unit.is_active.is_(True))),
    }
    return render_template("admin/dashboard.html", counts=counts)


# --- units -------------------------------------------------------------------------------------

@bp.get("/unit")
@permission_required("unit.manage")
def units():
    return render_template("admin/units.html", tree=services.unit_tree())


def _parent_choices(exclude=None):
    choices = [("", _("— tanpa induk (unit teratas) —"))]
    for unit, depth in services.unit_tree():
        if exclude is None or unit.id != exclude.id:
            choices.append((unit.id, "\u2003" * depth + unit.display_name))
    return choices


@bp.route("/unit/baru", methods=["GET", "POST"])
@bp.route("/unit/<int:unit_id>", methods=["GET", "POST"])
@permission_required("unit.manage")
def edit_unit(unit_id=None):
    unit = db.get_or_404(Unit, unit_id) if unit_id else None
    form = UnitForm(obj=unit)
    form.parent_id.choices = _parent_choices(exclude=unit)
    if form.validate_on_submit():
        saved = run_for_form(lambda: services.save_unit(
            current_user, unit, name=form.name.data, short_name=form.short_name.data, kind=form.kind.data,
            parent_id=form.parent_id.data, email=form.email.data, phone=form.phone.data,
            address=form.address.data, is_active=form.is_active.data), form)
        if saved is not REFUSED:
            flash(_("Unit %(name)s sudah disimpan.", name=saved.name), "success")
            return redirect(url_for("admin.units"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/unit_form.html", form=form, unit=unit), status


# --- users -------------------------------------------------------------------------------------

@bp.get("/pengguna")
@permission_required("user.list")
def users():
    form = UserFilterForm(request.args)
    query = select(User).options(selectinload(User.unit))
    if form.validate():
        if form.q.data:
            needle = form.q.data.strip().lower()
            query = query.where(or_(func.lower(User.full_name).contains(needle, autoescape=True),
                                    User.email.contains(needle, autoescape=True),
                                    User.nip.contains(needle, autoescape=True)))
        if form.role.data:
            query = query.where(User.role == form.role.data)
        status = form.status.data
        if status == "active":
            query = query.where(User.active.is_(True))
        elif status == "inactive":
            query = query.where(User.active.is_(False))
        elif status == "asn_pending":
            query = query.where(User.role == ASN, User.asn_confirmed_at.is_(None))
        elif status == "unverified":
            query = query.where(User.email_verified_at.is_(None))
    page = paginate(query.order_by(User.created_at.desc(), User.id.desc()))
    return render_template("admin/users.html", page=page, form=form)


def _user_page(user, role_form=None, reason_form=None, status=200):
    if role_form is None:
        role_form = RoleForm(role=user.role, unit_id=user.unit_id)
    role_form.unit_id.choices = [("", _("— tidak ada —"))] + [(u.id, u.display_name) for u in services.active_units()]
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
        .order_by(AuditEvent.created_at.desc()).limit(20)).all()
    return render_template("admin/user.html", user=user, role_form=role_form,
                           reason_form=reason_form or ReasonForm(), action_form=ActionForm(), events=events), status


@bp.get("/pengguna/<int:user_id>")
@permission_required("user.list")
def user(user_id):
    return _user_page(db.get_or_404(User, user_id))


@bp.post("/pengguna/<int:user_id>/peran")
@permission_required("user.list")
def change_role(user_id):
    user = db.get_or_404(User, user_id)
    permissions.require(current_user, "user.manage", user)
    form = RoleForm()
    form.unit_id.choices = [("", "")] + [(u.id, u.name) for u in services.active_units()]
    if form.validate_on_submit():
        changed = run_for_form(lambda: services.change_role(current_user, user, form.role.data,
                                                            unit_id=form.unit_id.data), form)
        if changed is not REFUSED:
            flash(_("Peran %(name)s sekarang: %(role)s.", name=user.full_name, role=user.role_label), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, role_form=form, status=400)


@bp.post("/pengguna/<int:user_id>/<any(nonaktifkan,aktifkan):action>")
@permission_required("user.list")
def set_active(user_id, action):
    user = db.get_or_404(User, user_id)
    permissions.require(current_user, "user.manage", user)
    if ActionForm().validate_on_submit():
        services.set_active(current_user, user, action == "aktifkan")
        flash(_("Akun diaktifkan.") if user.active else _("Akun dinonaktifkan; semua sesinya berakhir."), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.post("/pengguna/<int:user_id>/konfirmasi-asn")
@permission_required("user.list")
def confirm_asn(user_id):
    user = db.get_or_404(User, user_id)
    permissions.require(current_user, "user.confirm_asn", user)
    if ActionForm().validate_on_submit():
        perform(lambda: services.confirm_asn(current_user, user),
                success=_("%(name)s dikonfirmasi sebagai ASN %(unit)s.", name=user.full_name,
                          unit=user.unit.name if user.unit else "-"))
    return redirect(url_for("admin.user", user_id=user.id))


@bp.post("/pengguna/<int:user_id>/tolak-asn")
@permission_required("user.list")
def reject_asn(user_id):
    user = db.get_or_404(User, user_id)
    permissions.require(current_user, "user.confirm_asn", user)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _user_page(user, reason_form=form, status=400)
    if run_for_form(lambda: services.reject_asn(current_user, user, reason=form.reason.data), form) is REFUSED:
        return _user_page(user, reason_form=form, status=400)
    flash(_("Pengajuan ASN ditolak; pengguna diberi tahu alasannya."), "success")
    return redirect(url_for("admin.user", user_id=user.id))


# --- organisations -----------------------------------------------------------------------------

@bp.get("/organisasi")
@permission_required("admin.access")
def organisations():
    status = request.args.get("status", ORG_PENDING)
    query = select(Organisation).options(selectinload(Organisation.created_by))
    if status in ORGANISATION_STATUS_LABELS:
        query = query.where(Organisation.status == status)
    page = paginate(query.order_by(Organisation.created_at, Organisation.id))
    return render_template("admin/organisations.html", page=page, status=status,
                           statuses=ORGANISATION_STATUS_LABELS)


def _organisation_page(org, reason_form=None, status=200):
    memberships = db.session.scalars(select(OrganisationMembership).where(
        OrganisationMembership.organisation_id == org.id).options(selectinload(OrganisationMembership.user))
        .order_by(OrganisationMembership.id)).all()
    return render_template("admin/organisation.html", org=org, memberships=memberships,
                           note_form=NoteForm(), reason_form=reason_form or ReasonForm(),
                           action_form=ActionForm(), MEMBER_PENDING=MEMBER_PENDING), status


@bp.get("/organisasi/<int:org_id>")
@permission_required("admin.access")
def organisation(org_id):
    return _organisation_page(services.get_organisation(org_id))


@bp.post("/organisasi/<int:org_id>/verifikasi")
@permission_required("admin.access")
def verify_organisation(org_id):
    org = services.get_organisation(org_id)
    form = NoteForm()
    if form.validate_on_submit():
        perform(lambda: services.verify_organisation(current_user, org, note=form.note.data or None),
                success=_("%(name)s sudah diverifikasi.", name=org.name))
    return redirect(url_for("admin.organisation", org_id=org.id))


@bp.post("/organisasi/<int:org_id>/tolak")
@permission_required("admin.access")
def reject_organisation(org_id):
    org = services.get_organisation(org_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _organisation_page(org, reason_form=form, status=400)
    if run_for_form(lambda: services.reject_organisation(current_user, org, reason=form.reason.data),
                    form) is REFUSED:
        return _organisation_page(org, reason_form=form, status=400)
    flash(_("%(name)s ditolak; alasannya dikirim ke pendaftar.", name=org.name), "success")
    return redirect(url_for("admin.organisations"))


# --- audit log ---------------------------------------------------------------------------------

@bp.get("/audit")
@permission_required("audit.view")
def audit_log():
    query = select(AuditEvent)
    action = (request.args.get("aksi") or "").strip()[:64]
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    page = paginate(query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()))
    return render_template("admin/audit.html", page=page, action=action)
