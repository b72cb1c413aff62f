"""Following a unit ("Pantau unit"), the weekly digest to followers, and each unit's Atom feed."""
import re
from datetime import date, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select, text

from core import signed_tokens
from core.audit import AuditEvent
from core.extensions import db
from core.outbox import EMAIL, OutboxMessage
from core.permissions import CITIZEN
from core.worker import SWEEPS
from forum.models import DONE, FOLLOW_UP, OPEN, PLANNED, Agreement, Consultation, FollowUpAction, Minutes
from scorecard import follow_services as following
from scorecard.models import Follow

from tests.conftest import NOW, WIB, count_queries, side_by_side  # NOW: Monday 2 November 2026, 10:00 WIB

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET_TITLE = "Pungli di loket KTP oleh petugas Budi"
SECRET_REPORTER = "Siti Rahasia"


@pytest.fixture
def citizen(make_user):
    return make_user(CITIZEN, email="warga@example.com", full_name="Warga Pemantau")


@pytest.fixture(autouse=True)
def weekly_monday_seven(app, monkeypatch):
    monkeypatch.setitem(app.config, "SCORECARD_DIGEST_WEEKDAY", 1)
    monkeypatch.setitem(app.config, "SCORECARD_DIGEST_HOUR", 7)
    monkeypatch.setitem(app.config, "SCORECARD_FEED_WEEKS", 8)


def digests():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.like("rapor-digest:%"))
                              .order_by(OutboxMessage.id)).all()


def consultation(unit, title, published_at, stage=OPEN, slug=None):
    row = Consultation(slug=slug or f"k-{title[:20].lower().replace(' ', '-')}", title=title, unit_id=unit.id,
                       topic_type="standar_pelayanan", description="Masukan atas rancangan.", format="hybrid",
                       opens_at=published_at, closes_at=published_at + timedelta(days=8), stage=stage,
                       created_at=published_at - timedelta(days=1), updated_at=published_at,
                       published_at=None if stage == "draft" else published_at)
    db.session.add(row)
    db.session.commit()
    return row


def action(cons, target, status=PLANNED, number=1, completed_at=None):
    minutes = cons.minutes or Minutes(consultation=cons, held_at=NOW - timedelta(days=30), place="Aula", summary="-")
    agreement = Agreement(minutes=minutes, number=number, text=f"Kesepakatan {number}")
    row = FollowUpAction(agreement=agreement, consultation=cons, unit_id=cons.unit_id, target_date=target,
                         status=status, completed_at=completed_at)
    db.session.add_all([minutes, agreement, row])
    db.session.commit()
    return row


def overdue_secret(file, unit, moderator, due, forwarded_at=None):
    """A rahasia complaint routed to the unit whose deadline is `due` (and forwarded at `forwarded_at`)."""
    complaint = file(at=NOW - timedelta(days=20), unit=unit, moderator=moderator, title=SECRET_TITLE,
                     reporter_name=SECRET_REPORTER, confidential=True)
    complaint.due_at = due
    complaint.forwarded_at = forwarded_at
    db.session.commit()
    return complaint


# --- following -------------------------------------------------------------------------------------

def test_following_twice_is_one_follow_and_unfollowing_twice_is_no_error(app, citizen, unit):
    first = following.follow(citizen, unit, now=NOW)
    again = following.follow(citizen, unit, now=NOW + timedelta(hours=1))
    assert first.id == again.id and db.session.query(Follow).count() == 1
    assert following.is_following(citizen, unit.id)
    assert following.unfollow(citizen, unit, now=NOW) is True
    assert following.unfollow(citizen, unit, now=NOW) is False
    assert db.session.query(Follow).count() == 0
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("scorecard.unit_%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["scorecard.unit_followed", "scorecard.unit_unfollowed"]  # once each


def test_an_inactive_unit_cannot_be_followed(app, citizen, unit):
    unit.is_active = False
    db.session.commit()
    from core.errors import DomainError
    with pytest.raises(DomainError):
        following.follow(citizen, unit, now=NOW)


def test_the_unit_page_offers_pantau_unit_and_a_visitor_is_sent_to_log_in(client, login, citizen, unit):
    page = client.get(f"/rapor/unit/{unit.id}").get_data(as_text=True)
    assert "Masuk untuk memantau" in page and f"/akun/masuk?next=/rapor/unit/{unit.id}" in page
    assert f'<link rel="alternate" type="application/atom+xml" href="/rapor/unit/{unit.id}/feed.atom"' in page
    response = client.post(f"/rapor/unit/{unit.id}/pantau")
    assert response.status_code == 302 and "/akun/masuk" in response.location
    assert db.session.query(Follow).count() == 0

    login(citizen)
    assert "Pantau unit" in client.get(f"/rapor/unit/{unit.id}").get_data(as_text=True)
    response = client.post(f"/rapor/unit/{unit.id}/pantau", data={"next": f"/rapor/unit/{unit.id}"})
    assert response.status_code == 302 and response.location.endswith(f"/rapor/unit/{unit.id}")
    client.post(f"/rapor/unit/{unit.id}/pantau")
    assert db.session.query(Follow).count() == 1
    page = client.get(f"/rapor/unit/{unit.id}").get_data(as_text=True)
    assert "Berhenti memantau" in page
    listing = client.get("/rapor/pantauan").get_data(as_text=True)
    assert unit.name in listing and f"/rapor/unit/{unit.id}/berhenti-pantau" in listing
    client.post(f"/rapor/unit/{unit.id}/berhenti-pantau")
    assert db.session.query(Follow).count() == 0
    assert "belum memantau" in client.get("/rapor/pantauan").get_data(as_text=True)


def test_the_list_of_followed_units_paginates_in_a_bounded_number_of_queries(app, client, login, citizen, make_unit,
                                                                               monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 3)
    units = [make_unit(f"Unit {n:02d}", f"U{n}") for n in range(7)]
    for u in units:
        following.follow(citizen, u, now=NOW)
    login(citizen)
    with count_queries() as statements:
        page = client.get("/rapor/pantauan?page=2").get_data(as_text=True)
    assert "Unit 03" in page and "Unit 00" not in page and "Unit 06" not in page
    assert len(statements) <= 6
    assert client.get("/rapor/pantauan?page=9").status_code == 404
    assert client.get("/rapor/pantauan?page=x").status_code == 400


# --- the weekly digest -----------------------------------------------------------------------------

def test_the_digest_leaves_once_a_week_per_person_with_counts_never_content(app, monkeypatch, citizen, unit,
                                                                          other_unit, make_user, file, moderator):
    scores = {unit.id: 61, other_unit.id: None}
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: scores[unit_id])
    last_week = NOW - timedelta(days=7)  # Monday 26 October, 10:00
    following.follow(citizen, unit, now=last_week)
    following.follow(citizen, other_unit, now=last_week)
    idle = make_user(CITIZEN, email="tenang@example.com")
    following.follow(idle, other_unit, now=last_week)
    overdue_secret(file, unit, moderator, due=NOW - timedelta(days=2), forwarded_at=NOW - timedelta(days=1))
    overdue_secret(file, unit, moderator, due=NOW - timedelta(days=30))  # overdue long before: not new
    opened = consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=3))
    consultation(unit, "Draf yang belum terbit", NOW - timedelta(days=3), stage="draft")
    action(opened, date(2026, 10, 30))  # target Friday: overdue since Saturday
    action(opened, date(2026, 10, 29), status=DONE, number=2, completed_at=NOW - timedelta(days=6))  # done on time
    scores[unit.id] = 55  # the score fell from 61 (at following) to 55

    assert following.send_weekly_digests(NOW) == 1  # the idle follower gets nothing
    assert following.send_weekly_digests(NOW + timedelta(hours=1)) == 0  # a second run, same week
    assert following.send_weekly_digests(NOW + timedelta(days=6, hours=13)) == 0  # Sunday 23:00 WIB
    message, = digests()
    assert message.key == f"rapor-digest:{citizen.id}:2026-W45" and message.payload["to"] == "warga@example.com"
    body = message.payload["body"]
    assert "Pengaduan yang baru melewati batas waktu penyelesaian: 1" in body
    assert "Pengaduan yang diteruskan ke SP4N-LAPOR!: 1" in body
    assert "Tindak lanjut hasil konsultasi yang lewat target: 1" in body
    assert "Konsultasi publik dibuka: Rancangan standar pelayanan KTP" in body
    assert "/forum/konsultasi/" + opened.slug in body and "Draf yang belum terbit" not in body
    assert "turun 6 poin, dari 61 menjadi 55" in body
    assert f"/rapor/unit/{unit.id}" in body and "/rapor/pantauan" in body
    assert other_unit.name not in body  # nothing new there: left out
    for secret in (SECRET_TITLE, SECRET_REPORTER, "rudi@example.com", "Lubang besar"):
        assert secret not in body and secret not in message.payload["html"]
    assert all(f.last_week == "2026-W45" for f in db.session.query(Follow))  # the idle one too: passed by

    # the next week: only what is new since this digest
    consultation(unit, "Rancangan standar pelayanan akta", NOW + timedelta(days=2), slug="k-akta")
    assert following.send_weekly_digests(NOW + timedelta(days=7)) == 1
    second = digests()[-1]
    assert second.key == f"rapor-digest:{citizen.id}:2026-W46"
    body = second.payload["body"]
    assert "Rancangan standar pelayanan akta" in body and "Rancangan standar pelayanan KTP" not in body
    assert "batas waktu" not in body and "nilai rapor" not in body.lower()  # no new overdue, score unchanged
    assert len(digests()) == 2


def test_a_digest_is_in_the_followers_language(app, monkeypatch, make_user, unit):
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: None)
    person = make_user(CITIZEN, email="en@example.com", locale="en")
    following.follow(person, unit, now=NOW - timedelta(days=7))
    consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=1))
    assert following.send_weekly_digests(NOW) == 1
    message, = digests()
    assert "Rancangan standar pelayanan KTP" in message.payload["body"]
    assert "Konsultasi publik dibuka" not in message.payload["body"]  # English text around it


def test_someone_who_began_following_after_this_weeks_moment_waits_for_next_week(app, monkeypatch, citizen, unit):
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: None)
    following.follow(citizen, unit, now=NOW)  # Monday 10:00, after the 07:00 moment
    consultation(unit, "Rancangan standar pelayanan KTP", NOW + timedelta(hours=1))
    assert following.send_weekly_digests(NOW + timedelta(hours=2)) == 0
    assert following.send_weekly_digests(NOW + timedelta(days=7)) == 1


def test_the_week_and_its_moment_are_the_citys_not_utc(app, monkeypatch, citizen, unit):
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: None)
    following.follow(citizen, unit, now=NOW - timedelta(days=7))
    consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=1))
    assert following.send_weekly_digests(datetime(2026, 11, 2, 6, 59, tzinfo=WIB)) == 0  # before 07:00 local
    assert following.send_weekly_digests(datetime(2026, 11, 2, 7, 0, tzinfo=WIB)) == 1
    # With the hour at midnight: Monday 9 November 00:30 WIB is still Sunday in UTC, but a new week here.
    monkeypatch.setitem(app.config, "SCORECARD_DIGEST_HOUR", 0)
    consultation(unit, "Rancangan standar pelayanan akta", NOW + timedelta(days=3), slug="k-akta")
    assert following.send_weekly_digests(datetime(2026, 11, 8, 23, 59, tzinfo=WIB)) == 0
    monday_early = datetime(2026, 11, 9, 0, 30, tzinfo=WIB)
    assert monday_early.utctimetuple().tm_wday == 6  # Sunday in UTC
    assert following.send_weekly_digests(monday_early) == 1
    assert [m.key.rsplit(":", 1)[1] for m in digests()] == ["2026-W45", "2026-W46"]


def test_a_digest_another_worker_queued_is_not_sent_again(app, monkeypatch, citizen, unit):
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: None)
    following.follow(citizen, unit, now=NOW - timedelta(days=7))
    consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=1))
    db.session.add(OutboxMessage(kind=EMAIL, key=f"rapor-digest:{citizen.id}:2026-W45", payload={"to": "x"}))
    db.session.commit()
    assert following.send_weekly_digests(NOW) == 0
    assert len(digests()) == 1


def test_a_digest_queued_by_another_worker_while_this_one_composed_is_rolled_back(app, monkeypatch, citizen, unit):
    """Both databases: the unique outbox key is the last word; the losing worker changes nothing."""
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: None)
    following.follow(citizen, unit, now=NOW - timedelta(days=7))
    consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=1))
    real_changes = following.changes

    def racing(unit_id, since, until):
        found = real_changes(unit_id, since, until)
        with db.engine.begin() as other:  # the other worker commits its digest first
            other.execute(OutboxMessage.__table__.insert().values(
                kind=EMAIL, key=f"rapor-digest:{citizen.id}:2026-W45", payload={"to": "x"}, status="pending",
                attempts=0, next_attempt_at=NOW, created_at=NOW))
        return found
    monkeypatch.setattr(following, "changes", racing)
    assert following.send_weekly_digests(NOW) == 0
    assert len(digests()) == 1
    db.session.expire_all()
    follow_row = db.session.scalar(select(Follow))
    assert follow_row.last_week is None and follow_row.last_digest_at is None  # rolled back with the e-mail


def test_two_workers_at_once_send_one_digest(app, monkeypatch, citizen, make_user, unit):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent sessions with row locks are PostgreSQL's; SQLite serialises writers "
                    "(the unique key's rule is tested above on both)")
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: None)
    people = [citizen] + [make_user(CITIZEN) for _ in range(5)]
    for person in people:
        following.follow(person, unit, now=NOW - timedelta(days=7))
    consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=1))
    results = side_by_side(app, lambda: following.send_weekly_digests(NOW),
                           lambda: following.send_weekly_digests(NOW))
    assert sum(results) == len(people)
    assert sorted(m.key for m in digests()) == sorted(f"rapor-digest:{p.id}:2026-W45" for p in people)


def test_the_weekly_digest_is_registered_with_the_worker():
    assert "scorecard.follow_services:send_weekly_digests" in SWEEPS


# --- a deactivated unit ----------------------------------------------------------------------------

def test_a_deactivated_units_follow_sends_no_digest_and_shows_as_such_on_the_list(app, monkeypatch, client, login,
                                                                                 citizen, unit, other_unit):
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: None)
    following.follow(citizen, unit, now=NOW - timedelta(days=7))
    following.follow(citizen, other_unit, now=NOW - timedelta(days=7))
    consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=1))
    consultation(other_unit, "Rancangan standar pelayanan puskesmas", NOW - timedelta(days=1), slug="k-puskesmas")
    other_unit.is_active = False
    db.session.commit()

    assert following.send_weekly_digests(NOW) == 1
    body = digests()[0].payload["body"]
    assert "Rancangan standar pelayanan KTP" in body
    assert other_unit.name not in body and "puskesmas" not in body
    left_out = db.session.scalar(select(Follow).where(Follow.unit_id == other_unit.id))
    assert left_out.last_week is None and left_out.last_digest_at is None  # passed by, not consumed

    # Someone who follows only deactivated units gets no e-mail at all.
    following.unfollow(citizen, unit, now=NOW)
    assert following.send_weekly_digests(NOW + timedelta(days=7)) == 0
    assert len(digests()) == 1

    login(citizen)
    listing = client.get("/rapor/pantauan").get_data(as_text=True)
    item = listing[listing.index(other_unit.name):]
    assert "unit tidak aktif lagi" in item[:400]
    assert f"/rapor/unit/{other_unit.id}/berhenti-pantau" in listing
    assert client.post(f"/rapor/unit/{other_unit.id}/berhenti-pantau").status_code == 302
    assert db.session.query(Follow).count() == 0


def test_an_active_unit_is_not_marked_inactive_on_the_list(client, login, citizen, unit):
    following.follow(citizen, unit, now=NOW)
    login(citizen)
    assert "unit tidak aktif lagi" not in client.get("/rapor/pantauan").get_data(as_text=True)


# --- stopping from the e-mail, without signing in ----------------------------------------------------

UNSUBSCRIBE_LINK = re.compile(r"https?://\S+/rapor/pantauan/berhenti/[A-Za-z0-9_.\-]+")


def unit_links(body):
    """{unit name: the digest's stop link under that unit's heading}."""
    links = {}
    for section in body.split("== ")[1:]:
        name = section.split(" ==")[0]
        links[name] = UNSUBSCRIBE_LINK.search(section.split("Berhenti memantau unit ini:")[1]).group(0)
    return links


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def followed_both(monkeypatch, citizen, unit, other_unit):
    """The citizen follows both units since last week, and each opened a consultation: a digest of both."""
    monkeypatch.setattr(following, "current_score", lambda unit_id, now: None)
    following.follow(citizen, unit, now=NOW - timedelta(days=7))
    following.follow(citizen, other_unit, now=NOW - timedelta(days=7))
    consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=1))
    consultation(other_unit, "Rancangan standar pelayanan puskesmas", NOW - timedelta(days=1), slug="k-puskesmas")


def unfollow_events():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scorecard.unit_unfollowed")
                              .order_by(AuditEvent.id)).all()


def test_a_digests_link_stops_following_that_unit_without_signing_in(app, client, citizen, unit, other_unit,
                                                                    make_user, followed_both):
    neighbour = make_user(CITIZEN, email="tetangga@example.com")
    following.follow(neighbour, unit, now=NOW - timedelta(days=7))
    assert following.send_weekly_digests(NOW) == 2
    mine = next(m for m in digests() if m.payload["to"] == "warga@example.com")
    link = unit_links(mine.payload["body"])[unit.name]

    page = client.get(path_of(link))  # a visitor: the link needs no session
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert unit.name in text and other_unit.name not in text
    assert f'action="{path_of(link)}"' in text and 'name="csrf_token"' in text
    assert db.session.query(Follow).count() == 3  # a GET (a mail scanner following links) changes nothing

    done = client.post(path_of(link))
    assert done.status_code == 200 and "Anda berhenti memantau unit berikut" in done.get_data(as_text=True)
    assert not following.is_following(citizen, unit.id)
    assert following.is_following(citizen, other_unit.id)  # only the unit of that link
    assert following.is_following(neighbour, unit.id)  # nobody else's follow
    event, = unfollow_events()
    assert (event.actor_id, event.object_id, event.data) == (citizen.id, unit.id, {"via": "email"})

    again = client.post(path_of(link))  # a second click: said kindly, nothing recorded
    assert again.status_code == 200 and "sudah tidak memantau" in again.get_data(as_text=True)
    assert len(unfollow_events()) == 1


def test_the_digest_carries_one_click_unsubscribe_headers_that_stop_every_follow(app, client, csrf_enabled, citizen,
                                                                                unit, other_unit, make_user,
                                                                                followed_both, deliver_outbox,
                                                                                sent_mail):
    neighbour = make_user(CITIZEN, email="tetangga@example.com")
    following.follow(neighbour, other_unit, now=NOW - timedelta(days=7))
    assert following.send_weekly_digests(NOW) == 2
    deliver_outbox()
    mail = next(m for m in sent_mail if m.recipients == ["warga@example.com"])
    raw = mail.as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    header = mail.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith("/satu-klik>")
    one_click = path_of(header[1:-1])

    # The mail client's POST (RFC 8058) carries no CSRF token and no session, and must work.
    response = client.post(one_click, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert db.session.scalars(select(Follow.user_id)).all() == [neighbour.id]  # both of mine, not theirs
    assert len(unfollow_events()) == 2
    # The confirm page's form stays behind CSRF: without the token it is refused.
    page_link = unit_links(mail.body)[unit.name]
    assert client.post(path_of(page_link)).status_code == 400
    # An older client opens the header's URL in a browser: it lands on the confirm page.
    assert client.get(one_click).status_code == 302


def test_a_forged_or_foreign_token_is_a_friendly_404_and_changes_nothing(app, client, citizen, unit, make_user):
    row = following.follow(citizen, unit, now=NOW)
    good = following.unsubscribe_token(citizen.id, [row])
    payload = {"u": citizen.id, "f": [[row.id, int(row.created_at.timestamp())]]}
    forged = [
        good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),  # a changed signature
        signed_tokens.lasting("email-verify").dumps(payload),  # another use's salt
        signed_tokens.timed("scorecard.digest-unsubscribe").dumps(payload),  # timed: another format
        "not-a-token",
    ]
    with app.test_request_context():
        app_secret = app.config["SECRET_KEY"]
    from itsdangerous import URLSafeSerializer
    forged.append(URLSafeSerializer(app_secret + "-other", salt="scorecard.digest-unsubscribe").dumps(payload))
    for token in forged:
        for method, suffix in (("GET", ""), ("POST", ""), ("POST", "/satu-klik")):
            response = client.open(f"/rapor/pantauan/berhenti/{token}{suffix}", method=method)
            assert response.status_code == 404, (token, method, suffix)
            if suffix == "":
                assert "Tautan berhenti memantau ini tidak sah" in response.get_data(as_text=True)
    assert following.is_following(citizen, unit.id) and unfollow_events() == []


def test_a_token_stops_only_its_own_persons_rows_and_not_a_later_follow(app, client, citizen, unit, make_user):
    other = make_user(CITIZEN, email="lain@example.com")
    theirs = following.follow(other, unit, now=NOW)
    mine = following.follow(citizen, unit, now=NOW)
    # A token of mine naming their row (as if ids were guessed into it) stops nothing of theirs.
    client.post(f"/rapor/pantauan/berhenti/{following.unsubscribe_token(citizen.id, [theirs])}/satu-klik")
    assert following.is_following(other, unit.id) and following.is_following(citizen, unit.id)
    old_link = f"/rapor/pantauan/berhenti/{following.unsubscribe_token(citizen.id, [mine])}/satu-klik"
    assert client.post(old_link).status_code == 200
    following.follow(citizen, unit, now=NOW + timedelta(days=1))  # followed again later: a new row
    assert client.post(old_link).status_code == 200
    assert following.is_following(citizen, unit.id)  # an old e-mail cannot stop the new follow


def test_the_link_never_expires_whatever_the_token_lifetimes(app, monkeypatch, client, citizen, unit):
    """The token carries no moment (made today or in fifty years it is the same string), and the
    account tokens' lifetimes (EMAIL_TOKEN_MAX_AGE, RESET_TOKEN_MAX_AGE) do not reach it."""
    monkeypatch.setitem(app.config, "EMAIL_TOKEN_MAX_AGE", 1)
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", 1)
    row = following.follow(citizen, unit, now=NOW)
    token = following.unsubscribe_token(citizen.id, [row])
    real_time = __import__("time").time
    monkeypatch.setattr("time.time", lambda: real_time() + 50 * 365 * 86400)
    assert following.unsubscribe_token(citizen.id, [row]) == token
    assert client.get(f"/rapor/pantauan/berhenti/{token}").status_code == 200
    assert client.post(f"/rapor/pantauan/berhenti/{token}").status_code == 200
    assert not following.is_following(citizen, unit.id)


# --- the Atom feed -----------------------------------------------------------------------------------

def test_the_feed_is_valid_atom_with_stable_ids_and_no_rahasia_content(app, monkeypatch, client, unit, other_unit,
                                                                        file, moderator):
    opened = consultation(unit, "Rancangan standar pelayanan KTP", NOW - timedelta(days=3))
    consultation(unit, "Draf yang belum terbit", NOW - timedelta(days=3), stage="draft")
    consultation(other_unit, "Konsultasi unit lain", NOW - timedelta(days=3))
    consultation(unit, "Konsultasi lama sekali", NOW - timedelta(weeks=9))
    late = action(opened, date(2026, 10, 30))
    action(opened, date(2026, 11, 20), number=2)  # not due yet
    secret = overdue_secret(file, unit, moderator, due=NOW - timedelta(days=2), forwarded_at=NOW - timedelta(days=1))

    monkeypatch.setattr("core.clock.now", lambda: NOW)  # the feed reads the wall clock
    first = client.get(f"/rapor/unit/{unit.id}/feed.atom")
    assert first.status_code == 200 and first.mimetype == "application/atom+xml"
    root = ET.fromstring(first.data)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == f"tag:127.0.0.1,2026-12-02:rapor/unit/{unit.id}"
    assert root.findtext(f"{ATOM}updated")
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["Satu pengaduan diteruskan ke SP4N-LAPOR!",
                      "Tindak lanjut lewat target: Rancangan standar pelayanan KTP",
                      "Konsultasi publik dibuka: Rancangan standar pelayanan KTP"]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert ids[0].endswith(f"/diteruskan/{secret.id}") and ids[1].endswith(f"/tindak-lanjut/{late.id}/2026-10-30")
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated") and entry.find(f"{ATOM}link").get("href").startswith("http")
    text_ = first.get_data(as_text=True)
    for secret_text in (SECRET_TITLE, SECRET_REPORTER, secret.tracking_code, "infrastruktur"):
        assert secret_text not in text_

    with count_queries() as statements:
        again = client.get(f"/rapor/unit/{unit.id}/feed.atom")
    assert len(statements) <= 6
    root_again = ET.fromstring(again.data)
    assert [e.findtext(f"{ATOM}id") for e in root_again.findall(f"{ATOM}entry")] == ids
    assert root_again.findtext(f"{ATOM}updated") == root.findtext(f"{ATOM}updated")
    assert client.get("/rapor/unit/99999/feed.atom").status_code == 404


def test_an_empty_feed_is_still_valid_atom(client, unit):
    root = ET.fromstring(client.get(f"/rapor/unit/{unit.id}/feed.atom").data)
    assert root.findtext(f"{ATOM}updated") and root.findall(f"{ATOM}entry") == []
