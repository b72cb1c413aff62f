"""Content revisions per consultation and per input (core/page_cache.py keys, forum/models.py): one
new reply re-renders its own thread and the lists that show it, not the whole forum."""
import pytest
from flask import g

from core.extensions import db
from forum import input_services
from forum.models import ForumReply

from tests.conftest import NOW, count_queries


@pytest.fixture
def two_inputs(make_consultation, org_member, organisation):
    consultation = make_consultation()
    first, second = (input_services.post_input(org_member, consultation, title=title, body="Mohon dipertimbangkan.",
                                               organisation_id=organisation.id, now=NOW)
                     for title in ("Jam layanan terlalu pendek", "Antrean terlalu panjang"))
    return consultation, first, second


@pytest.fixture
def other_consultation(make_consultation, org_member, organisation):
    consultation = make_consultation()
    input_services.post_input(org_member, consultation, title="Loket tutup lebih awal", body="Mohon diperbaiki.",
                              organisation_id=organisation.id, now=NOW)
    return consultation


@pytest.fixture
def client(client):
    """A visitor who has been here before: the session holds a form secret and Flask-Login's mark,
    which a visitor's first pages write (and a page that writes the session is not stored)."""
    with client.session_transaction() as session:
        session.update({"csrf_token": "rahasia-formulir-pengunjung", "_fresh": False})
    return client


def written_elsewhere():
    """What the tests wrote, as another process would have: nothing of it left in this session, so
    a page served from the cache issues only its revision read."""
    db.session.remove()


def visit(client, url):
    # The tests' requests share the fixture's app context, hence `g`: forget the form token an earlier
    # response left there, as a fresh request would.
    g.pop("csrf_token", None)
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements), response.text


def test_a_reply_on_one_input_leaves_another_input_s_cached_page_served(client, two_inputs, org_member):
    _, first, second = two_inputs
    first_url, second_url = f"/forum/masukan/{first.id}", f"/forum/masukan/{second.id}"
    visit(client, first_url)
    visit(client, second_url)
    input_services.reply(org_member, first, body="Balasan untuk masukan pertama", now=NOW)
    written_elsewhere()
    assert visit(client, second_url)[0] == 1  # the revisions; the page from the cache
    count, page = visit(client, first_url)
    assert count > 1 and "Balasan untuk masukan pertama" in page


def test_a_reply_leaves_other_consultations_and_the_list_cached(client, two_inputs, other_consultation, org_member):
    consultation, first, _ = two_inputs
    own = f"/forum/konsultasi/{consultation.slug}"
    urls = ["/forum/", f"/forum/konsultasi/{other_consultation.slug}", "/forum/tindak-lanjut"]
    for url in urls:
        visit(client, url)
    input_services.reply(org_member, first, body="Balasan baru", now=NOW)
    written_elsewhere()
    for url in urls:
        assert visit(client, url)[0] == 1, url
    # Its own consultation lists the reply count: rendered again, with the new count.
    count, page = visit(client, own)
    assert count > 1 and "1 balasan" in page


def test_changes_to_an_input_re_render_its_page(client, two_inputs, moderator, citizen, host):
    _, first, _ = two_inputs
    url = f"/forum/masukan/{first.id}"
    visit(client, url)
    input_services.support(citizen, first, now=NOW)
    assert "1 dukungan" in visit(client, url)[1]
    input_services.respond(host, first, disposition="diterima", reason="Akan kami masukkan ke rancangan.", now=NOW)
    assert "Akan kami masukkan ke rancangan." in visit(client, url)[1]
    input_services.hide(moderator, first, "Berisi data pribadi", now=NOW)
    assert "Berisi data pribadi" in visit(client, url)[1]


def test_signed_in_people_get_the_replies_of_another_input_from_the_fragment(app, login, two_inputs, org_member,
                                                                            citizen):
    _, first, second = two_inputs
    input_services.reply(org_member, second, body="Balasan pada masukan kedua", now=NOW)
    client = app.test_client()
    login(citizen, on=client)
    visit(client, f"/forum/masukan/{second.id}")
    input_services.reply(org_member, first, body="Balasan pada masukan pertama", now=NOW)
    with count_queries() as statements:
        page = client.get(f"/forum/masukan/{second.id}").text
    assert "Balasan pada masukan kedua" in page
    assert not any("FROM forum_reply" in s and "count(" in s for s in statements)  # no reply page loaded
    input_services.reply(org_member, second, body="Balasan kedua pada masukan kedua", now=NOW)
    assert "Balasan kedua pada masukan kedua" in client.get(f"/forum/masukan/{second.id}").text


def test_an_author_still_gets_the_edit_form_of_their_own_reply_from_a_kept_fragment(app, login, two_inputs,
                                                                                  org_member, citizen, monkeypatch):
    _, first, _ = two_inputs
    monkeypatch.setattr(input_services.clock, "now", lambda: NOW)
    mine = input_services.reply(citizen, first, body="Balasan saya sendiri", now=NOW)
    other = app.test_client()
    login(org_member, on=other)
    assert f'id="ubah-balasan-{mine.id}"' not in other.get(f"/forum/masukan/{first.id}").text  # kept now
    client = app.test_client()
    login(citizen, on=client)
    assert f'id="ubah-balasan-{mine.id}"' in client.get(f"/forum/masukan/{first.id}").text


def test_a_bulk_statement_on_replies_re_renders_every_input_page(client, two_inputs, org_member):
    from sqlalchemy import update
    _, first, second = two_inputs
    reply = input_services.reply(org_member, second, body="Balasan yang akan diganti", now=NOW)
    visit(client, f"/forum/masukan/{second.id}")
    db.session.execute(update(ForumReply).where(ForumReply.id == reply.id).values(body="Diganti sekaligus"))
    db.session.commit()
    assert "Diganti sekaligus" in visit(client, f"/forum/masukan/{second.id}")[1]
