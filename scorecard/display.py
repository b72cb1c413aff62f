"""How a measure's value reads on a page: numbers in the visitor's language, units in words."""
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale
from flask_babel import get_locale

from core.i18n import gettext as _

from . import bp
from .measures import COUNT, DAY_BUCKETS, DAYS, PERCENT, RATING


@lru_cache(maxsize=None)
def _separators(locale_name):
    symbols = Locale.parse(locale_name).number_symbols
    symbols = symbols.get("latn", symbols)  # Babel >= 2.14 keys the symbols by numbering system
    return symbols["decimal"], symbols["group"]


def number(value, decimals=0):
    """As Babel's format_decimal(value, "#,##0.0…") gives it (the same half-even rounding of the
    decimal text), without its per-call pattern parsing: a city table shows over a thousand numbers."""
    if value is None:
        return "–"
    decimal, group = _separators(str(get_locale()))
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    text = f"{rounded:,.{decimals}f}"
    return text.translate({ord(","): group, ord("."): decimal})


def value_text(measure, value):
    """"87%", "3 hari kerja", "4,2 dari 5", "12"; "–" when there is nothing to show."""
    if value is None:
        return "–"
    if measure.unit == PERCENT:
        return _("%(n)s%%", n=number(value))
    if measure.unit == DAYS:
        if value > DAY_BUCKETS - 1:
            return _("lebih dari %(n)s hari kerja", n=DAY_BUCKETS - 1)
        return _("%(n)s hari kerja", n=number(value, 1 if value != int(value) else 0))
    if measure.unit == RATING:
        return _("%(n)s dari 5", n=number(value, 1))
    if measure.unit == COUNT:
        return number(value)
    return number(value)


def threshold_text(measure, value):
    return value_text(measure, value) if value is not None else "–"


@bp.app_template_global("sc_value")
def result_text(result):
    """The value of a result as a page shows it, or the words saying there is too little data."""
    if result.measure.scored and not result.enough:
        return _("data belum cukup")
    return value_text(result.measure, result.value)


@bp.app_template_global("sc_number")
def _number(value, decimals=0):
    return number(value, decimals)


@bp.app_template_global("sc_measure_value")
def _measure_value(measure, value):
    return value_text(measure, value)
