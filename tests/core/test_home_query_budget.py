"""The home page `make bench` loads stays within 10 SQL statements for every kind of visitor: signed in
in each role, and visitors with the page cache off."""
import pytest

from core.permissions import ASN, CITIZEN, MODERATOR, ORG_MEMBER

from tests.conftest import count_queries

BUDGET = 10


@pytest.mark.parametrize("who", ["no cache", CITIZEN, ORG_MEMBER, ASN, MODERATOR])
def test_home_page_stays_within_the_budget(app, login, users, who, monkeypatch):
    client = app.test_client()
    if who == "no cache":
        monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    else:
        login(users[who], on=client)
    client.get("/")  # warm-up: first-request work is not the page's
    with count_queries() as statements:
        response = client.get("/")
    assert response.status_code == 200, who
    assert len(statements) <= BUDGET, (who, len(statements), statements)
