"""How the audit log names the actions of training: authoring, quizzes and certificates."""
from core.audit import label_actions, label_objects
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext as _p

label_actions({
    "training.module_created": _l("Modul dibuat"),
    "training.module_updated": _l("Modul diubah"),
    "training.module_imported": _l("Modul diimpor"),
    "training.lesson_added": _l("Pelajaran ditambahkan"),
    "training.lesson_updated": _l("Pelajaran diubah"),
    "training.lesson_moved": _l("Urutan pelajaran diubah"),
    "training.lesson_deleted": _l("Pelajaran dihapus"),
    "training.question_added": _l("Pertanyaan ditambahkan"),
    "training.question_updated": _l("Pertanyaan diubah"),
    "training.question_deactivated": _l("Pertanyaan dinonaktifkan"),
    "training.question_deleted": _l("Pertanyaan dihapus"),
    "training.quiz_started": _l("Kuis dimulai"),
    "training.quiz_submitted": _l("Jawaban kuis dikirim"),
    "certificate.issued": _l("Sertifikat diterbitkan"),
    "certificate.revoked": _l("Sertifikat dicabut"),
})

# An object type's label is a singular noun in English ("Pengguna": "User" here, "Users" in the menu).
label_objects({
    "trainingmodule": _p("objek audit", "Modul"),
    "lesson": _p("objek audit", "Pelajaran"),
    "question": _p("objek audit", "Pertanyaan"),
    "quizattempt": _p("objek audit", "Percobaan kuis"),
    "certificate": _p("objek audit", "Sertifikat"),
})
