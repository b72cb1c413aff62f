import pytest
from sqlalchemy import select

from accounts import services
from accounts.models import Unit, User
from core.audit import AuditEvent, AppendOnlyError
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.permissions import ADMIN, ASN, CITIZEN, MODERATOR, ORG_MEMBER, can

from tests.conftest import flashes

UNIT_FORM = {"name": "Dinas Kesehatan", "short_name": "Dinkes", "kind": "dinas", "parent_id": "", "is_active": "y"}


def test_an_admin_builds_the_unit_tree(client, login, make_user):
    login(make_user(ADMIN))
    assert client.post("/admin/unit/baru", data=UNIT_FORM).status_code == 302
    parent = db.session.scalar(select(Unit))
    data = {**UNIT_FORM, "name": "Puskesmas Kota", "short_name": "", "kind": "puskesmas", "parent_id": parent.id}
    assert client.post("/admin/unit/baru", data=data).status_code == 302
    child = db.session.scalar(select(Unit).where(Unit.name == "Puskesmas Kota"))
    assert child.parent_id == parent.id
    page = client.get("/admin/unit").get_data(as_text=True)
    assert page.index("Dinas Kesehatan") < page.index("Puskesmas Kota")


def test_a_unit_cannot_sit_below_itself_or_its_descendants(make_user, make_unit):
    admin = make_user(ADMIN)
    top = make_unit("Kecamatan Utara", "Kec. Utara")
    below = make_unit("Kelurahan Satu", None, parent=top)
    with pytest.raises(DomainError) as error:
        services.save_unit(admin, top, name=top.name, short_name=None, kind="kecamatan", parent_id=below.id,
                           email=None, phone=None, address=None, is_active=True)
    assert error.value.field == "parent_id"
    db.session.rollback()
    assert db.session.get(Unit, top.id).parent_id is None


def test_two_units_of_the_same_name_under_one_parent_are_refused(client, login, make_user, make_unit):
    make_unit("Dinas Kesehatan", "Dinkes")
    login(make_user(ADMIN))
    response = client.post("/admin/unit/baru", data=UNIT_FORM)
    assert response.status_code == 400
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_a_moderator_confirms_an_asn_who_may_then_act_for_the_unit(client, login, make_user, make_unit, sent_mail):
    unit = make_unit()
    asn = make_user(ASN, unit=unit, confirmed=False)
    assert not can(asn, "unit.act_for", unit)
    login(make_user(MODERATOR))
    assert client.post(f"/admin/pengguna/{asn.id}/konfirmasi-asn").status_code == 302
    asn = db.session.get(User, asn.id)
    assert asn.asn_confirmed_at is not None
    assert can(asn, "unit.act_for", unit)
    assert not can(asn, "unit.act_for", make_unit("Dinas Lain", "DL"))
    assert sent_mail[-1].recipients == [asn.email]


def test_an_asn_is_confirmed_once_and_a_confirmed_one_cannot_be_rejected(client, login, make_user, make_unit):
    asn = make_user(ASN, unit=make_unit())
    login(make_user(MODERATOR))
    assert client.post(f"/admin/pengguna/{asn.id}/konfirmasi-asn").status_code == 302
    assert flashes(client) == [("danger", "ASN ini sudah dikonfirmasi.")]
    response = client.post(f"/admin/pengguna/{asn.id}/tolak-asn", data={"reason": "NIP tidak cocok"})
    assert response.status_code == 400
    assert db.session.get(User, asn.id).role == ASN


def test_the_role_form_shows_a_refused_role_next_to_it(client, login, make_user):
    user = make_user(CITIZEN, full_name="Budi Santoso")
    login(make_user(ADMIN))
    response = client.post(f"/admin/pengguna/{user.id}/peran", data={"role": ORG_MEMBER, "unit_id": ""})
    assert response.status_code == 400
    assert 'id="role-error"' in response.text and "lewat keanggotaan organisasi" in response.text
    assert db.session.get(User, user.id).role == CITIZEN
    assert client.post(f"/admin/pengguna/{user.id}/peran", data={"role": MODERATOR, "unit_id": ""}).status_code == 302
    assert flashes(client) == [("success", "Peran Budi Santoso sekarang: Moderator.")]


def test_rejecting_an_asn_claim_keeps_the_account_as_a_citizen(make_user, make_unit, sent_mail, deliver_outbox):
    asn = make_user(ASN, unit=make_unit(), confirmed=False, nip="198503122010011003")
    services.reject_asn(make_user(MODERATOR), asn, reason="NIP tidak ditemukan di data kepegawaian")
    deliver_outbox()
    assert (asn.role, asn.unit_id, asn.nip) == (CITIZEN, None, None)
    assert "NIP tidak ditemukan" in sent_mail[-1].body


def test_only_admins_change_roles_and_not_their_own(make_user, make_unit):
    admin, moderator, user = make_user(ADMIN), make_user(MODERATOR), make_user(CITIZEN)
    with pytest.raises(NotAllowed):
        services.change_role(moderator, user, MODERATOR)
    with pytest.raises(NotAllowed):
        services.change_role(admin, admin, CITIZEN)
    services.change_role(admin, user, MODERATOR)
    assert user.role == MODERATOR
    with pytest.raises(DomainError):
        services.change_role(admin, user, ORG_MEMBER)  # membership makes members, not a role switch
    unit = make_unit()
    services.change_role(admin, user, ASN, unit_id=unit.id)
    assert (user.role, user.unit_id) == (ASN, unit.id) and user.asn_confirmed_at is not None
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.role_changed", "user.role_changed"]


def test_the_audit_log_records_actor_object_and_time(make_user):
    admin, user = make_user(ADMIN), make_user(CITIZEN)
    services.set_active(admin, user, False, reason="spam")
    event = db.session.scalar(select(AuditEvent))
    assert (event.actor_id, event.action, event.object_type, event.object_id) == (admin.id, "user.deactivated",
                                                                                   "user", user.id)
    assert event.data == {"reason": "spam"} and event.created_at.tzinfo is not None


def test_audit_events_cannot_be_changed_or_deleted(make_user):
    admin, user = make_user(ADMIN), make_user(CITIZEN)
    services.set_active(admin, user, False)
    event = db.session.scalar(select(AuditEvent))
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()


def test_postgresql_refuses_audit_changes_from_any_client(make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; SQLite relies on the ORM guard tested above")
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError
    admin, user = make_user(ADMIN), make_user(CITIZEN)
    services.set_active(admin, user, False)
    with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
        db.session.execute(text("UPDATE audit_event SET action = 'x'"))
    db.session.rollback()


def test_admin_user_list_filters_pending_asn(client, login, make_user, make_unit):
    unit = make_unit()
    make_user(ASN, unit=unit, confirmed=False, full_name="Pegawai Menunggu")
    make_user(ASN, unit=unit, full_name="Pegawai Lama")
    login(make_user(MODERATOR))
    page = client.get("/admin/pengguna?status=asn_pending").get_data(as_text=True)
    assert "Pegawai Menunggu" in page and "Pegawai Lama" not in page
