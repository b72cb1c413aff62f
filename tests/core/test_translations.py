"""Every user-facing string in the code has its English translation, placeholders intact."""
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_pgettext": ((1, "c"), 2), "_p": ((1, "c"), 2)}


def source_messages():
    found = {}
    for dirname in ("accounts", "core", "forum", "complaints", "training", "scorecard", "templates"):
        method_map = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]
        for filename, _lineno, message, _comments, _context in extract_from_dir(
                ROOT / dirname, method_map, keywords=KEYWORDS,
                options_map={"**.html": {}, "**.txt": {}}):
            for msgid in (message if isinstance(message, tuple) else (message,)):
                if msgid:
                    found.setdefault(msgid, f"{dirname}/{filename}")
    for path in ROOT.glob("*.py"):  # app.py, config.py
        for _lineno, message, _comments, _context in extract_from_file("python", path, keywords=KEYWORDS):
            found.setdefault(message, path.name)
    return found


def test_every_message_has_an_english_translation():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = {}
        for m in read_po(f):
            # A plural entry has a tuple of msgids (singular, plural) and of translations.
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            for msgid in ids:
                if msgid:
                    catalogue[msgid] = all(strings)
    missing = {msgid: where for msgid, where in source_messages().items() if not catalogue.get(msgid)}
    assert missing == {}, "run `make update-messages` and translate translations/en/LC_MESSAGES/messages.po"


def test_translations_keep_their_placeholders():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as f:
        for message in read_po(f):
            if message.id and message.string:
                assert set(PLACEHOLDER.findall(str(message.id))) == set(PLACEHOLDER.findall(str(message.string))), message.id
