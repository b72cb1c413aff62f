"""How a measure's value reads on a page: numbers in the visitor's language, units in words."""
from flask_babel import format_decimal

from core.i18n import gettext as _

from . import bp
from .measures import COUNT, DAY_BUCKETS, DAYS, PERCENT, RATING


def number(value, decimals=0):
    if value is None:
        return "–"
    pattern = "#,##0" if not decimals else "#,##0." + "0" * decimals
    return format_decimal(value, format=pattern)


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
