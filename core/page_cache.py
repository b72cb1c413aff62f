"""Public pages served from a cache to visitors who are not logged in, and fragments of pages
served from it to everyone.

A forum page looks the same to every anonymous visitor until something it shows changes, yet
rendering one (twenty inputs, dates, translations) costs ten times a bare query. So:

- Every model a scope's pages show is registered with `track(scope, *models, keys={Model: fn})`.
  A transaction that inserts, changes or deletes such a row bumps counters in `content_revision`,
  as its last statement before COMMIT (so the change and the new revisions are committed together,
  and the counters' row locks are held only for the commit itself). Three kinds of counter, all
  rows of the same table:
  * the scope's own (`revision(scope)`, e.g. "forum"): bumped by every change in the scope. Pages
    keyed on the whole scope (the default) use it, as before.
  * object keys (`object_key(prefix, 12)` gives prefix:12, e.g. forum:input:12): `fn(row)` names the keys
    a changed row touches (its input, its consultation, a list it appears in). A page that depends
    on a few objects is keyed on their counters only, so one new reply re-renders one thread and
    not the whole forum. `fn` sees the row as flushed; it should read columns (ids), not lazy
    relationships.
  * the whole-scope key (`whole_scope_key(scope)`, "forum:*"): bumped when a change cannot name its
    objects — a bulk `update()`/`delete()` statement (do_orm_execute sees the table, not the rows)
    or a row of a model tracked without `keys`. Every keyed read includes this counter, so such a
    change invalidates every keyed page and fragment of the scope, and a keyed page can never
    outlive a change it could not be told about.
- `@cached_for_visitors(scope, keys=fn)` serves a GET from the cache under the key (revisions,
  language, current minute, full path) when the visitor's session holds nothing personal: not
  logged in, no flashed message, no complaint reporter pass. `fn(**view_kwargs)` gives the keys the
  page depends on (default: the whole scope). Any change gives a new revision, so a visitor never
  sees a page older than the last committed change; the minute in the key bounds what depends on
  the clock alone (an input window that just closed) to one minute, like the pages' own
  minute-precision times. Names of people, organisations and units are not tracked: a renamed
  organisation shows within PAGE_CACHE_SECONDS.
- `cached_fragment(name, scope, keys, render)` keeps a part of a page every viewer sees alike (the
  replies of a thread, the inputs table of a consultation) under the revisions of its keys, for
  FRAGMENT_CACHE_SECONDS, and serves it to signed-in people too, whose pages are otherwise rendered
  each time for their own tools. A fragment holds no per-viewer content: `csrf_token()` writes the
  placeholder there too (each response gets the viewer's token in its place, as below), the
  viewer's own buttons are rendered outside it, and one that rendered a form's token is not stored.
- `blank_form(template, make_form, name=..., variant=...)` keeps the HTML of an empty form (a reply
  box, a registration form) per language and per what it offers, with the placeholder for its token:
  a signed-in person's page does not build and render the same empty fields on every view.
- The language switch in the layout carries a CSRF token, which belongs to one visitor. While a
  page is rendered for the cache, the layout's `csrf_token()` writes a placeholder, and each
  response gets the visitor's own token in its place. A page that rendered any other token (a
  form's hidden_tag), wrote to the session, or answered other than 200 HTML or JSON is not stored.

The cache is Flask-Caching: per process by default (CACHE_TYPE=SimpleCache), shared through
Redis with CACHE_TYPE=RedisCache and CACHE_REDIS_URL. PAGE_CACHE_SECONDS=0 turns the visitors'
whole pages off (each is rendered, as a signed-in person's is, with its fragments);
FRAGMENT_CACHE_SECONDS=0 turns the fragments off (and cached_value's values), so that with both at
0 every page is rendered whole on every request.
"""
import hashlib
from functools import wraps
from itertools import chain

from flask import current_app, g, has_request_context, make_response, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import BigInteger, String, cast, event, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import clock
from .extensions import cache, db

CSRF_PLACEHOLDER = "page-cache-csrf-token-placeholder"
KEY_LENGTH = 64
_PENDING = "content_revision_scopes"
_RENDERING = "page_cache_rendering"
_REVISIONS_READ = "page_cache_revisions_read"
_scope_of = {}  # mapped class -> scope
_keys_of = {}  # mapped class -> fn(row) giving the object keys the row touches


class ContentRevision(db.Model):
    """How many committed transactions have changed the pages of a scope (e.g. "forum") or of one
    object key (e.g. forum:input:12)."""
    __tablename__ = "content_revision"

    scope: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)


def track(scope, *models, keys=None):
    """Changes to rows of these models give `scope`'s pages a new revision; `keys={Model: fn}` also
    bumps the object keys `fn(row)` returns (see the module's docstring)."""
    for model in models:
        _scope_of[model] = scope
    for model, keys_of in (keys or {}).items():
        _scope_of[model] = scope
        _keys_of[model] = keys_of


def object_key(prefix, object_id):
    """A prefix and an id give prefix:id (forum:input:12); given a SQL expression (a scalar subquery), the
    same key computed by the database, so a view keyed by a slug needs no query of its own."""
    if isinstance(object_id, (int, str)):
        return f"{prefix}:{object_id}"
    return literal(f"{prefix}:") + cast(object_id, String)


def whole_scope_key(scope):
    """The counter of changes that could not name their objects; part of every keyed read."""
    return f"{scope}:*"


def revision(scope):
    return db.session.scalar(select(ContentRevision.revision).where(ContentRevision.scope == scope)) or 0


def revisions(keys):
    """The counters of these keys, read in one statement, as a sorted tuple of (key, revision).

    Keys never bumped are absent, and a key given as a SQL expression appears under the key it
    resolved to; either way, any change to a counter or to what a key resolves to changes the tuple.
    """
    keys = list(keys)
    if not keys:
        return ()
    # A page missing from the cache reads its keys, then its fragments read the same keys again:
    # within one request the first read serves (until this request commits a change).
    read = request.environ.setdefault(_REVISIONS_READ, {}) if has_request_context() else {}
    memo_key = tuple(keys) if all(isinstance(key, str) for key in keys) else None
    if memo_key is not None and memo_key in read:
        return read[memo_key]
    rows = db.session.execute(select(ContentRevision.scope, ContentRevision.revision)
                              .where(ContentRevision.scope.in_(keys))).all()
    result = tuple(sorted((scope, number) for scope, number in rows))
    if memo_key is not None:
        read[memo_key] = result
    return result


def _page_keys(scope, keys):
    """What a page or fragment of `scope` depending on `keys` reads: the whole-scope counter and the keys."""
    return [whole_scope_key(scope), *keys]


# --- noting changes in the session, bumping at commit ---------------------------------------------

def _note(session, keys):
    if keys:
        session.info.setdefault(_PENDING, set()).update(keys)


def _keys_touched_by(obj):
    cls = type(obj)
    scope = _scope_of.get(cls)
    if scope is None:
        return ()
    keys_of = _keys_of.get(cls)
    if keys_of is None:  # cannot say which pages: all of them
        return (scope, whole_scope_key(scope))
    return (scope, *(key for key in keys_of(obj) if key))


@event.listens_for(Session, "after_flush")
def _note_flushed(session, _flush_context):
    _note(session, {key for obj in chain(session.new, session.dirty, session.deleted)
                    for key in _keys_touched_by(obj)})


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statement(state):
    # A bulk statement names a table, not rows: it bumps the scope and its whole-scope counter.
    if state.is_insert or state.is_update or state.is_delete:
        scopes = {_scope_of[mapper.class_] for mapper in state.all_mappers if mapper.class_ in _scope_of}
        _note(state.session, {key for scope in scopes for key in (scope, whole_scope_key(scope))})


@event.listens_for(Session, "before_commit")
def _bump_revisions(session):
    if session.in_nested_transaction():
        return  # releasing a savepoint: the outer transaction's commit bumps
    if not (session.info.get(_PENDING) or session.new or session.dirty or session.deleted):
        return
    session.flush()  # what is still pending is noted too, and every other lock is taken first
    keys = session.info.pop(_PENDING, None)
    if not keys:
        return
    if has_request_context():
        request.environ.pop(_REVISIONS_READ, None)
    connection = session.connection()
    connection.execute(_bump_statement(connection.dialect.name, sorted(keys)))


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    # After the outermost transaction, committed (already bumped) or rolled back (nothing to bump).
    # A savepoint rolled back keeps the notes: bumping once too often costs one cache miss.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _bump_statement(dialect, keys):
    """One statement for every counter of the transaction, taken in sorted order (no deadlock)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = ContentRevision.__table__
    return insert(table).values([{"scope": key, "revision": 1} for key in keys]).on_conflict_do_update(
        index_elements=[table.c.scope], set_={"revision": table.c.revision + 1})


# --- serving pages -------------------------------------------------------------------------------

def init_app(app):
    app.config.setdefault("FRAGMENT_CACHE_SECONDS", 60)
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


def _minute():
    return clock.now().strftime("%Y%m%d%H%M")


def _key(parts):
    return "page:{}:{}:{}:{}".format(":".join(map(str, parts)), get_locale(), _minute(), request.full_path)


def cached_for_visitors(scope, keys=None):
    """Serve the view's page from the cache to anonymous visitors (see the module's docstring).

    The page shows rows of models tracked under `scope`. Without `keys` the scope's revision is part
    of the cache key; with `keys`, `keys(**view_kwargs)` gives the object keys the page depends on,
    and their revisions (with the whole-scope counter) are.
    """
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not _cacheable_request():
                return view(*args, **kwargs)
            if keys is None:
                key = _key((scope, revision(scope)))
            else:
                key = _key((scope, revisions(_page_keys(scope, keys(**kwargs)))))
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


# Pages, and the open-data JSON that shows the same figures (e.g. /api/v1/rapor).
_STORED_TYPES = frozenset({"text/html", "application/json"})


def _storable(response):
    token_rendered = current_app.config["WTF_CSRF_FIELD_NAME"] in g
    return (response.status_code == 200 and response.mimetype in _STORED_TYPES and not token_rendered
            and not session.modified and "Set-Cookie" not in response.headers)


# --- fragments -----------------------------------------------------------------------------------

def cached_fragment(name, scope, keys, render):
    """The HTML `render()` returns, kept under (name, revisions of `keys` and of the whole scope,
    language, minute) for FRAGMENT_CACHE_SECONDS and served to every viewer.

    `name` says which fragment and of what (e.g. "forum-replies:12:2:moderator" for page 2 of input
    12 as moderators see it); the fragment must look the same to everyone who gets that name.
    """
    return cached_fragments(scope, keys, {name: render})[name]


def cached_fragments(scope, keys, renders):
    """Several fragments of one page that depend on the same keys ({name: render}): one revision
    read and one cache round trip for all of them. Returns {name: Markup}."""
    config = current_app.config
    if config.get("FRAGMENT_CACHE_SECONDS", 60) <= 0:
        return {name: Markup(render()) for name, render in renders.items()}
    suffix = ":{}:{}:{}".format(revisions(_page_keys(scope, keys)), get_locale(), _minute())
    cache_keys = {name: f"fragment:{name}{suffix}" for name in renders}
    stored = dict(zip(renders, cache.get_many(*cache_keys.values())))
    return {name: _kept(cache_keys[name], stored[name], render) for name, render in renders.items()}


def _kept(cache_key, body, render):
    """`body` as the cache held it under `cache_key`, or, when it held nothing, `render()` kept there;
    with the viewer's own token in place of the placeholder."""
    config = current_app.config
    rendering_page = g.get(_RENDERING)
    if body is None:
        body = _render_fragment(render, rendering_page)
        # csrf_token() wrote a placeholder, which each viewer's response replaces with their own
        # token; a form's own token (hidden_tag) would be one viewer's: never stored.
        token = g.get(config["WTF_CSRF_FIELD_NAME"])
        if not (token and token in body):
            cache.set(cache_key, body, timeout=config.get("FRAGMENT_CACHE_SECONDS", 60))
    return Markup(body if rendering_page else _with_visitor_token(body))


def cached_value(name, scope, keys, compute):
    """A value `compute()` returns (picklable, not None: settings, a document of figures), kept like
    a fragment under (name, revisions of `keys` and of the whole scope, language, minute) for
    FRAGMENT_CACHE_SECONDS: for what pages of a scope read and changes only with the rows the scope
    tracks. With the fragments off it is computed each time."""
    config = current_app.config
    if config.get("FRAGMENT_CACHE_SECONDS", 60) <= 0:
        return compute()
    cache_key = "value:{}:{}:{}:{}".format(name, revisions(_page_keys(scope, keys)), get_locale(), _minute())
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, timeout=config.get("FRAGMENT_CACHE_SECONDS", 60))
    return value


def blank_form(template, make_form, *, name, variant=(), filled=None):
    """`template` rendered with a form nobody has filled in yet (`make_form()`, passed as `form`),
    kept per (`name`, `variant`, language) for FRAGMENT_CACHE_SECONDS: a signed-in person's page
    then neither builds nor renders the same empty fields on every view. `variant` holds whatever
    makes the HTML differ for the same name (the choices the form offers). The template writes the
    token with the form_token macro (csrf_token()), so the kept HTML holds the placeholder and each
    response gets its viewer's own token. A `filled` form (sent back with its errors, or holding a
    saved answer) is rendered in its place, never kept."""
    if filled is not None or current_app.config.get("FRAGMENT_CACHE_SECONDS", 60) <= 0:
        return Markup(render_template(template, form=filled if filled is not None else make_form()))
    digest = hashlib.sha256(repr(variant).encode()).hexdigest()[:20]
    cache_key = f"form:{name}:{digest}:{get_locale()}"
    return _kept(cache_key, cache.get(cache_key), lambda: render_template(template, form=make_form()))


def _render_fragment(render, rendering_page):
    g.setdefault(_RENDERING, True)
    try:
        return str(render())
    finally:
        if not rendering_page:
            g.pop(_RENDERING, None)
