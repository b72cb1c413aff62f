"""The score: each scored measure 0-100 by its thresholds, families and the whole by weights, a zone.

- A scored measure's points: linear between its "bad" value (0 points) and its "good" value
  (100 points), clamped to 0..100. When "good" is below "bad", lower values are better.
- A measure resting on fewer cases than its minimum (e.g. fewer than 5 resolved complaints) gets
  no points at all: "data belum cukup", never a misleading 0 or 100; it drops out of the averages.
- A family's score: the weighted mean of its measures that have points (weights re-normalised
  over those). The overall score: the weighted mean of the families that have a score (family
  weights re-normalised likewise, which is how a family without data, e.g. the survey until it
  exists, leaves its share to the others).
- The overall score needs at least "score.min_measures" measures with points (default 3): one
  measure alone says too little about a unit.
- Scores are rounded to whole points (half up); the zone is read from the rounded overall score:
  hijau from the green edge up, kuning from the yellow edge up, merah below.

Every number here has a default in the code (measures.py and DEFAULT_ZONES) and may be overridden
by an admin (services.update_settings); clearing an override restores the default.
"""
import math
from dataclasses import dataclass, field

from sqlalchemy import select

from core.extensions import db
from core.i18n import lazy_gettext as _l

from . import measures
from .measures import FAMILY_ORDER, FAMILY_WEIGHTS, HIGHER, MEASURES, SCORED
from .models import Setting

GREEN, YELLOW, RED = "hijau", "kuning", "merah"
ZONES = (GREEN, YELLOW, RED)
ZONE_LABELS = {
    GREEN: _l("Hijau: baik"),
    YELLOW: _l("Kuning: perlu perhatian"),
    RED: _l("Merah: perlu perbaikan"),
}
ZONE_WORDS = {GREEN: _l("Hijau"), YELLOW: _l("Kuning"), RED: _l("Merah")}
DEFAULT_ZONES = {"zone.green": 80, "zone.yellow": 60}
# The overall score needs at least this many measures with enough data; fewer: "data belum cukup".
DEFAULT_MIN_MEASURES = {"score.min_measures": 3}


def setting_keys_of(measure):
    return {part: f"{measure.key}.{part}" for part in ("good", "bad", "weight", "min_base")}


def defaults():
    """{setting key: default value} for every number an admin may override."""
    values = {}
    for measure in SCORED:
        keys = setting_keys_of(measure)
        values[keys["good"]], values[keys["bad"]] = measure.good, measure.bad
        values[keys["weight"]], values[keys["min_base"]] = measure.weight, measure.min_base
    for family in FAMILY_ORDER:
        values[f"family.{family}.weight"] = FAMILY_WEIGHTS[family]
    values.update(DEFAULT_ZONES)
    values.update(DEFAULT_MIN_MEASURES)
    return values


@dataclass
class Settings:
    values: dict
    overridden: dict = field(default_factory=dict)  # key -> admin's value

    def of(self, measure, part):
        return self.values[f"{measure.key}.{part}"]

    def family_weight(self, family):
        return self.values[f"family.{family}.weight"]

    @property
    def green(self):
        return self.values["zone.green"]

    @property
    def yellow(self):
        return self.values["zone.yellow"]

    @property
    def min_measures(self):
        return self.values["score.min_measures"]


def load_settings():
    """The defaults with the admins' overrides applied (one query)."""
    values = defaults()
    overridden = {}
    for key, value in db.session.execute(select(Setting.key, Setting.value)):
        if key in values:  # a setting of a measure since removed is ignored
            values[key] = overridden[key] = value
    return Settings(values, overridden)


def round_points(value):
    return None if value is None else int(math.floor(value + 0.5))


def points(measure, value, settings):
    """0-100 for a value of a scored measure (unrounded), by its good and bad thresholds."""
    good, bad = settings.of(measure, "good"), settings.of(measure, "bad")
    if value is None or good == bad:
        return None
    return max(0.0, min(100.0, 100.0 * (value - bad) / (good - bad)))


def zone_of(score, settings):
    if score is None:
        return None
    if score >= settings.green:
        return GREEN
    if score >= settings.yellow:
        return YELLOW
    return RED


@dataclass
class Result:
    """One measure for one unit (or the city) over one period."""
    measure: measures.Measure
    value: float | None
    base: int | None  # the cases it rests on; None for plain counts
    enough: bool  # False: "data belum cukup"
    points: float | None  # scored measures with enough data only

    @property
    def score(self):
        return round_points(self.points)

    @property
    def key(self):
        return self.measure.key


@dataclass
class Card:
    """A unit's (or the city's) scorecard: every measure, family scores, overall score and zone."""
    results: dict
    families: dict  # family -> rounded score or None
    score: int | None
    zone: str | None
    figures: dict = field(repr=False, default_factory=dict)

    def weakest(self, limit=3):
        """The scored measures with the fewest points: what pulls the score down (below 100 only)."""
        scored = [r for r in self.results.values() if r.measure.scored and r.points is not None and r.points < 100]
        return sorted(scored, key=lambda r: (r.points, r.key))[:limit]

    def lacking(self):
        return [r for r in self.results.values() if r.measure.scored and not r.enough]


def evaluate(figures, settings):
    """The card for these figures (summed daily figures and snapshot, one unit or the city)."""
    results = {}
    for measure in MEASURES:
        value, base = measure.compute(figures)
        enough = value is not None
        if measure.scored:
            minimum = settings.of(measure, "min_base")
            enough = enough and (base is None or base >= minimum)
        results[measure.key] = Result(measure, value, base, enough,
                                      points(measure, value, settings) if measure.scored and enough else None)
    families, raw_families = {}, {}
    for family in FAMILY_ORDER:
        weighted = [(r.points, settings.of(r.measure, "weight")) for r in results.values()
                    if r.measure.family == family and r.points is not None]
        total = sum(w for _p, w in weighted)
        raw_families[family] = sum(p * w for p, w in weighted) / total if total else None
        families[family] = round_points(raw_families[family])
    weighted = [(raw, settings.family_weight(f)) for f, raw in raw_families.items() if raw is not None]
    total = sum(w for _s, w in weighted)
    with_points = sum(1 for r in results.values() if r.points is not None)
    score = round_points(sum(s * w for s, w in weighted) / total) if total and with_points >= settings.min_measures else None
    return Card(results, families, score, zone_of(score, settings), figures)


def effective_family_weights(card, settings):
    """{family: share in percent} that each family actually had in this card's overall score."""
    present = [f for f, s in card.families.items() if s is not None and settings.family_weight(f) > 0]
    total = sum(settings.family_weight(f) for f in present)
    return {f: (100.0 * settings.family_weight(f) / total if f in present and total else 0.0) for f in FAMILY_ORDER}


def direction_ok(measure, good, bad):
    return good > bad if measure.direction == HIGHER else good < bad
