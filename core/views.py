"""The site frame: home page, language switch, health check."""
from flask import abort, current_app, jsonify, redirect, render_template, session, url_for
from flask_login import current_user

from core.web import safe_next

from . import bp
from .extensions import db
from .health import database_answers


@bp.get("/")
def home():
    return render_template("home.html")


@bp.post("/bahasa/<lang>")
def set_language(lang):
    from accounts import services as account_services
    from accounts.forms import ActionForm

    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    if ActionForm().validate_on_submit():
        session["lang"] = lang
        account_services.set_locale(current_user, lang)  # never refused: lang is one of LANGUAGES
    return redirect(safe_next(url_for("core.home")))


@bp.get("/tentang")
def about():
    return render_template("about.html")


@bp.get("/privasi")
def privacy():
    """The privacy notice, one template per language, with the configured numbers and contact."""
    from flask_babel import get_locale
    config = current_app.config
    language = "en" if str(get_locale()) == "en" else "id"
    return render_template(f"privacy/{language}.html",
                           retention_months=config["COMPLAINT_IDENTITY_RETENTION_MONTHS"],
                           contact_email=config["PRIVACY_CONTACT_EMAIL"],
                           upload_max_mb=round(config["UPLOAD_MAX_BYTES"] / 1048576, 1))


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not, within HEALTHZ_TIMEOUT either way."""
    if not database_answers(db.engine, current_app.config["HEALTHZ_TIMEOUT"], current_app.logger):
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
