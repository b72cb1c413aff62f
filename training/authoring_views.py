"""Admin pages under /pelatihan/kelola: modules, lessons, questions, JSON export and import."""
import re

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core import admin_menu
from core.extensions import db
from core.forms import ActionForm
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.permissions import permission_required
from core.web import REFUSED, perform, run_for_form, safe_next

from accounts.models import User

from . import authoring_services as services
from . import bp, report_services
from .authoring_forms import ImportForm, LessonForm, ModuleForm, QuestionForm

admin_menu.add("training.manage", _l("Pelatihan"), "training.author", order=80)


@bp.get("/kelola")
@permission_required("training.author")
def manage():
    return render_template("training/manage_list.html", rows=services.module_list())


def _module_form(module=None):
    form = ModuleForm(obj=module)
    form.prerequisite_id.choices = [("", _("— tanpa prasyarat —"))] + [
        (m.id, m.title) for m in services.prerequisite_choices(module)]
    return form


@bp.route("/kelola/baru", methods=["GET", "POST"])
@bp.route("/kelola/<slug>", methods=["GET", "POST"])
@permission_required("training.author")
def edit_module(slug=None):
    module = services.get_module(slug) if slug else None
    form = _module_form(module)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in services.MODULE_FIELDS}
        saved = run_for_form(lambda: services.save_module(current_user, module, **values), form)
        if saved is not REFUSED:
            flash(_("Modul %(title)s sudah disimpan.", title=saved.title), "success")
            return redirect(url_for("training.edit_module", slug=saved.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("training/manage_module.html", form=form, module=module, action_form=ActionForm(),
                           bank_warning=services.bank_warning(module)), status


# --- lessons -----------------------------------------------------------------------------------

@bp.route("/kelola/<slug>/pelajaran/baru", methods=["GET", "POST"])
@bp.route("/kelola/<slug>/pelajaran/<int:lesson_id>", methods=["GET", "POST"])
@permission_required("training.author")
def edit_lesson(slug, lesson_id=None):
    module = services.get_module(slug)
    lesson = services.get_lesson(module, lesson_id) if lesson_id else None
    form = LessonForm(obj=lesson)
    preview = None
    def save():
        if lesson is None:
            return services.add_lesson(current_user, module, title=form.title.data, body=form.body.data)
        return services.update_lesson(current_user, lesson, title=form.title.data, body=form.body.data)

    if form.validate_on_submit():
        if form.preview.data:
            preview = form.body.data  # shown rendered below the form; nothing is saved
        elif run_for_form(save, form) is not REFUSED:
            flash(_("Pelajaran %(title)s sudah disimpan.", title=form.title.data.strip()), "success")
            return redirect(url_for("training.edit_module", slug=module.slug) + "#pelajaran")
    status = 400 if form.errors or form.form_errors else 200
    return render_template("training/manage_lesson.html", form=form, module=module, lesson=lesson,
                           preview=preview), status


@bp.post("/kelola/<slug>/pelajaran/<int:lesson_id>/hapus")
@permission_required("training.author")
def delete_lesson(slug, lesson_id):
    module = services.get_module(slug)
    lesson = services.get_lesson(module, lesson_id)
    if ActionForm().validate_on_submit():
        perform(lambda: services.delete_lesson(current_user, lesson), success=_("Pelajaran dihapus."))
    return redirect(url_for("training.edit_module", slug=module.slug) + "#pelajaran")


@bp.post("/kelola/<slug>/pelajaran/<int:lesson_id>/<any(naik,turun):direction>")
@permission_required("training.author")
def move_lesson(slug, lesson_id, direction):
    module = services.get_module(slug)
    lesson = services.get_lesson(module, lesson_id)
    if ActionForm().validate_on_submit():
        services.move_lesson(current_user, lesson, "up" if direction == "naik" else "down")
    return redirect(url_for("training.edit_module", slug=module.slug) + "#pelajaran")


# --- questions ---------------------------------------------------------------------------------

@bp.route("/kelola/<slug>/pertanyaan/baru", methods=["GET", "POST"])
@bp.route("/kelola/<slug>/pertanyaan/<int:question_id>", methods=["GET", "POST"])
@permission_required("training.author")
def edit_question(slug, question_id=None):
    module = services.get_module(slug)
    question = services.get_question(module, question_id) if question_id else None
    if request.method == "POST":
        form = QuestionForm()
    elif question is not None:
        form = QuestionForm(kind=question.kind, text=question.text, explanation=question.explanation,
                            active=question.active, lesson_id=question.lesson_id,
                            options=[{"text": o.text, "correct": o.correct} for o in question.options])
    else:
        form = QuestionForm()
    form.lesson_id.choices = [("", _("— tanpa pelajaran tertentu —"))] + [
        (lesson.id, f"{lesson.position}. {lesson.title}") for lesson in module.lessons]
    if form.validate_on_submit():
        options = [(entry.form.text.data, entry.form.correct.data) for entry in form.options]
        saved = run_for_form(lambda: services.save_question(
            current_user, module, question, kind=form.kind.data, text=form.text.data,
            explanation=form.explanation.data, options=options, active=form.active.data,
            lesson_id=form.lesson_id.data), form)
        if saved is not REFUSED:
            flash(_("Pertanyaan sudah disimpan."), "success")
            return redirect(url_for("training.edit_module", slug=module.slug) + "#pertanyaan")
    status = 400 if form.errors or form.form_errors else 200
    return render_template("training/manage_question.html", form=form, module=module, question=question), status


@bp.post("/kelola/<slug>/pertanyaan/<int:question_id>/hapus")
@permission_required("training.author")
def delete_question(slug, question_id):
    module = services.get_module(slug)
    question = services.get_question(module, question_id)
    if ActionForm().validate_on_submit():
        perform(lambda: services.delete_question(current_user, question), success=lambda deleted: (
            _("Pertanyaan dihapus.") if deleted else
            _("Kuis modul ini sudah pernah dikerjakan, jadi pertanyaan dinonaktifkan (tidak dihapus) "
              "agar riwayat percobaan tetap utuh.")))
    return redirect(url_for("training.edit_module", slug=module.slug) + "#pertanyaan")


# --- export and import -------------------------------------------------------------------------

@bp.get("/kelola/<slug>/ekspor.json")
@permission_required("training.author")
def export_module(slug):
    module = services.get_module(slug)
    filename = re.sub(r"[^a-z0-9-]", "", module.slug) or "modul"
    return Response(services.export_json(module), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.json"'})


@bp.route("/kelola/impor", methods=["GET", "POST"])
@permission_required("training.author")
def import_module():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(services.MAX_FILE_BYTES + 1) if upload and hasattr(upload, "read") else b""
        module = run_for_form(lambda: services.import_module(
            services.parse_module_file(raw), actor=current_user, replace=form.replace.data), form)
        if module is not REFUSED:
            flash(_("Modul %(title)s sudah diimpor.", title=module.title), "success")
            return redirect(url_for("training.edit_module", slug=module.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("training/manage_import.html", form=form), status


# --- unit managers -----------------------------------------------------------------------------

@bp.post("/kelola/pengelola/<int:user_id>")
@permission_required("training.author")
def toggle_unit_manager(user_id):
    user = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        wanted = request.form.get("value")
        value = (not user.unit_manager) if wanted not in ("0", "1") else wanted == "1"
        perform(lambda: report_services.set_unit_manager(current_user, user, value), success=(
            _("%(name)s sekarang pengelola unit (melihat laporan pelatihan unitnya).", name=user.full_name)
            if value else _("%(name)s bukan lagi pengelola unit.", name=user.full_name)))
    return redirect(safe_next(url_for("admin.user", user_id=user.id)))
