"""Issue 11, "Language": one date style per language, no raw codes or English on Indonesian pages,
the words people use, and no doubled punctuation."""
import ast
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from flask_babel import force_locale

from complaints.models import CLASSIFICATIONS, EVENT_LABELS
from core import audit, outbox
from core.extensions import db
from core.i18n import format_day, format_moment
from core.outbox import FAILED, FORWARD, OutboxMessage
from core.permissions import ADMIN
from tests.conftest import PASSWORD
from tests.core.test_translations import source_messages

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = datetime(2026, 12, 9, 16, 59, tzinfo=timezone.utc)  # 23:59 WIB
SHORT_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2}\b")  # Babel's "short" style: 9/12/26


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale,moment,day,weekday", [
    ("id", "9 Desember 2026 23.59 WIB", "9 Desember 2026", "Rabu, 9 Desember 2026"),
    ("en", "9 December 2026 23:59 WIB", "9 December 2026", "Wednesday, 9 December 2026"),
])
def test_every_date_style_a_page_asks_for_gives_the_one_style_of_the_language(in_request, locale, moment, day, weekday):
    with force_locale(locale):
        assert {format_moment(DEADLINE, fmt) for fmt in ("short", "medium", "long")} == {moment}
        assert {format_day(DEADLINE, fmt) for fmt in ("short", "medium", "long")} == {day}
        assert format_day(date(2026, 12, 9), "full") == weekday
        assert format_moment(DEADLINE, "full") == f"{weekday} {moment.split(' ', 3)[3]}"


def test_english_names_the_city_zone_wib_not_an_offset(in_request):
    with force_locale("en"):
        assert "+0700" not in format_moment(DEADLINE) and format_moment(DEADLINE).endswith(" WIB")


def test_the_outbox_page_shows_its_moments_in_the_long_style(client, login, make_user):
    login(make_user(ADMIN))
    message = outbox.enqueue(FORWARD, key="forward:1", payload={"tracking_code": "ADU-1", "event": "forwarded"})
    message.next_attempt_at = DEADLINE
    db.session.commit()
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "9 Desember 2026 23.59 WIB" in page
    assert not SHORT_DATE.search(page)


# --- no raw codes, no English on Indonesian pages --------------------------------------------------

def audited_action_codes():
    """Every action code written to the audit log as a literal in the code."""
    codes = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("record", "_staff_audit") and len(node.args) >= 2:
                for arg in ast.walk(node.args[1]):
                    if isinstance(arg, ast.Constant) and re.fullmatch(r"[a-z_]+\.[a-z_]+", str(arg.value)):
                        codes.add(arg.value)
    return codes


def test_every_audited_action_has_a_human_label(app):
    codes = audited_action_codes()
    assert "user.logged_in" in codes and len(codes) > 40  # the scan finds them
    # The codes passed through a variable or an f-string.
    codes |= {"berita_acara.created", "berita_acara.updated", "training.question_deactivated", "training.question_deleted",
              "forum.response_given", "forum.response_changed", "forum.input_hidden", "forum.reply_hidden",
              "forum.input_unhidden", "forum.reply_unhidden"}
    assert {code for code in codes if audit.action_label(code) == code} == set()


def test_the_audit_log_shows_labels_and_an_unknown_code_as_it_is(client, login, make_user):
    admin = make_user(ADMIN)
    audit.record(admin, "user.logged_in", admin)
    audit.record(admin, "plugin.something_new", admin)
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Pengguna masuk" in page and "user.logged_in" not in page
    assert "plugin.something_new" in page
    assert f"Pengguna #{admin.id}" in page and f"user #{admin.id}" not in page
    assert "Pengguna masuk" in client.get(f"/admin/pengguna/{admin.id}").get_data(as_text=True)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Logged in" in page and f"User #{admin.id}" in page


def test_the_outbox_summarises_an_error_in_the_readers_language_and_keeps_the_raw_one_folded(client, login, make_user):
    login(make_user(ADMIN))
    message = outbox.enqueue(FORWARD, key="forward:9", payload={"tracking_code": "ADU-9", "event": "forwarded"})
    message.status, message.attempts, message.last_error = FAILED, 3, "ConnectionRefusedError: [Errno 111] Connection refused"
    db.session.commit()
    page = client.get("/admin/outbox").get_data(as_text=True)
    summary = re.search(r"<details><summary>(.*?)</summary>(.*?)</details>", page, re.S)
    assert summary.group(1) == "Pengiriman gagal dan dihentikan setelah 3 percobaan."
    assert "Connection refused" in summary.group(2) and 'lang="en"' in summary.group(2)
    assert "Galat" not in page and "Kesalahan terakhir" in page
    with client.session_transaction() as session:
        session["lang"] = "en"
    assert "Delivery failed and stopped after 3 attempts." in client.get("/admin/outbox").get_data(as_text=True)


# --- words people use, and no glitches ---------------------------------------------------------------

def test_no_message_uses_developer_words():
    words = re.compile(r"\bslug\b|\bgalat\b|umpan atom", re.IGNORECASE)
    placeholder = re.compile(r"%\(\w+\)[sd]")  # %(slug)s names a value in the code, not a word on the page
    assert {msgid: where for msgid, where in source_messages().items() if words.search(placeholder.sub("", msgid))} == {}


def test_no_message_doubles_its_closing_punctuation():
    assert {msgid: where for msgid, where in source_messages().items() if re.search(r"[.!?]\.(\s|$)", msgid)} == {}


def test_a_name_ending_in_a_title_gets_one_full_stop_in_the_welcome(client, make_user):
    user = make_user(full_name="Budi Santoso, S.Kom.")
    assert client.post("/akun/masuk", data={"email": user.email, "password": PASSWORD}).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Selamat datang, Budi Santoso, S.Kom." in page and "S.Kom.." not in page


def test_an_internal_note_is_not_called_internal_twice(app):
    # The timeline adds its "internal" badge to every internal event.
    assert "internal" not in str(EVENT_LABELS["note"]).lower()


def test_in_english_a_complaints_type_is_complaint_while_the_menu_says_complaints(in_request):
    with force_locale("en"):
        assert str(CLASSIFICATIONS["pengaduan"]) == "Complaint"
        from flask_babel import gettext
        assert gettext("Pengaduan") == "Complaints"
        assert gettext("Jenis laporan") == "Type"
