"""Which language a request is served in: Bahasa Indonesia unless the person chose otherwise."""
from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # CLI, worker: callers that write to a person wrap the work in force_locale().
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        # Other systems say what they want in Accept-Language; Indonesian otherwise.
        return request.accept_languages.best_match(list(languages), default="id")
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["APP_TIMEZONE"]
