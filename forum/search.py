"""Full-text search over consultations and inputs, behind one function for both databases.

PostgreSQL matches to_tsvector('simple', ...) (GIN expression indexes in the migration) against
plainto_tsquery and ranks by ts_rank; SQLite matches the FTS5 table `forum_search` (kept in
step by triggers) and ranks by bm25. Either way the words of the query must all appear (AND),
drafts and hidden inputs are filtered out at query time against the rows themselves, and the
query text is never parsed as search syntax: any input is safe.
"""
import re
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup, escape
from sqlalchemy import text

from core.extensions import db
from core.schema_filter import keep_outside_models
from core.types import UTCDateTime
from core.web import links_context

# The search's own database objects, written by hand in its migration: the models cannot describe them.
keep_outside_models(table_prefixes=("forum_search",), indexes=("ix_consultation_search", "ix_forum_input_search"))

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
SNIPPET_CHARS = 220
KINDS = ("consultation", "input")

_WORD = re.compile(r"\w+", re.UNICODE)
_BLOCK_MARKS = re.compile(r"(?m)^\s*(>|#+|[-+*]\s|\d+\.\s)\s*")
_INLINE_MARKS = re.compile(r"[*_`\[\]|~]+")


def plain_text(markdown_text):
    """Markdown as one line of plain text (marks dropped), for snippets and feed summaries."""
    text = _BLOCK_MARKS.sub("", markdown_text or "")
    return " ".join(_INLINE_MARKS.sub(" ", text).split())


def terms(q):
    """The words of a query, lower-cased (operators, quotes and punctuation dropped)."""
    words = _WORD.findall((q or "")[:MAX_QUERY_CHARS].lower())
    seen = []
    for word in words:
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


@dataclass
class Result:
    kind: str  # "consultation" or "input"
    id: int
    title: str
    snippet: str
    url: str
    date: datetime | None
    consultation_title: str | None = None  # for an input: the consultation it belongs to

    def highlighted(self, words):
        return highlight(self.snippet, words)


class SearchPage(Pagination):
    """A page of results with the same interface as db.paginate (the pager macro uses it)."""

    def _query_items(self):
        words = self._query_args["words"]
        return _run(words, limit=self.per_page, offset=self._query_offset)

    def _query_count(self):
        return _count(self._query_args["words"])


def search(q, *, page=1, per_page=20):
    """The published consultations and visible inputs matching every word of `q`, best first."""
    return SearchPage(page=page, per_page=per_page, max_per_page=100, error_out=False, words=terms(q))


# --- the two dialects ----------------------------------------------------------------------------

# Kept identical to the index expressions in migrations/versions/b7f3e2a91c04_forum_search.py.
_PG_CONSULTATION_VECTOR = "to_tsvector('simple', c.title || ' ' || c.description)"
_PG_INPUT_VECTOR = "to_tsvector('simple', i.title || ' ' || i.body)"

_PG_MATCHES = f"""
    SELECT 'consultation' AS kind, c.id AS id, c.title AS title, c.description AS body, c.slug AS slug,
           NULL AS consultation_title, c.published_at AS date,
           ts_rank({_PG_CONSULTATION_VECTOR}, q.query) * 2 AS rank
      FROM consultation c, q
     WHERE c.stage <> 'draft' AND {_PG_CONSULTATION_VECTOR} @@ q.query
    UNION ALL
    SELECT 'input', i.id, i.title, i.body, c.slug, c.title, i.created_at,
           ts_rank({_PG_INPUT_VECTOR}, q.query)
      FROM forum_input i JOIN consultation c ON c.id = i.consultation_id, q
     WHERE i.hidden_at IS NULL AND c.stage <> 'draft' AND {_PG_INPUT_VECTOR} @@ q.query
"""
_PG_QUERY = "WITH q AS (SELECT plainto_tsquery('simple', :q) AS query) "

_SQLITE_MATCHES = """
    SELECT s.kind AS kind, s.ref_id AS id,
           COALESCE(c.title, i.title) AS title, COALESCE(c.description, i.body) AS body,
           COALESCE(c.slug, ic.slug) AS slug, ic.title AS consultation_title,
           COALESCE(c.published_at, i.created_at) AS date,
           -- bm25 is lower for better matches; weight titles over bodies, consultations over inputs
           bm25(forum_search, 0.0, 0.0, 5.0, 1.0) * (CASE s.kind WHEN 'consultation' THEN 2 ELSE 1 END) AS rank
      FROM forum_search s
      LEFT JOIN consultation c ON s.kind = 'consultation' AND c.id = s.ref_id
      LEFT JOIN forum_input i ON s.kind = 'input' AND i.id = s.ref_id
      LEFT JOIN consultation ic ON ic.id = i.consultation_id
     WHERE forum_search MATCH :q
       AND ((s.kind = 'consultation' AND c.stage <> 'draft')
            OR (s.kind = 'input' AND i.hidden_at IS NULL AND ic.stage <> 'draft'))
"""


def _dialect():
    return db.session.get_bind().dialect.name


def _fts5_query(words):
    # Each word a quoted string: FTS5 then reads no operator, column filter or prefix from it.
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in words)


def _statement(words, *, count=False, limit=None, offset=None):
    if _dialect() == "postgresql":
        params = {"q": " ".join(words)}
        prefix, matches, order = _PG_QUERY, _PG_MATCHES, "rank DESC, date DESC, kind, id"
    else:
        params = {"q": _fts5_query(words)}
        prefix, matches, order = "", _SQLITE_MATCHES, "rank ASC, date DESC, kind, id"
    if count:
        return text(f"{prefix}SELECT count(*) FROM ({matches}) AS m"), params
    params.update(limit=limit, offset=offset)
    sql = f"{prefix}SELECT * FROM ({matches}) AS m ORDER BY {order} LIMIT :limit OFFSET :offset"
    return text(sql).columns(date=UTCDateTime()), params


def _count(words):
    if not words:
        return 0
    statement, params = _statement(words, count=True)
    return db.session.execute(statement, params).scalar_one()


def _run(words, *, limit, offset):
    if not words:
        return []
    statement, params = _statement(words, limit=limit, offset=offset)
    rows = db.session.execute(statement, params).all()
    with links_context():  # search() also runs outside requests (the API, the CLI, tests)
        return [Result(kind=row.kind, id=row.id, title=row.title, snippet=snippet(row.body, words),
                       url=consultation_url(row.slug) if row.kind == "consultation" else input_url(row.id, row.slug),
                       date=row.date, consultation_title=row.consultation_title)
                for row in rows]


# --- links and snippets --------------------------------------------------------------------------

def consultation_url(slug, *, external=False):
    """The consultation's public page."""
    return url_for("forum.consultation", slug=slug, _external=external)


def input_url(input_id, slug=None, *, external=False):
    """An input's input page (`slug`, its consultation's, is accepted for the callers' convenience)."""
    return url_for("forum.input_detail", input_id=input_id, _external=external)


def snippet(body, words, *, size=SNIPPET_CHARS):
    """Plain text around the first matching word (Markdown marks stripped), cut at word boundaries."""
    plain = plain_text(body)
    if len(plain) <= size:
        return plain
    lower = plain.lower()
    positions = [p for p in (lower.find(word) for word in words) if p >= 0]
    start = max(0, min(positions) - size // 4) if positions else 0
    if start:
        space = plain.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = start + size
    if end < len(plain):
        space = plain.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start else "") + plain[start:end] + (" …" if end < len(plain) else "")


def highlight(value, words):
    """Escape `value` and mark the query's words in it with <mark>."""
    if not words:
        return escape(value)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(value):
        out.append(escape(value[last:match.start()]))
        out.append(Markup("<mark>{}</mark>").format(match.group(0)))
        last = match.end()
    out.append(escape(value[last:]))
    return Markup("").join(out)
