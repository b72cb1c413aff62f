"""How the audit log names the admins' changes to the scorecard's settings."""
from core.audit import label_actions
from core.i18n import lazy_gettext as _l

label_actions({
    "scorecard.settings_changed": _l("Pengaturan penilaian rapor diubah"),
    "scorecard.unit_followed": _l("Mulai memantau unit"),
    "scorecard.unit_unfollowed": _l("Berhenti memantau unit"),
})
