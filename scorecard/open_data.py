"""Open data: every scorecard table as CSV and JSON, and the data dictionary that explains them.

The figures are those of the pages, read through services (unit_rows, city_card, unit_trend):
nothing is computed again here, only laid out. Columns have stable machine names generated from
measures.MEASURES, so a measure added there is a column here and a line of the dictionary.

CSV files are UTF-8 *with* a byte-order mark: Excel (what most offices open a CSV with) reads
unit names with accents or non-Latin letters correctly only then, and every CSV library reads it
("utf-8-sig" in Python, readr and pandas skip it). Comma-separated, CRLF line ends, a header row,
numbers unformatted (a dot for decimals, at most two decimals, no thousands separator), an empty
cell for "no value" or "data belum cukup". A text cell that starts like a spreadsheet formula
gets a leading apostrophe.

Only numbers leave the aggregates, so no complaint's content, title or reporter (rahasia or not)
can appear in any of these files.
"""
import hashlib
import json

from flask import current_app

from core import csv_export
from core.csv_export import BOM  # noqa: F401  (the data dictionary says whether files carry it)
from core.i18n import lazy_gettext as _l

from . import measures
from .measures import FAMILIES, FAMILY_ORDER, MEASURES


# The columns that describe the unit, before the measures (name: meaning).
UNIT_COLUMNS = {
    "unit_id": _l("Nomor unit di situs ini (sama dengan alamat /rapor/unit/<nomor>)."),
    "unit": _l("Nama unit."),
    "short_name": _l("Singkatan unit (kosong bila tidak ada)."),
    "score": _l("Nilai keseluruhan 0–100 dalam periode; kosong bila data belum cukup."),
    "zone": _l("Zona nilai keseluruhan: hijau, kuning, atau merah; kosong bila data belum cukup."),
}
MONTH_COLUMN = {"month": _l("Bulan kalender, ditulis TTTT-BB (misalnya 2026-03).")}


def family_column(family):
    return f"family.{family}"


def columns():
    """The header of /rapor.csv, in order: the unit, each family's score, then per measure its value
    and, for a scored measure, its points and base (the keys of services.UnitRow.as_dict())."""
    names = list(UNIT_COLUMNS) + [family_column(f) for f in FAMILY_ORDER]
    for measure in MEASURES:
        names += measure_columns(measure)
    return names


def measure_columns(measure):
    return [measure.key] + ([f"{measure.key}.points", f"{measure.key}.base"] if measure.scored else [])


def trend_measures():
    """Measures with a figure per month: not the state at the last refresh, not those read live."""
    return [m for m in MEASURES if not m.snapshot and not m.live]


def trend_columns():
    names = list(MONTH_COLUMN)
    for measure in trend_measures():
        names += measure_columns(measure)
    return names


def _plain(value):
    if isinstance(value, float):
        value = round(value, 2)
        return int(value) if value == int(value) else value
    return value


def result_cells(card, measure):
    """{column: value} of one measure of a card, as the pages show it (no value without enough data)."""
    result = card.results[measure.key]
    cells = {measure.key: _plain(result.value) if (result.enough or not measure.scored) else None}
    if measure.scored:
        cells[f"{measure.key}.points"] = result.score
        cells[f"{measure.key}.base"] = result.base
    return cells


def to_csv(header, rows):
    """CSV text with the byte-order mark (Excel then reads the unit names right), a header row and
    one row per dict."""
    return csv_export.to_csv(header, ([_plain(row.get(name)) for name in header] for row in rows), bom=True)


def units_csv(rows):
    """/rapor.csv: one line per unit (services.UnitRow), in the order given."""
    return to_csv(columns(), [row.as_dict() for row in rows])


def trend_csv(trend):
    """/rapor/unit/<id>.csv: one line per month (services.MonthRow), oldest first."""
    lines = []
    for month_row in trend:
        line = {"month": month_row.month.strftime("%Y-%m")}
        for measure in trend_measures():
            line.update(result_cells(month_row.card, measure))
        lines.append(line)
    return to_csv(trend_columns(), lines)


# --- JSON ------------------------------------------------------------------------------------------

def settings_version(settings):
    """A short fingerprint of every number in force: it changes whenever an admin changes one."""
    text = json.dumps(settings.values, sort_keys=True, default=float)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def settings_json(settings):
    return {
        "version": settings_version(settings),
        "overridden": sorted(settings.overridden),
        "zones": {"hijau": settings.green, "kuning": settings.yellow},
        "min_measures": settings.min_measures,
        "family_weights": {family: settings.family_weight(family) for family in FAMILY_ORDER},
        "measures": {m.key: {part: settings.of(m, part) for part in ("good", "bad", "weight", "min_base")}
                     for m in measures.SCORED},
    }


def card_json(card):
    out = {"score": card.score, "zone": card.zone,
           "families": {family: card.families.get(family) for family in FAMILY_ORDER}, "measures": {}}
    for measure in MEASURES:
        result = card.results[measure.key]
        out["measures"][measure.key] = {
            "value": _plain(result.value) if (result.enough or not measure.scored) else None,
            "points": result.score if measure.scored else None,
            "base": result.base,
            "enough": bool(result.enough),
        }
    return out


def unit_json(row):
    return {"id": row.unit_id, "name": row.name, "short_name": row.short_name, **card_json(row.card)}


def licence():
    config = current_app.config
    return {"name": config["OPEN_DATA_LICENCE"], "url": config["OPEN_DATA_LICENCE_URL"] or None}


def document(period, rows, city, settings, refreshed_at):
    """The body of GET /api/v1/rapor."""
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "refreshed_at": refreshed_at.isoformat() if refreshed_at else None,
        "licence": licence(),
        "settings": settings_json(settings),
        "city": card_json(city),
        "units": [unit_json(row) for row in rows],
    }


# --- the data dictionary ---------------------------------------------------------------------------

def dictionary():
    """[(section title, [(column, meaning, unit of measure or None, measure or None)])] for /rapor/data:
    every column of the CSV and JSON, generated from the registry."""
    unit_words = measures.UNIT_LABELS
    sections = [(_l("Unit (/rapor.csv, JSON)"), [(name, meaning, None, None) for name, meaning in UNIT_COLUMNS.items()]),
                (_l("Tren unit per bulan (/rapor/unit/<nomor>.csv): kolom bulan, lalu kolom ukuran di bawah ini"),
                 [(name, meaning, None, None) for name, meaning in MONTH_COLUMN.items()])]
    sections.append((_l("Nilai kelompok"), [
        (family_column(f), _l("Nilai kelompok %(family)s, 0–100; kosong bila tidak ada ukuran dengan data cukup.",
                              family=FAMILIES[f]), _l("poin 0–100"), None) for f in FAMILY_ORDER]))
    for family in FAMILY_ORDER:
        entries = []
        for m in measures.of_family(family):
            entries.append((m.key, m.description, unit_words[m.unit], m))
            if m.scored:
                entries.append((f"{m.key}.points", _l("Poin 0–100 ukuran \"%(label)s\" menurut batas baik dan buruk "
                                                       "yang berlaku; kosong bila data belum cukup.", label=m.label),
                                _l("poin 0–100"), None))
                entries.append((f"{m.key}.base", _l("Jumlah kasus yang menjadi dasar ukuran \"%(label)s\" (%(what)s).",
                                                     label=m.label, what=m.base_label), unit_words[measures.COUNT], None))
        if entries:
            sections.append((FAMILIES[family], entries))
    return sections
