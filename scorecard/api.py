"""GET /api/v1/rapor: the scorecard's figures as JSON (open data), described in the OpenAPI document.

No session, no cookies: the same public figures as /rapor, read through services.
"""
from datetime import date

from flask import current_app, jsonify, request
from marshmallow import Schema, fields

from core import openapi, page_cache
from core.extensions import csrf
from core.i18n import gettext as _
from core.page_cache import cached_for_visitors
from core.openapi import FieldErrors

from . import api_bp as bp
from . import open_data, periods, score, services
from .views import _today

csrf.exempt(bp)

# The API's names for the period fields that periods.custom() names after the page's form.
_FIELD = {"dari": "from", "sampai": "to"}

PARAMETERS = [
    {"name": "unit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
     "description": "an active unit's id (GET /api/v1/units): only that unit in `units`"},
    {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
     "description": "first day of the period, YYYY-MM-DD (default: 12 months before `to`, plus one day)"},
    {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
     "description": "last day of the period, YYYY-MM-DD, not after today (default: today)"},
]


class Measure(Schema):
    value = fields.Float(allow_none=True, metadata={"description": "null: no value, or too few cases (enough false)"})
    points = fields.Integer(allow_none=True, metadata={"description": "0-100, scored measures with enough data"})
    base = fields.Integer(allow_none=True, metadata={"description": "the cases the value rests on"})
    enough = fields.Boolean()


class Card(Schema):
    score = fields.Integer(allow_none=True)
    zone = fields.String(allow_none=True, metadata={"description": "hijau, kuning, merah; null: too little data"})
    families = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    measures = fields.Dict(keys=fields.String(), values=fields.Nested(Measure))


class UnitCard(Card):
    id = fields.Integer()
    name = fields.String()
    short_name = fields.String(allow_none=True)


class Period(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()


class Licence(Schema):
    name = fields.String()
    url = fields.String(allow_none=True)


class Rapor(Schema):
    period = fields.Nested(Period)
    refreshed_at = fields.DateTime(allow_none=True)
    licence = fields.Nested(Licence)
    settings = fields.Dict(metadata={"description": "thresholds, weights, minimums and zone edges in force, "
                                                    "with their version"})
    city = fields.Nested(Card)
    units = fields.List(fields.Nested(UnitCard))


def _date(name, errors):
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = [_("Tanggal tidak sah. Tulis seperti 2026-03-31.")]
        return None


def _period(errors):
    today = _today()
    start, end = _date("from", errors), _date("to", errors)
    if errors:
        return None
    end = end or today
    if start is None:
        start = periods.last_12_months(end).start
    try:
        return periods.custom(start, end, today)
    except periods.PeriodError as e:
        errors.update({_FIELD.get(k, k): [str(v)] for k, v in e.errors.items()})
        return None


@bp.get("/rapor", endpoint="rapor")
@openapi.operation(
    "The scorecard (rapor pelayanan publik) for a period", parameters=PARAMETERS,
    description="Every active unit's measures (value, points, base), family scores, overall score and zone, "
                "the city's, and the settings in force; the same figures as /rapor and /rapor.csv. "
                "Column meanings: /rapor/data. Only counts: never a complaint's content.",
    responses={200: ("the figures", Rapor), 400: ("refused parameters (from, to, unit)", FieldErrors)})
@cached_for_visitors("scorecard")
def rapor():
    errors = {}
    period = _period(errors)
    raw_unit = (request.args.get("unit") or "").strip()
    unit_id = None
    if raw_unit:
        if raw_unit.isascii() and raw_unit.isdigit() and len(raw_unit) <= 9:
            unit_id = int(raw_unit)
        else:
            errors["unit"] = [_("Tulis nomor unit.")]
    if errors:
        return jsonify(errors=errors), 400
    # The document, as JSON text, is kept under the scorecard's revision, as the pages' figures are:
    # a request the page cache does not answer (it is off, or the minute turned) neither recomputes
    # the city nor serialises its 100 kB again.
    document = page_cache.cached_value(f"rapor-api:{period.start}:{period.end}:{unit_id}", "scorecard", (),
                                       lambda: _document(period, unit_id))
    if document == UNKNOWN_UNIT:  # equal, not identical: the cache returns a copy
        return jsonify(errors={"unit": [_("Tidak ada unit aktif dengan nomor ini.")]}), 400
    return current_app.response_class(document + "\n", mimetype=current_app.json.mimetype)


UNKNOWN_UNIT = "unknown unit"


def _document(period, unit_id):
    settings, refreshed_at = services.settings_and_freshness()
    figures = services.period_figures(period.start, period.end)
    snapshot = services.snapshot_figures()
    rows = services.unit_rows(period, settings=settings, figures=figures, snapshot=snapshot)
    city = services.city_card(period, settings=settings, figures=figures, snapshot=snapshot)
    if unit_id is not None:
        rows = [row for row in rows if row.unit_id == unit_id]
        if not rows:
            return UNKNOWN_UNIT
    return current_app.json.dumps(open_data.document(period, rows, city, settings, refreshed_at))
