"""What the scorecard's pages (and the open-data, following and digest parts) read, and the one
state change it has: an admin's override of thresholds, weights, minimums and zone edges.

The read side, for reuse (each a bounded number of queries on the scorecard's own tables):

- `unit_rows(period)`: one `UnitRow` per active unit for a period (its figures, every measure's
  value, points and "enough data", the overall score and zone); `UnitRow.as_dict()` is a flat
  plain dict keyed by measure key, for CSV/JSON.
- `city_card(period)`: the city's card over the period (every unit and the unrouted complaints).
- `unit_card(unit_id, period)`: one unit's card.
- `unit_trend(unit_id, today, months=12)`: `MonthRow`s, one per calendar month, oldest first.
- `freshness()`: when the figures were last refreshed (every page shows it).

`period_figures` adds the accompanied complaints (complaints.accompaniment_services, one grouped
query) to the aggregates' sums, so every card and row carries them.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, select, union_all

from accounts.models import Unit
from complaints.accompaniment_services import accompaniment_counts
from core import audit, clock, page_cache, permissions
from core.errors import DomainError
from core.extensions import db
from core.i18n import gettext as _

from . import aggregates, measures, score
from .aggregates import month_of, next_month
from .measures import FAMILY_ORDER, HIGHER, SCORED, UNIT_RANGES
from .models import DailyFigure, MonthlyFigure, Setting, SnapshotFigure


# --- reading figures -------------------------------------------------------------------------------

def _period_parts(start, end):
    """(whole months [first, last] or None, [(first day, last day)] of the partial months)."""
    first_whole = start if start.day == 1 else next_month(start)
    last_whole_end = end if end + timedelta(days=1) == next_month(end) else month_of(end) - timedelta(days=1)
    if first_whole > last_whole_end:
        return None, [(start, end)]
    days = []
    if start < first_whole:
        days.append((start, first_whole - timedelta(days=1)))
    if last_whole_end < end:
        days.append((last_whole_end + timedelta(days=1), end))
    return (first_whole, month_of(last_whole_end)), days


def period_figures(start, end, unit_id=None):
    """{unit id: {key: sum over the period}} in one statement (whole months + partial days)."""
    months, day_ranges = _period_parts(start, end)
    parts = []
    if months is not None:
        query = select(MonthlyFigure.unit_id.label("unit_id"), MonthlyFigure.measure_key.label("measure_key"),
                       MonthlyFigure.value.label("value")).where(MonthlyFigure.month.between(*months))
        parts.append(query.where(MonthlyFigure.unit_id == unit_id) if unit_id is not None else query)
    for first, last in day_ranges:
        query = select(DailyFigure.unit_id, DailyFigure.measure_key, DailyFigure.value).where(
            DailyFigure.day.between(first, last))
        parts.append(query.where(DailyFigure.unit_id == unit_id) if unit_id is not None else query)
    rows = parts[0].subquery() if len(parts) == 1 else union_all(*parts).subquery()
    figures = defaultdict(dict)
    for unit, key, value in db.session.execute(
            select(rows.c.unit_id, rows.c.measure_key, func.sum(rows.c.value))
            .group_by(rows.c.unit_id, rows.c.measure_key)):
        figures[unit][key] = int(value)
    add_accompaniment(figures, start, end, unit_id)
    return figures


ACCOMPANIMENT_PREFIX = "acc."


def add_accompaniment(figures, start, end, unit_id=None):
    """Add the accompanied complaints of the period ("acc.accompanied", "acc.resolved", ...) to
    {unit id: figures}: read live with complaints' one grouped query, not from the aggregates,
    because how an accompanied complaint ended changes after the day it was accompanied (the
    measures marked `live`). Only counts: nothing of a complaint's content leaves it."""
    for unit, counts in accompaniment_counts([unit_id] if unit_id is not None else None, start, end).items():
        for key, value in counts.items():
            figures[unit][ACCOMPANIMENT_PREFIX + key] = int(value)
    return figures


def snapshot_figures(unit_id=None):
    """{unit id: {key: value}} as of the last refresh (one query)."""
    query = select(SnapshotFigure.unit_id, SnapshotFigure.measure_key, SnapshotFigure.value)
    if unit_id is not None:
        query = query.where(SnapshotFigure.unit_id == unit_id)
    figures = defaultdict(dict)
    for unit, key, value in db.session.execute(query):
        figures[unit][key] = value
    return figures


def _merged(*sources):
    merged = {}
    for source in sources:
        for key, value in source.items():
            merged[key] = merged.get(key, 0) + value
    return merged


def freshness():
    """When the figures were last brought up to date (None: never; the pages say so)."""
    state = aggregates.state()
    return state.refreshed_at if state is not None else None


def settings_and_freshness():
    """(the score's settings, freshness()): what every scorecard page reads first. Kept under the
    scorecard's revision, which a new setting and every refresh bump, so a page rendered for a
    signed-in person, or a fragment missing from the cache, does not read them again."""
    return page_cache.cached_value("scorecard-settings", "scorecard", (),
                                   lambda: (score.load_settings(), freshness()))


# --- cards and rows ---------------------------------------------------------------------------------

@dataclass
class UnitRow:
    unit_id: int
    name: str
    short_name: str | None
    card: score.Card

    @property
    def score(self):
        return self.card.score

    @property
    def zone(self):
        return self.card.zone

    def as_dict(self):
        """A flat plain dict: unit, score, zone, and per measure its value ("key"), points ("key.points",
        scored measures) and base ("key.base"); the columns of /rapor.csv (open_data.columns())."""
        row = {"unit_id": self.unit_id, "unit": self.name, "short_name": self.short_name,
               "score": self.card.score, "zone": self.card.zone}
        for key, result in self.card.results.items():
            row[key] = _plain(result.value) if result.enough or not result.measure.scored else None
            if result.measure.scored:
                row[f"{key}.points"] = result.score
                row[f"{key}.base"] = result.base
        for family, value in self.card.families.items():
            row[f"family.{family}"] = value
        return row


def _plain(value):
    if isinstance(value, float):
        return round(value, 2)
    return value


def active_units():
    return db.session.scalars(select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.name, Unit.id)).all()


def unit_rows(period, *, settings=None, figures=None, snapshot=None):
    """One UnitRow per active unit over the period, ordered by name (four queries; fewer when the
    caller passes the settings and the figures it already read)."""
    settings = settings or score.load_settings()
    figures = figures if figures is not None else period_figures(period.start, period.end)
    snapshot = snapshot if snapshot is not None else snapshot_figures()
    return [UnitRow(unit.id, unit.name, unit.short_name,
                    score.evaluate(_merged(figures.get(unit.id, {}), snapshot.get(unit.id, {})), settings))
            for unit in active_units()]


def city_card(period, *, settings=None, figures=None, snapshot=None):
    """The city's card: the sums over every unit (and complaints not yet routed to one)."""
    settings = settings or score.load_settings()
    figures = figures if figures is not None else period_figures(period.start, period.end)
    snapshot = snapshot if snapshot is not None else snapshot_figures()
    total = _merged(*figures.values(), *snapshot.values())
    return score.evaluate(total, settings)


def unit_card(unit_id, period, *, settings=None):
    settings = settings or score.load_settings()
    figures = period_figures(period.start, period.end, unit_id).get(unit_id, {})
    snapshot = snapshot_figures(unit_id).get(unit_id, {})
    return score.evaluate(_merged(figures, snapshot), settings)


@dataclass
class MonthRow:
    month: date
    figures: dict
    card: score.Card  # flow measures only: the snapshot is not a month's

    def value(self, key):
        return self.card.results[key].value


def unit_trend(unit_id, today, months=12, *, settings=None):
    """The unit's figures per calendar month, the last `months` months up to today's, oldest first
    (one query). unit_id None: the whole city."""
    settings = settings or score.load_settings()
    first = month_of(today) - relativedelta(months=months - 1)
    query = select(MonthlyFigure.month, MonthlyFigure.measure_key, func.sum(MonthlyFigure.value)).where(
        MonthlyFigure.month >= first, MonthlyFigure.month <= month_of(today))
    if unit_id is not None:
        query = query.where(MonthlyFigure.unit_id == unit_id)
    by_month = defaultdict(dict)
    for month, key, value in db.session.execute(query.group_by(MonthlyFigure.month, MonthlyFigure.measure_key)):
        by_month[month][key] = int(value)
    rows = []
    for n in range(months):
        month = first + relativedelta(months=n)
        rows.append(MonthRow(month, by_month.get(month, {}), score.evaluate(by_month.get(month, {}), settings)))
    return rows


def breakdown(figures, prefix):
    """{code: count} of figures "prefix:code", largest first (classification, category, disposition)."""
    items = {k.split(":", 1)[1]: v for k, v in figures.items() if k.startswith(prefix + ":") and v}
    return dict(sorted(items.items(), key=lambda kv: (-kv[1], kv[0])))


SORTS = ("nama", "skor") + tuple(m.key for m in measures.MEASURES)


def sort_rows(rows, key, descending):
    """Rows sorted by a measure's value (or points), the score or the name; no data sorts last."""
    if key == "nama":
        return sorted(rows, key=lambda r: (r.name.casefold(), r.unit_id), reverse=descending)

    def value(row):
        if key == "skor":
            return row.card.score
        result = row.card.results[key]
        return result.value if (result.enough or not result.measure.scored) else None
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: (value(r), r.name.casefold()), reverse=descending)
    return present + sorted(missing, key=lambda r: r.name.casefold())


# --- admins' settings -------------------------------------------------------------------------------

class SettingsError(DomainError):
    """Bad values: {setting key: message}, each shown next to its field."""

    def __init__(self, errors):
        super().__init__(_("Periksa kembali isian yang ditandai."))
        self.errors = errors


def setting_fields():
    """[(group title, [(key, measure or None, part)])]: what the admin page lists, in order."""
    groups = []
    for family in FAMILY_ORDER:
        fields = [(f"family.{family}.weight", None, "family")]
        for measure in measures.of_family(family):
            if measure.scored:
                fields += [(key, measure, part) for part, key in score.setting_keys_of(measure).items()]
        groups.append((family, fields))
    groups.append(("zone", [("zone.green", None, "zone"), ("zone.yellow", None, "zone"),
                            ("score.min_measures", None, "zone")]))
    return groups


def _number(raw):
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError
    return value


def _fmt(value):
    return f"{value:g}"


def update_settings(actor, submitted, *, now=None):
    """Store the admin's numbers (an empty field restores the default); all checked before any is saved."""
    permissions.require(actor, "scorecard.configure")
    now = now or clock.now()
    defaults = score.defaults()
    parsed, errors = {}, {}
    scored_by_key = {f"{m.key}.{part}": (m, part) for m in SCORED for part in ("good", "bad", "weight", "min_base")}
    for key in defaults:
        try:
            value = _number(submitted.get(key))
        except ValueError:
            errors[key] = _("Tulis angka, misalnya 80 atau 4,5.")
            continue
        parsed[key] = value
        if value is None:
            continue
        if key in scored_by_key:
            measure, part = scored_by_key[key]
            if part in ("good", "bad"):
                low, high = UNIT_RANGES[measure.unit]
                if not low <= value <= high:
                    errors[key] = _("Nilai harus antara %(low)s dan %(high)s.", low=_fmt(low), high=_fmt(high))
            elif part == "weight" and not 0 <= value <= 100:
                errors[key] = _("Bobot harus antara 0 dan 100.")
            elif part == "min_base" and (value != int(value) or not 0 <= value <= 10000):
                errors[key] = _("Tulis bilangan bulat dari 0 sampai 10000.")
        elif key.startswith("family.") and not 0 <= value <= 100:
            errors[key] = _("Bobot harus antara 0 dan 100.")
        elif key.startswith("zone.") and (value != int(value) or not 0 <= value <= 100):
            errors[key] = _("Tulis bilangan bulat dari 0 sampai 100.")
        elif key == "score.min_measures" and (value != int(value) or not 1 <= value <= len(SCORED)):
            errors[key] = _("Tulis bilangan bulat dari 1 sampai %(n)s.", n=len(SCORED))
    effective = {key: (parsed.get(key) if parsed.get(key) is not None else defaults[key]) for key in defaults}
    for measure in SCORED:
        good_key, bad_key = f"{measure.key}.good", f"{measure.key}.bad"
        if good_key in errors or bad_key in errors:
            continue
        good, bad = effective[good_key], effective[bad_key]
        if not score.direction_ok(measure, good, bad):
            errors[good_key] = (_("Untuk ukuran ini nilai yang makin tinggi makin baik: batas baik harus lebih "
                                  "tinggi dari batas buruk.") if measure.direction == HIGHER else
                                _("Untuk ukuran ini nilai yang makin rendah makin baik: batas baik harus lebih "
                                  "rendah dari batas buruk."))
    for family in FAMILY_ORDER:
        scored = [m for m in measures.of_family(family) if m.scored]
        keys = [f"{m.key}.weight" for m in scored]
        if scored and not any(k in errors for k in keys) and not any(effective[k] > 0 for k in keys):
            errors[keys[0]] = _("Paling sedikit satu ukuran dalam kelompok ini harus berbobot lebih dari 0.")
    family_keys = [f"family.{f}.weight" for f in FAMILY_ORDER]
    if not any(k in errors for k in family_keys) and not any(effective[k] > 0 for k in family_keys):
        errors[family_keys[0]] = _("Paling sedikit satu kelompok harus berbobot lebih dari 0.")
    if "zone.green" not in errors and "zone.yellow" not in errors and \
            not effective["zone.yellow"] < effective["zone.green"]:
        errors["zone.yellow"] = _("Batas zona kuning harus lebih rendah dari batas zona hijau.")
    if errors:
        raise SettingsError(errors)
    current = dict(db.session.execute(select(Setting.key, Setting.value)).all())
    changes = {}
    for key, value in parsed.items():
        old = current.get(key)
        if value is None or value == defaults[key]:
            if old is not None:
                db.session.execute(delete(Setting).where(Setting.key == key))
                changes[key] = [old, None]
        elif value != old:
            row = db.session.get(Setting, key)
            if row is None:
                db.session.add(Setting(key=key, value=value, updated_at=now, updated_by_id=actor.id))
            else:
                row.value, row.updated_at, row.updated_by_id = value, now, actor.id
            changes[key] = [old, value]
    if changes:
        audit.record(actor, "scorecard.settings_changed", None, now=now, changes=changes)
    db.session.commit()
    return changes

