"""How the audit log names core's own actions (the calendar and the outbox)."""
from .audit import label_actions
from .i18n import lazy_gettext as _l

label_actions({
    "calendar.date_added": _l("Tanggal kalender ditambahkan"),
    "calendar.date_removed": _l("Tanggal kalender dihapus"),
    "outbox.retried": _l("Pesan keluar dikirim ulang"),
})
