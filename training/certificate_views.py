"""Certificate pages: the learner's list, public verification (page and JSON), the PDF, revocation."""
from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import Schema, fields

from core import clock, openapi, permissions
from core.i18n import gettext as _
from core.page_cache import cached_for_visitors
from core.web import REFUSED, paginate, run_for_form

from . import api_bp, bp
from . import certificate_services as services
from .certificate_forms import RevokeForm, VerifyLookupForm


@bp.get("/sertifikat-saya")
@login_required
def my_certificates():
    page = paginate(services.certificates_query(current_user))
    # A newer certificate for the same module supersedes an older one, which stays listed, dimmed.
    superseded = services.superseded_ids([c for c in page.items])
    return render_template("training/certificates.html", page=page, now=clock.now(), superseded=superseded,
                           labels=services.STATUS_LABELS)


def _certificate_page(certificate, form=None, status=200):
    private = services.can_view_private(current_user, certificate)
    can_revoke = permissions.can(current_user, "certificate.revoke", certificate)
    if can_revoke and form is None:
        form = RevokeForm(formdata=None)
    response = make_response(render_template(
        "training/certificate.html", certificate=certificate, now=clock.now(), private=private,
        can_revoke=can_revoke and certificate.revoked_at is None, form=form, labels=services.STATUS_LABELS), status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/sertifikat/<code>", endpoint="certificate")
@cached_for_visitors("training")
def verify_certificate(code):
    certificate = services.get_by_code(code)
    if code != certificate.code:
        return redirect(url_for("training.certificate", code=certificate.code))
    return _certificate_page(certificate)


@bp.get("/periksa")
def verify_lookup():
    form = VerifyLookupForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("training.certificate", code=services.normalise_code(form.kode.data)))
    return render_template("training/verify_lookup.html", form=form), 400 if request.args else 200


@bp.get("/sertifikat/<code>.pdf")
def certificate_pdf(code):
    certificate = services.get_by_code(code)
    if not services.can_view_private(current_user, certificate):
        abort(403)
    response = make_response(services.render_pdf(certificate))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="sertifikat-{certificate.code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/sertifikat/<code>/cabut")
@permissions.permission_required("certificate.revoke")
def revoke_certificate(code):
    certificate = services.get_by_code(code)
    form = RevokeForm()
    if form.validate_on_submit():
        revoked = run_for_form(lambda: services.revoke(current_user, certificate, reason=form.reason.data), form)
        if revoked is not REFUSED:
            flash(_("Sertifikat %(code)s dicabut.", code=certificate.code), "success")
            return redirect(url_for("training.certificate", code=certificate.code))
    return _certificate_page(certificate, form=form, status=400)


# --- the JSON API -------------------------------------------------------------------------------

def _iso(moment):
    return moment.isoformat() if moment else None


def public_view(certificate, now=None):
    """What anyone holding the code may know: never the NIP, the e-mail or the revoke reason."""
    return {"code": certificate.code, "holder_name": certificate.holder_name, "module": certificate.module_title,
            "issued_at": _iso(certificate.issued_at), "expires_at": _iso(certificate.expires_at),
            "status": certificate.status(now), "revoked_at": _iso(certificate.revoked_at)}


class CertificateOut(Schema):
    """public_view's answer, for the OpenAPI document."""
    code = fields.String(required=True)
    holder_name = fields.String(required=True)
    module = fields.String(required=True)
    issued_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(allow_none=True, required=True)
    status = fields.String(required=True)
    revoked_at = fields.DateTime(allow_none=True, required=True)


@api_bp.get("/certificates/<code>")
@openapi.operation("Verify a training certificate by its code",
                   responses={200: ("holder, module, dates and status", CertificateOut),
                              404: ("no such certificate", openapi.Error)})
def api_certificate(code):
    return jsonify(public_view(services.get_by_code(code)))
