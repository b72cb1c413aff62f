import io
import os

import pytest
from sqlalchemy import func, select

from accounts import services
from accounts.models import (MEMBER_APPROVED, MEMBER_PENDING, MEMBER_REJECTED, ORG_PENDING, ORG_REJECTED,
                             ORG_VERIFIED, Organisation, OrganisationMembership, User)
from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.permissions import CITIZEN, MODERATOR, ORG_MEMBER, can

from tests.conftest import flashes

ORG_FORM = {"name": "Lembaga Bantuan Warga", "kind": "lsm", "description": "Pendampingan warga",
            "address": "Jl. Merdeka 1", "email": "lbw@example.com", "position": "Ketua"}


SK_PDF = b"%PDF-1.4\n% SK Kemenkumham\n"


def register(client, document=("sk.pdf", SK_PDF), **change):
    data = {**ORG_FORM, **change}
    if document is not None:
        data["document"] = (io.BytesIO(document[1]), document[0])
    return client.post("/organisasi/daftar", data=data)


def test_a_verified_user_registers_an_organisation_that_waits_for_a_moderator(client, login, make_user):
    user = make_user(CITIZEN)
    login(user)
    response = register(client)
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert org.status == ORG_PENDING
    membership = db.session.scalar(select(OrganisationMembership))
    assert (membership.user_id, membership.is_contact, membership.status) == (user.id, True, MEMBER_PENDING)
    assert db.session.get(User, user.id).role == CITIZEN  # not a member until verified
    assert not can(db.session.get(User, user.id), "organisation.act_for", org)


def test_an_unverified_user_cannot_register_an_organisation(client, login, make_user):
    login(make_user(verified=False))
    assert register(client).status_code == 302
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_the_same_name_cannot_be_registered_twice(client, login, make_user, make_organisation):
    make_organisation("Lembaga Bantuan Warga")
    login(make_user())
    response = register(client, name="lembaga bantuan warga")
    assert response.status_code == 400
    assert "sudah terdaftar" in response.get_data(as_text=True)


def test_verifying_makes_the_contact_a_member_and_tells_them(client, login, make_user, sent_mail, deliver_outbox):
    contact = make_user(CITIZEN)
    moderator = make_user(MODERATOR)
    login(contact)
    register(client)
    org = db.session.scalar(select(Organisation))
    services.verify_organisation(moderator, org, note="Dokumen lengkap")
    deliver_outbox()
    assert org.status == ORG_VERIFIED and org.decided_by_id == moderator.id
    assert contact.role == ORG_MEMBER
    assert can(contact, "organisation.act_for", org)
    assert sent_mail[-1].recipients == [contact.email]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "organisation.verified"))


def test_rejecting_needs_a_reason_which_is_sent_to_the_contact(client, login, make_user, sent_mail):
    contact = make_user(CITIZEN)
    moderator = make_user(MODERATOR)
    login(moderator, on=client)
    org = services.register_organisation(contact, **{k: v for k, v in ORG_FORM.items()},
                                         registration_number=None, phone=None, website=None,
                                         document=("sk.pdf", SK_PDF))
    response = client.post(f"/admin/organisasi/{org.id}/tolak", data={"reason": ""})
    assert response.status_code == 400
    assert db.session.get(Organisation, org.id).status == ORG_PENDING
    response = client.post(f"/admin/organisasi/{org.id}/tolak", data={"reason": "Alamat tidak dapat diverifikasi"})
    assert response.status_code == 302
    org = db.session.get(Organisation, org.id)
    assert (org.status, org.decision_reason) == (ORG_REJECTED, "Alamat tidak dapat diverifikasi")
    assert "Alamat tidak dapat diverifikasi" in sent_mail[-1].body
    # The contact still sees the organisation page, with the reason.
    login(contact)
    page = client.get(f"/organisasi/{org.id}")
    assert page.status_code == 200 and "Alamat tidak dapat diverifikasi" in page.get_data(as_text=True)


def test_withdrawing_a_verification_takes_the_member_role_away(make_user, make_organisation):
    member = make_user(ORG_MEMBER)
    moderator = make_user(MODERATOR)
    org = make_organisation(contact=member)
    services.reject_organisation(moderator, org, reason="Organisasi sudah bubar")
    assert member.role == CITIZEN
    assert not can(member, "organisation.act_for", org)


def test_joining_waits_for_the_contact_who_approves(client, login, make_user, make_organisation, sent_mail):
    contact = make_user(ORG_MEMBER)
    org = make_organisation(contact=contact)
    newcomer = make_user(CITIZEN)
    login(newcomer)
    assert client.post(f"/organisasi/{org.id}/gabung", data={"position": "Relawan"}).status_code == 302
    membership = db.session.scalar(select(OrganisationMembership).filter_by(user_id=newcomer.id))
    assert membership.status == MEMBER_PENDING
    assert not can(newcomer, "organisation.act_for", org)

    login(contact)
    assert client.post(f"/organisasi/keanggotaan/{membership.id}/setujui").status_code == 302
    assert db.session.get(OrganisationMembership, membership.id).status == MEMBER_APPROVED
    assert db.session.get(User, newcomer.id).role == ORG_MEMBER
    assert sent_mail[-1].recipients == [newcomer.email]


def test_only_the_contact_or_a_moderator_decides_on_members(make_user, make_organisation):
    contact, member, newcomer = make_user(ORG_MEMBER), make_user(ORG_MEMBER), make_user(CITIZEN)
    org = make_organisation(contact=contact, members=[member])
    membership = services.request_membership(newcomer, org, position="Anggota")
    with pytest.raises(NotAllowed):
        services.decide_membership(member, membership, approve=True)
    services.decide_membership(contact, membership, approve=False)
    assert membership.status == MEMBER_REJECTED and newcomer.role == CITIZEN
    with pytest.raises(DomainError):
        services.decide_membership(contact, membership, approve=True)


def test_a_membership_decided_twice_through_the_page_keeps_the_first_decision(client, login, make_user,
                                                                             make_organisation):
    contact, newcomer = make_user(ORG_MEMBER), make_user(CITIZEN)
    membership = services.request_membership(newcomer, make_organisation(contact=contact), position="Relawan")
    login(contact)
    assert client.post(f"/organisasi/keanggotaan/{membership.id}/tolak").status_code == 302
    assert client.post(f"/organisasi/keanggotaan/{membership.id}/setujui").status_code == 302
    assert flashes(client) == [("success", "Keputusan keanggotaan sudah disimpan."),
                               ("danger", "Permintaan keanggotaan ini sudah diputuskan.")]
    assert db.session.get(OrganisationMembership, membership.id).status == MEMBER_REJECTED


def test_leaving_through_the_page_is_said_once_and_refused_for_a_non_member(client, login, make_user,
                                                                           make_organisation):
    member = make_user(ORG_MEMBER)
    org = make_organisation(members=[member])
    login(member)
    assert client.post(f"/organisasi/{org.id}/keluar").status_code == 302
    assert client.post(f"/organisasi/{org.id}/keluar").status_code == 302
    assert flashes(client) == [("info", "Anda sudah keluar dari organisasi ini."),
                               ("danger", "Anda bukan anggota organisasi ini.")]


def test_verifying_or_rejecting_an_organisation_twice_is_refused(client, login, make_user, make_organisation):
    verified, rejected = make_organisation("Sudah Diverifikasi"), make_organisation("Sudah Ditolak", status=ORG_REJECTED)
    login(make_user(MODERATOR))
    assert client.post(f"/admin/organisasi/{verified.id}/verifikasi", data={"note": ""}).status_code == 302
    assert flashes(client) == [("danger", "Organisasi ini sudah terverifikasi.")]
    response = client.post(f"/admin/organisasi/{rejected.id}/tolak", data={"reason": "Alasan yang kedua kali"})
    assert response.status_code == 400
    assert db.session.get(Organisation, rejected.id).decision_reason is None


def test_leaving_the_last_organisation_makes_a_member_a_citizen_again(make_user, make_organisation):
    member = make_user(ORG_MEMBER)
    org = make_organisation(members=[member])
    services.leave_organisation(member, org)
    assert member.role == CITIZEN


def test_the_public_list_shows_only_verified_organisations(client, make_organisation):
    make_organisation("Komunitas Sungai Bersih")
    make_organisation("Belum Diperiksa", status=ORG_PENDING)
    page = client.get("/organisasi").get_data(as_text=True)
    assert "Komunitas Sungai Bersih" in page and "Belum Diperiksa" not in page
    assert "Komunitas Sungai Bersih" not in client.get("/organisasi?q=pendidikan").get_data(as_text=True)


# --- the SK or deed (issue 11) ---------------------------------------------------------------------

def test_an_organisation_cannot_be_registered_without_its_sk_or_deed(client, login, make_user, app):
    login(make_user(CITIZEN))
    response = register(client, document=None)
    assert response.status_code == 400
    assert "Unggah SK atau akta pendirian" in response.get_data(as_text=True)
    response = register(client, document=("sk.pdf", b"<html>bukan dokumen</html>"))
    assert response.status_code == 400
    assert "bukan JPEG, PNG, atau PDF" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
    with pytest.raises(DomainError) as refused:  # the rule lives in the service, for every caller
        services.register_organisation(make_user(CITIZEN), **ORG_FORM, registration_number=None, phone=None,
                                       website=None)
    assert refused.value.field == "document" and "Unggah SK atau akta pendirian" in refused.value.message


def test_the_registration_form_says_the_document_is_required_and_who_sees_it(client, login, make_user):
    login(make_user(CITIZEN))
    page = client.get("/organisasi/daftar").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert "Wajib untuk pendaftaran baru" in page and 'name="document"' in page
    assert "/privasi" in page


def test_the_document_is_stored_privately_for_the_moderator_and_the_contact_only(client, login, make_user, app):
    contact, moderator, stranger = make_user(CITIZEN), make_user(MODERATOR), make_user(CITIZEN)
    login(contact)
    assert register(client, document=("Akta Pendirian.pdf", SK_PDF)).status_code == 302
    org = db.session.scalar(select(Organisation))
    assert org.document_content_type == "application/pdf" and org.document_filename == "Akta Pendirian.pdf"
    # Stored outside static/ under a random name, not the uploader's.
    assert org.document_stored_name != "Akta Pendirian.pdf"
    with open(os.path.join(app.config["UPLOAD_FOLDER"], org.document_stored_name), "rb") as f:
        assert f.read() == SK_PDF
    url = f"/organisasi/{org.id}/dokumen"

    assert client.get(url).data == SK_PDF  # the contact person, while the organisation waits
    login(moderator)
    admin_page = client.get(f"/admin/organisasi/{org.id}").get_data(as_text=True)
    assert url in admin_page and "Akta Pendirian.pdf" in admin_page
    response = client.get(url)
    assert response.status_code == 200 and response.data == SK_PDF
    assert response.headers["Cache-Control"] == "private, no-store"
    login(stranger)
    assert client.get(url).status_code == 403
    assert url not in client.get(f"/organisasi/{org.id}").get_data(as_text=True)
    # Verified, the organisation's page is public; its document is not.
    services.verify_organisation(moderator, org)
    login(stranger)
    assert client.get(f"/organisasi/{org.id}").status_code == 200
    assert url not in client.get(f"/organisasi/{org.id}").get_data(as_text=True)
    assert client.get(url).status_code == 403


def test_an_organisation_registered_before_documents_shows_that_it_has_none(client, login, make_user,
                                                                             make_organisation):
    org = make_organisation("Organisasi Lama", status=ORG_PENDING, contact=make_user(CITIZEN))
    login(make_user(MODERATOR))
    assert "Tidak ada dokumen" in client.get(f"/admin/organisasi/{org.id}").get_data(as_text=True)
    assert client.get(f"/organisasi/{org.id}/dokumen").status_code == 404


def test_the_waiting_demo_organisation_carries_a_sample_deed_for_the_moderator(app):
    from accounts import demo
    demo.seed()
    db.session.commit()
    waiting = db.session.scalars(select(Organisation).where(Organisation.status == ORG_PENDING)).all()
    assert waiting and all(org.document_content_type == "application/pdf" for org in waiting)
    with open(os.path.join(app.config["UPLOAD_FOLDER"], waiting[0].document_stored_name), "rb") as f:
        assert f.read().startswith(b"%PDF-")
    verified = db.session.scalars(select(Organisation).where(Organisation.status == ORG_VERIFIED)).all()
    assert verified and all(org.document_stored_name is None for org in verified)  # before documents: none
