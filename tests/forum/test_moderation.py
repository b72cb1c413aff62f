"""Moderation: flags, hiding with a reason, locking, and turning an input into a complaint."""
import pytest

from complaints.models import Complaint
from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from forum import input_services
from forum.models import Flag, ForumInput, ForumReply
from tests.conftest import count_queries

from .conftest import NOW


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


@pytest.fixture
def forum_input(org_member, organisation, consultation):
    return input_services.post_input(org_member, consultation, organisation_id=organisation.id, now=NOW,
                                     title="Loket KTP sering tutup", body="Sudah tiga kali loket KTP di kecamatan tutup "
                                                                         "pada jam layanan tanpa pemberitahuan.")


@pytest.fixture
def reply(forum_input, citizen):
    return input_services.reply(citizen, forum_input, body="Dasar petugas malas semua!", now=NOW)


# --- flags and hiding -----------------------------------------------------------------------------

def test_anyone_logged_in_flags_a_post_once_while_the_flag_is_open(reply, org_member):
    input_services.flag(org_member, reply, "Menghina petugas.", now=NOW)
    with pytest.raises(DomainError):
        input_services.flag(org_member, reply, "Sekali lagi.", now=NOW)
    with pytest.raises(DomainError) as error:
        input_services.flag(org_member, reply.input, "", now=NOW)
    assert error.value.field == "reason"
    assert db.session.query(Flag).count() == 1


def test_a_moderator_hides_a_post_and_the_reason_shows_in_its_place(client, reply, moderator, org_member):
    flag = input_services.flag(org_member, reply, "Menghina petugas.", now=NOW)
    input_services.hide(moderator, reply, "Melanggar tata tertib: ujaran merendahkan.", now=NOW)
    db.session.refresh(flag)
    assert flag.resolution == "hidden" and flag.resolved_by_id == moderator.id
    event = db.session.query(AuditEvent).filter_by(action="forum.reply_hidden").one()
    assert event.data["reason"] == "Melanggar tata tertib: ujaran merendahkan." and event.object_id == reply.id
    page = client.get(f"/forum/masukan/{reply.input_id}").get_data(as_text=True)
    assert "Disembunyikan oleh moderator: Melanggar tata tertib: ujaran merendahkan." in page
    assert "petugas malas" not in page


def test_a_hidden_input_shows_only_the_reason(client, forum_input, moderator):
    input_services.hide(moderator, forum_input, "Berisi nomor KTP orang lain.", now=NOW)
    page = client.get(f"/forum/masukan/{forum_input.id}").get_data(as_text=True)
    assert "Disembunyikan oleh moderator: Berisi nomor KTP orang lain." in page
    assert "tanpa pemberitahuan" not in page


@pytest.mark.parametrize("who", ["citizen", "org_member", "host"])
def test_only_moderators_hide_lock_and_convert(request, who, forum_input, reply, in_request):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        input_services.hide(actor, reply, "Saya tidak suka.", now=NOW)
    with pytest.raises(NotAllowed):
        input_services.lock(actor, forum_input, now=NOW)
    with pytest.raises(NotAllowed):
        input_services.convert_to_complaint(actor, forum_input, category="administrasi_kependudukan", now=NOW)
    db.session.refresh(reply)
    db.session.refresh(forum_input)
    assert not reply.is_hidden and not forum_input.is_locked and forum_input.complaint_id is None
    assert db.session.query(Complaint).count() == 0


def test_non_moderators_get_403_on_the_moderation_routes(client, login, citizen, forum_input, reply):
    login(citizen)
    assert client.post(f"/forum/balasan/{reply.id}/sembunyikan", data={"reason": "Tidak suka."}).status_code == 403
    assert client.post(f"/forum/masukan/{forum_input.id}/kunci").status_code == 403
    assert client.post(f"/forum/masukan/{forum_input.id}/jadikan-pengaduan",
                       data={"convert-category": "lainnya"}).status_code == 403
    assert client.get("/forum/moderasi").status_code == 403


def test_locking_stops_replies_and_unlocking_allows_them(forum_input, moderator, citizen):
    input_services.lock(moderator, forum_input, now=NOW)
    with pytest.raises(DomainError):
        input_services.reply(citizen, forum_input, body="Masih bisa?", now=NOW)
    input_services.unlock(moderator, forum_input, now=NOW)
    input_services.reply(citizen, forum_input, body="Sekarang bisa.", now=NOW)
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions == ["forum.thread_locked", "forum.thread_unlocked"]


def test_the_moderators_queue_lists_open_flags_and_dismissing_removes_them(client, login, moderator, reply, org_member):
    flag = input_services.flag(org_member, reply, "Bahasa kasar.", now=NOW)
    login(moderator)
    assert "Bahasa kasar." in client.get("/forum/moderasi").get_data(as_text=True)
    assert client.post(f"/forum/laporan/{flag.id}/abaikan").status_code == 302
    assert db.session.get(Flag, flag.id).resolution == "dismissed"
    assert "Bahasa kasar." not in client.get("/forum/moderasi").get_data(as_text=True)
    with pytest.raises(DomainError):
        input_services.dismiss_flag(moderator, db.session.get(Flag, flag.id), now=NOW)


def test_the_moderation_queue_issues_the_same_queries_for_hundreds_of_flags(client, login, moderator, reply,
                                                                           forum_input, make_user):
    people = [make_user() for _ in range(3)]
    input_services.flag(people[0], reply, "Kasar.", now=NOW)
    input_services.flag(people[1], forum_input, "Tidak relevan.", now=NOW)
    login(moderator)
    with count_queries() as few:
        assert client.get("/forum/moderasi").status_code == 200
    more = [make_user() for _ in range(10)]
    db.session.add_all([Flag(reply_id=reply.id if i % 2 else None, input_id=None if i % 2 else forum_input.id,
                             user_id=more[i % 10].id, reason=f"Laporan {i}") for i in range(300)])
    db.session.commit()
    with count_queries() as many:
        assert client.get("/forum/moderasi").status_code == 200
    assert len(many) == len(few)


def test_the_hide_route_needs_a_reason(client, login, moderator, reply):
    login(moderator)
    assert client.post(f"/forum/balasan/{reply.id}/sembunyikan", data={"reason": ""}).status_code == 400
    assert client.post(f"/forum/balasan/{reply.id}/sembunyikan",
                       data={"reason": "Ujaran merendahkan."}).status_code == 302
    assert db.session.get(ForumReply, reply.id).hidden_reason == "Ujaran merendahkan."


# --- conversion to a complaint --------------------------------------------------------------------

def test_a_moderator_turns_an_input_into_a_complaint_linked_both_ways(client, moderator, forum_input, org_member,
                                                                     host_unit, in_request):
    complaint = input_services.convert_to_complaint(moderator, forum_input, category="administrasi_kependudukan",
                                                    unit_id=host_unit.id, now=NOW)
    assert complaint.channel == "forum" and complaint.reporter_id == org_member.id
    assert complaint.title == forum_input.title and complaint.description == forum_input.body
    assert complaint.unit_id == host_unit.id and complaint.due_at is not None  # now under the complaint SLA
    assert db.session.get(ForumInput, forum_input.id).complaint_id == complaint.id
    assert db.session.query(AuditEvent).filter_by(action="forum.input_converted").one().data["code"] == \
        complaint.tracking_code

    html = client.get(f"/forum/masukan/{forum_input.id}").get_data(as_text=True)
    assert f"/pengaduan/lacak/{complaint.tracking_code}" in html
    track = client.get(f"/pengaduan/lacak/{complaint.tracking_code}").get_data(as_text=True)
    assert "Berasal dari masukan Forum Konsultasi" in track and f"/forum/masukan/{forum_input.id}" in track


def test_an_input_is_converted_only_once(moderator, forum_input, in_request):
    input_services.convert_to_complaint(moderator, forum_input, category="lainnya", now=NOW)
    with pytest.raises(DomainError):
        input_services.convert_to_complaint(moderator, forum_input, category="lainnya", now=NOW)
    assert db.session.query(Complaint).count() == 1


def test_a_failed_conversion_leaves_nothing_behind(moderator, forum_input, in_request):
    with pytest.raises(DomainError) as error:
        input_services.convert_to_complaint(moderator, forum_input, category="bukan-kategori", now=NOW)
    assert error.value.field == "category"
    db.session.rollback()
    assert db.session.query(Complaint).count() == 0
    assert db.session.get(ForumInput, forum_input.id).complaint_id is None


def test_the_conversion_form_on_the_input_page(client, login, moderator, forum_input, host_unit):
    login(moderator)
    assert "Jadikan pengaduan" in client.get(f"/forum/masukan/{forum_input.id}").get_data(as_text=True)
    response = client.post(f"/forum/masukan/{forum_input.id}/jadikan-pengaduan",
                           data={"convert-category": "administrasi_kependudukan", "convert-unit_id": host_unit.id})
    assert response.status_code == 302
    complaint = db.session.query(Complaint).one()
    assert db.session.get(ForumInput, forum_input.id).complaint_id == complaint.id
    assert client.post(f"/forum/masukan/{forum_input.id}/jadikan-pengaduan",
                       data={"convert-category": "lainnya"}).status_code == 302
    assert db.session.query(Complaint).count() == 1


def test_a_conversion_failing_after_the_complaint_was_written_leaves_nothing_behind(moderator, forum_input,
                                                                                  in_request, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")
    monkeypatch.setattr(input_services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        input_services.convert_to_complaint(moderator, forum_input, category="lainnya", now=NOW)
    db.session.rollback()
    assert db.session.query(Complaint).count() == 0
    assert db.session.get(ForumInput, forum_input.id).complaint_id is None


def test_a_conversion_without_a_category_shows_the_form_again(client, login, moderator, forum_input):
    login(moderator)
    response = client.post(f"/forum/masukan/{forum_input.id}/jadikan-pengaduan", data={"convert-category": ""})
    assert response.status_code == 400
    assert "Pilih kategori." in response.get_data(as_text=True)
    assert db.session.query(Complaint).count() == 0
