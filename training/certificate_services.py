"""Certificates: issued on a passed quiz, the PDF, public verification, revocation, expiry reminders.

A certificate keeps what it said when issued (name, NIP, module title, score), so a later change
of the account or the module never changes a certificate already handed out. Anyone holding the
code can verify it; the code is random (secrets), so certificates cannot be enumerated.
"""
import secrets
from base64 import b32encode
from datetime import timedelta
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta
from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.signals import asn_confirmed
from core import audit, clock, permissions, worker
from core.errors import DomainError, NotAllowed, NotFound
from core.extensions import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.mailer import send_email
from core.permissions import ASN
from core.web import links_context, with_links

from . import certificate_pdf
from .certificate_pdf import qr_png  # the service's name for it (tests replace it here)
from .models import Certificate, QuizAttempt, TrainingModule

__all__ = ["DomainError", "NotAllowed", "NotFound"]

CODE_PREFIX = "SRT-"
CODE_LENGTH = 12  # base32 characters: 60 random bits
BATCH = 200

STATUS_LABELS = {"valid": _l("Berlaku"), "expired": _l("Kedaluwarsa"), "revoked": _l("Dicabut")}


# --- lookups ------------------------------------------------------------------------------------

def normalise_code(code):
    return (code or "").strip().upper()


def get_by_code(code):
    """The certificate with this code (spaces and letter case do not matter), or NotFound."""
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == normalise_code(code)))
    if certificate is None:
        raise NotFound(_("Sertifikat tidak ditemukan. Periksa kembali kodenya."))
    return certificate


def certificates_query(user):
    """A learner's certificates, newest first (a select, for pages that paginate it)."""
    return (select(Certificate).options(selectinload(Certificate.module)).where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))


def certificates_of(user):
    """A learner's certificates, newest first."""
    return db.session.scalars(certificates_query(user)).all()


def superseded_ids(certificates):
    """Of these certificates (one learner's), the ids that a newer one for the same module replaces."""
    if not certificates:
        return set()
    rows = db.session.execute(
        select(Certificate.id, Certificate.module_id)
        .where(Certificate.user_id == certificates[0].user_id,
               Certificate.module_id.in_({c.module_id for c in certificates}))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()
    newest = {}
    for certificate_id, module_id in rows:
        newest.setdefault(module_id, certificate_id)
    return {c.id for c in certificates if newest.get(c.module_id) != c.id}


def status_label(certificate, now=None):
    return STATUS_LABELS[certificate.status(now)]


def can_view_private(user, certificate):
    """The holder and admins see the NIP, the revoke reason, and may download the PDF."""
    return permissions.is_admin(user) or (
        permissions.can(user, "account.use") and certificate.user_id == user.id)


def verification_url(code):
    """The public page that verifies a certificate, always on EXTERNAL_URL.

    It is printed in the PDF and its QR code, which outlive the request that made them, so it is
    the site's public address, never the host a request happened to arrive on.
    """
    parts = urlsplit(current_app.config["EXTERNAL_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme or "https")
    return adapter.build("training.certificate", {"code": code}, force_external=True)


def _module_url(module):
    return url_for("training.module", slug=module.slug, _external=True)


def _new_code():
    while True:
        code = CODE_PREFIX + b32encode(secrets.token_bytes(10)).decode()[:CODE_LENGTH]
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


# --- issuing ----------------------------------------------------------------------------------

def waits_for_confirmation(user, module):
    """An ASN module's certificate names a civil servant: it waits until a moderator confirms the ASN."""
    return module.audience == "asn" and user.asn_pending


def issue(attempt, *, now):
    """Issue the certificate for a passed attempt, once (no commit: the quiz's transaction commits).

    Earlier certificates for the same module stay as they are; the learner's page shows the newest.
    Returns None while the certificate waits for the learner's ASN confirmation (the passed attempt
    is kept and issue_waiting() issues it then).
    """
    if not attempt.passed or attempt.submitted_at is None:
        raise DomainError(_("Sertifikat hanya diberikan untuk kuis yang lulus."))
    existing = db.session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))
    if existing is not None:
        return existing
    user, module = attempt.user, attempt.module
    if waits_for_confirmation(user, module):
        return None
    confirmed_nip = user.nip if user.role == ASN and user.nip and user.asn_confirmed_at is not None else None
    certificate = Certificate(
        code=_new_code(), user_id=user.id, module_id=module.id, attempt_id=attempt.id,
        holder_name=user.full_name, holder_nip=confirmed_nip,
        module_title=module.title, score=attempt.score or 0, issued_at=now,
        expires_at=now + relativedelta(months=module.validity_months) if module.validity_months else None)
    db.session.add(certificate)
    audit.record(user, "certificate.issued", certificate, now=now, code=certificate.code, module=module.slug,
                 score=certificate.score)
    with links_context():  # a CLI import or a test may issue outside a request
        send_email(user.email, _l("Sertifikat %(module)s", module=module.title), "certificate_issued",
                   locale=user.locale, key=f"certificate:{certificate.code}", subject_obj=certificate,
                   user=user, certificate=certificate, url=verification_url(certificate.code),
                   mine_url=url_for("training.my_certificates", _external=True))
    return certificate


@asn_confirmed.connect
def issue_waiting(user, *, now, **_extra):
    """Once an ASN is confirmed, issue the certificates their passed ASN modules were waiting for
    (one per module, for the newest pass; no commit: the confirmation's transaction commits)."""
    attempts = db.session.scalars(
        select(QuizAttempt).join(TrainingModule, TrainingModule.id == QuizAttempt.module_id)
        .outerjoin(Certificate, Certificate.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.passed.is_(True), TrainingModule.audience == "asn",
               Certificate.id.is_(None))
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())).all()
    issued = set()
    for attempt in attempts:
        if attempt.module_id not in issued:
            issue(attempt, now=now)
            issued.add(attempt.module_id)


# --- revoking ---------------------------------------------------------------------------------

def revoke(actor, certificate, *, reason, now=None):
    """An admin withdraws a certificate, with a reason; it then verifies as revoked."""
    permissions.require(actor, "certificate.revoke", certificate)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Tuliskan alasan pencabutan."), field="reason")
    if certificate.revoked_at is not None:
        raise DomainError(_("Sertifikat ini sudah dicabut."))
    now = now or clock.now()
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoke_reason = now, actor.id, reason[:2000]
    audit.record(actor, "certificate.revoked", certificate, now=now, code=certificate.code, reason=reason[:2000])
    db.session.commit()
    return certificate


# --- expiry reminders ---------------------------------------------------------------------------

@worker.sweep(order=30)
@with_links
def remind_expiring(now=None):
    """Tell each learner once, TRAINING_REMINDER_DAYS before a certificate expires, to retake the module."""
    now = now or clock.now()
    horizon = now + timedelta(days=current_app.config["TRAINING_REMINDER_DAYS"])
    query = (select(Certificate.id).where(Certificate.revoked_at.is_(None), Certificate.reminder_sent_at.is_(None),
                                          Certificate.expires_at > now, Certificate.expires_at <= horizon)
             .order_by(Certificate.expires_at, Certificate.id))
    done = 0
    while True:
        ids = db.session.scalars(query.limit(BATCH).with_for_update(skip_locked=True, of=Certificate)).all()
        if not ids:
            db.session.rollback()
            return done
        for certificate_id in ids:
            # Compare-and-set: of two workers on the same row, one wins and sends.
            won = db.session.execute(
                Certificate.__table__.update()
                .where(Certificate.id == certificate_id, Certificate.reminder_sent_at.is_(None))
                .values(reminder_sent_at=now)).rowcount == 1
            if not won:
                continue
            certificate = db.session.get(Certificate, certificate_id)
            db.session.refresh(certificate)
            user = certificate.user
            send_email(user.email, _l("Sertifikat Anda akan berakhir — ikuti lagi modulnya"), "certificate_expiring",
                       locale=user.locale, key=f"certificate-expiring:{certificate.code}", subject_obj=certificate,
                       user=user, certificate=certificate, module_url=_module_url(certificate.module),
                       url=verification_url(certificate.code))
            done += 1
        db.session.commit()
        if len(ids) < BATCH:
            return done


# --- the PDF ----------------------------------------------------------------------------------

def render_pdf(certificate):
    """The certificate as an A4 landscape PDF (bytes), in Bahasa Indonesia, with a QR code to verify it.

    certificate_pdf draws it; the address printed and encoded is the public verification page.
    """
    url = verification_url(certificate.code)
    return certificate_pdf.draw(certificate, url=url, qr=qr_png(url))
