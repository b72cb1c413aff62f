"""How the audit log names core's own actions (the calendar and the outbox)."""
from .audit import label_actions, label_objects
from .i18n import lazy_gettext as _l
from .i18n import lazy_pgettext as _p

label_actions({
    "calendar.date_added": _l("Tanggal kalender ditambahkan"),
    "calendar.date_removed": _l("Tanggal kalender dihapus"),
    "outbox.retried": _l("Pesan keluar dikirim ulang"),
})

# An object type's label is a singular noun in English ("Pengguna": "User" here, "Users" in the menu).
label_objects({
    "site": _p("objek audit", "Situs"),
    "calendardate": _p("objek audit", "Tanggal kalender"),
    "outboxmessage": _p("objek audit", "Pesan keluar"),
})
