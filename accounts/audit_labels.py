"""How the audit log names the actions on people, organisations and units."""
from core.audit import label_actions, label_objects
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext as _p

label_actions({
    "user.registered": _l("Pengguna mendaftar"),
    "user.admin_created": _l("Pengguna dibuat oleh admin"),
    "user.email_verified": _l("E-mail diverifikasi"),
    "user.logged_in": _l("Pengguna masuk"),
    "user.logged_out": _l("Pengguna keluar"),
    "user.logged_out_everywhere": _l("Pengguna keluar dari semua perangkat"),
    "user.password_changed": _l("Kata sandi diganti"),
    "user.password_reset": _l("Kata sandi diatur ulang"),
    "user.profile_updated": _l("Profil diubah"),
    "user.role_changed": _l("Peran diubah"),
    "user.activated": _l("Akun diaktifkan"),
    "user.deactivated": _l("Akun dinonaktifkan"),
    "user.asn_confirmed": _l("ASN dikonfirmasi"),
    "user.asn_rejected": _l("ASN ditolak"),
    "user.unit_manager_set": _l("Dijadikan pengelola unit"),
    "user.unit_manager_unset": _l("Tidak lagi pengelola unit"),
    "organisation.registered": _l("Organisasi mendaftar"),
    "organisation.verified": _l("Organisasi diverifikasi"),
    "organisation.rejected": _l("Organisasi ditolak"),
    "organisation.membership_requested": _l("Keanggotaan organisasi diminta"),
    "organisation.membership_approved": _l("Keanggotaan organisasi disetujui"),
    "organisation.membership_rejected": _l("Keanggotaan organisasi ditolak"),
    "organisation.member_left": _l("Anggota keluar dari organisasi"),
    "unit.created": _l("Unit dibuat"),
    "unit.updated": _l("Unit diubah"),
})

# An object type's label is a singular noun in English ("Pengguna": "User" here, "Users" in the menu).
label_objects({
    "user": _p("objek audit", "Pengguna"),
    "organisation": _p("objek audit", "Organisasi"),
    "unit": _p("objek audit", "Unit"),
    "organisationmembership": _p("objek audit", "Keanggotaan organisasi"),
})
