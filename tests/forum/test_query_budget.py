"""The forum pages `make bench` loads stay within 10 SQL statements for every kind of visitor,
whatever the number of rows (the issue's budget; the benchmark reports the same counts)."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from core.extensions import db
from forum import input_services
from forum.models import ForumInput, ForumReply

from tests.conftest import NOW, count_queries

BUDGET = 10


@pytest.fixture
def busy_consultation(make_consultation, org_member, organisation, citizen, make_user):
    consultation = make_consultation()
    authors = [make_user() for _ in range(5)]
    db.session.add_all([ForumInput(consultation_id=consultation.id, author_id=authors[i % 5].id,
                                   organisation_id=organisation.id if i % 2 else None, title=f"Masukan nomor {i}",
                                   body="Isi masukan.", created_at=NOW - timedelta(minutes=i), support_count=0,
                                   reply_count=0) for i in range(60)])
    db.session.commit()
    busy_input = input_services.post_input(org_member, consultation, title="Utas yang ramai sekali",
                                           body="Isi utas yang ramai dibalas.",
                                           organisation_id=organisation.id, now=NOW)
    db.session.add_all([ForumReply(input_id=busy_input.id, author_id=authors[i % 5].id, body=f"Balasan {i}",
                                   created_at=NOW + timedelta(seconds=i)) for i in range(45)])
    db.session.commit()
    input_services.support(citizen, busy_input, now=NOW)
    return consultation, busy_input


@pytest.mark.parametrize("who", ["anonymous", "citizen", "org_member", "host", "moderator"])
def test_every_benchmarked_forum_page_stays_within_the_budget(app, login, busy_consultation, who, request):
    consultation, busy_input = busy_consultation
    client = app.test_client()
    if who != "anonymous":
        login(request.getfixturevalue(who), on=client)
    client.get("/forum/")  # warm-up: first-request work is not the page's
    for url in ("/forum/", "/forum/?page=1", f"/forum/konsultasi/{consultation.slug}",
                f"/forum/konsultasi/{consultation.slug}?halaman_masukan=3", f"/forum/masukan/{busy_input.id}",
                f"/forum/masukan/{busy_input.id}?page=2", "/forum/tindak-lanjut"):
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(statements) <= BUDGET, (who, url, statements)


def test_the_replies_are_paged_with_their_count_in_the_same_statement(client, busy_consultation):
    """45 replies at 20 a page: three pages, the last holding five, page 4 not found; the count
    comes with the page's rows (one statement for the replies)."""
    _consultation, busy_input = busy_consultation
    url = f"/forum/masukan/{busy_input.id}"
    client.get(url)  # warm-up
    with count_queries() as statements:
        last = client.get(url + "?page=3")
    page = last.get_data(as_text=True)
    assert last.status_code == 200
    assert "Balasan 44" in page and "Balasan 40" in page and "Balasan 39" not in page
    assert 'href="/forum/masukan/{}?page=4"'.format(busy_input.id) not in page
    assert 'page=2' in page  # the pager knows the pages before
    reply_reads = [s for s in statements if "FROM forum_reply" in s]
    assert len(reply_reads) == 1 and "SELECT count(*)" in reply_reads[0], reply_reads
    assert client.get(url + "?page=4").status_code == 404


def test_a_page_of_a_long_list_is_counted_from_the_index_not_by_sorting_every_row(app, busy_consultation):
    """The count rides in the page's statement as a subquery SQLite runs once from the index; a
    window count (count(*) OVER ()) made SQLite sort all of a consultation's inputs for each page."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL runs the uncorrelated subquery once (InitPlan)")
    consultation, _busy_input = busy_consultation
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with app.test_request_context():
            page = input_services.input_page(consultation, page=1, per_page=2)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert page.total == len(consultation.inputs) > 2
    statement, parameters = next((s, p) for s, p in sent if "SELECT count(*)" in s)
    plan = " ".join(row[-1] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                                                 tuple(parameters)))
    assert "TEMP B-TREE" not in plan and "COVERING INDEX" in plan, plan
