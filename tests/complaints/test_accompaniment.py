"""Accompaniment (pengawalan): a reporter asks a verified organisation to accompany their complaint.

Who may do each step, what each side sees (identity only when shared; notes for the reporter and
the unit, never the public), one requested-or-active accompaniment per complaint (also under a
race on PostgreSQL), notices to members, the unit's badge and filter, and the scorecard's counts.
"""
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from accounts.models import ORG_PENDING
from complaints import accompaniment_services as accompaniments
from complaints import services, visibility
from complaints.models import (ACC_ACTIVE, ACC_DECLINED, ACC_ENDED, ACC_REQUESTED, ACC_WITHDRAWN, Accompaniment,
                               Complaint, ComplaintEvent)
from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.mailer import recipient
from core.notices import DAILY, PendingNotice
from core.outbox import OutboxMessage
from core.permissions import CITIZEN, ORG_MEMBER
from tests.complaints.conftest import MONDAY
from tests.conftest import count_queries

REPORTER_NAME, REPORTER_EMAIL, REPORTER_PHONE = "Wulan Sari", "wulan.sari@example.com", "081299887766"


@pytest.fixture
def reporter(make_user):
    return make_user(CITIZEN, email=REPORTER_EMAIL, full_name=REPORTER_NAME)


@pytest.fixture
def contact(make_user):
    return make_user(ORG_MEMBER, email="narahubung@lsm.example.org", full_name="Narahubung LSM")


@pytest.fixture
def member(make_user):
    return make_user(ORG_MEMBER, email="anggota@lsm.example.org", full_name="Anggota LSM")


@pytest.fixture
def organisation(make_organisation, contact, member):
    return make_organisation("Lembaga Pemantau Pelayanan", contact=contact, members=[member])


@pytest.fixture
def outsider(make_user, make_organisation):
    """A member of another verified organisation."""
    person = make_user(ORG_MEMBER, email="lain@example.org")
    make_organisation("Organisasi Lain", contact=person)
    return person


@pytest.fixture
def routed(file_complaint, reporter, moderator, unit, handler, in_request):
    """A complaint filed by the reporter's account, verified and routed to the unit."""
    complaint, _key = file_complaint(reporter=reporter, reporter_name=None, reporter_email=None,
                                     reporter_phone=REPORTER_PHONE, unit_id=unit.id)
    services.verify(moderator, complaint, unit_id=unit.id, now=MONDAY)
    return complaint


def accompanied(complaint, reporter, organisation, member, *, share_identity=False):
    accompaniment = accompaniments.request_accompaniment(reporter, complaint, organisation_id=organisation.id,
                                                         share_identity=share_identity, now=MONDAY)
    accompaniments.accept_request(member, accompaniment, now=MONDAY)
    return accompaniment


def emails_to(address):
    return [m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "email")).all()
            if recipient(m.payload) == address]  # a reporter's address is kept encrypted


def kinds(complaint):
    return db.session.scalars(select(ComplaintEvent.kind).where(ComplaintEvent.complaint_id == complaint.id)
                              .order_by(ComplaintEvent.id)).all()


# --- the steps, by each side ---------------------------------------------------------------------

def test_the_reporter_asks_and_a_member_accepts(routed, reporter, organisation, member, contact, in_request):
    accompaniment = accompaniments.request_accompaniment(reporter, routed, organisation_id=organisation.id,
                                                         now=MONDAY)
    assert accompaniment.status == ACC_REQUESTED and accompaniment.share_identity is False  # the default
    # Both members hear of the request, with a link to their list, not to the complaint.
    for person in (contact, member):
        [notice] = emails_to(person.email)
        assert "/pengaduan/pengawalan" in notice.payload["body"]
        assert routed.title not in notice.payload["body"]
    accompaniments.accept_request(member, accompaniment, now=MONDAY)
    assert db.session.get(Accompaniment, accompaniment.id).status == ACC_ACTIVE
    assert kinds(routed)[-2:] == ["accompaniment_requested", "accompaniment_accepted"]
    assert not any(e.public for e in routed.events if e.kind.startswith("accompaniment_"))
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("complaint.accompaniment%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["complaint.accompaniment_requested", "complaint.accompaniment_accepted"]
    assert any("mengawal" in m.payload["subject"] for m in emails_to(REPORTER_EMAIL))


def test_an_organisation_declines_and_the_reporter_may_ask_another(routed, reporter, organisation, contact,
                                                                  outsider, in_request):
    first = accompaniments.request_accompaniment(reporter, routed, organisation_id=organisation.id, now=MONDAY)
    accompaniments.decline_request(contact, first, reason="Di luar wilayah kerja kami", now=MONDAY)
    assert (first.status, first.reason) == (ACC_DECLINED, "Di luar wilayah kerja kami")
    other = outsider.approved_organisations[0]
    second = accompaniments.request_accompaniment(reporter, routed, organisation_id=other.id, now=MONDAY)
    assert second.status == ACC_REQUESTED


def test_the_reporter_withdraws_a_pending_request_and_it_can_no_longer_be_accepted(routed, reporter, organisation,
                                                                                   member, in_request):
    accompaniment = accompaniments.request_accompaniment(reporter, routed, organisation_id=organisation.id,
                                                         now=MONDAY)
    accompaniments.withdraw_request(reporter, accompaniment, now=MONDAY)
    assert accompaniment.status == ACC_WITHDRAWN
    with pytest.raises(NotAllowed):  # no longer a request to answer
        accompaniments.accept_request(member, accompaniment, now=MONDAY)
    assert db.session.get(Accompaniment, accompaniment.id).status == ACC_WITHDRAWN


def test_an_organisation_cannot_be_attached_against_its_will(routed, reporter, organisation, outsider, member,
                                                            make_organisation, in_request):
    accompaniment = accompaniments.request_accompaniment(reporter, routed, organisation_id=organisation.id,
                                                         now=MONDAY)
    with pytest.raises(NotAllowed):
        accompaniments.accept_request(outsider, accompaniment, now=MONDAY)  # a member of another organisation
    with pytest.raises(NotAllowed):
        accompaniments.accept_request(reporter, accompaniment, now=MONDAY)  # the reporter cannot accept for it
    assert accompaniment.status == ACC_REQUESTED
    accompaniments.withdraw_request(reporter, accompaniment, now=MONDAY)
    pending = make_organisation("Belum Diverifikasi", status=ORG_PENDING, contact=member)
    with pytest.raises(DomainError) as refused:
        accompaniments.request_accompaniment(reporter, routed, organisation_id=pending.id, now=MONDAY)
    assert refused.value.field == "organisation_id"


def test_the_organisation_ends_it_only_with_a_reason_and_the_reporter_hears_why(routed, reporter, organisation,
                                                                               member, in_request):
    accompaniment = accompanied(routed, reporter, organisation, member)
    with pytest.raises(DomainError) as refused:
        accompaniments.end_accompaniment(member, accompaniment, reason=" ", now=MONDAY)
    assert refused.value.field == "reason"
    accompaniments.end_accompaniment(member, accompaniment, reason="Pelapor sudah didampingi LBH", now=MONDAY)
    assert (accompaniment.status, accompaniment.ended_by) == (ACC_ENDED, "organisation")
    assert any("berakhir" in m.payload["subject"] for m in emails_to(REPORTER_EMAIL))
    assert visibility.view_for(routed, member).viewer == visibility.PUBLIC


def test_the_reporter_ends_it_in_one_click_and_a_confirmation(client, login, routed, reporter, organisation, member,
                                                             in_request):
    accompaniment = accompanied(routed, reporter, organisation, member)
    code = routed.tracking_code
    login(reporter)
    case = client.get(f"/pengaduan/{code}").get_data(as_text=True)
    end_url = f"/pengaduan/{code}/pengawalan/{accompaniment.id}/akhiri"
    assert end_url in case
    confirm = client.get(end_url)
    assert confirm.status_code == 200 and "Ya, akhiri pengawalan" in confirm.get_data(as_text=True)
    assert client.post(end_url, data={}).status_code == 302  # no reason needed from the reporter
    assert db.session.get(Accompaniment, accompaniment.id).ended_by == "reporter"
    member_browser = login(member, on=client.application.test_client())
    assert member_browser.get(f"/pengaduan/{code}").status_code == 403  # access stops
    assert member_browser.post(f"/pengaduan/{code}/pengawalan/{accompaniment.id}/catatan",
                               data={"accnote-text": "masih di sini"}).status_code == 403


def test_the_reporter_without_an_account_asks_through_the_reporter_link(app, file_complaint, organisation, member):
    complaint, key = file_complaint()
    browser = app.test_client()
    browser.get(f"/pengaduan/akses/{complaint.tracking_code}/{key}")
    page = browser.get(f"/pengaduan/{complaint.tracking_code}/pengawalan")
    assert page.status_code == 200 and organisation.name in page.get_data(as_text=True)
    answer = browser.post(f"/pengaduan/{complaint.tracking_code}/pengawalan",
                          data={"organisation_id": str(organisation.id)})
    assert answer.status_code == 302
    accompaniment = db.session.scalar(select(Accompaniment))
    assert (accompaniment.organisation_id, accompaniment.requested_by_id, accompaniment.share_identity) == \
        (organisation.id, None, False)


def test_the_organisation_picker_searches_and_paginates(app, client, login, routed, reporter, make_organisation):
    for n in range(app.config["PER_PAGE"] + 3):
        make_organisation(f"Komunitas {n:02d}")
    make_organisation("Pemantau Anggaran")
    make_organisation("Tersembunyi Menunggu", status=ORG_PENDING)
    login(reporter)
    url = f"/pengaduan/{routed.tracking_code}/pengawalan"
    first = client.get(url).get_data(as_text=True)
    assert "Komunitas 00" in first and "Komunitas 22" not in first and "Tersembunyi Menunggu" not in first
    assert "Komunitas 22" in client.get(url + "?page=2").get_data(as_text=True)
    found = client.get(url + "?q=anggaran").get_data(as_text=True)
    assert "Pemantau Anggaran" in found and "Komunitas 00" not in found
    assert client.get(url + "?page=abc").status_code == 400
    assert client.post(url, data={}).status_code == 400  # no organisation chosen: the form says so


# --- who may see and do what ----------------------------------------------------------------------

def test_a_non_member_gets_403_everywhere(client, login, routed, reporter, organisation, member, outsider,
                                         make_user, in_request):
    accompaniment = accompanied(routed, reporter, organisation, member)
    code, acc = routed.tracking_code, accompaniment.id
    for person in (outsider, make_user(CITIZEN)):
        browser = login(person, on=client.application.test_client())
        assert browser.get(f"/pengaduan/{code}").status_code == 403
        assert browser.post(f"/pengaduan/{code}/pengawalan/{acc}/catatan", data={"accnote-text": "x"}).status_code == 403
        assert browser.get(f"/pengaduan/{code}/pengawalan/{acc}/akhiri").status_code == 403
        assert browser.post(f"/pengaduan/{code}/pengawalan/{acc}/akhiri", data={"reason": "x"}).status_code == 403
        assert browser.post(f"/pengaduan/{code}/pengawalan/{acc}/terima").status_code == 403
        assert browser.get(f"/pengaduan/{code}/pengawalan").status_code == 403  # only the reporter asks
    assert db.session.get(Accompaniment, acc).status == ACC_ACTIVE


@pytest.mark.parametrize("share", [False, True])
def test_the_reporters_identity_reaches_the_organisation_only_when_shared(client, login, routed, reporter,
                                                                         organisation, member, share, in_request):
    accompanied(routed, reporter, organisation, member, share_identity=share)
    login(member)
    page = client.get(f"/pengaduan/{routed.tracking_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and routed.description in html  # the content and the timeline
    for secret in (REPORTER_NAME, REPORTER_EMAIL, REPORTER_PHONE):
        assert (secret in html) is share
    assert ("Tidak dibagikan kepada organisasi" in html) is not share


def test_an_anonim_reporter_may_still_share_with_the_organisation_alone(client, login, file_complaint, reporter,
                                                                       organisation, member, moderator, unit,
                                                                       handler, in_request):
    complaint, _key = file_complaint(reporter=reporter, reporter_name=None, reporter_email=None, anonymous=True)
    services.verify(moderator, complaint, unit_id=unit.id, now=MONDAY)
    accompanied(complaint, reporter, organisation, member, share_identity=True)
    assert visibility.view_for(complaint, member).identity["email"] == REPORTER_EMAIL
    assert visibility.view_for(complaint, handler).identity is None  # anonim stays anonim for the staff


def test_a_rahasia_complaint_is_shown_to_the_organisation_never_to_the_public(app, client, login, file_complaint,
                                                                             reporter, organisation, member,
                                                                             moderator, unit, in_request):
    complaint, _key = file_complaint(reporter=reporter, confidential=True, unit_id=unit.id)
    services.verify(moderator, complaint, unit_id=unit.id, now=MONDAY)
    accompaniment = accompaniments.request_accompaniment(reporter, complaint, organisation_id=organisation.id,
                                                         now=MONDAY)
    login(member)
    listed = client.get("/pengaduan/pengawalan").get_data(as_text=True)
    assert complaint.tracking_code in listed and complaint.title not in listed  # not before it accepts
    accompaniments.accept_request(member, accompaniment, now=MONDAY)
    assert complaint.title in client.get(f"/pengaduan/{complaint.tracking_code}").get_data(as_text=True)
    assert complaint.title in client.get("/pengaduan/pengawalan").get_data(as_text=True)
    public = app.test_client().get(f"/pengaduan/lacak/{complaint.tracking_code}").get_data(as_text=True)
    assert complaint.title not in public and organisation.name not in public


def test_the_organisation_sees_no_attachments_and_no_internal_notes(routed, reporter, organisation, member,
                                                                    moderator, in_request):
    services.add_note(moderator, routed, text="Catatan internal staf", now=MONDAY)
    accompanied(routed, reporter, organisation, member)
    view = visibility.view_for(routed, member)
    assert view.viewer == visibility.ACCOMPANIER
    assert "Catatan internal staf" not in [e.message for e in view.timeline()]
    assert view.attachments == []


def test_notes_are_read_by_the_reporter_and_the_unit_never_by_the_public(app, client, login, routed, reporter,
                                                                        organisation, member, handler, in_request):
    accompaniment = accompanied(routed, reporter, organisation, member)
    code = routed.tracking_code
    login(member)
    note = "Kami sudah **mengecek lokasi**: lubang masih ada. <script>alert(1)</script>"
    answer = client.post(f"/pengaduan/{code}/pengawalan/{accompaniment.id}/catatan", data={"accnote-text": note})
    assert answer.status_code == 302
    for person in (reporter, handler):
        html = login(person, on=app.test_client()).get(f"/pengaduan/{code}").get_data(as_text=True)
        assert "<strong>mengecek lokasi</strong>" in html and "<script>alert(1)" not in html
        assert organisation.name in html
    for public in (app.test_client().get(f"/pengaduan/lacak/{code}"), app.test_client().get(f"/api/v1/complaints/{code}")):
        text = public.get_data(as_text=True)
        assert public.status_code == 200
        assert "mengecek lokasi" not in text and organisation.name not in text and "accompaniment" not in text
    # The reporter and the unit's handler are told; the member who wrote it is not.
    assert any("Catatan dari" in m.payload["subject"] for m in emails_to(REPORTER_EMAIL))
    assert any("Catatan organisasi pengawal" in m.payload["subject"] for m in emails_to(handler.email))
    assert not any("Catatan baru" in m.payload["subject"] for m in emails_to(member.email))


def test_a_note_is_length_limited_and_not_empty(client, login, routed, reporter, organisation, member, in_request):
    accompaniment = accompanied(routed, reporter, organisation, member)
    with pytest.raises(DomainError):
        accompaniments.add_note(member, accompaniment, text="   ", now=MONDAY)
    with pytest.raises(DomainError):
        accompaniments.add_note(member, accompaniment, text="x" * (accompaniments.NOTE_MAX_LENGTH + 1), now=MONDAY)
    accompaniments.add_note(member, accompaniment, text="x" * accompaniments.NOTE_MAX_LENGTH, now=MONDAY)
    login(member)
    too_long = client.post(f"/pengaduan/{routed.tracking_code}/pengawalan/{accompaniment.id}/catatan",
                           data={"accnote-text": "y" * 3001})
    assert too_long.status_code == 400


def test_ended_notes_stay_for_the_reporter_and_the_unit(routed, reporter, organisation, member, handler, in_request):
    accompaniment = accompanied(routed, reporter, organisation, member)
    accompaniments.add_note(member, accompaniment, text="Catatan sebelum berakhir", now=MONDAY)
    accompaniments.end_accompaniment(reporter, accompaniment, now=MONDAY)
    for person in (reporter, handler):
        assert "Catatan sebelum berakhir" in [e.message for e in visibility.view_for(routed, person).timeline()]
    assert visibility.view_for(routed, member).viewer == visibility.PUBLIC
    assert "Catatan sebelum berakhir" not in [e.message for e in visibility.view_for(routed, member).timeline()]


# --- one at a time ---------------------------------------------------------------------------------

def test_a_new_request_replaces_nothing(routed, reporter, organisation, member, outsider, in_request):
    accompanied(routed, reporter, organisation, member)
    with pytest.raises(DomainError):
        accompaniments.request_accompaniment(reporter, routed, organisation_id=outsider.approved_organisations[0].id,
                                             now=MONDAY)
    assert [a.status for a in db.session.scalars(select(Accompaniment))] == [ACC_ACTIVE]


def test_the_database_refuses_a_second_live_accompaniment(routed, organisation, outsider):
    db.session.add(Accompaniment(complaint_id=routed.id, organisation_id=organisation.id, status=ACC_ACTIVE,
                                 requested_at=MONDAY))
    db.session.commit()
    db.session.add(Accompaniment(complaint_id=routed.id, organisation_id=outsider.approved_organisations[0].id,
                                 status=ACC_REQUESTED, requested_at=MONDAY))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Finished ones do not count: any number may stay as history.
    for status in (ACC_ENDED, ACC_DECLINED, ACC_WITHDRAWN, ACC_ENDED):
        db.session.add(Accompaniment(complaint_id=routed.id, organisation_id=organisation.id, status=status,
                                     requested_at=MONDAY))
    db.session.commit()


def _race(app, calls):
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        with app.test_request_context():
            barrier.wait()
            try:
                call()
                outcomes.append("ok")
            except DomainError as e:
                outcomes.append(type(e).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's concurrent transactions")


def test_two_members_accepting_at_once_make_one_accompaniment(app, routed, reporter, organisation, member, contact,
                                                              in_request):
    _postgresql_only()
    acc_id = accompaniments.request_accompaniment(reporter, routed, organisation_id=organisation.id, now=MONDAY).id
    member_ids = [member.id, contact.id]
    db.session.remove()

    def accept(person_id):
        from accounts.models import User
        return lambda: accompaniments.accept_request(db.session.get(User, person_id),
                                                     db.session.get(Accompaniment, acc_id), now=MONDAY)
    outcomes = _race(app, [accept(person_id) for person_id in member_ids])
    assert sorted(outcomes) == ["DomainError", "ok"]
    assert db.session.scalar(select(func.count()).select_from(ComplaintEvent)
                             .where(ComplaintEvent.kind == "accompaniment_accepted")) == 1


def test_two_requests_at_once_leave_one(app, routed, reporter, organisation, outsider, in_request):
    _postgresql_only()
    complaint_id, reporter_id = routed.id, reporter.id
    org_ids = [organisation.id, outsider.approved_organisations[0].id]
    db.session.remove()

    def ask(org_id):
        from accounts.models import User
        return lambda: accompaniments.request_accompaniment(db.session.get(User, reporter_id),
                                                            db.session.get(Complaint, complaint_id),
                                                            organisation_id=org_id, now=MONDAY)
    outcomes = _race(app, [ask(org_id) for org_id in org_ids])
    assert sorted(outcomes) == ["DomainError", "ok"]
    assert db.session.scalar(select(func.count(Accompaniment.id))) == 1


# --- notices ------------------------------------------------------------------------------------------

def test_members_hear_of_each_step_as_they_chose_until_it_ends(routed, reporter, organisation, member, contact,
                                                               handler, in_request):
    contact.notice_frequency = DAILY
    db.session.commit()
    accompaniment = accompanied(routed, reporter, organisation, member)
    before = len(emails_to(member.email))
    services.start_progress(handler, routed, now=MONDAY)
    services.resolve(handler, routed, response="Lubang sudah ditambal", now=MONDAY + timedelta(days=1))
    mails = emails_to(member.email)[before:]
    assert len(mails) == 2 and all(routed.tracking_code in m.payload["subject"] for m in mails)
    assert all(REPORTER_EMAIL not in m.payload["body"] for m in mails)
    assert emails_to(contact.email) == []  # the daily digest instead
    assert db.session.scalar(select(func.count(PendingNotice.id)).where(PendingNotice.user_id == contact.id)) >= 2
    accompaniments.end_accompaniment(reporter, accompaniment, now=MONDAY + timedelta(days=1))
    after_end = len(emails_to(member.email))
    services.dispute(reporter, routed, reason="Masih berlubang", now=MONDAY + timedelta(days=2))
    assert len(emails_to(member.email)) == after_end  # notices stop with the accompaniment


# --- the unit sees it ---------------------------------------------------------------------------------

def test_the_unit_sees_a_badge_and_can_filter_the_queue(client, login, routed, reporter, organisation, member,
                                                        handler, file_complaint, moderator, unit, in_request):
    other, _key = file_complaint(title="Lampu jalan mati di Jl. Sudirman")
    services.verify(moderator, other, unit_id=unit.id, now=MONDAY)
    accompanied(routed, reporter, organisation, member)
    login(handler)
    queue = client.get("/pengaduan/antrean").get_data(as_text=True)
    assert f"Dikawal: {organisation.name}" in queue and other.title in queue
    only = client.get("/pengaduan/antrean?pengawalan=dikawal").get_data(as_text=True)
    assert routed.title in only and other.title not in only
    without = client.get("/pengaduan/antrean?pengawalan=tidak").get_data(as_text=True)
    assert routed.title not in without and other.title in without
    assert client.get("/pengaduan/antrean?pengawalan=lain").status_code == 200  # a bad filter is ignored
    assert f"Dikawal: {organisation.name}" in client.get(f"/pengaduan/{routed.tracking_code}").get_data(as_text=True)


# --- the organisation's list ----------------------------------------------------------------------------

def test_the_organisations_list_answers_requests_in_bounded_queries(client, login, file_complaint, reporter,
                                                                    organisation, member, in_request):
    def ask(n):
        for _ in range(n):
            complaint, _key = file_complaint(reporter=reporter)
            accompaniments.request_accompaniment(reporter, complaint, organisation_id=organisation.id, now=MONDAY)
    login(member)

    def queries():
        with count_queries() as statements:
            assert client.get("/pengaduan/pengawalan").status_code == 200
        return len(statements)
    ask(2)
    few = queries()
    ask(12)
    assert queries() == few <= 10
    pending = db.session.scalar(select(Accompaniment).order_by(Accompaniment.id))
    answer = client.post(f"/pengaduan/{pending.complaint.tracking_code}/pengawalan/{pending.id}/tolak",
                         data={"reason": "Tidak ada relawan"})
    assert answer.status_code == 302 and db.session.get(Accompaniment, pending.id).status == ACC_DECLINED


def test_someone_of_no_organisation_sees_an_empty_list(client, login, make_user):
    login(make_user(CITIZEN))
    page = client.get("/pengaduan/pengawalan")
    assert page.status_code == 200 and "belum menjadi anggota organisasi" in page.get_data(as_text=True)


# --- the scorecard's counts ----------------------------------------------------------------------------

def test_accompaniment_counts_per_unit_and_how_they_ended(file_complaint, reporter, organisation, member, moderator,
                                                          handler, unit, make_unit, in_request):
    other_unit = make_unit("Dinas Pekerjaan Umum", "PU")

    def case(unit_id=unit.id, accepted_at=MONDAY):
        complaint, _key = file_complaint(reporter=reporter, now=MONDAY - timedelta(days=1))
        services.verify(moderator, complaint, unit_id=unit_id, now=MONDAY - timedelta(days=1))
        accompaniment = accompaniments.request_accompaniment(reporter, complaint, organisation_id=organisation.id,
                                                             now=accepted_at)
        accompaniments.accept_request(member, accompaniment, now=accepted_at)
        return complaint, accompaniment

    on_time, _ = case()
    services.resolve(handler, on_time, response="Selesai", now=on_time.due_at)  # exactly at the deadline: within
    late, _ = case()
    services.resolve(handler, late, response="Selesai", now=late.due_at + timedelta(seconds=1))
    services.accept(reporter, late, now=late.due_at + timedelta(days=1))  # closed after resolution: resolved
    forwarded, ended = case()
    services.forward(forwarded, actor=moderator, reason="Perlu perhatian nasional", now=MONDAY)
    accompaniments.end_accompaniment(reporter, ended, now=MONDAY)  # ended later: still counted
    rejected, _ = case()
    services.reject(moderator, rejected, kind="invalid", reason="Tidak memenuhi syarat", now=MONDAY)
    case(unit_id=other_unit.id)  # another unit
    case(accepted_at=MONDAY + timedelta(days=30))  # accepted after the period
    # Requested but never accepted: not accompanied.
    never, _key = file_complaint(reporter=reporter)
    services.verify(moderator, never, unit_id=unit.id, now=MONDAY)
    accompaniments.request_accompaniment(reporter, never, organisation_id=organisation.id, now=MONDAY)

    counts = accompaniments.accompaniment_counts([unit.id, other_unit.id, 999], date(2026, 11, 1), date(2026, 11, 30))
    assert counts[unit.id] == {"accompanied": 4, "resolved": 2, "resolved_within_sla": 1, "forwarded": 1,
                               "rejected": 1, "open": 1}
    assert counts[other_unit.id] == {"accompanied": 1, "resolved": 0, "resolved_within_sla": 0, "forwarded": 0,
                                     "rejected": 0, "open": 1}
    assert counts[999]["accompanied"] == 0
    # The end date is included; the datetime form is half-open; None answers for every unit.
    assert accompaniments.accompaniment_counts([unit.id], date(2026, 12, 2), date(2026, 12, 2))[unit.id]["accompanied"] == 1
    assert accompaniments.accompaniment_counts([unit.id], MONDAY, MONDAY)[unit.id]["accompanied"] == 0
    assert set(accompaniments.accompaniment_counts(None, date(2026, 11, 1), date(2026, 12, 31))) == {unit.id,
                                                                                                   other_unit.id}
