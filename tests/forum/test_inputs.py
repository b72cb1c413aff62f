"""Inputs: who posts input and when, replies, edits within the window, supports, bounded pages."""
from datetime import timedelta

import pytest
from flask import render_template
from flask_login import AnonymousUserMixin

from core import permissions
from core.errors import DomainError, NotAllowed
from core.permissions import CITIZEN, MODERATOR
from core.extensions import db
from forum import input_services
from forum.models import CLOSED, COMPLETED, Flag, ForumInput, ForumReply, Support
from tests.conftest import count_queries

from .conftest import NOW


def post(actor, consultation, organisation=None, now=NOW, **fields):
    values = dict(title="Persyaratan izin usaha terlalu banyak",
                  body="Mohon jumlah dokumen persyaratan dikurangi; banyak yang sudah ada di OSS.")
    values.update(fields)
    return input_services.post_input(actor, consultation, organisation_id=organisation.id if organisation else None,
                              now=now, **values)


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


@pytest.fixture
def forum_input(org_member, organisation, consultation):
    return post(org_member, consultation, organisation)


# --- posting input --------------------------------------------------------------------------------

def test_a_verified_organisation_member_posts_input_for_the_organisation(org_member, organisation, consultation):
    forum_input = post(org_member, consultation, organisation)
    assert forum_input.organisation_id == organisation.id
    assert forum_input.author_id == org_member.id
    assert forum_input.support_count == 0 and forum_input.reply_count == 0


def test_no_input_before_opening_or_after_closing(org_member, organisation, consultation, make_consultation):
    with pytest.raises(DomainError):
        post(org_member, consultation, organisation, now=consultation.closes_at)
    with pytest.raises(DomainError):
        post(org_member, consultation, organisation, now=consultation.opens_at - timedelta(seconds=1))
    closed = make_consultation(stage=CLOSED)
    with pytest.raises(DomainError):
        post(org_member, closed, organisation)
    assert db.session.query(ForumInput).count() == 0


def test_citizens_post_input_only_where_the_consultation_allows_it(citizen, make_consultation):
    with pytest.raises(NotAllowed):
        post(citizen, make_consultation())
    forum_input = post(citizen, make_consultation(allow_citizen_input=True))
    assert forum_input.organisation_id is None


def test_one_rule_says_on_whose_behalf_a_person_may_post_input(citizen, org_member, organisation, moderator,
                                                               make_user, make_organisation, make_consultation):
    closed_to_citizens, open_to_citizens = make_consultation(), make_consultation(allow_citizen_input=True)
    staff_member = make_user(MODERATOR, email="moderator.anggota@example.com")
    make_organisation("Organisasi Moderator", members=[staff_member])
    make_organisation("Organisasi Menunggu", status="pending", members=[citizen])
    unverified = make_user(CITIZEN, email="belum@example.com", verified=False)
    make_organisation("Organisasi Lain", members=[unverified])
    # person: (the organisations they may post for, in their own name where citizens may post)
    expected = {citizen: ([], True), org_member: ([organisation.name], True), moderator: ([], False),
                staff_member: (["Organisasi Moderator"], False), unverified: ([], False)}
    for user, (organisations, own_name_where_allowed) in expected.items():
        for consultation, own_name in ((closed_to_citizens, False), (open_to_citizens, own_name_where_allowed)):
            authorship = permissions.input_authorship(user, consultation)
            assert [org.name for org in authorship.organisations] == organisations
            assert authorship.own_name is own_name
            assert permissions.can(user, "forum.post_input", consultation) is bool(organisations or own_name)
            assert bool(authorship) is bool(organisations or own_name)
    assert not permissions.input_authorship(AnonymousUserMixin(), open_to_citizens)
    assert not permissions.input_authorship(None, open_to_citizens)


def test_a_moderator_posts_only_for_their_organisation_even_where_citizens_may(make_user, make_organisation,
                                                                               make_consultation):
    staff_member = make_user(MODERATOR, email="moderator.anggota@example.com")
    organisation = make_organisation("Organisasi Moderator", members=[staff_member])
    consultation = make_consultation(allow_citizen_input=True)
    with pytest.raises(DomainError) as error:
        post(staff_member, consultation)
    assert error.value.field == "organisation_id"
    assert post(staff_member, consultation, organisation).organisation_id == organisation.id


@pytest.mark.parametrize("allow_citizen_input", [False, True])
def test_the_input_form_offers_what_the_rule_allows(client, login, org_member, organisation, make_consultation,
                                                    allow_citizen_input, monkeypatch):
    monkeypatch.setattr(input_services.clock, "now", lambda: NOW)
    consultation = make_consultation(allow_citizen_input=allow_citizen_input)
    login(org_member)
    page = client.get(f"/forum/konsultasi/{consultation.slug}").get_data(as_text=True)
    form = page[page.index('id="judul-kirim-masukan"'):]
    form = form[:form.index("</form>")]
    assert organisation.name in form
    assert ("Pribadi (warga terdaftar)" in form) is allow_citizen_input


def test_an_organisation_member_must_name_their_organisation_by_default(org_member, consultation):
    with pytest.raises(DomainError) as error:
        post(org_member, consultation)
    assert error.value.field == "organisation_id"


def test_nobody_posts_for_an_organisation_they_do_not_belong_to(org_member, consultation, make_organisation):
    other = make_organisation("Organisasi Lain")
    with pytest.raises(DomainError) as error:
        post(org_member, consultation, other)
    assert error.value.field == "organisation_id"


def test_the_post_form_on_the_consultation_page_creates_the_input(client, login, org_member, organisation,
                                                                   consultation, monkeypatch):
    monkeypatch.setattr(input_services.clock, "now", lambda: NOW)
    login(org_member)
    response = client.post(f"/forum/konsultasi/{consultation.slug}/masukan", data={
        "organisation_id": organisation.id, "title": "Loket pengaduan tutup terlalu cepat",
        "body": "Loket tutup pukul 12.00 padahal maklumat menyebut pukul 15.00."})
    assert response.status_code == 302
    forum_input = db.session.query(ForumInput).one()
    assert response.headers["Location"].endswith(f"/forum/masukan/{forum_input.id}")


def test_a_bad_input_form_shows_its_errors(client, login, org_member, organisation, consultation, monkeypatch):
    monkeypatch.setattr(input_services.clock, "now", lambda: NOW)
    login(org_member)
    response = client.post(f"/forum/konsultasi/{consultation.slug}/masukan",
                           data={"organisation_id": organisation.id, "title": "", "body": ""})
    assert response.status_code == 400
    assert "Wajib diisi." in response.get_data(as_text=True)


def test_the_input_forms_link_to_the_privacy_page(client, login, org_member, organisation, consultation, monkeypatch):
    monkeypatch.setattr(input_services.clock, "now", lambda: NOW)
    login(org_member)
    page = client.get(f"/forum/konsultasi/{consultation.slug}").get_data(as_text=True)
    form = page[page.index('id="judul-kirim-masukan"'):]
    assert 'href="/privasi"' in form[:form.index("</form>")]
    page = client.post(f"/forum/konsultasi/{consultation.slug}/masukan",
                       data={"organisation_id": organisation.id, "title": "", "body": ""}).get_data(as_text=True)
    form = page[page.index(f'action="/forum/konsultasi/{consultation.slug}/masukan"'):]
    assert 'href="/privasi"' in form[:form.index("</form>")]


def test_a_citizen_cannot_post_through_the_web_by_default(client, login, citizen, consultation):
    login(citizen)
    response = client.post(f"/forum/konsultasi/{consultation.slug}/masukan",
                           data={"title": "Judul masukan", "body": "Isi masukan yang cukup panjang."})
    assert response.status_code == 403


# --- replies --------------------------------------------------------------------------------------

def test_others_reply_and_the_count_follows(forum_input, citizen):
    input_services.reply(citizen, forum_input, body="Setuju, saya juga mengalaminya.", now=NOW)
    input_services.reply(citizen, forum_input, body="Tambahan: di kecamatan juga sama.", now=NOW)
    db.session.refresh(forum_input)
    assert forum_input.reply_count == 2


def test_no_reply_on_a_locked_input_or_a_completed_consultation(forum_input, citizen, moderator, make_consultation,
                                                                 org_member, organisation):
    input_services.lock(moderator, forum_input, now=NOW)
    with pytest.raises(DomainError):
        input_services.reply(citizen, forum_input, body="Masih boleh?", now=NOW)
    done = make_consultation()
    other = post(org_member, done, organisation)
    done.stage = COMPLETED
    db.session.commit()
    with pytest.raises(DomainError):
        input_services.reply(citizen, other, body="Terlambat", now=NOW)
    assert db.session.query(ForumReply).count() == 0


def test_an_unverified_account_cannot_reply(forum_input, make_user):
    with pytest.raises(NotAllowed):
        input_services.reply(make_user(verified=False), forum_input, body="Halo semua", now=NOW)


# --- editing --------------------------------------------------------------------------------------

def test_authors_edit_their_posts_within_the_edit_window(app, forum_input, org_member, citizen):
    minutes = app.config["FORUM_EDIT_MINUTES"]
    input_services.edit_post(org_member, forum_input, title="Judul yang diperbaiki", body="Isi yang sudah diperbaiki.",
                      now=NOW + timedelta(minutes=minutes - 1))
    assert forum_input.title == "Judul yang diperbaiki" and forum_input.edited_at is not None
    with pytest.raises(DomainError):
        input_services.edit_post(org_member, forum_input, body="Terlambat diubah sekali.", now=NOW + timedelta(minutes=minutes))
    answer = input_services.reply(citizen, forum_input, body="Balasan pertama", now=NOW)
    input_services.edit_post(citizen, answer, body="Balasan yang diperbaiki", now=NOW + timedelta(minutes=5))
    with pytest.raises(DomainError):
        input_services.edit_post(citizen, answer, body="Lagi", now=NOW + timedelta(minutes=minutes + 1))
    db.session.refresh(answer)
    assert answer.body == "Balasan yang diperbaiki"


def test_only_the_author_edits(forum_input, citizen):
    with pytest.raises(NotAllowed):
        input_services.edit_post(citizen, forum_input, body="Bukan tulisan saya.", now=NOW)


def test_the_edit_route_changes_the_post(client, login, forum_input, org_member, monkeypatch):
    monkeypatch.setattr(input_services.clock, "now", lambda: NOW + timedelta(minutes=1))
    login(org_member)
    response = client.post(f"/forum/masukan/{forum_input.id}/ubah", data={"body": "Isi baru yang lebih jelas."})
    assert response.status_code == 302
    assert db.session.get(ForumInput, forum_input.id).body == "Isi baru yang lebih jelas."


# --- supports -------------------------------------------------------------------------------------

def test_support_once_and_withdraw(forum_input, citizen, host):
    input_services.support(citizen, forum_input, now=NOW)
    with pytest.raises(DomainError):
        input_services.support(citizen, forum_input, now=NOW)
    input_services.support(host, forum_input, now=NOW)
    db.session.refresh(forum_input)
    assert forum_input.support_count == 2
    input_services.withdraw_support(citizen, forum_input)
    with pytest.raises(DomainError):
        input_services.withdraw_support(citizen, forum_input)
    db.session.refresh(forum_input)
    assert forum_input.support_count == 1
    assert db.session.query(Support).count() == 1


def test_a_support_racing_past_the_check_is_stopped_by_the_unique_constraint(forum_input, citizen, monkeypatch):
    input_services.support(citizen, forum_input, now=NOW)
    # The second request checked before the first committed: only the constraint can stop it.
    monkeypatch.setattr(input_services, "has_supported", lambda user, item: False)
    with pytest.raises(DomainError):
        input_services.support(citizen, forum_input, now=NOW)
    db.session.refresh(forum_input)
    assert forum_input.support_count == 1


def test_support_buttons_on_the_input_page(client, login, forum_input, citizen):
    login(citizen)
    assert client.post(f"/forum/masukan/{forum_input.id}/dukung").status_code == 302
    page = client.get(f"/forum/masukan/{forum_input.id}").get_data(as_text=True)
    assert "1 dukungan" in page and "Tarik dukungan" in page
    assert client.post(f"/forum/masukan/{forum_input.id}/tarik-dukungan").status_code == 302
    assert db.session.get(ForumInput, forum_input.id).support_count == 0


def test_anonymous_visitors_are_sent_to_log_in_to_support(client, forum_input):
    response = client.post(f"/forum/masukan/{forum_input.id}/dukung")
    assert response.status_code == 302
    assert db.session.query(Support).count() == 0


# --- bounded pages --------------------------------------------------------------------------------

def _bulk_inputs(consultation, authors, organisation, n):
    items = [ForumInput(consultation_id=consultation.id, author_id=authors[i % len(authors)].id,
                        organisation_id=organisation.id if i % 2 else None, title=f"Masukan nomor {i}",
                        body="Isi masukan.", created_at=NOW - timedelta(minutes=i), support_count=0, reply_count=0)
             for i in range(n)]
    db.session.add_all(items)
    db.session.commit()
    return items


def test_the_input_list_issues_the_same_queries_for_hundreds_of_inputs(app, consultation, org_member, citizen,
                                                                      organisation, make_user, host):
    def render_queries():
        db.session.expire_all()
        with app.test_request_context(f"/forum/konsultasi/{consultation.slug}"):
            with count_queries() as statements:
                html = render_template("forum/_input_list.html", consultation=consultation,
                                       inputs_page=input_services.input_page(consultation))
        return len(statements), html

    items = _bulk_inputs(consultation, [org_member, citizen], organisation, 5)
    input_services.respond(host, items[0], disposition="diterima", reason="Akan kami masukkan ke rancangan.", now=NOW)
    small, _ = render_queries()
    more_authors = [make_user() for _ in range(10)]
    inputs = _bulk_inputs(consultation, more_authors, organisation, 300)
    for item in inputs[:40]:
        db.session.add(input_services.OfficialResponse(input_id=item.id, unit_id=consultation.unit_id, disposition="dipertimbangkan",
                                                reason="Sedang dikaji.", responded_by_id=host.id, created_at=NOW,
                                                updated_at=NOW))
    db.session.commit()
    large, html = render_queries()
    assert large == small
    assert "305" in html


def test_the_input_page_issues_the_same_queries_for_hundreds_of_replies(client, login, forum_input, make_user,
                                                                        moderator, host):
    input_services.respond(host, forum_input, disposition="diterima_sebagian", reason="Sebagian kami terima.", now=NOW)

    def page_queries():
        with count_queries() as statements:
            response = client.get(f"/forum/masukan/{forum_input.id}")
        assert response.status_code == 200
        return len(statements)

    people = [make_user() for _ in range(3)]
    for i in range(3):
        input_services.reply(people[i], forum_input, body=f"Balasan {i}", now=NOW)
    input_services.flag(people[0], forum_input.replies[0], "Tidak relevan", now=NOW)
    login(moderator)
    page_queries()  # the first view keeps the moderator's empty forms (and reads the units for one)
    small = page_queries()
    people += [make_user() for _ in range(20)]
    db.session.add_all([ForumReply(input_id=forum_input.id, author_id=people[i % len(people)].id, body=f"Balasan {i}",
                                   created_at=NOW + timedelta(seconds=i)) for i in range(300)])
    db.session.commit()
    replies = db.session.query(ForumReply).limit(30).all()
    db.session.add_all([Flag(reply_id=r.id, user_id=people[0].id, reason="Tidak sopan") for r in replies])
    db.session.commit()
    assert page_queries() == small


def test_the_consultation_page_lists_inputs_and_offers_the_form(client, login, forum_input, org_member, organisation,
                                                               consultation, monkeypatch):
    monkeypatch.setattr(input_services.clock, "now", lambda: NOW)
    login(org_member)
    page = client.get(f"/forum/konsultasi/{consultation.slug}").get_data(as_text=True)
    assert forum_input.title in page and organisation.name in page
    assert f'action="/forum/konsultasi/{consultation.slug}/masukan"' in page
    assert 'name="title"' in page and 'name="body"' in page and 'name="organisation_id"' in page


def test_the_input_list_pages_by_its_own_argument(client, consultation, org_member, citizen, organisation, app):
    _bulk_inputs(consultation, [org_member], organisation, app.config["PER_PAGE"] + 1)
    page = client.get(f"/forum/konsultasi/{consultation.slug}?halaman_masukan=2").get_data(as_text=True)
    assert f"Masukan nomor {app.config['PER_PAGE']}" in page
    assert "Masukan nomor 0<" not in page
