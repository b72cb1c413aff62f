"""The learner's pages: the catalogue, a module, its lessons, the quiz and its result."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core import clock, permissions
from core.errors import NotAllowed
from core.forms import ActionForm
from core.i18n import gettext as _
from core.web import REFUSED, perform

from . import bp
from . import certificate_services
from . import learning_services as services
from .learning_forms import CatalogueFilterForm, QuizForm, answers_from
from .models import AUDIENCES


def _user():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the catalogue --------------------------------------------------------------------------------------

@bp.get("/")
def index():
    now = clock.now()
    form = CatalogueFilterForm(request.args)
    audience, status = None, 200
    if request.args.get("sasaran"):
        if form.validate():
            audience = form.sasaran.data or None
        else:
            status = 400
    entries = services.module_catalogue(_user(), now, audience=audience)
    groups = [(key, label, [e for e in entries if e.module.audience == key]) for key, label in AUDIENCES.items()]
    return render_template("training/index.html", entries=entries, groups=[g for g in groups if g[2]],
                           form=form), status


# --- a module and its lessons ------------------------------------------------------------------------------

def _module_for_learner(slug):
    """The module, for those who may take it (or author it); others are refused."""
    module = services.get_module(slug, _user())
    if not (permissions.can(current_user, "training.learn", module) or services.may_author(_user())):
        raise NotAllowed(_("Modul ini tidak ditujukan untuk akun Anda."))
    return module


@bp.get("/modul/<slug>")
@login_required
def module(slug):
    now = clock.now()
    module = _module_for_learner(slug)
    prog = services.progress(_user(), module)
    certificate, certificate_status = services.user_certificate(_user(), module, now)
    return render_template(
        "training/module.html", module=module, progress=prog, now=now,
        prerequisite_met=services.prerequisite_met(_user(), module, now),
        quiz=services.quiz_info(_user(), module, now, prog),
        certificate=certificate, certificate_status=certificate_status,
        certificate_url=url_for("training.certificate", code=certificate.code) if certificate else None,
        may_learn=permissions.can(current_user, "training.learn", module), button_form=ActionForm())


@bp.get("/modul/<slug>/pelajaran/<int:position>")
@login_required
def lesson(slug, position):
    now = clock.now()
    module = _module_for_learner(slug)
    lesson = services.get_lesson(module, position)
    may_learn = permissions.can(current_user, "training.learn", module)
    if may_learn and not services.may_author(_user()) and not services.prerequisite_met(_user(), module, now):
        flash(_("Modul ini terkunci sampai modul prasyarat diselesaikan."), "warning")
        return redirect(url_for("training.module", slug=module.slug))
    positions = [lesson_.position for lesson_ in module.lessons]
    index_ = positions.index(lesson.position)
    prog = services.progress(_user(), module)
    is_read = lesson.id in prog.read_ids
    reading_left = 0
    if may_learn and not is_read:
        services.open_lesson(_user(), lesson, now)  # starts the lesson's minimum reading time
        reading_left = services.reading_seconds_left(_user(), lesson, now)
    return render_template(
        "training/lesson.html", module=module, lesson=lesson, progress=prog, may_learn=may_learn,
        is_read=is_read, button_form=ActionForm(), number=index_ + 1,
        reading_time=services.duration_text(lesson.reading_seconds) if module.reading_time_check else None,
        reading_left=services.duration_text(reading_left) if reading_left else None,
        previous=module.lessons[index_ - 1] if index_ > 0 else None,
        next=module.lessons[index_ + 1] if index_ + 1 < len(module.lessons) else None)


@bp.post("/modul/<slug>/pelajaran/<int:position>/selesai")
@login_required
def mark_read(slug, position):
    module = _module_for_learner(slug)
    lesson = services.get_lesson(module, position)
    if not ActionForm().validate_on_submit():
        abort(400)
    if perform(lambda: services.mark_read(_user(), lesson, clock.now())) is REFUSED:
        # Back to the lesson (still being read); a locked module's lesson page leads to the module.
        return redirect(url_for("training.lesson", slug=module.slug, position=lesson.position))
    later = [item for item in module.lessons if item.position > lesson.position]
    if later:
        return redirect(url_for("training.lesson", slug=module.slug, position=later[0].position))
    flash(_("Semua pelajaran sudah Anda baca. Kuis kini dapat dikerjakan."), "success")
    return redirect(url_for("training.module", slug=module.slug))


# --- the quiz ------------------------------------------------------------------------------------------

@bp.post("/modul/<slug>/kuis")
@login_required
def start_quiz(slug):
    module = _module_for_learner(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt = perform(lambda: services.start_attempt(_user(), module, clock.now()))
    if attempt is REFUSED:
        return redirect(url_for("training.module", slug=module.slug))
    return redirect(url_for("training.attempt", attempt_id=attempt.id))


def _quiz_page(attempt, form, status=200):
    now = clock.now()
    remaining = None
    if attempt.deadline_at is not None:
        remaining = max(0, int((attempt.deadline_at - now).total_seconds()))
    return _no_store(make_response(render_template(
        "training/quiz.html", attempt=attempt, module=attempt.module, sheet=services.quiz_sheet(attempt),
        form=form, remaining=remaining, remaining_minutes=(remaining + 59) // 60 if remaining is not None else None,
        expired=services.is_expired(attempt, now)), status))


@bp.get("/kuis/<int:attempt_id>")
@login_required
def attempt(attempt_id):
    attempt = services.get_attempt(attempt_id, _user())
    if attempt.submitted_at is not None:
        return redirect(url_for("training.attempt_result", attempt_id=attempt.id))
    return _quiz_page(attempt, QuizForm())


@bp.post("/kuis/<int:attempt_id>")
@login_required
def submit_attempt(attempt_id):
    attempt = services.get_attempt(attempt_id, _user())
    form = QuizForm()
    if not form.validate_on_submit():
        form.form_errors.append(_("Formulir kedaluwarsa. Jawaban Anda belum terkirim; kirim sekali lagi."))
        return _quiz_page(attempt, form, 400)
    perform(lambda: services.submit_attempt(_user(), attempt, answers_from(request.form, attempt.question_ids),
                                            clock.now()), refusal_category="warning")
    return redirect(url_for("training.attempt_result", attempt_id=attempt_id))


@bp.get("/kuis/<int:attempt_id>/hasil")
@login_required
def attempt_result(attempt_id):
    attempt = services.get_attempt(attempt_id, _user())
    if attempt.submitted_at is None:
        return redirect(url_for("training.attempt", attempt_id=attempt.id))
    certificate = services.certificate_for_attempt(attempt) if attempt.passed else None
    now = clock.now()
    return _no_store(render_template(
        "training/quiz_result.html", attempt=attempt, module=attempt.module, review=services.review(attempt, now),
        late=services.submitted_late(attempt), certificate=certificate,
        certificate_url=url_for("training.certificate", code=certificate.code) if certificate else None,
        certificate_waits=attempt.passed and certificate is None
        and certificate_services.waits_for_confirmation(attempt.user, attempt.module),
        quiz=services.quiz_info(_user(), attempt.module, now)))
