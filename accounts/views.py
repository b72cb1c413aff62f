"""Pages for people: register, verify, log in and out, passwords, profile, organisations."""
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from core import permissions
from core.extensions import form_value, limiter
from core.forms import ActionForm
from core.i18n import before_full_stop
from core.i18n import gettext as _
from core.uploads import send_stored
from core.web import REFUSED, paginate, perform, run_for_form, safe_next

from . import bp, services
from .forms import (ChangePasswordForm, EmailOnlyForm, JoinOrganisationForm, LoginForm, OrganisationForm,
                    ProfileForm, RegisterForm, ResetPasswordForm)
from .models import ORG_VERIFIED, ORGANISATION_KINDS, Organisation


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_limit():
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _email_limit():
    return current_app.config["EMAIL_RATE_LIMIT"]


def _unit_choices():
    return [("", _("— pilih unit kerja —"))] + [(u.id, u.display_name) for u in services.active_units()]


# --- registration and verification ---------------------------------------------------------------

@bp.route("/akun/daftar", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegisterForm()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        registered = run_for_form(lambda: services.register_user(
            email=form.email.data, password=form.password.data, full_name=form.full_name.data,
            phone=form.phone.data, as_asn=form.account_type.data == "asn", nip=form.nip.data,
            unit_id=form.unit_id.data, locale=_current_locale()), form)
        if registered is not REFUSED:
            # The same answer whether or not the address already had an account.
            return redirect(url_for("accounts.check_email", reason="register"))
    return render_template("accounts/register.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.get("/akun/periksa-email")
def check_email():
    return render_template("accounts/check_email.html", reason=request.args.get("reason", "register"))


@bp.get("/akun/verifikasi/<token>")
def verify_email(token):
    try:
        user = services.verify_email(token)
    except services.InvalidToken as e:
        return render_template("accounts/verify_failed.html", message=e.message, form=EmailOnlyForm()), 400
    flash(_("Alamat e-mail Anda sudah terverifikasi. Silakan masuk."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("core.home"))
    return redirect(url_for("accounts.login", email=user.email))


@bp.route("/akun/verifikasi-ulang", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data)
        return redirect(url_for("accounts.check_email", reason="resend"))
    return render_template("accounts/resend_verification.html", form=form), 400 if form.errors else 200


# --- logging in and out ------------------------------------------------------------------------

def _account_and_address():
    """Rate-limit key of one e-mail address tried from one IP address."""
    return f"login:{form_value('email')}|{get_remote_address()}"


@bp.route("/akun/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_account_limit, methods=["POST"], key_func=_account_and_address)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("core.home")))
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]
    if form.validate_on_submit():
        user = run_for_form(lambda: services.authenticate(form.email.data, form.password.data), form)
        if user is not REFUSED:
            login_user(user, remember=form.remember.data)
            flash(_("Selamat datang, %(name)s.", name=before_full_stop(user.full_name)), "success")
            return redirect(safe_next(url_for("core.home")))
    return render_template("accounts/login.html", form=form), 400 if form.errors or form.form_errors else 200


# What survives logging out: only the language the visitor chose, nothing that grants access.
KEPT_AFTER_LOGOUT = ("lang",)


def forget_session():
    """Empty this browser's session (sign-in, complaint reporter passes), keeping the language."""
    kept = {key: session[key] for key in KEPT_AFTER_LOGOUT if key in session}
    session.clear()
    session.update(kept)


@bp.post("/akun/keluar")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            services.log_out(current_user._get_current_object())
        logout_user()
        forget_session()
        flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("core.home"))


@bp.post("/akun/keluar-semua-perangkat")
@login_required
def logout_everywhere():
    if ActionForm().validate_on_submit():
        services.log_out(current_user._get_current_object(), everywhere=True)
        logout_user()
        forget_session()
        flash(_("Anda sudah keluar dari semua perangkat. Silakan masuk lagi."), "info")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.profile"))


# --- passwords -----------------------------------------------------------------------------------

@bp.route("/akun/lupa-sandi", methods=["GET", "POST"])
@limiter.limit(_email_limit, methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return redirect(url_for("accounts.check_email", reason="reset"))
    return render_template("accounts/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/akun/atur-ulang-sandi/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        services.user_for_reset_token(token)
    except services.InvalidToken as e:
        return render_template("accounts/reset_failed.html", message=e.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        reset = run_for_form(lambda: services.reset_password(token, form.password.data), form)
        if reset is not REFUSED:
            logout_user()
            forget_session()
            flash(_("Kata sandi sudah diganti. Silakan masuk dengan kata sandi baru."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200


@bp.route("/akun/ganti-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        changed = run_for_form(lambda: services.change_password(
            current_user, current_password=form.current_password.data, new_password=form.password.data), form)
        if changed is not REFUSED:
            # Keep this session (the new stamp ends the others); pass the user, not the proxy.
            login_user(current_user._get_current_object())
            flash(_("Kata sandi sudah diganti. Sesi di perangkat lain telah diakhiri."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form), 400 if form.errors else 200


# --- profile -------------------------------------------------------------------------------------

@bp.route("/akun/profil", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        saved = run_for_form(lambda: services.update_profile(
            current_user, full_name=form.full_name.data, phone=form.phone.data, locale=form.locale.data,
            notice_frequency=form.notice_frequency.data), form)
        if saved is not REFUSED:
            session["lang"] = current_user.locale
            flash(_("Profil sudah disimpan."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, action_form=ActionForm()), 400 if form.errors else 200


def _current_locale():
    from core.i18n import select_locale
    return select_locale()


# --- organisations -------------------------------------------------------------------------------

@bp.get("/organisasi")
def organisations():
    query = select(Organisation).where(Organisation.status == ORG_VERIFIED)
    q = (request.args.get("q") or "").strip()[:100]
    kind = request.args.get("jenis") or ""
    if q:
        query = query.where(func.lower(Organisation.name).contains(q.lower(), autoescape=True))
    if kind in ORGANISATION_KINDS:
        query = query.where(Organisation.kind == kind)
    page = paginate(query.order_by(func.lower(Organisation.name)))
    return render_template("accounts/organisations.html", page=page, q=q, kind=kind, kinds=ORGANISATION_KINDS)


@bp.route("/organisasi/daftar", methods=["GET", "POST"])
@login_required
def register_organisation():
    if not permissions.can(current_user, "organisation.register"):
        flash(_("Verifikasi alamat e-mail Anda dahulu sebelum mendaftarkan organisasi."), "warning")
        return redirect(url_for("accounts.profile"))
    form = OrganisationForm()
    if form.validate_on_submit():
        org = run_for_form(lambda: services.register_organisation(
            current_user, name=form.name.data, kind=form.kind.data,
            registration_number=form.registration_number.data, description=form.description.data,
            address=form.address.data, email=form.email.data, phone=form.phone.data,
            website=form.website.data, position=form.position.data,
            document=(form.document.data.filename, form.document.data.read())), form)
        if org is not REFUSED:
            flash(_("Pendaftaran organisasi terkirim. Moderator akan memeriksanya dan memberi kabar lewat e-mail."),
                  "success")
            return redirect(url_for("accounts.organisation", org_id=org.id))
    return render_template("accounts/organisation_form.html", form=form, max_mb=_upload_max_mb()), \
        400 if form.errors or form.form_errors else 200


def _upload_max_mb():
    return round(current_app.config["UPLOAD_MAX_BYTES"] / 1048576, 1)


@bp.get("/organisasi/<int:org_id>/dokumen")
@login_required
def organisation_document(org_id):
    """The organisation's SK or deed, for moderators, admins and its contact person only."""
    org = services.get_organisation(org_id)
    permissions.require(current_user, "organisation.document", org)
    if not org.document_stored_name:
        abort(404)
    return send_stored(org.document_stored_name, content_type=org.document_content_type,
                       download_name=org.document_filename)


@bp.get("/organisasi/<int:org_id>")
def organisation(org_id):
    org = services.get_organisation(org_id)
    permissions.require(current_user, "organisation.view", org)
    return render_template("accounts/organisation.html", org=org, join_form=JoinOrganisationForm(),
                           action_form=ActionForm(), membership=org.membership_of(current_user))


@bp.post("/organisasi/<int:org_id>/gabung")
@login_required
def join_organisation(org_id):
    org = services.get_organisation(org_id)
    permissions.require(current_user, "organisation.join", org)
    form = JoinOrganisationForm()
    if not form.validate_on_submit():
        return render_template("accounts/organisation.html", org=org, join_form=form, action_form=ActionForm(),
                               membership=None), 400
    services.request_membership(current_user, org, position=form.position.data)
    flash(_("Permintaan bergabung terkirim ke narahubung organisasi."), "success")
    return redirect(url_for("accounts.organisation", org_id=org.id))


@bp.post("/organisasi/<int:org_id>/keluar")
@login_required
def leave_organisation(org_id):
    org = services.get_organisation(org_id)
    if ActionForm().validate_on_submit():
        perform(lambda: services.leave_organisation(current_user, org),
                success=_("Anda sudah keluar dari organisasi ini."), success_category="info")
    return redirect(url_for("accounts.organisation", org_id=org.id))


@bp.post("/organisasi/keanggotaan/<int:membership_id>/<any(setujui,tolak):decision>")
@login_required
def decide_membership(membership_id, decision):
    membership = services.get_membership(membership_id)
    permissions.require(current_user, "organisation.manage_members", membership.organisation)
    if ActionForm().validate_on_submit():
        perform(lambda: services.decide_membership(current_user, membership, approve=decision == "setujui"),
                success=_("Keputusan keanggotaan sudah disimpan."))
    return redirect(safe_next(url_for("accounts.organisation", org_id=membership.organisation_id)))
