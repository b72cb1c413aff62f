"""Routing to a unit where nobody can act: the moderator is warned and keeps the complaint."""
from complaints import services
from complaints.models import ComplaintEvent
from core import outbox
from core.extensions import db
from core.permissions import ASN
from sqlalchemy import select


def queue(client, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return client.get(f"/pengaduan/antrean?{query}").get_data(as_text=True)


def test_verifying_to_a_unit_without_a_confirmed_handler_warns_the_moderator(client, login, moderator, make_unit,
                                                                            make_user, complaint):
    empty = make_unit("Kelurahan Sungai Bangkong", "Kel. SB")
    make_user(ASN, unit=empty, confirmed=False)  # registered, not yet confirmed: cannot act
    login(moderator)
    response = client.post(f"/pengaduan/{complaint.tracking_code}/verifikasi", data={
        "verify-unit_id": empty.id, "verify-category": "infrastruktur", "verify-classification": "pengaduan"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "belum punya petugas pengaduan yang terkonfirmasi" in page
    notes = db.session.scalars(select(ComplaintEvent).where(ComplaintEvent.kind == "note")).all()
    assert [n.public for n in notes] == [False] and "Kelurahan Sungai Bangkong" in notes[0].message


def test_a_unit_with_a_handler_gets_no_warning(moderator, handler, unit, complaint, in_request):
    assert services.verify(moderator, complaint, unit_id=unit.id) is None
    assert db.session.scalar(select(ComplaintEvent.id).where(ComplaintEvent.kind == "note")) is None


def test_rerouting_to_a_unit_without_a_handler_warns_too(moderator, handler, unit, make_unit, complaint, in_request):
    services.verify(moderator, complaint, unit_id=unit.id)
    empty = make_unit("Dinas Tanpa Petugas", "DTP")
    warning = services.reroute(moderator, complaint, unit_id=empty.id, reason="Salah unit")
    assert "Dinas Tanpa Petugas" in warning


def test_the_complaint_stays_in_the_moderators_queue_until_a_handler_is_confirmed(
        client, login, moderator, make_unit, make_user, file_complaint, unit, handler, in_request):
    empty = make_unit("Kelurahan Sungai Bangkong", "Kel. SB")
    stuck, _ = file_complaint(title="Drainase tersumbat di gang")
    handled, _ = file_complaint(title="Lampu jalan padam di taman")
    new, _ = file_complaint(title="Belum diverifikasi sama sekali")
    services.verify(moderator, stuck, unit_id=empty.id)
    services.verify(moderator, handled, unit_id=unit.id)
    login(moderator)
    page = queue(client, status="needs_moderator")
    assert "Drainase tersumbat" in page and "Belum diverifikasi" in page and "Lampu jalan padam" not in page
    assert "belum ada petugas" in queue(client)  # marked in the ordinary list as well
    # The reporter's answer reaches the moderators, since nobody at the unit could read it.
    outbox_before = db.session.query(outbox.OutboxMessage).count()
    services.reporter_reply(_reporter(stuck), stuck, message="Masih tersumbat hari ini.")
    to_moderator = [m for m in db.session.query(outbox.OutboxMessage).all()[outbox_before:]
                    if m.payload.get("to") == "moderator@example.com"]
    assert to_moderator
    # A handler confirmed at the unit can act: the complaint leaves the moderators' list.
    make_user(ASN, unit=empty, email="lurah@example.com")
    page = queue(client, status="needs_moderator")
    assert "Drainase tersumbat" not in page and "Belum diverifikasi" in page


def _reporter(complaint):
    from core.permissions import ReporterPass
    return ReporterPass(complaint.id)
