"""Visitors get the scorecard pages from the page cache until the figures or the scoring change:
a refresh or an admin's new threshold shows on the next visit, never a page from before it."""
import re
from datetime import timedelta

import pytest

from core.extensions import cache
from core.permissions import ADMIN
from scorecard import services

from tests.conftest import NOW, count_queries

PERIOD = "periode=rentang&dari=2026-11-01&sampai=2026-12-01"
TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def visit(client, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


@pytest.fixture
def paths(unit):
    return ["/rapor?" + PERIOD, f"/rapor/unit/{unit.id}?" + PERIOD, "/rapor/cara-penilaian"]


def test_a_second_visit_is_served_from_the_cache_with_one_query(client, file, unit, moderator, rebuild, paths):
    file(unit=unit, moderator=moderator)
    rebuild()
    for path in paths:
        first, page = visit(client, path)
        again, cached = visit(client, path)
        assert again == 1 < first  # the scorecard's revision, nothing else
        assert TOKEN.sub("", cached) == TOKEN.sub("", page)


def test_a_refresh_shows_its_new_figures_on_the_next_visit(client, file, unit, moderator, rebuild):
    path = f"/rapor/unit/{unit.id}?" + PERIOD
    file(unit=unit, moderator=moderator)
    rebuild(now=NOW + timedelta(days=20))
    before = visit(client, path)[1]
    for hours in (1, 2):
        file(at=NOW + timedelta(hours=hours), unit=unit, moderator=moderator)
    rebuild(now=NOW + timedelta(days=20))
    after = visit(client, path)[1]
    received = re.compile(r"Pengaduan diterima.{0,400}?>(\d+)<", re.S)
    assert (received.search(before).group(1), received.search(after).group(1)) == ("1", "3")


def green_zone_from_91(admin):
    """An admin moves the green zone's edge to 91, every other setting left at its default."""
    submitted = {key: "" for key in services.score.defaults()}
    submitted["zone.green"] = "91"
    services.update_settings(admin, submitted, now=NOW)


def test_an_admins_new_threshold_shows_on_the_next_visit(client, file, unit, moderator, rebuild, make_user):
    file(unit=unit, moderator=moderator)
    rebuild()
    before = visit(client, "/rapor/cara-penilaian")[1]
    green_zone_from_91(make_user(ADMIN, email="admin@example.com"))
    after = visit(client, "/rapor/cara-penilaian")[1]
    assert "91" not in before and "91" in after


def test_a_signed_in_person_sees_an_admins_new_threshold_on_the_next_page(client, login, file, unit, moderator,
                                                                         rebuild, make_user):
    """The settings and freshness every scorecard page reads are kept under the scorecard's
    revision: the next page after a change reads them again."""
    file(unit=unit, moderator=moderator)
    rebuild()
    login(make_user(email="pemantau@example.com"))
    first, before = visit(client, "/rapor/cara-penilaian")
    again = visit(client, "/rapor/cara-penilaian")[0]
    assert again < first  # the settings and freshness came from the cache
    green_zone_from_91(make_user(ADMIN, email="admin@example.com"))
    after = visit(client, "/rapor/cara-penilaian")[1]
    assert "91" not in before and "91" in after


def test_signed_in_people_get_the_figures_from_a_fragment_until_a_refresh(client, login, file, unit, moderator,
                                                                          rebuild, make_user):
    path = f"/rapor/unit/{unit.id}?" + PERIOD
    file(unit=unit, moderator=moderator)
    rebuild(now=NOW + timedelta(days=20))
    login(make_user(email="pemantau@example.com"))
    first, before = visit(client, path)
    again, _ = visit(client, path)
    assert again < first  # the figures, charts and tables came from the fragment
    file(at=NOW + timedelta(hours=1), unit=unit, moderator=moderator)
    rebuild(now=NOW + timedelta(days=20))
    after = visit(client, path)[1]
    received = re.compile(r"Pengaduan diterima.{0,400}?>(\d+)<", re.S)
    assert (received.search(before).group(1), received.search(after).group(1)) == ("1", "2")


def test_with_the_fragments_off_signed_in_pages_render_their_figures_each_time(app, client, login, file, unit,
                                                                                moderator, rebuild, make_user,
                                                                                monkeypatch):
    file(unit=unit, moderator=moderator)
    rebuild()
    login(make_user(email="pemantau@example.com"))
    monkeypatch.setitem(app.config, "FRAGMENT_CACHE_SECONDS", 0)
    first = visit(client, "/rapor?" + PERIOD)[0]
    assert visit(client, "/rapor?" + PERIOD)[0] == first


def test_with_the_page_cache_off_visitors_get_the_figures_from_the_fragment(app, client, file, unit, moderator,
                                                                            rebuild, monkeypatch):
    file(unit=unit, moderator=moderator)
    rebuild()
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    first, page = visit(client, "/rapor?" + PERIOD)
    again, rendered = visit(client, "/rapor?" + PERIOD)
    assert again < first  # the figures came from the fragment
    assert not [key for key in cache.cache._cache if "page:" in key]  # the page itself was not kept
    assert TOKEN.sub("", rendered) == TOKEN.sub("", page)


def test_the_open_data_json_is_served_from_the_cache_until_a_refresh(client, file, unit, moderator, rebuild):
    path = "/api/v1/rapor?from=2026-11-01&to=2026-12-01"
    file(unit=unit, moderator=moderator)
    rebuild(now=NOW + timedelta(days=20))
    first, before = visit(client, path)
    again, cached = visit(client, path)
    assert again == 1 < first and cached == before
    file(at=NOW + timedelta(hours=1), unit=unit, moderator=moderator)
    rebuild(now=NOW + timedelta(days=20))
    assert visit(client, path)[1] != before


def test_with_the_page_cache_off_the_open_data_is_kept_until_a_refresh(app, client, file, unit, other_unit,
                                                                       moderator, rebuild, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    path = "/api/v1/rapor?from=2026-11-01&to=2026-12-01"
    file(unit=unit, moderator=moderator)
    rebuild(now=NOW + timedelta(days=20))
    first, before = visit(client, path)
    again, kept = visit(client, path)
    assert again < first and kept == before  # the document came from the cache, not the figures
    assert client.get(f"/api/v1/rapor?unit={unit.id}").json["units"][0]["id"] == unit.id
    assert client.get("/api/v1/rapor?unit=999999").status_code == 400  # kept as "unknown", still refused
    assert client.get("/api/v1/rapor?unit=999999").status_code == 400
    file(at=NOW + timedelta(hours=1), unit=unit, moderator=moderator)
    rebuild(now=NOW + timedelta(days=20))
    assert visit(client, path)[1] != before
