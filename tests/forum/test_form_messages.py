"""WTForms' own messages on a forum page speak the page's language (core.forms.PageForm)."""
import re

import pytest

from core import clock

from tests.conftest import NOW


@pytest.fixture(autouse=True)
def at_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)  # the consultation's window is open


@pytest.mark.parametrize("language, message", [
    ("id", "Harus 2 sampai 10000 karakter."),
    ("en", "Field must be between 2 and 10000 characters long."),
])
def test_a_length_without_a_message_of_ours_reads_in_the_page_s_language(
        client, login, citizen, forum_input, language, message):
    login(citizen)
    with client.session_transaction() as session:
        session["lang"] = language  # as the language switch keeps it
    answer = client.post(f"/forum/masukan/{forum_input.id}/balas", data={"reply-body": "x"})
    assert answer.status_code == 400
    assert re.search(r'id="reply-body-error"[^>]*>\s*' + re.escape(message), answer.text)
