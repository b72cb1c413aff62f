"""Work notices: moderators hear of new flags and of organisations waiting for verification, contact
persons of membership requests; each person gets them at once or in one daily digest, which leaves
once per person and day even when two workers run the sweep."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from accounts import services as account_services
from core import notices
from core.extensions import db
from core.outbox import EMAIL, OutboxMessage
from core.permissions import MODERATOR
from core.worker import SWEEPS
from forum import input_services

from .conftest import NOW, WIB

DEED = ("akta.pdf", b"%PDF-1.4\n% akta pendirian\n%%EOF\n")  # organisations register with their SK or deed


def mails(prefix=""):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == EMAIL, OutboxMessage.key.startswith(prefix))
                              .order_by(OutboxMessage.id)).all()


@pytest.fixture
def forum_input(make_consultation, org_member, organisation):
    return input_services.post_input(org_member, make_consultation(), title="Loket tutup terlalu cepat",
                                     body="Mohon buka sampai sore.", organisation_id=organisation.id, now=NOW)


@pytest.fixture
def second_moderator(make_user):
    return make_user(MODERATOR, email="moderator2@example.com")


def test_every_moderator_is_told_of_a_new_flag(app, forum_input, citizen, moderator, second_moderator):
    input_services.flag(citizen, forum_input, "Isinya menyerang pribadi", now=NOW)
    sent = mails("forum-flag:")
    assert sorted(m.payload["to"] for m in sent) == ["moderator2@example.com", "moderator@example.com"]
    assert "Isinya menyerang pribadi" in sent[0].payload["body"] and "/forum/moderasi" in sent[0].payload["body"]


def test_moderators_are_told_of_an_organisation_waiting_for_verification(app, citizen, moderator):
    org = account_services.register_organisation(
        citizen, name="Komunitas Difabel Kota", kind="komunitas", registration_number=None, description="Uji",
        address=None, email="difabel@example.com", phone=None, website=None, document=DEED, now=NOW)
    sent = mails("org-pending:")
    assert [m.payload["to"] for m in sent] == ["moderator@example.com"]
    assert "Komunitas Difabel Kota" in sent[0].payload["body"] and f"/admin/organisasi/{org.id}" in sent[0].payload["body"]


def test_the_contact_person_is_told_of_a_membership_request(app, organisation, citizen, moderator):
    account_services.request_membership(citizen, organisation, position="Relawan", now=NOW)
    sent = mails("membership-request:")
    assert [m.payload["to"] for m in sent] == ["kontak@example.com"]
    assert citizen.full_name in sent[0].payload["body"] and f"/organisasi/{organisation.id}" in sent[0].payload["body"]


def test_a_daily_digest_gathers_the_notices_and_leaves_once_a_day(app, monkeypatch, forum_input, citizen, make_user,
                                                                  moderator, organisation):
    monkeypatch.setitem(app.config, "NOTICE_DIGEST_HOUR", 7)
    moderator.notice_frequency = notices.DAILY
    db.session.commit()
    input_services.flag(citizen, forum_input, "Menyerang pribadi", now=NOW)
    other = make_user(email="lain@example.com")
    input_services.flag(other, forum_input, "Iklan jualan", now=NOW + timedelta(minutes=5))
    account_services.register_organisation(
        citizen, name="Komunitas Difabel Kota", kind="komunitas", registration_number=None, description="Uji",
        address=None, email="difabel@example.com", phone=None, website=None, document=DEED,
        now=NOW + timedelta(minutes=9))
    assert [m for m in mails() if m.payload.get("to") == "moderator@example.com"] == []  # nothing at once
    assert db.session.query(notices.PendingNotice).count() == 3

    assert notices.send_digests(NOW + timedelta(hours=2)) == 0  # today's digest hour came before these
    tomorrow_early = datetime(2026, 11, 3, 6, 59, tzinfo=WIB)
    assert notices.send_digests(tomorrow_early) == 0  # not before 07:00 local
    tomorrow = datetime(2026, 11, 3, 7, 0, tzinfo=WIB)
    assert notices.send_digests(tomorrow) == 1
    assert notices.send_digests(tomorrow + timedelta(minutes=1)) == 0  # a second worker, a minute later
    digest, = mails("digest:")
    assert digest.key == f"digest:{moderator.id}:2026-11-03" and digest.payload["to"] == "moderator@example.com"
    body = digest.payload["body"]
    assert body.count("Loket tutup terlalu cepat") == 2 and "Komunitas Difabel Kota" in body

    # a notice after today's digest waits for tomorrow's
    third = make_user(email="ketiga@example.com")
    input_services.flag(third, forum_input, "Spam lagi", now=tomorrow + timedelta(hours=1))
    assert notices.send_digests(tomorrow + timedelta(hours=12)) == 0
    assert notices.send_digests(tomorrow + timedelta(days=1)) == 1
    assert [m.key for m in mails("digest:")] == [f"digest:{moderator.id}:2026-11-03", f"digest:{moderator.id}:2026-11-04"]


def test_a_digest_already_sent_by_another_worker_is_not_sent_again(app, forum_input, citizen, moderator):
    moderator.notice_frequency = notices.DAILY
    db.session.commit()
    input_services.flag(citizen, forum_input, "Menyerang pribadi", now=NOW)
    tomorrow = datetime(2026, 11, 3, 8, 0, tzinfo=WIB)
    # another worker queued this person's digest for the day a moment ago
    db.session.add(OutboxMessage(kind=EMAIL, key=f"digest:{moderator.id}:2026-11-03", payload={"to": "x"}))
    db.session.commit()
    assert notices.send_digests(tomorrow) == 0
    assert len(mails("digest:")) == 1


def test_the_digest_sweep_is_registered_with_the_worker():
    assert "core.notices:send_digests" in SWEEPS


def test_the_profile_page_sets_immediate_or_daily(client, login, moderator):
    login(moderator)
    page = client.get("/akun/profil")
    assert 'name="notice_frequency"' in page.text and "Ringkasan harian" in page.text
    response = client.post("/akun/profil", data={"full_name": moderator.full_name, "locale": "id",
                                                 "notice_frequency": notices.DAILY})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(moderator), moderator.id).notice_frequency == notices.DAILY
