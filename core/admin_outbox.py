"""Admin page for the outbox: what waits, what failed and why, and a retry for failed messages."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, select

from . import admin_bp as bp
from . import admin_menu, outbox
from .extensions import db
from .forms import ActionForm
from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .outbox import FAILED, PENDING, SENT, HeldBack, OutboxMessage
from .permissions import permission_required
from .web import paginate, perform

# The filter values in the URL; the first is the default: what needs an admin's eye.
STATUS_FILTERS = {
    "perlu-perhatian": ((FAILED, PENDING), _l("Gagal dan menunggu")),
    FAILED: ((FAILED,), _l("Gagal")),
    PENDING: ((PENDING,), _l("Menunggu")),
    SENT: ((SENT,), _l("Terkirim")),
    "semua": ((FAILED, PENDING, SENT), _l("Semua")),
}
STATUS_LABELS = {PENDING: _l("Menunggu"), SENT: _l("Terkirim"), FAILED: _l("Gagal")}

admin_menu.add("admin.outbox", _l("Kotak keluar"), "outbox.manage", order=60)
KIND_LABELS = {
    outbox.EMAIL: _l("E-mail"),
    outbox.FORWARD: _l("Penerusan ke SP4N-LAPOR!"),
    outbox.FORWARD_UPDATE: _l("Pembaruan ke SP4N-LAPOR!"),
}


def error_summary(message):
    """What went wrong, in the reader's language; the raw error (often a receiver's English) is
    shown beside it for whoever must fix it."""
    if message.status == FAILED:
        return _("Pengiriman gagal dan dihentikan setelah %(n)s percobaan.", n=message.attempts)
    if message.status == SENT:
        return _("Terkirim, tetapi jawaban penerima tidak dapat dicatat.")
    if message.last_error == HeldBack.NOTE:
        return _("Menunggu pesan sebelumnya untuk penerima atau pengaduan yang sama terkirim lebih dulu.")
    if message.attempts == 0:
        return _("Menunggu pengaturan pengiriman; belum ada percobaan.")
    return _("Percobaan terakhir gagal; pesan akan dicoba lagi.")


# endpoint "outbox" names the page; the function has another name so as not to hide the module.
@bp.get("/outbox", endpoint="outbox")
@permission_required("outbox.manage")
def outbox_page():
    status = request.args.get("status", "")
    if status not in STATUS_FILTERS:
        status = next(iter(STATUS_FILTERS))
    statuses = STATUS_FILTERS[status][0]
    query = (select(OutboxMessage).where(OutboxMessage.status.in_(statuses))
             # Failed first (they need someone), then waiting, then sent; newest first in each.
             .order_by(case((OutboxMessage.status == FAILED, 0), (OutboxMessage.status == PENDING, 1), else_=2),
                       OutboxMessage.id.desc()))
    return render_template("admin/outbox.html", page=paginate(query), status=status,
                           filters=[(value, label) for value, (_statuses, label) in STATUS_FILTERS.items()],
                           summary=outbox.summary(), STATUS_LABELS=STATUS_LABELS, KIND_LABELS=KIND_LABELS,
                           FAILED=FAILED, error_summary=error_summary)


@bp.post("/outbox/<int:message_id>/kirim-ulang")
@permission_required("outbox.manage")
def retry_outbox_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    if ActionForm().validate_on_submit():  # nothing but the CSRF token travels
        perform(lambda: outbox.retry(current_user, message),
                success=_("Pesan dijadwalkan untuk dikirim ulang; worker akan mengirimnya sebentar lagi."))
    return redirect(url_for("admin.outbox", status=request.args.get("status") or None))
