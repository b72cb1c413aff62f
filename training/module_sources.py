"""Where a module's content comes from: each regulation it relies on, the articles, and the day
someone checked the lessons against the regulation's own text. Shown at the end of the module,
so a learner (and an auditor) sees what a lesson rests on and how current it is.

Stored on the module as a list of {"regulation", "articles", "checked_on", "note"}; the module
file carries the same list, and the authoring form edits it as one line per source.
"""
from datetime import date


from core import clock
from core.errors import DomainError
from core.i18n import gettext as _

MAX_SOURCES = 30
MAX_SOURCE_TEXT = 300
SEPARATOR = "|"


def _checked_on(value, label):
    try:
        day = date.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(label + _("tanggal pemeriksaan harus ditulis TTTT-BB-HH, misalnya 2026-12-02."))
    if day > clock.to_local(clock.now()).date():
        raise ValueError(label + _("tanggal pemeriksaan tidak boleh di masa depan."))
    return day.isoformat()


def _clean_one(number, regulation, articles, checked_on, note):
    label = _("Sumber %(n)d: ", n=number)
    texts = {"regulation": regulation, "articles": articles, "note": note}
    if not all(isinstance(value, str) for value in texts.values()):
        raise ValueError(label + _("peraturan, pasal dan catatan harus berupa teks."))
    texts = {name: " ".join(value.split()) for name, value in texts.items()}
    if not texts["regulation"]:
        raise ValueError(label + _("nama peraturan wajib diisi."))
    if any(len(value) > MAX_SOURCE_TEXT for value in texts.values()):
        raise ValueError(label + _("setiap bagian paling banyak %(n)d karakter.", n=MAX_SOURCE_TEXT))
    return {"regulation": texts["regulation"], "articles": texts["articles"],
            "checked_on": _checked_on(checked_on, label), "note": texts["note"]}


def _checked(sources, field):
    if len(sources) > MAX_SOURCES:
        raise DomainError(_("Paling banyak %(n)d sumber per modul.", n=MAX_SOURCES), field=field)
    return sources


def clean_sources(raw, *, field="file"):
    """The "sources" list of a module file, checked and tidied; DomainError naming the entry."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise DomainError(_("Kolom \"sources\" harus berupa daftar."), field=field)
    sources = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or set(entry) - {"regulation", "articles", "checked_on", "note"}:
            raise DomainError(_("Sumber %(n)d: harus berupa objek dengan \"regulation\", \"articles\", "
                                "\"checked_on\" dan (boleh) \"note\".", n=number), field=field)
        try:
            sources.append(_clean_one(number, entry.get("regulation"), entry.get("articles", ""),
                                      entry.get("checked_on"), entry.get("note", "")))
        except ValueError as e:
            raise DomainError(str(e), field=field) from None
    return _checked(sources, field)


def parse_lines(text, *, field="sources"):
    """The authoring form's text, one source per line: "regulation | articles | YYYY-MM-DD | note"."""
    sources = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.split(SEPARATOR)]
        if not 3 <= len(parts) <= 4:
            raise DomainError(_("Sumber %(n)d: tulis \"peraturan | pasal | tanggal diperiksa | catatan\" "
                                "(catatan boleh dikosongkan, pasal boleh kosong).", n=number), field=field)
        parts += [""] * (4 - len(parts))
        try:
            sources.append(_clean_one(number, *parts))
        except ValueError as e:
            raise DomainError(str(e), field=field) from None
    return _checked(sources, field)


def as_lines(sources):
    """The form's text for stored sources (the inverse of parse_lines)."""
    lines = []
    for source in sources or []:
        parts = [source["regulation"], source.get("articles", ""), source["checked_on"]]
        if source.get("note"):
            parts.append(source["note"])
        lines.append(f" {SEPARATOR} ".join(parts))
    return "\n".join(lines)
