"""Follow-up actions: forward-only status, cancelling needs a reason, dated notes, completion, the trail."""
from datetime import timedelta

import pytest

from core.extensions import db
from core.permissions import ASN
from forum import minutes_services as services
from forum.models import (CANCELLED, COMPLETED, DONE, FOLLOW_UP, IN_PROGRESS, PLANNED, ActionProgress, FollowUpAction,
                          ForumInput, OfficialResponse)

from .minutes_helpers import agreement_rows, held_consultation, publish


@pytest.fixture
def published(make_consultation, host, host_unit, now):
    consultation = held_consultation(make_consultation, now)
    publish(host, consultation, now, host_unit, n=2)
    return consultation


@pytest.fixture
def action(published):
    return db.session.query(FollowUpAction).order_by(FollowUpAction.id).first()


def test_status_moves_forward_and_each_update_is_a_dated_note(action, host, now):
    later = now + timedelta(days=3)
    services.update_action(host, action, status=IN_PROGRESS, note="Rapat koordinasi internal.", now=later)
    services.update_action(host, action, note="Draf SOP baru disusun.", now=later + timedelta(days=1))
    notes = db.session.query(ActionProgress).order_by(ActionProgress.id).all()
    assert [(n.status, n.note, n.created_at) for n in notes] == [
        (IN_PROGRESS, "Rapat koordinasi internal.", later),
        (None, "Draf SOP baru disusun.", later + timedelta(days=1))]
    assert action.status == IN_PROGRESS and action.updated_at == later + timedelta(days=1)


def test_status_cannot_go_back(action, host, now):
    services.update_action(host, action, status=IN_PROGRESS, note="Mulai.", now=now)
    with pytest.raises(services.DomainError, match="tidak dapat dikembalikan"):
        services.update_action(host, action, status=PLANNED, note="Mundur.", now=now)
    assert db.session.get(FollowUpAction, action.id).status == IN_PROGRESS


def test_nothing_changes_after_selesai(action, host, now):
    services.update_action(host, action, status=DONE, note="SOP diterbitkan.", now=now)
    assert action.completed_at == now
    for status in (IN_PROGRESS, CANCELLED, None):
        with pytest.raises(services.DomainError, match="tidak dapat diubah lagi"):
            services.update_action(host, action, status=status, note="Lagi.", cancel_reason="x", now=now)
    assert db.session.query(ActionProgress).count() == 1


def test_cancelling_needs_a_reason_and_is_final(action, host, now):
    with pytest.raises(services.DomainError) as error:
        services.update_action(host, action, status=CANCELLED, note="Dibatalkan.", cancel_reason=" ", now=now)
    assert error.value.field == "cancel_reason"
    services.update_action(host, action, status=CANCELLED, note="Dibatalkan.",
                           cancel_reason="Kewenangan pindah ke provinsi.", now=now)
    assert action.status == CANCELLED and action.cancel_reason == "Kewenangan pindah ke provinsi."
    with pytest.raises(services.DomainError):
        services.update_action(host, action, status=IN_PROGRESS, note="Hidup lagi.", now=now)


def test_a_note_is_required(action, host, now):
    with pytest.raises(services.DomainError) as error:
        services.update_action(host, action, status=IN_PROGRESS, note="  ", now=now)
    assert error.value.field == "note"


def test_the_consultation_completes_when_every_action_is_finished(published, host, now):
    first, second = db.session.query(FollowUpAction).order_by(FollowUpAction.id).all()
    services.update_action(host, first, status=DONE, note="Selesai.", now=now)
    assert published.stage == FOLLOW_UP
    services.update_action(host, second, status=CANCELLED, note="Batal.", cancel_reason="Anggaran dialihkan.",
                           now=now + timedelta(days=1))
    assert published.stage == COMPLETED and published.completed_at == now + timedelta(days=1)


def test_who_may_update_an_action(make_consultation, host, host_unit, other_unit, make_user, citizen, now):
    consultation = held_consultation(make_consultation, now)
    publish(host, consultation, now, host_unit, agreements=agreement_rows(other_unit, 1))
    action = db.session.query(FollowUpAction).one()
    responsible = make_user(ASN, unit=other_unit)
    stranger = make_user(ASN, unit=None)
    for person in (citizen, stranger):
        with pytest.raises(services.NotAllowed):
            services.update_action(person, action, status=IN_PROGRESS, note="Bukan urusan saya.", now=now)
    services.update_action(responsible, action, status=IN_PROGRESS, note="Unit penanggung jawab mulai.", now=now)
    services.update_action(host, action, note="Tuan rumah memantau.", now=now)
    assert db.session.query(ActionProgress).count() == 2


def test_the_action_page_and_its_update_form(client, login, action, host, citizen):
    page = client.get(f"/forum/tindak-lanjut/{action.id}")
    assert page.status_code == 200 and "Catat perkembangan" not in page.text
    login(host)
    assert "Catat perkembangan" in client.get(f"/forum/tindak-lanjut/{action.id}").text
    bad = client.post(f"/forum/tindak-lanjut/{action.id}/perbarui",
                      data={"update-status": CANCELLED, "update-note": "Batal"})
    assert bad.status_code == 400 and "Tulis alasan pembatalan." in bad.text
    ok = client.post(f"/forum/tindak-lanjut/{action.id}/perbarui",
                     data={"update-status": IN_PROGRESS, "update-note": "Sedang dikerjakan."})
    assert ok.status_code == 302
    assert "Sedang dikerjakan." in client.get(f"/forum/tindak-lanjut/{action.id}").text
    back = client.post(f"/forum/tindak-lanjut/{action.id}/perbarui",
                       data={"update-status": PLANNED, "update-note": "Mundur."})
    assert back.status_code == 400 and "tidak dapat dikembalikan" in back.text
    login(citizen)
    assert client.post(f"/forum/tindak-lanjut/{action.id}/perbarui",
                       data={"update-note": "x"}).status_code == 403


def test_the_input_trail_runs_from_input_to_done(app, make_consultation, host, host_unit, org_member, now):
    consultation = held_consultation(make_consultation, now)
    forum_input = ForumInput(consultation=consultation, author=org_member, title="Persingkat waktu izin",
                             body="Usul", created_at=now - timedelta(days=8))
    db.session.add(forum_input)
    db.session.flush()
    db.session.add(OfficialResponse(input=forum_input, unit_id=host_unit.id, disposition="diterima",
                                    reason="Kami setuju.", responded_by_id=host.id, created_at=now - timedelta(days=5)))
    db.session.commit()
    with app.test_request_context():
        assert [s["kind"] for s in services.trail_for_input(forum_input)] == ["input", "response"]
        publish(host, consultation, now, host_unit, agreements=agreement_rows(host_unit, 1, input_id=forum_input.id))
        action = db.session.query(FollowUpAction).one()
        services.update_action(host, action, status=IN_PROGRESS, note="Mulai.", now=now + timedelta(days=1))
        services.update_action(host, action, status=DONE, note="Waktu izin kini 3 hari.", now=now + timedelta(days=9))
        trail = services.trail_for_input(forum_input)
        assert [s["kind"] for s in trail] == ["input", "response", "agreement", "action", "progress", "done"]
        assert trail[1]["label"] == "Tanggapan resmi: Diterima"
        assert trail[2]["text"].startswith("Kesepakatan 1") and trail[2]["url"].endswith("berita-acara.pdf")
        assert trail[5]["at"] == now + timedelta(days=9) and trail[5]["text"] == "Waktu izin kini 3 hari."
        from flask import render_template
        html = render_template("forum/_trail.html", trail=trail)
    assert "Jejak masukan" in html and "Waktu izin kini 3 hari." in html and f"/forum/tindak-lanjut/{action.id}" in html


def test_unpublished_agreements_stay_out_of_the_trail(app, make_consultation, host, host_unit, org_member, now):
    from .minutes_helpers import save
    consultation = held_consultation(make_consultation, now)
    forum_input = ForumInput(consultation=consultation, author=org_member, title="Usul", body="Usul")
    db.session.add(forum_input)
    db.session.commit()
    save(host, consultation, now, host_unit, agreements=agreement_rows(host_unit, 1, input_id=forum_input.id))
    with app.test_request_context():
        assert [s["kind"] for s in services.trail_for_input(forum_input)] == ["input"]
