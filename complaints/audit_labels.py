"""How the audit log names the staff's actions on complaints (the case timeline has its own words)."""
from core.audit import label_actions, label_objects
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext as _p

label_actions({
    "complaint.verified": _l("Pengaduan diverifikasi"),
    "complaint.rerouted": _l("Pengaduan dialihkan ke unit lain"),
    "complaint.rejected": _l("Pengaduan ditolak"),
    "complaint.forwarded": _l("Pengaduan diteruskan ke SP4N-LAPOR!"),
    "complaint.identity_erased": _l("Identitas pelapor dihapus setelah masa simpan"),
    "complaint.accompaniment_requested": _l("Pelapor meminta organisasi mengawal pengaduan"),
    "complaint.accompaniment_withdrawn": _l("Pelapor menarik permintaan pengawalan"),
    "complaint.accompaniment_accepted": _l("Organisasi menerima permintaan pengawalan"),
    "complaint.accompaniment_declined": _l("Organisasi menolak permintaan pengawalan"),
    "complaint.accompaniment_ended": _l("Pengawalan pengaduan diakhiri"),
    "complaint.accompaniment_note": _l("Organisasi pengawal menambahkan catatan"),

    "complaint.public_list_hidden": _l("Pengaduan dikeluarkan dari daftar pengaduan publik"),
    "complaint.public_list_shown": _l("Pengaduan dikembalikan ke daftar pengaduan publik"),
})

# An object type's label is a singular noun in English ("Pengguna": "User" here, "Users" in the menu).
label_objects({"complaint": _p("objek audit", "Pengaduan")})
