"""Anonymous visitors get forum pages from the page cache (core/page_cache.py), never a stale or
another visitor's page: every committed change shows on the next request."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from core import page_cache
from core.extensions import cache, db
from forum import input_services
from forum.models import ForumInput

from tests.conftest import NOW, count_queries

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def queries(client, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(statements), response


@pytest.mark.parametrize("url", ["/forum/", "/forum/konsultasi/konsultasi-1", "/forum/tindak-lanjut", "input"])
def test_a_second_anonymous_visit_is_served_from_the_cache_with_one_query(client, forum_input, url):
    url = f"/forum/masukan/{forum_input.id}" if url == "input" else url
    first, page = queries(client, url)
    again, cached = queries(client, url)
    assert first <= 10
    assert again == 1  # the forum's revision; nothing else
    assert TOKEN.sub("", cached.text) == TOKEN.sub("", page.text)


def test_a_committed_change_shows_on_the_next_anonymous_visit(client, forum_input, org_member, moderator):
    url = f"/forum/masukan/{forum_input.id}"
    client.get(url)
    input_services.reply(org_member, forum_input, body="Balasan yang baru saja dikirim", now=NOW)
    assert "Balasan yang baru saja dikirim" in client.get(url).text
    input_services.hide(moderator, forum_input, "Berisi data pribadi", now=NOW)
    assert "Berisi data pribadi" in client.get(url).text


def test_a_bulk_update_also_gives_a_new_revision(client, forum_input):
    before = page_cache.revision("forum")
    db.session.execute(update(ForumInput).where(ForumInput.id == forum_input.id).values(title="Judul diganti"))
    db.session.commit()
    assert page_cache.revision("forum") == before + 1
    assert "Judul diganti" in client.get(f"/forum/masukan/{forum_input.id}").text


def test_a_rolled_back_change_leaves_the_revision_and_the_page_alone(client, forum_input):
    before = page_cache.revision("forum")
    forum_input.title = "Tidak jadi"
    db.session.flush()
    db.session.rollback()
    assert page_cache.revision("forum") == before
    db.session.commit()  # a commit with nothing changed writes nothing either
    assert page_cache.revision("forum") == before


def test_one_transaction_bumps_the_revision_once(forum_input, org_member):
    before = page_cache.revision("forum")
    with count_queries() as statements:
        input_services.reply(org_member, forum_input, body="Satu balasan", now=NOW)
    assert page_cache.revision("forum") == before + 1
    assert sum("content_revision" in s for s in statements) == 1


def test_each_visitor_gets_their_own_form_token_from_a_cached_page(client, app, forum_input, csrf_enabled):
    other = app.test_client()
    url = "/forum/konsultasi/konsultasi-1"
    mine = TOKEN.findall(client.get(url).text)
    theirs = TOKEN.findall(other.get(url).text)  # served from the cache
    assert mine and theirs and set(mine).isdisjoint(theirs)
    assert page_cache.CSRF_PLACEHOLDER not in other.get(url).text
    # The token on the cached page is valid for its visitor: the language switch works.
    switched = other.post("/bahasa/en?next=" + url, data={"csrf_token": theirs[0]})
    assert switched.status_code == 302
    assert 'lang="en"' in other.get(url).text


def test_signed_in_people_get_a_fresh_page_with_their_own_tools(client, login, forum_input, moderator):
    client.get(f"/forum/masukan/{forum_input.id}")  # cached for visitors
    login(moderator)
    count, page = queries(client, f"/forum/masukan/{forum_input.id}")
    assert count > 1
    assert "Sembunyikan" in page.text


def test_a_visitor_with_a_flashed_message_gets_it_not_a_cached_page(client, forum_input):
    url = f"/forum/masukan/{forum_input.id}"
    client.get(url)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Pesan untuk pengunjung ini")]
    assert "Pesan untuk pengunjung ini" in client.get(url).text


def test_the_minute_is_part_of_the_key(client, forum_input, monkeypatch):
    """What depends on the clock alone (a window closing) is at most a minute old."""
    url = "/forum/konsultasi/konsultasi-1"
    monkeypatch.setattr(page_cache.clock, "now", lambda: NOW)
    queries(client, url)
    assert queries(client, url)[0] == 1
    monkeypatch.setattr(page_cache.clock, "now", lambda: NOW + timedelta(minutes=1))
    assert queries(client, url)[0] > 1


def test_the_cache_can_be_turned_off(client, app, forum_input, monkeypatch):
    """PAGE_CACHE_SECONDS=0 keeps no page (its parts stay kept as fragments); with
    FRAGMENT_CACHE_SECONDS=0 too, each visit renders the whole page again."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    client.get("/forum/")
    assert queries(client, "/forum/")[1].status_code == 200
    assert not [key for key in cache.cache._cache if "page:" in key]
    monkeypatch.setitem(app.config, "FRAGMENT_CACHE_SECONDS", 0)
    client.get("/forum/")
    assert queries(client, "/forum/")[0] > 1


def test_a_savepoint_does_not_bump_early_nor_lose_the_outer_change(forum_input):
    before = page_cache.revision("forum")
    forum_input.title = "Diubah sebelum savepoint"
    db.session.flush()
    with db.session.begin_nested():
        forum_input.reply_count = 7
    nested = db.session.begin_nested()
    forum_input.support_count = 3
    db.session.flush()
    nested.rollback()
    db.session.commit()
    assert page_cache.revision("forum") == before + 1
    assert db.session.get(ForumInput, forum_input.id).title == "Diubah sebelum savepoint"
