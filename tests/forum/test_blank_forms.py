"""Empty forms on signed-in people's pages (the reply box, the participant registration, the post-input
form) are built and rendered once and kept (core.page_cache.blank_form); each person still gets their
own CSRF token and only the choices that are theirs, and a form sent back with errors is shown as sent."""
import re

import pytest
from sqlalchemy import select

from accounts.models import MEMBER_APPROVED, ORG_MEMBER, OrganisationMembership
from core import clock, page_cache
from core.extensions import db
from forum import consultation_views, input_services, input_views
from forum.models import ForumReply

from tests.conftest import NOW

REPLY_TOKEN = re.compile(r'name="reply-csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def at_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)  # the consultation's window is open


def counting(monkeypatch, module, name):
    """Count how often `module.name` (a form class or factory) is called."""
    calls, original = [], getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)
    monkeypatch.setattr(module, name, counted)
    return calls


def test_the_reply_box_is_built_once_and_each_person_posts_with_their_own_token(
        app, client, login, forum_input, citizen, make_user, monkeypatch, csrf_enabled):
    built = counting(monkeypatch, input_views, "ReplyForm")
    other = login(make_user(), on=app.test_client())
    login(citizen)
    url = f"/forum/masukan/{forum_input.id}"
    mine, theirs = client.get(url).text, other.get(url).text
    assert len(built) == 1  # the second page took the kept form
    assert page_cache.CSRF_PLACEHOLDER not in theirs
    my_token, their_token = REPLY_TOKEN.findall(mine), REPLY_TOKEN.findall(theirs)
    assert my_token and their_token and my_token != their_token
    # The token in the kept form is the viewer's own: the reply goes through.
    sent = other.post(f"/forum/masukan/{forum_input.id}/balas",
                      data={"reply-csrf_token": their_token[0], "reply-body": "Setuju, sore lebih baik"})
    assert sent.status_code == 302
    assert db.session.scalar(select(ForumReply.body)) == "Setuju, sore lebih baik"


def test_a_reply_sent_back_with_errors_shows_them_and_the_text_then_the_box_is_empty_again(
        client, login, forum_input, citizen):
    login(citizen)
    url = f"/forum/masukan/{forum_input.id}"
    client.get(url)  # the empty box is kept
    answer = client.post(f"{url}/balas", data={"reply-body": "x"})
    assert answer.status_code == 400
    sent_back = re.compile(r'name="reply-body"[^>]*>\s*x</textarea>')
    assert 'aria-invalid="true"' in answer.text and sent_back.search(answer.text)
    again = client.get(url).text
    assert 'aria-invalid="true"' not in again and not sent_back.search(again)


def test_the_registration_form_offers_each_person_only_their_own_organisations(
        app, client, login, consultation, org_member, organisation, make_organisation, make_user):
    other_org = make_organisation("Lembaga Pemantau Pelayanan")
    other_member = make_user(ORG_MEMBER)
    db.session.add(OrganisationMembership(organisation=other_org, user=other_member, status=MEMBER_APPROVED))
    db.session.commit()
    url = f"/forum/konsultasi/{consultation.slug}"
    pages = {}
    for name, user in (("member", org_member), ("other", other_member), ("citizen", make_user())):
        pages[name] = login(user, on=app.test_client()).get(url).text
    assert organisation.name in pages["member"] and other_org.name not in pages["member"]
    assert other_org.name in pages["other"] and organisation.name not in pages["other"]
    assert 'name="daftar-organisation_id"' not in pages["citizen"]
    assert 'name="daftar-stakeholder_category"' in pages["citizen"]


def test_a_registration_sent_back_with_errors_is_shown_as_sent(client, login, consultation, citizen):
    login(citizen)
    answer = client.post(f"/forum/konsultasi/{consultation.slug}/daftar", data={"daftar-vulnerable_group": "y"})
    assert answer.status_code == 400
    assert "Pilih kategori pemangku kepentingan." in answer.text
    assert re.search(r'name="daftar-vulnerable_group"[^>]*checked|checked[^>]*name="daftar-vulnerable_group"', answer.text)


def test_the_post_input_form_offers_each_member_their_own_organisation(
        app, login, consultation, org_member, organisation, make_organisation, make_user):
    other_org = make_organisation("Lembaga Pemantau Pelayanan")
    other_member = make_user(ORG_MEMBER)
    db.session.add(OrganisationMembership(organisation=other_org, user=other_member, status=MEMBER_APPROVED))
    db.session.commit()
    forms = []
    for user in (org_member, other_member):
        page = login(user, on=app.test_client()).get(f"/forum/konsultasi/{consultation.slug}").text
        form = page[page.index('id="judul-kirim-masukan"'):]
        forms.append(form[:form.index("</form>")])
    assert f'<option value="{organisation.id}"' in forms[0] and other_org.name not in forms[0]
    assert f'<option value="{other_org.id}"' in forms[1] and organisation.name not in forms[1]


def test_with_the_fragments_off_the_empty_forms_are_built_every_time(
        app, client, login, forum_input, consultation, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "FRAGMENT_CACHE_SECONDS", 0)
    replies = counting(monkeypatch, input_views, "ReplyForm")
    registrations = counting(monkeypatch, consultation_views, "RegistrationForm")
    login(citizen)
    for _ in range(2):
        client.get(f"/forum/masukan/{forum_input.id}")
        client.get(f"/forum/konsultasi/{consultation.slug}")
    assert (len(replies), len(registrations)) == (2, 2)


def selected_unit(page):
    form = page[page.index('name="convert-unit_id"'):]
    return re.search(r'<option selected value="(\d*)"|<option value="(\d*)" selected', form[:form.index("</select>")])


def test_the_conversion_form_proposes_each_input_s_own_unit(
        client, login, moderator, org_member, organisation, make_consultation, host_unit, other_unit):
    inputs = [input_services.post_input(org_member, make_consultation(unit=unit), title="Jam layanan terlalu pendek",
                                        body="Mohon buka sampai sore.", organisation_id=organisation.id, now=NOW)
              for unit in (host_unit, other_unit)]
    login(moderator)
    for forum_input, unit in zip(inputs, (host_unit, other_unit)):
        page = client.get(f"/forum/masukan/{forum_input.id}").text
        chosen = selected_unit(page)
        assert chosen and str(unit.id) in chosen.groups()
        assert other_unit.display_name in page and host_unit.display_name in page  # every active unit offered
    # Sent back without a category: the errors show, with the form open.
    answer = client.post(f"/forum/masukan/{inputs[0].id}/jadikan-pengaduan",
                         data={"convert-category": "", "convert-unit_id": str(other_unit.id)})
    assert answer.status_code == 400
    assert "Pilih kategori." in answer.text
    assert re.search(r"<details open>\s*<summary>Jadikan pengaduan", answer.text)
    assert str(other_unit.id) in selected_unit(answer.text).groups()  # as sent, not the kept proposal


def test_the_response_form_is_empty_until_the_input_has_its_answer_then_shows_it(client, login, host, forum_input):
    login(host)
    url = f"/forum/masukan/{forum_input.id}"
    empty = client.get(url).text
    assert 'name="response-reason"' in empty and "Sebagian kami terima" not in empty
    input_services.respond(host, forum_input, disposition="diterima_sebagian", reason="Sebagian kami terima.", now=NOW)
    answered = client.get(url).text
    reason = answered[answered.index('name="response-reason"'):]
    assert reason[:reason.index("</textarea>")].endswith("Sebagian kami terima.")
    assert re.search(r'value="diterima_sebagian"[^>]*checked|checked[^>]*value="diterima_sebagian"', answered)
