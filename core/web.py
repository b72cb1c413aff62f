"""Small helpers the views of every pillar share."""
from contextlib import nullcontext
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, has_request_context, jsonify, make_response, request
from wtforms import FieldList

from .errors import DomainError, NotAllowed
from .extensions import db


def attach_error(form, error):
    """Show a service's DomainError next to its field, or above the form when it names none (or
    names rows, e.g. a question's options, which have no single place for it)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and not isinstance(field, FieldList):
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(default):
    """A `next` URL only when it stays on this site (no open redirect)."""
    target = request.values.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


# No list has a millionth page; a larger number would overflow the OFFSET (PostgreSQL's bigint,
# SQLite's 64-bit integer) and answer 500 instead of the "no such page" it is.
MAX_PAGE = 1_000_000


def parse_page(value):
    """A page number from a query string: an int from 1 up (MAX_PAGE + 1 for any larger number),
    or None when it is not a positive whole number."""
    digits = (value or "").strip().lstrip("0")
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    # Longer digit strings are not converted at all (int() refuses over 4,300 digits).
    return min(int(digits), MAX_PAGE + 1) if len(digits) <= len(str(MAX_PAGE)) else MAX_PAGE + 1


def page_number():
    """The requested page: 400 when it is not a positive number, 404 when past any list's end."""
    raw = request.args.get("page")
    page = 1 if raw is None else parse_page(raw)
    if page is None:
        abort(400)
    if page > MAX_PAGE:
        abort(404)
    return page


def paginate(query):
    """Paginate a select() with the site's page size; page numbers past the end give 404."""
    return db.paginate(query, page=page_number(), per_page=current_app.config["PER_PAGE"], error_out=True)


def links_context():
    """Outside a request (worker, CLI), a request context on EXTERNAL_URL so url_for builds links."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config["EXTERNAL_URL"])


def with_links(fn):
    """Run `fn` where url_for(..., _external=True) works, inside a request or not."""
    @wraps(fn)
    def wrapped(*args, **kwargs):
        with links_context():
            return fn(*args, **kwargs)
    return wrapped


REFUSED = object()  # what run_for_form() and perform() return when a rule said no


# How a view calls a service (the service checks the rule and raises a DomainError with the
# sentence for the user); pick by where the refusal is shown:
# - run_for_form: a page whose form is drawn again, with a 400, when refused (new, edit, import);
# - perform: a button or small form whose view redirects either way (the outcome is flashed);
# - run_or_answer / run_for_api: a refusal that is a whole answer of its own (a JSON body, a
#   plain-text CSV refusal, a report page with the sentence).
# In each, NotAllowed propagates (the error handler answers 403) and a refusal rolls back.

def _attempt(action, refused):
    """The one place a view meets a rule's refusal: `action()`'s result, or `refused(error)`'s."""
    try:
        return action()
    except NotAllowed:
        raise
    except DomainError as e:
        db.session.rollback()
        return refused(e)


def run_for_form(action, form):
    """Run one service call behind a form page: its result, or REFUSED when a rule said no.

    For a page that draws its form again (with a 400) when refused: the refusal is shown on
    `form`, next to its field or above the form. The view flashes its own success (it often
    names what was saved) and redirects.
    """
    def show_on_form(error):
        attach_error(form, error)
        return REFUSED
    return _attempt(action, show_on_form)


def perform(action, *, success=None, form=None, success_category="success", refusal_category="danger"):
    """Run one service call behind a button: its result, or REFUSED when a rule said no.

    For a view that redirects whatever the outcome. A refusal is flashed (`refusal_category`),
    unless it names a field of `form`: then it is shown next to that field, and `form.errors`
    tells the view to draw the page with the form again (a 400) instead of redirecting.
    Success flashes `success` (`success_category`): a sentence, a function of the result that
    returns one, or None for nothing to say.
    """
    def show(error):
        if form is not None and error.field and getattr(form, error.field, None) is not None:
            attach_error(form, error)
        else:
            flash(error.message, refusal_category)
        return REFUSED
    result = _attempt(action, show)
    if result is not REFUSED and success is not None:
        flash(success(result) if callable(success) else success, success_category)
    return result


def run_or_answer(action, answer):
    """Run one service call whose refusal is a whole answer of its own: its result, or the
    request ends with `answer(error)` (a response, or what a view may return)."""
    def end_with(error):
        abort(make_response(answer(error)))
    return _attempt(action, end_with)


def _api_refusal(error):
    """The JSON API's answer to a refusal: {"errors": {field or "_": [sentence]}} with the
    error's status (400, or its own, e.g. 422 for a reused Idempotency-Key)."""
    return jsonify(errors={error.field or "_": [error.message]}), error.status_code


def run_for_api(action):
    """Run one service call for a JSON API view: its result, or the request ends with the API's
    answer to the refusal (the field errors of FieldErrors in core/openapi.py)."""
    return run_or_answer(action, _api_refusal)

