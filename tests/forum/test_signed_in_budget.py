"""The forum pages `make bench` loads, rendered for signed-in people of every role and for visitors
with the page cache off, stay within 10 SQL statements on the first visit and on the next ones; for
signed-in people the next visits take the lists every viewer sees alike from the fragments."""
import pytest

from tests.conftest import count_queries
from tests.forum.test_query_budget import BUDGET, busy_consultation  # noqa: F401  (fixture)

ROLES = ["citizen", "org_member", "host", "moderator"]


def urls(consultation, busy_input):
    return {"list": "/forum/", "list page 1": "/forum/?page=1",
            "consultation": f"/forum/konsultasi/{consultation.slug}",
            "consultation page 3": f"/forum/konsultasi/{consultation.slug}?halaman_masukan=3",
            "input": f"/forum/masukan/{busy_input.id}", "input page 2": f"/forum/masukan/{busy_input.id}?page=2",
            "tracker": "/forum/tindak-lanjut"}


def statements(client, url):
    with count_queries() as sent:
        response = client.get(url)
    assert response.status_code == 200, url
    return sent


@pytest.mark.parametrize("who", [*ROLES, "visitor, page cache off"])
def test_every_forum_page_stays_within_the_budget_for_every_role(app, login, busy_consultation, who, request,
                                                                 monkeypatch):
    consultation, busy_input = busy_consultation
    client = app.test_client()
    if who in ROLES:
        login(request.getfixturevalue(who), on=client)
    else:
        monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    client.get("/forum/")  # warm-up: first-request work is not the page's
    for name, url in urls(consultation, busy_input).items():
        first, again = statements(client, url), statements(client, url)
        assert len(first) <= BUDGET, (who, name, first)
        assert len(again) <= BUDGET, (who, name, again)


@pytest.mark.parametrize("who", ROLES)
def test_signed_in_people_get_the_replies_and_the_inputs_from_fragments(app, login, busy_consultation, who,
                                                                       request):
    consultation, busy_input = busy_consultation
    pages = urls(consultation, busy_input)
    client = app.test_client()
    login(request.getfixturevalue(who), on=client)
    client.get("/forum/")
    # The statements that load a page of replies, and a page of a consultation's inputs.
    for name, listing in (("input", "ORDER BY forum_reply.created_at"), ("consultation", "ORDER BY forum_input.created_at DESC")):
        assert any(listing in " ".join(s.split()) for s in statements(client, pages[name])), (who, name)
        again = statements(client, pages[name])
        assert not any(listing in " ".join(s.split()) for s in again), (who, name, again)
