"""Small helpers the views of every pillar share."""
from contextlib import nullcontext
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, has_request_context, request

from .extensions import db


def attach_error(form, error):
    """Show a service's DomainError next to its field, or above the form when it has none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
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


REFUSED = object()  # what run_for_form() returns when a rule said no


def run_for_form(action, form):
    """Run one service call behind a submitted form: its result, or REFUSED when a rule said no.

    NotAllowed propagates (the error handler answers 403). Another DomainError rolls the
    transaction back and is shown on `form`, next to its field or above the form.
    """
    from .errors import DomainError, NotAllowed
    try:
        return action()
    except NotAllowed:
        raise
    except DomainError as e:
        db.session.rollback()
        attach_error(form, e)
        return REFUSED


def perform(action, *, success, form=None, show_form=None):
    """Run one service call for a view: the shared answer to what a rule says.

    NotAllowed propagates (the error handler answers 403). Another DomainError is shown next to
    its field when it names one of `form`'s fields (returning `show_form()`, the page with the form
    again, for the view to send with its 400), or flashed otherwise. Success flashes `success`.
    Returns None when the view should redirect.
    """
    from flask import flash

    from .errors import DomainError, NotAllowed
    try:
        action()
    except NotAllowed:
        raise
    except DomainError as e:
        db.session.rollback()
        if form is not None and show_form is not None and e.field and getattr(form, e.field, None) is not None:
            attach_error(form, e)
            return show_form()
        flash(e.message, "danger")
    else:
        flash(success, "success")
    return None
