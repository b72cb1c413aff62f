"""The public scorecard pages: the city, one unit, and how the score is computed. No login."""
from flask import abort, current_app, render_template, request
from sqlalchemy import select

from accounts.models import Unit
from complaints.models import CATEGORIES, CLASSIFICATIONS
from core import clock
from core.extensions import db
from forum.models import DISPOSITIONS
from core.i18n import gettext as _
from core.web import page_number

from . import bp, measures, periods, score, services
from .aggregates import local_day


def _today():
    return local_day(clock.now())


def _period_or_errors():
    try:
        return periods.parse(request.args, _today()), {}
    except periods.PeriodError as e:
        return None, e.errors


def _common(period, errors):
    return {"period": period, "period_errors": errors, "period_kinds": periods.KINDS,
            "quarter_names": periods.QUARTER_NAMES, "args": request.args, "today": _today(),
            "measures": measures, "families": measures.FAMILIES, "zone_labels": score.ZONE_LABELS,
            "zone_words": score.ZONE_WORDS, "refreshed_at": services.freshness()}


SORT_DIRECTIONS = {"naik": False, "turun": True}


@bp.get("", endpoint="index")
def city():
    period, errors = _period_or_errors()
    sort = request.args.get("urut", "skor")
    direction = request.args.get("arah", "turun")
    if sort not in services.SORTS:
        errors["urut"] = _("Pilih ukuran yang ada untuk mengurutkan.")
    if direction not in SORT_DIRECTIONS:
        errors["arah"] = _("Pilih urutan naik atau turun.")
    if errors:
        return render_template("scorecard/city.html", **_common(period, errors), sort=sort, direction=direction), 400
    settings = score.load_settings()
    figures = services.period_figures(period.start, period.end)
    snapshot = services.snapshot_figures()
    rows = services.unit_rows(period, settings=settings, figures=figures, snapshot=snapshot)
    card = services.city_card(period, settings=settings, figures=figures, snapshot=snapshot)
    city_figures = card.figures
    ranking = services.sort_rows(rows, "skor", True)
    ordered = services.sort_rows(rows, sort, SORT_DIRECTIONS[direction])
    per_page = current_app.config["SCORECARD_UNITS_PER_PAGE"]
    page = page_number()
    pages = max(1, -(-len(ordered) // per_page))
    if page > pages:
        abort(404)
    return render_template(
        "scorecard/city.html", **_common(period, {}), card=card, rows=ordered[(page - 1) * per_page:page * per_page],
        ranking=ranking, page=page, pages=pages, sort=sort, direction=direction, settings=settings,
        categories=services.breakdown(city_figures, "c.received.cat"),
        classifications=services.breakdown(city_figures, "c.received.class"),
        trend=services.unit_trend(None, _today(), settings=settings), category_labels=CATEGORIES,
        unit_count=len(rows), zone_counts={z: sum(1 for r in rows if r.zone == z) for z in score.ZONES})


@bp.get("/unit/<int:unit_id>", endpoint="unit")
def unit_page(unit_id):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    period, errors = _period_or_errors()
    if errors:
        return render_template("scorecard/unit.html", **_common(period, errors), unit=unit), 400
    settings = score.load_settings()
    card = services.unit_card(unit.id, period, settings=settings)
    trend = services.unit_trend(unit.id, _today(), settings=settings)
    module_ids = [int(k.split(":", 1)[1]) for k in card.figures if k.startswith("t.module:")]
    modules = {}
    if module_ids:
        from training.models import TrainingModule
        modules = dict(db.session.execute(select(TrainingModule.id, TrainingModule.title)
                                          .where(TrainingModule.id.in_(module_ids))).all())
    return render_template(
        "scorecard/unit.html", **_common(period, {}), unit=unit, card=card, trend=trend, settings=settings,
        weakest=card.weakest(), lacking=card.lacking(), modules=modules,
        categories=services.breakdown(card.figures, "c.received.cat"),
        classifications=services.breakdown(card.figures, "c.received.class"),
        category_labels=CATEGORIES, classification_labels=CLASSIFICATIONS, disposition_labels=DISPOSITIONS,
        dispositions=services.breakdown(card.figures, "f.disposition"),
        weights=score.effective_family_weights(card, settings))


@bp.get("/cara-penilaian", endpoint="method")
def method():
    settings = score.load_settings()
    return render_template("scorecard/method.html", measures=measures, families=measures.FAMILIES,
                           settings=settings, zone_labels=score.ZONE_LABELS,
                           unit_labels=measures.UNIT_LABELS, refreshed_at=services.freshness(),
                           sla_days=current_app.config["COMPLAINT_SLA_WORKING_DAYS"],
                           response_days=current_app.config["FORUM_RESPONSE_WORKING_DAYS"],
                           idle_months=current_app.config["FORUM_UNIT_IDLE_MONTHS"])


# --- chart data (built here so the templates only draw) -------------------------------------------

def trend_chart(trend):
    """Labels and series for the monthly charts of a trend (list of services.MonthRow)."""
    from flask_babel import format_date

    from .display import result_text
    labels = [(format_date(row.month, "MMM"), format_date(row.month, "yyyy")) for row in trend]
    counts = [
        {"name": _("Diterima"), "cls": "sc-series-0", "values": [row.figures.get("c.received", 0) for row in trend]},
        {"name": _("Diselesaikan"), "cls": "sc-series-1", "values": [row.figures.get("c.resolved", 0) for row in trend]},
    ]
    for series in counts:
        series["texts"] = [str(v) for v in series["values"]]
    sla = [row.card.results["c.sla_share"] for row in trend]
    share = [{"name": _("Tepat waktu"), "cls": "sc-series-2",
              "values": [r.value if r.enough else None for r in sla], "texts": [result_text(r) for r in sla]}]
    return labels, counts, share


def rating_items(card):
    counts = measures.rating_counts(card.figures)
    return [{"label": _("Nilai %(n)s", n=n), "value": counts[n], "text": str(counts[n]), "cls": f"sc-rating-{n}"}
            for n in range(5, 0, -1)]


def ranking_items(rows, zone_labels):
    from .display import number
    return [{"label": row.short_name or row.name, "value": row.score,
             "text": number(row.score) + " · " + str(zone_labels[row.zone]) if row.score is not None else _("data belum cukup"),
             "cls": f"sc-zone-fill-{row.zone}" if row.zone else ""} for row in rows]


def breakdown_items(counts, labels):
    return [{"label": str(labels.get(code, code)), "value": value, "text": str(value), "cls": "sc-series-0"}
            for code, value in counts.items()]


@bp.app_context_processor
def _chart_helpers():
    return {"sc_trend_chart": trend_chart, "sc_rating_items": rating_items, "sc_ranking_items": ranking_items,
            "sc_breakdown_items": breakdown_items}
