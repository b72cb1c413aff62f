"""The public scorecard pages: the city, one unit, and how the score is computed. No login."""
from flask import Response, abort, current_app, render_template, request
from markupsafe import Markup
from sqlalchemy import select

from accounts.models import Unit
from complaints.models import CATEGORIES, CLASSIFICATIONS
from core import clock, page_cache
from core.extensions import db
from forum.models import DISPOSITIONS
from core.i18n import gettext as _
from core.page_cache import cached_for_visitors
from core.web import page_number

from . import bp, measures, open_data, periods, score, services
from .aggregates import local_day


def _today():
    return local_day(clock.now())


def _period_or_errors():
    try:
        return periods.parse(request.args, _today()), {}
    except periods.PeriodError as e:
        return None, e.errors


def _common(period, errors, refreshed_at):
    return {"period": period, "period_errors": errors, "period_kinds": periods.KINDS,
            "quarter_names": periods.QUARTER_NAMES, "args": request.args, "today": _today(),
            "measures": measures, "families": measures.FAMILIES, "zone_labels": score.ZONE_LABELS,
            "zone_words": score.ZONE_WORDS, "refreshed_at": refreshed_at}


SORT_DIRECTIONS = {"naik": False, "turun": True}


def _body(name, render):
    """The part of a scorecard page every viewer sees alike, rendered by `render()`.

    Kept as a fragment (core.page_cache.cached_fragment) under the scorecard's revision: its figures
    change only with a refresh or a new setting, so signed-in people, whose pages are rendered each
    time for their own tools, do not recompute the whole city for every page.
    """
    return page_cache.cached_fragment(name, "scorecard", (), render)


@bp.get("", endpoint="index")
@cached_for_visitors("scorecard")
def city():
    period, errors = _period_or_errors()
    sort = request.args.get("urut", "skor")
    direction = request.args.get("arah", "turun")
    if sort not in services.SORTS:
        errors["urut"] = _("Pilih ukuran yang ada untuk mengurutkan.")
    if direction not in SORT_DIRECTIONS:
        errors["arah"] = _("Pilih urutan naik atau turun.")
    if errors:
        body = render_template("scorecard/_city_body.html", **_common(period, errors, services.freshness()),
                               sort=sort, direction=direction)
        return render_template("scorecard/city.html", body=Markup(body)), 400
    page = page_number()
    body = _body(f"rapor.city:{request.full_path}", lambda: _city_body(period, sort, direction, page))
    return render_template("scorecard/city.html", body=body)


def _city_body(period, sort, direction, page):
    settings, refreshed_at = services.settings_and_freshness()
    figures = services.period_figures(period.start, period.end)
    snapshot = services.snapshot_figures()
    rows = services.unit_rows(period, settings=settings, figures=figures, snapshot=snapshot)
    card = services.city_card(period, settings=settings, figures=figures, snapshot=snapshot)
    city_figures = card.figures
    ranking = services.sort_rows(rows, "skor", True)
    ordered = services.sort_rows(rows, sort, SORT_DIRECTIONS[direction])
    per_page = current_app.config["SCORECARD_UNITS_PER_PAGE"]
    pages = max(1, -(-len(ordered) // per_page))
    if page > pages:
        abort(404)
    return render_template(
        "scorecard/_city_body.html", **_common(period, {}, refreshed_at), card=card,
        rows=ordered[(page - 1) * per_page:page * per_page], ranking=ranking, page=page, pages=pages, sort=sort,
        direction=direction, settings=settings, categories=services.breakdown(city_figures, "c.received.cat"),
        classifications=services.breakdown(city_figures, "c.received.class"),
        trend=services.unit_trend(None, _today(), settings=settings), category_labels=CATEGORIES,
        unit_count=len(rows), zone_counts={z: sum(1 for r in rows if r.zone == z) for z in score.ZONES})


@bp.get("/unit/<int:unit_id>", endpoint="unit")
@cached_for_visitors("scorecard")
def unit_page(unit_id):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    period, errors = _period_or_errors()
    if errors:
        body = render_template("scorecard/_unit_body.html", **_common(period, errors, services.freshness()), unit=unit)
        return render_template("scorecard/unit.html", unit=unit, period=period, body=Markup(body)), 400
    body = _body(f"rapor.unit:{request.full_path}", lambda: _unit_body(unit, period))
    return render_template("scorecard/unit.html", unit=unit, period=period, body=body)


def _unit_body(unit, period):
    settings, refreshed_at = services.settings_and_freshness()
    card = services.unit_card(unit.id, period, settings=settings)
    trend = services.unit_trend(unit.id, _today(), settings=settings)
    module_ids = [int(k.split(":", 1)[1]) for k in card.figures if k.startswith("t.module:")]
    modules = {}
    if module_ids:
        from training.models import TrainingModule
        modules = dict(db.session.execute(select(TrainingModule.id, TrainingModule.title)
                                          .where(TrainingModule.id.in_(module_ids))).all())
    return render_template(
        "scorecard/_unit_body.html", **_common(period, {}, refreshed_at), unit=unit, card=card, trend=trend,
        settings=settings, weakest=card.weakest(), lacking=card.lacking(), modules=modules,
        categories=services.breakdown(card.figures, "c.received.cat"),
        classifications=services.breakdown(card.figures, "c.received.class"),
        category_labels=CATEGORIES, classification_labels=CLASSIFICATIONS, disposition_labels=DISPOSITIONS,
        dispositions=services.breakdown(card.figures, "f.disposition"),
        weights=score.effective_family_weights(card, settings))


@bp.get("/cara-penilaian", endpoint="method")
@cached_for_visitors("scorecard")
def method():
    return render_template("scorecard/method.html", body=_body("rapor.method", _method_body))


def _method_body():
    settings, refreshed_at = services.settings_and_freshness()
    return render_template("scorecard/_method_body.html", measures=measures, families=measures.FAMILIES,
                           settings=settings, zone_labels=score.ZONE_LABELS,
                           unit_labels=measures.UNIT_LABELS, refreshed_at=refreshed_at,
                           sla_days=current_app.config["COMPLAINT_SLA_WORKING_DAYS"],
                           response_days=current_app.config["FORUM_RESPONSE_WORKING_DAYS"],
                           idle_months=current_app.config["FORUM_UNIT_IDLE_MONTHS"])


# --- open data: CSV and the data dictionary (the JSON is api.py) -----------------------------------

def _csv(text, filename):
    return Response(text, mimetype="text/csv", content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def city_csv():
    """/rapor.csv: the units table of /rapor for the same period parameters (every unit, by name)."""
    period, errors = _period_or_errors()
    if errors:
        text = "\n".join(f"{field}: {message}" for field, message in errors.items()) + "\n"
        return Response(text, status=400, mimetype="text/plain", content_type="text/plain; charset=utf-8")
    rows = services.unit_rows(period)
    return _csv(open_data.units_csv(rows), f"rapor-{period.start.isoformat()}-{period.end.isoformat()}.csv")


# The blueprint's prefix would make it /rapor/.csv: the rule is the app's, the endpoint the blueprint's.
bp.record_once(lambda state: state.app.add_url_rule("/rapor.csv", "scorecard.city_csv", city_csv,
                                                    methods=["GET"]))


@bp.get("/unit/<int:unit_id>.csv", endpoint="unit_csv")
def unit_csv(unit_id):
    """The unit's trend per month (the 12 months of its page), one line a month."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    trend = services.unit_trend(unit.id, _today())
    return _csv(open_data.trend_csv(trend), f"rapor-unit-{unit.id}-per-bulan.csv")


@bp.get("/data", endpoint="data")
def data_dictionary():
    return render_template("scorecard/data.html", sections=open_data.dictionary(),
                           licence=open_data.licence(), refreshed_at=services.freshness(),
                           refresh_minutes=max(1, current_app.config["SCORECARD_REFRESH_SECONDS"] // 60),
                           rebuild_hours=current_app.config["SCORECARD_FULL_REBUILD_HOURS"],
                           bom=bool(open_data.BOM), columns=open_data.columns(),
                           trend_columns=open_data.trend_columns())


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
