"""Admin page: the score's thresholds, weights, minimum cases and zone edges (defaults in the code)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from core import admin_bp, admin_menu
from core.i18n import lazy_gettext as _l
from core.i18n import gettext as _
from core.permissions import permission_required
from core.web import run_or_answer

from . import measures, score, services


admin_menu.add("admin.scorecard_settings", _l("Penilaian rapor"), "scorecard.configure", order=90)


def _page(values=None, errors=None, status=200):
    settings = score.load_settings()
    if values is None:
        values = {key: f"{value:g}" for key, value in settings.overridden.items()}
    return render_template("scorecard/admin_settings.html", groups=services.setting_fields(), settings=settings,
                           defaults=score.defaults(), values=values, errors=errors or {}, measures=measures,
                           families=measures.FAMILIES, unit_labels=measures.UNIT_LABELS), status


@admin_bp.route("/rapor", methods=["GET", "POST"], endpoint="scorecard_settings")
@permission_required("scorecard.configure")
def settings_page():
    if request.method == "GET":
        return _page()
    submitted = {key: request.form.get(key, "") for key in score.defaults()}
    # Refused: the page again with each message next to its field (SettingsError.errors), a 400.
    changes = run_or_answer(lambda: services.update_settings(current_user, submitted),
                            lambda error: _page(submitted, error.errors, status=400))
    if changes:
        flash(_("Pengaturan penilaian disimpan. Nilai rapor langsung dihitung dengan pengaturan baru."), "success")
    else:
        flash(_("Tidak ada yang berubah."), "info")
    return redirect(url_for("admin.scorecard_settings"))
