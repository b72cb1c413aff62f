"""The city's settings inside training content: {{nama_kota}}, {{batas_hari_kerja_pengaduan}}, ...

A lesson that says "within 5 working days" is wrong in a city that set another deadline, so the
content names the setting and the text is filled when shown (lessons, summaries, questions,
options, explanations). Stored and exported content keeps the placeholders; a name that is not
listed here is refused when the content is saved or imported, so a typo never reaches a learner.
"""
import re

from flask import current_app

from core.i18n import lazy_gettext as _l

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")

# placeholder name -> (setting in the app config, what it stands for: shown to authors)
PLACEHOLDERS = {
    "nama_kota": ("CITY_NAME", _l("nama kota")),
    "batas_hari_kerja_pengaduan": ("COMPLAINT_SLA_WORKING_DAYS",
                                   _l("hari kerja sebelum pengaduan yang belum selesai diteruskan ke sistem "
                                      "pengaduan nasional")),
    "sistem_pengaduan_nasional": ("NATIONAL_SYSTEM_NAME", _l("nama sistem pengaduan nasional")),
}


def unknown_placeholders(text):
    """The placeholder names in `text` that are not settings, in order of appearance."""
    found = []
    for name in PLACEHOLDER_RE.findall(text or ""):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def fill(text):
    """`text` with every known placeholder replaced by the city's setting (unknown ones stay)."""
    if not text or "{{" not in text:
        return text

    def setting(match):
        entry = PLACEHOLDERS.get(match.group(1))
        return str(current_app.config[entry[0]]) if entry else match.group(0)

    return PLACEHOLDER_RE.sub(setting, text)


def listed():
    """[(written form, meaning, current value)] for the authoring pages."""
    return [("{{%s}}" % name, meaning, current_app.config[setting])
            for name, (setting, meaning) in PLACEHOLDERS.items()]
