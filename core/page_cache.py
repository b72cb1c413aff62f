"""Public pages served from a cache to visitors who are not logged in.

A forum page looks the same to every anonymous visitor until something in the forum changes, yet
rendering one (twenty inputs, dates, translations) costs ten times a bare query. So:

- Every model a scope's pages show is registered with `track(scope, *models)`. A transaction that
  inserts, changes or deletes such a row bumps the scope's counter in `content_revision`, as its
  last statement before COMMIT (so the change and the new revision are committed together, and the
  counter's row lock is held only for the commit itself).
- `@cached_for_visitors(scope)` serves a GET from the cache under the key (scope, revision,
  language, current minute, full path) when the visitor's session holds nothing personal: not
  logged in, no flashed message, no complaint reporter pass. Any change gives a new revision, so
  a visitor never sees a page older than the last committed change; the minute in the key bounds
  what depends on the clock alone (an input window that just closed) to one minute, like the pages'
  own minute-precision times. Names of people, organisations and units are not tracked: a renamed
  organisation shows within PAGE_CACHE_SECONDS.
- The language switch in the layout carries a CSRF token, which belongs to one visitor. While a
  page is rendered for the cache, the layout's `csrf_token()` writes a placeholder, and each
  response gets the visitor's own token in its place. A page that rendered any other token (a
  form's hidden_tag), wrote to the session, or answered other than 200 HTML is not stored.

The cache is Flask-Caching: per process by default (CACHE_TYPE=SimpleCache), shared through
Redis with CACHE_TYPE=RedisCache and CACHE_REDIS_URL. PAGE_CACHE_SECONDS=0 turns it off.
"""
from functools import wraps
from itertools import chain

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import BigInteger, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import clock
from .extensions import cache, db

CSRF_PLACEHOLDER = "page-cache-csrf-token-placeholder"
_PENDING = "content_revision_scopes"
_RENDERING = "page_cache_rendering"
_scope_of = {}  # mapped class -> scope


class ContentRevision(db.Model):
    """How many committed transactions have changed the pages of a scope (e.g. "forum")."""
    __tablename__ = "content_revision"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)


def track(scope, *models):
    """Changes to rows of these models give `scope`'s pages a new revision."""
    for model in models:
        _scope_of[model] = scope


def revision(scope):
    return db.session.scalar(select(ContentRevision.revision).where(ContentRevision.scope == scope)) or 0


# --- noting changes in the session, bumping at commit ---------------------------------------------

def _note(session, classes):
    scopes = {_scope_of[cls] for cls in classes if cls in _scope_of}
    if scopes:
        session.info.setdefault(_PENDING, set()).update(scopes)


@event.listens_for(Session, "after_flush")
def _note_flushed(session, _flush_context):
    _note(session, {type(obj) for obj in chain(session.new, session.dirty, session.deleted)})


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statement(state):
    if state.is_insert or state.is_update or state.is_delete:
        _note(state.session, {mapper.class_ for mapper in state.all_mappers})


@event.listens_for(Session, "before_commit")
def _bump_revisions(session):
    if session.in_nested_transaction():
        return  # releasing a savepoint: the outer transaction's commit bumps
    if not (session.info.get(_PENDING) or session.new or session.dirty or session.deleted):
        return
    session.flush()  # what is still pending is noted too, and every other lock is taken first
    scopes = session.info.pop(_PENDING, None)
    if not scopes:
        return
    connection = session.connection()
    for scope in sorted(scopes):
        connection.execute(_bump_statement(connection.dialect.name, scope))


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    # After the outermost transaction, committed (already bumped) or rolled back (nothing to bump).
    # A savepoint rolled back keeps the notes: bumping once too often costs one cache miss.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _bump_statement(dialect, scope):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = ContentRevision.__table__
    return insert(table).values(scope=scope, revision=1).on_conflict_do_update(
        index_elements=[table.c.scope], set_={"revision": table.c.revision + 1})


# --- serving pages -------------------------------------------------------------------------------

def init_app(app):
    cache.init_app(app)
    # Flask-WTF offers csrf_token() both as a global (macros) and from a context processor (pages).
    app.jinja_env.globals["csrf_token"] = _csrf_token_for_page
    app.context_processor(lambda: {"csrf_token": _csrf_token_for_page})


def _csrf_token_for_page():
    return CSRF_PLACEHOLDER if g.get(_RENDERING) else generate_csrf()


def _with_visitor_token(body):
    return body.replace(CSRF_PLACEHOLDER, generate_csrf()) if CSRF_PLACEHOLDER in body else body


# Session keys that do not change what a page shows: the CSRF secret, the language (part of the key),
# and Flask-Login's freshness mark, which it also sets for visitors who never logged in.
_NEUTRAL_SESSION_KEYS = frozenset({"csrf_token", "lang", "_fresh"})


def _cacheable_request():
    """A GET by a visitor whose session holds nothing that changes a page: not logged in, no flashed
    message, no complaint reporter pass."""
    return (current_app.config["PAGE_CACHE_SECONDS"] > 0 and request.method == "GET"
            and not current_user.is_authenticated and set(session.keys()) <= _NEUTRAL_SESSION_KEYS)


def _key(parts):
    return "page:{}:{}:{}:{}".format(":".join(map(str, parts)), get_locale(), clock.now().strftime("%Y%m%d%H%M"),
                                     request.full_path)


def cached_for_visitors(scope):
    """Serve the view's page from the cache to anonymous visitors (see the module's docstring).

    The page shows rows of models tracked under `scope`, whose revision is part of the key.
    """
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not _cacheable_request():
                return view(*args, **kwargs)
            key = _key((scope, revision(scope)))
            stored = cache.get(key)
            if stored is not None:
                body, headers = stored
                return current_app.response_class(_with_visitor_token(body), headers=headers)
            g.setdefault(_RENDERING, True)
            try:
                response = make_response(view(*args, **kwargs))
            finally:
                g.pop(_RENDERING, None)
            if response.is_sequence:
                body = response.get_data(as_text=True)
                if _storable(response):
                    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
                    cache.set(key, (body, headers), timeout=current_app.config["PAGE_CACHE_SECONDS"])
                response.set_data(_with_visitor_token(body))
            return response
        return wrapped
    return decorator


def _storable(response):
    token_rendered = current_app.config["WTF_CSRF_FIELD_NAME"] in g
    return (response.status_code == 200 and response.mimetype == "text/html" and not token_rendered
            and not session.modified and "Set-Cookie" not in response.headers)
