"""Consultations: creating, editing, stages and their rules, documents, the list and its query count."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.permissions import ASN
from forum import consultation_services as services
from forum.models import (CLOSED, COMPLETED, DRAFT, FOLLOW_UP, OPEN, Agreement, Minutes, Consultation,
                          FollowUpAction)
from tests.conftest import count_queries
from tests.forum.conftest import NOW

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def values(unit, **overrides):
    data = dict(title="Rancangan Standar Pelayanan Izin Usaha", unit_id=unit.id, topic_type="standar_pelayanan",
                description="Kami meminta **masukan** atas rancangan standar pelayanan ini.", format="hybrid",
                opens_at=NOW, closes_at=NOW + timedelta(days=7), meeting_at=NOW + timedelta(days=10),
                place="Aula Kantor Wali Kota", online_link="https://meet.example.com/fkp",
                allow_citizen_input=False)
    data.update(overrides)
    return data


def events(action):
    return db.session.query(AuditEvent).filter_by(action=action).count()


# --- creating and editing -------------------------------------------------------------------------

def test_the_host_creates_a_draft_with_a_readable_slug(host, host_unit):
    c = services.create_consultation(host, now=NOW, **values(host_unit))
    assert c.stage == DRAFT and c.slug == "rancangan-standar-pelayanan-izin-usaha"
    assert events("consultation.created") == 1
    again = services.create_consultation(host, now=NOW, **values(host_unit))
    assert again.slug != c.slug and again.slug.startswith(c.slug + "-")


def test_slug_is_ascii():
    assert services.slugify("Évaluasi  Layanan KTP-el / 2026!") == "evaluasi-layanan-ktp-el-2026"
    assert services.slugify("!!!") == "konsultasi"


def test_an_asn_hosts_only_for_their_own_unit(host, other_unit):
    with pytest.raises(DomainError) as e:
        services.create_consultation(host, now=NOW, **values(other_unit))
    assert e.value.field == "unit_id"


def test_citizens_and_unconfirmed_asn_cannot_create(citizen, make_user, host_unit):
    with pytest.raises(NotAllowed):
        services.create_consultation(citizen, now=NOW, **values(host_unit))
    pending = make_user(ASN, unit=host_unit, confirmed=False)
    with pytest.raises(NotAllowed):
        services.create_consultation(pending, now=NOW, **values(host_unit))


def test_moderators_create_for_any_unit(moderator, other_unit):
    assert services.create_consultation(moderator, now=NOW, **values(other_unit)).unit_id == other_unit.id


@pytest.mark.parametrize("overrides, field", [
    ({"closes_at": NOW}, "closes_at"),
    ({"meeting_at": NOW - timedelta(days=1)}, "meeting_at"),
    ({"format": "tatap_muka", "place": ""}, "place"),
    ({"format": "daring", "online_link": ""}, "online_link"),
    ({"format": "hybrid", "online_link": "javascript:alert(1)"}, "online_link"),
    ({"topic_type": "gosip"}, "topic_type"),
])
def test_the_schedule_and_the_meeting_must_make_sense(host, host_unit, overrides, field):
    with pytest.raises(DomainError) as e:
        services.create_consultation(host, now=NOW, **values(host_unit, **overrides))
    assert e.value.field == field


def test_a_daring_consultation_keeps_no_place(host, host_unit):
    c = services.create_consultation(host, now=NOW, **values(host_unit, format="daring"))
    assert c.place is None and c.online_link


def test_editing_is_allowed_only_while_draft_or_open(host, host_unit, make_consultation):
    c = make_consultation(OPEN)
    services.update_consultation(host, c, now=NOW, **values(host_unit, title="Judul baru yang jelas"))
    assert c.title == "Judul baru yang jelas"
    closed = make_consultation(CLOSED)
    with pytest.raises(DomainError):
        services.update_consultation(host, closed, now=NOW, **values(host_unit))


def test_another_units_asn_cannot_manage(make_user, other_unit, host_unit, make_consultation):
    stranger = make_user(ASN, unit=other_unit)
    c = make_consultation(DRAFT)
    with pytest.raises(NotAllowed):
        services.publish(stranger, c, NOW)
    with pytest.raises(NotAllowed):
        services.update_consultation(stranger, c, now=NOW, **values(host_unit))


# --- stages ---------------------------------------------------------------------------------------

def test_publish_moves_draft_to_open_once(host, make_consultation):
    c = make_consultation(DRAFT)
    services.publish(host, c, NOW)
    assert c.stage == OPEN and c.published_at is not None
    assert events("consultation.published") == 1
    with pytest.raises(DomainError):
        services.publish(host, c, NOW)


def test_a_draft_whose_window_passed_cannot_be_published(host, make_consultation):
    c = make_consultation(DRAFT, opens_at=NOW - timedelta(days=10), closes_at=NOW - timedelta(days=1))
    with pytest.raises(DomainError):
        services.publish(host, c, NOW)


def test_closing_early_sets_the_response_deadline(moderator, make_consultation):
    c = make_consultation(OPEN)
    services.close_input(moderator, c, NOW)
    assert c.stage == CLOSED and c.closes_at == NOW
    assert c.response_due_at > NOW
    assert not services.input_open(c, NOW)
    with pytest.raises(DomainError):
        services.close_input(moderator, c, NOW)


@pytest.mark.parametrize("days, due_day", [(10, 16), (3, 5)])
def test_the_response_deadline_is_n_working_days_after_input_closes(app, monkeypatch, moderator, make_consultation,
                                                                     days, due_day):
    """Closed on Monday 2 November 2026 (no holiday that month): N working days later, at 23:59:59 WIB."""
    from datetime import datetime
    from tests.forum.conftest import WIB
    monkeypatch.setitem(app.config, "FORUM_RESPONSE_WORKING_DAYS", days)
    early = make_consultation(OPEN)
    services.close_input(moderator, early, NOW)
    swept = make_consultation(OPEN, opens_at=NOW - timedelta(days=8), closes_at=NOW)
    assert services.close_due(NOW + timedelta(hours=1)) == 1
    expected = datetime(2026, 11, due_day, 23, 59, 59, tzinfo=WIB)
    assert db.session.get(Consultation, early.id).response_due_at == expected
    assert db.session.get(Consultation, swept.id).response_due_at == expected


def test_input_open_follows_the_window(make_consultation):
    c = make_consultation(OPEN, opens_at=NOW, closes_at=NOW + timedelta(days=1))
    assert not services.input_open(c, NOW - timedelta(seconds=1))
    assert services.input_open(c, NOW)
    assert not services.input_open(c, NOW + timedelta(days=1))
    draft = make_consultation(DRAFT, opens_at=NOW - timedelta(days=1))
    assert not services.input_open(draft, NOW)


def test_the_sweep_closes_only_consultations_past_their_window(make_consultation):
    due = make_consultation(OPEN, opens_at=NOW - timedelta(days=9), closes_at=NOW - timedelta(hours=1))
    running = make_consultation(OPEN)
    draft = make_consultation(DRAFT, opens_at=NOW - timedelta(days=9), closes_at=NOW - timedelta(hours=1))
    assert services.close_due(NOW) == 1
    db.session.expire_all()
    assert (due.stage, running.stage, draft.stage) == (CLOSED, OPEN, DRAFT)
    assert due.response_due_at is not None
    assert services.close_due(NOW) == 0


def test_follow_up_comes_after_the_window(moderator, make_consultation):
    running = make_consultation(OPEN)
    with pytest.raises(DomainError):
        services.move_to_follow_up(running, actor=moderator, now=NOW)
    passed = make_consultation(OPEN, opens_at=NOW - timedelta(days=9), closes_at=NOW - timedelta(hours=1))
    services.move_to_follow_up(passed, actor=moderator, now=NOW)
    assert passed.stage == FOLLOW_UP and passed.response_due_at is not None
    closed = make_consultation(CLOSED)
    services.move_to_follow_up(closed, actor=moderator, now=NOW)
    db.session.commit()
    assert closed.stage == FOLLOW_UP


def test_follow_up_refuses_a_missing_actor(make_consultation):
    closed = make_consultation(CLOSED)
    with pytest.raises(TypeError):
        services.move_to_follow_up(closed, actor=None, now=NOW)
    assert closed.stage == CLOSED


def test_the_closing_sweep_is_logged_as_the_system(make_consultation):
    make_consultation(OPEN, opens_at=NOW - timedelta(days=9), closes_at=NOW - timedelta(hours=1))
    assert services.close_due(NOW) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.closed"))
    assert event.actor_id is None and event.data == {"automatic": True}


def _action(consultation, number, status):
    ba = consultation.minutes or Minutes(consultation=consultation, held_at=NOW, place="Aula", summary="-")
    agreement = Agreement(minutes=ba, number=number, text=f"Kesepakatan {number}")
    action = FollowUpAction(agreement=agreement, consultation=consultation, unit_id=consultation.unit_id,
                            target_date=NOW.date(), status=status)
    db.session.add_all([ba, agreement, action])
    db.session.commit()
    return action


def test_completed_only_when_every_action_is_finished(make_consultation):
    c = make_consultation(FOLLOW_UP)
    assert services.complete_if_done(c, now=NOW) is False  # no actions yet
    first = _action(c, 1, "selesai")
    second = _action(c, 2, "berjalan")
    assert services.complete_if_done(c, now=NOW) is False
    second.status = "dibatalkan"
    assert services.complete_if_done(c, now=NOW) is True
    db.session.commit()
    assert c.stage == COMPLETED and c.completed_at is not None and first.status == "selesai"


# --- documents ------------------------------------------------------------------------------------

def test_documents_must_be_pdf(host, make_consultation):
    c = make_consultation(OPEN)
    with pytest.raises(DomainError) as e:
        services.add_document(host, c, filename="foto.png", data=b"\x89PNG\r\n\x1a\nxxxx")
    assert e.value.field == "document"
    doc = services.add_document(host, c, filename="../rancangan.pdf", data=PDF_BYTES)
    assert doc.original_name == "rancangan.pdf"
    services.remove_document(host, doc)
    assert c.documents == []


def test_the_page_offers_the_document_to_everyone_once_published(client, login, host, make_consultation):
    c = make_consultation(OPEN)
    doc = services.add_document(host, c, filename="rancangan.pdf", data=PDF_BYTES)
    response = client.get(f"/forum/konsultasi/{c.slug}/dokumen/{doc.id}")
    assert response.status_code == 200 and response.data == PDF_BYTES
    draft = make_consultation(DRAFT)
    hidden = services.add_document(host, draft, filename="draf.pdf", data=PDF_BYTES)
    assert client.get(f"/forum/konsultasi/{draft.slug}/dokumen/{hidden.id}").status_code == 404
    assert client.get(f"/forum/konsultasi/{c.slug}/dokumen/{hidden.id}").status_code == 404


def test_uploading_a_non_pdf_shows_the_error(client, login, host, make_consultation):
    c = make_consultation(OPEN)
    login(host)
    import io
    response = client.post(f"/forum/konsultasi/{c.slug}/dokumen",
                           data={"dokumen-document": (io.BytesIO(b"GIF89a...."), "x.gif")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "bukan PDF" in response.get_data(as_text=True)
    page = client.get(f"/forum/konsultasi/{c.slug}").text  # the kept empty form, without the error
    assert 'name="dokumen-document"' in page and "bukan PDF" not in page


# --- pages ----------------------------------------------------------------------------------------

def test_drafts_are_hidden_from_the_public(client, login, citizen, host, make_consultation):
    c = make_consultation(DRAFT)
    assert client.get(f"/forum/konsultasi/{c.slug}").status_code == 404
    login(citizen)
    assert client.get(f"/forum/konsultasi/{c.slug}").status_code == 404
    login(host)
    assert client.get(f"/forum/konsultasi/{c.slug}").status_code == 200


def test_the_page_renders_markdown_safely(client, make_consultation):
    c = make_consultation(OPEN, description="**Penting** <script>alert(1)</script>")
    html = client.get(f"/forum/konsultasi/{c.slug}").get_data(as_text=True)
    assert "<strong>Penting</strong>" in html and "<script>alert" not in html
    assert 'style="' not in html.split("<main")[-1] if "<main" in html else True


def test_the_host_creates_through_the_form(client, login, host, host_unit):
    login(host)
    assert client.get("/forum/konsultasi/baru").status_code == 200
    response = client.post("/forum/konsultasi/baru", data={
        "title": "Evaluasi Maklumat Pelayanan", "unit_id": host_unit.id, "topic_type": "maklumat_pelayanan",
        "description": "Bagaimana maklumat pelayanan kami dijalankan selama setahun ini?", "format": "daring",
        "opens_at": "2026-11-03T08:00", "closes_at": "2026-11-10T16:00", "meeting_at": "2026-11-12T09:00",
        "online_link": "https://meet.example.com/x"})
    assert response.status_code == 302
    c = db.session.query(Consultation).one()
    assert c.slug == "evaluasi-maklumat-pelayanan" and c.opens_at.hour == 1  # 08:00 WIB is 01:00 UTC


def test_bad_input_gives_400_with_the_field_error(client, login, host, host_unit):
    login(host)
    response = client.post("/forum/konsultasi/baru", data={
        "title": "Evaluasi Maklumat Pelayanan", "unit_id": host_unit.id, "topic_type": "maklumat_pelayanan",
        "description": "Bagaimana maklumat pelayanan kami dijalankan selama setahun ini?", "format": "daring",
        "opens_at": "2026-11-10T08:00", "closes_at": "2026-11-03T16:00", "meeting_at": "2026-11-12T09:00",
        "online_link": "https://meet.example.com/x"})
    assert response.status_code == 400
    assert "Masukan harus ditutup sesudah dibuka." in response.get_data(as_text=True)
    assert client.post("/forum/konsultasi/baru", data={"unit_id": "abc"}).status_code == 400


def test_publish_and_close_through_the_page(client, login, host, citizen, make_consultation):
    from core import clock
    c = make_consultation(DRAFT, opens_at=clock.now() - timedelta(days=1))
    login(citizen)
    assert client.post(f"/forum/konsultasi/{c.slug}/terbitkan").status_code == 404
    login(host)
    assert client.post(f"/forum/konsultasi/{c.slug}/terbitkan").status_code == 302
    assert db.session.get(Consultation, c.id).stage == OPEN
    login(citizen)
    assert client.post(f"/forum/konsultasi/{c.slug}/tutup").status_code == 403
    login(host)
    assert client.post(f"/forum/konsultasi/{c.slug}/tutup").status_code == 302
    assert db.session.get(Consultation, c.id).stage == CLOSED


# --- the list ------------------------------------------------------------------------------------

def test_the_tabs_split_now_upcoming_and_past(client, make_consultation, other_unit):
    from core import clock
    now = clock.now()
    make_consultation(OPEN, title="Konsultasi berjalan X", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=5))
    make_consultation(OPEN, title="Konsultasi mendatang X", opens_at=now + timedelta(days=3))
    make_consultation(CLOSED, title="Sudah ditutup", opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=10))
    make_consultation(DRAFT, title="Rahasia draf")
    make_consultation(OPEN, title="Unit lain", unit=other_unit, opens_at=now - timedelta(days=1), topic_type="lainnya")

    def titles(query):
        return client.get("/forum/" + query).get_data(as_text=True)
    page = titles("")
    assert "Konsultasi berjalan X" in page and "Konsultasi mendatang X" not in page and "Rahasia draf" not in page
    assert "Konsultasi mendatang X" in titles("?tab=mendatang")
    past = titles("?tab=selesai")
    assert "Sudah ditutup" in past and "Konsultasi berjalan X" not in past
    filtered = titles(f"?unit_id={other_unit.id}")
    assert "Unit lain" in filtered and "Konsultasi berjalan X" not in filtered
    assert "Unit lain" not in titles("?topic_type=standar_pelayanan")
    assert client.get("/forum/?tab=draf").status_code == 404
    assert client.get("/forum/?tab=ngawur").status_code == 400
    assert client.get("/forum/?stage=ngawur").status_code == 400
    assert client.get("/forum/?page=99").status_code == 404


def test_a_closed_consultation_whose_meeting_is_ahead_is_upcoming_not_past(client, make_consultation):
    from core import clock
    now = clock.now()
    make_consultation(CLOSED, title="Pertemuan masih akan datang", opens_at=now - timedelta(days=20),
                      closes_at=now - timedelta(days=2), meeting_at=now + timedelta(days=3))
    make_consultation(OPEN, title="Jendela lewat, pertemuan besok", opens_at=now - timedelta(days=20),
                      closes_at=now - timedelta(hours=1), meeting_at=now + timedelta(days=1))
    make_consultation(CLOSED, title="Pertemuan sudah digelar", opens_at=now - timedelta(days=20),
                      closes_at=now - timedelta(days=5), meeting_at=now - timedelta(days=1))
    past = client.get("/forum/?tab=selesai").get_data(as_text=True)
    upcoming = client.get("/forum/?tab=mendatang").get_data(as_text=True)
    assert "Pertemuan sudah digelar" in past and "Pertemuan sudah digelar" not in upcoming
    for title in ("Pertemuan masih akan datang", "Jendela lewat, pertemuan besok"):
        assert title not in past and title in upcoming


def test_the_list_runs_a_bounded_number_of_queries(client, make_unit, host_unit):
    from core import clock
    now = clock.now()
    units = [host_unit] + [make_unit(name=f"Kelurahan {i}", short_name=None) for i in range(5)]
    rows = [Consultation(slug=f"k-{i}", title=f"Konsultasi {i}", unit_id=units[i % len(units)].id,
                         topic_type="lainnya", description="-", format="daring",
                         opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1 + i % 7),
                         online_link="https://x.example", stage=OPEN) for i in range(300)]
    db.session.add_all(rows)
    db.session.commit()
    client.get("/forum/")
    with count_queries() as statements:
        response = client.get("/forum/?page=2")
    assert response.status_code == 200
    assert len(statements) <= 8, statements
    with count_queries() as statements:
        client.get("/forum/?tab=selesai")
    assert len(statements) <= 8


def test_a_page_number_alone_reads_no_units_but_a_filter_is_checked_against_them(client, login, citizen,
                                                                                 make_consultation, other_unit):
    make_consultation(OPEN)
    login(citizen)
    client.get("/forum/?page=1")  # the list and its filter form are kept
    with count_queries() as statements:
        assert client.get("/forum/?page=1").status_code == 200
    assert not [s for s in statements if re.search(r"FROM unit\b", s)]
    assert client.get(f"/forum/?page=1&unit_id={other_unit.id + 100}").status_code == 400
    assert client.get(f"/forum/?page=1&unit_id={other_unit.id}").status_code == 200
