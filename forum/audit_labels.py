"""How the audit log names the actions of the Forum Konsultasi Publik."""
from core.audit import label_actions, label_objects
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext as _p

label_actions({
    "consultation.response_deadline_moved": _l("Tenggat tanggapan resmi disesuaikan karena perubahan kalender"),
    "consultation.meeting_rescheduled": _l("Jadwal pertemuan konsultasi diubah"),
    "consultation.created": _l("Konsultasi dibuat"),
    "consultation.updated": _l("Konsultasi diubah"),
    "consultation.published": _l("Konsultasi dibuka untuk masukan"),
    "consultation.closed": _l("Konsultasi ditutup"),
    "consultation.follow_up": _l("Konsultasi masuk tahap tindak lanjut"),
    "consultation.completed": _l("Konsultasi selesai"),
    "consultation.document_added": _l("Dokumen konsultasi ditambahkan"),
    "consultation.document_removed": _l("Dokumen konsultasi dihapus"),
    "consultation.registered": _l("Peserta mendaftar"),
    "consultation.registration_cancelled": _l("Pendaftaran peserta dibatalkan"),
    "consultation.attendance": _l("Kehadiran peserta dicatat"),
    "forum.response_given": _l("Tanggapan resmi diberikan"),
    "forum.response_changed": _l("Tanggapan resmi diubah"),
    "forum.input_hidden": _l("Masukan disembunyikan"),
    "forum.input_unhidden": _l("Masukan ditampilkan lagi"),
    "forum.reply_hidden": _l("Balasan disembunyikan"),
    "forum.reply_unhidden": _l("Balasan ditampilkan lagi"),
    "forum.flag_dismissed": _l("Laporan konten diabaikan"),
    "forum.input_converted": _l("Masukan dijadikan pengaduan"),
    # Stored codes keep their old words: "thread" is an input, "berita_acara" the minutes.
    "forum.thread_locked": _l("Utas dikunci"),
    "forum.thread_unlocked": _l("Utas dibuka kembali"),
    "berita_acara.created": _l("Berita acara dibuat"),
    "berita_acara.updated": _l("Berita acara diubah"),
    "berita_acara.published": _l("Berita acara diterbitkan"),
    "berita_acara.scan_uploaded": _l("Pindaian berita acara diunggah"),
    "follow_up_action.updated": _l("Tindak lanjut diperbarui"),
})

# An object type's label is a singular noun in English ("Pengguna": "User" here, "Users" in the menu).
label_objects({
    "consultation": _p("objek audit", "Konsultasi"),
    "consultationdocument": _p("objek audit", "Dokumen konsultasi"),
    "participant": _p("objek audit", "Peserta"),
    "foruminput": _p("objek audit", "Masukan"),
    "forumreply": _p("objek audit", "Balasan"),
    "officialresponse": _p("objek audit", "Tanggapan resmi"),
    "flag": _p("objek audit", "Laporan konten"),
    "beritaacara": _p("objek audit", "Berita acara"),  # Minutes.__stored_type__
    "followupaction": _p("objek audit", "Tindak lanjut"),
})
