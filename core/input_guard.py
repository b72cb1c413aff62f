"""Input that no view has to fear: refused once, for every route, before a view runs.

Some input is valid HTTP yet no column can hold it, and the database (not the view) used to
refuse it with a 500:
- a NUL byte in any text (PostgreSQL refuses it in text columns and query parameters) and a lone
  UTF-16 surrogate such as JSON's "\\ud800" (no UTF-8 encoding exists for it): `refuse_unstorable_text`
  answers 400 for the query string, form fields, URL parts and JSON bodies, naming the field;
- JSON nested deeper than MAX_JSON_DEPTH (Python's parser overflows its stack near 1,000 levels):
  `GuardedJSONProvider.loads` refuses it as invalid JSON, so `request.get_json` answers 400;
- an id beyond the integer columns' range (`/forum/masukan/2147483648`): the app's "int" URL
  converter is `BoundedIntConverter`, so such a URL matches no route (404) on every blueprint.
Page numbers have their own bound in core.web.page_number.
"""
import re

from flask import jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from .errors import error_response
from .i18n import gettext as _

MAX_JSON_DEPTH = 100
MAX_ID = 2**31 - 1  # Integer columns are int4 on PostgreSQL

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` only for ids a column can hold: a larger number matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def json_depth(text):
    """How deeply arrays and objects nest in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing a text nested deeper than MAX_JSON_DEPTH as invalid (→ 400)."""

    def loads(self, s, **kwargs):
        text = s.decode("utf-8", "replace") if isinstance(s, (bytes, bytearray)) else s
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return super().loads(s, **kwargs)


def unstorable(value, path=""):
    """The path of the first text in `value` (str, list or dict, nested) holding a NUL or a lone
    surrogate, or None. Keys are checked as well as values."""
    if isinstance(value, str):
        return path or "_" if _UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _UNSTORABLE.search(key):
                return where
            found = unstorable(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = unstorable(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def _offending_field():
    for source in (request.view_args or {}, request.args.to_dict(flat=False), request.form.to_dict(flat=False)):
        found = unstorable(source)
        if found:
            return found.split(".")[0]
    for storage in request.files.values():
        if storage.filename and _UNSTORABLE.search(storage.filename):
            return storage.name
    if request.is_json:
        found = unstorable(request.get_json(silent=True))
        if found:
            return found.split(".")[0]
    return None


def refuse_unstorable_text():
    """Answer 400, naming the field, when any input holds a NUL byte or a lone surrogate."""
    field = _offending_field()
    if field is None:
        return None
    message = _("Isian \"%(field)s\" memuat karakter yang tidak diizinkan (karakter NUL atau surrogate). "
                "Hapus karakter itu lalu kirim kembali.", field=field)
    if request.path.startswith("/api/"):
        return jsonify(errors={field: [message]}), 400
    return error_response(400, message)


def init_app(app):
    """Before the blueprints are registered: their `<int:...>` rules take the bounded converter."""
    app.json_provider_class = GuardedJSONProvider
    app.json = GuardedJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_unstorable_text)
