"""Completion reports for admins, moderators and a unit's managers; CSV exports."""
from flask import Response, abort, render_template, request
from flask_login import current_user

from core import clock, permissions
from core.extensions import db
from core.forms import ActionForm
from core.permissions import permission_required
from core.web import paginate, run_or_answer

from . import bp
from . import report_services as services
from .models import TrainingModule


def _int_arg(name):
    value = request.args.get(name, "")
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        abort(400)


def _scope():
    """(unit or None, the units a unit filter may offer) for the current user."""
    unit = services.report_unit_for(current_user, _int_arg("unit_id"))
    if _int_arg("unit_id") and unit is None:
        abort(404)
    choices = services.unit_choices() if permissions.is_staff(current_user) else [unit]
    return unit, choices


def _csv_response(text, filename):
    return Response(text, mimetype="text/csv", content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/laporan")
@permission_required("training.report")
def reports():
    unit, choices = _scope()
    now = clock.now()
    modules = services.report_modules()
    page = paginate(services.units_query(unit))
    rows = services.completion(page.items, modules, now=now)
    by_unit = {}
    for row in rows:
        by_unit.setdefault(row["unit"].id, []).append(row)
    stats = services.module_stats(modules, unit=unit, now=now)
    return render_template("training/reports.html", unit=unit, units=choices, modules=modules, page=page,
                           by_unit=by_unit, stats=stats, mandatory=services.mandatory_modules())


@bp.get("/laporan.csv")
@permission_required("training.report")
def reports_csv():
    unit, _choices = _scope()
    filename = f"laporan-pelatihan-unit-{unit.id}.csv" if unit else "laporan-pelatihan.csv"
    return _csv_response(services.completion_csv(unit), filename)


def _mandatory_module():
    modules = services.mandatory_modules()
    module_id = _int_arg("module_id")
    if module_id is None:
        return (modules[0] if modules else None), modules
    module = db.session.get(TrainingModule, module_id)
    if module is None:
        abort(404)
    return module, modules


@bp.get("/laporan/belum-selesai")
@permission_required("training.report")
def incomplete():
    unit, choices = _scope()
    module, modules = _mandatory_module()

    def report(page=None, summary=None, error=None):
        can_toggle = permissions.can(current_user, "training.author")
        return render_template("training/report_incomplete.html", unit=unit, units=choices, module=module,
                               modules=modules, page=page, summary=summary, error=error, can_toggle=can_toggle,
                               action_form=ActionForm()), 400 if error else 200

    if module is None:
        return report()
    page = paginate(run_or_answer(lambda: services.incomplete_query(module, unit=unit),
                                  lambda error: report(error=error.message)))
    return report(page, services.attempt_summary(page.items, module))


@bp.get("/laporan/belum-selesai.csv")
@permission_required("training.report")
def incomplete_csv():
    unit, _choices = _scope()
    module, _modules = _mandatory_module()
    if module is None:
        abort(404)
    text = run_or_answer(lambda: services.incomplete_csv(module, unit), lambda error: Response(
        error.message + "\n", status=400, content_type="text/plain; charset=utf-8"))
    suffix = f"-unit-{unit.id}" if unit else ""
    return _csv_response(text, f"belum-selesai-{module.slug}{suffix}.csv")
