"""Participants: registration rules, attendance by the host, and the composition of who took part."""
from datetime import timedelta

import pytest

from core import clock
from core.errors import DomainError, NotAllowed
from core.extensions import db
from forum import consultation_services as services
from forum.models import CLOSED, COMPLETED, DRAFT, OPEN, Participant
from tests.forum.conftest import NOW


def test_a_person_registers_once(org_member, organisation, make_consultation):
    c = make_consultation(OPEN)
    p = services.register(org_member, c, stakeholder_category="organisasi_masyarakat", vulnerable_group=True,
                          organisation_id=organisation.id, now=NOW)
    assert p.organisation_id == organisation.id and p.vulnerable_group
    with pytest.raises(DomainError):
        services.register(org_member, c, stakeholder_category="media", now=NOW)


def test_registration_needs_an_open_or_closed_consultation_and_a_verified_email(citizen, make_user,
                                                                                 make_consultation):
    for stage in (DRAFT, COMPLETED):
        with pytest.raises(NotAllowed):
            services.register(citizen, make_consultation(stage), stakeholder_category="pengguna_layanan", now=NOW)
    services.register(citizen, make_consultation(CLOSED), stakeholder_category="pengguna_layanan", now=NOW)
    unverified = make_user(verified=False)
    with pytest.raises(NotAllowed):
        services.register(unverified, make_consultation(OPEN), stakeholder_category="pengguna_layanan", now=NOW)


def test_registration_closes_when_the_meeting_starts(citizen, make_consultation):
    c = make_consultation(OPEN, meeting_at=NOW)
    with pytest.raises(DomainError):
        services.register(citizen, c, stakeholder_category="pengguna_layanan", now=NOW)


def test_one_cannot_claim_an_organisation_one_does_not_belong_to(citizen, organisation, make_consultation):
    with pytest.raises(DomainError) as e:
        services.register(citizen, make_consultation(OPEN), stakeholder_category="media",
                          organisation_id=organisation.id, now=NOW)
    assert e.value.field == "organisation_id"


def test_an_unknown_category_is_refused(citizen, make_consultation):
    with pytest.raises(DomainError) as e:
        services.register(citizen, make_consultation(OPEN), stakeholder_category="artis", now=NOW)
    assert e.value.field == "stakeholder_category"


def test_cancel_before_the_meeting_only(citizen, make_consultation):
    c = make_consultation(OPEN)
    services.register(citizen, c, stakeholder_category="pengguna_layanan", now=NOW)
    services.cancel_registration(citizen, c, now=NOW)
    assert db.session.query(Participant).count() == 0
    with pytest.raises(DomainError):
        services.cancel_registration(citizen, c, now=NOW)
    services.register(citizen, c, stakeholder_category="pengguna_layanan", now=NOW)
    with pytest.raises(DomainError):
        services.cancel_registration(citizen, c, now=c.meeting_at)


def test_the_host_marks_attendance_once_the_meeting_has_come(host, citizen, org_member, make_consultation):
    c = make_consultation(CLOSED)
    p = services.register(citizen, c, stakeholder_category="pengguna_layanan", now=NOW)
    with pytest.raises(DomainError):
        services.mark_attendance(host, p, True, now=c.meeting_at - timedelta(minutes=1))
    with pytest.raises(NotAllowed):
        services.mark_attendance(org_member, p, True, now=c.meeting_at)
    services.mark_attendance(host, p, True, now=c.meeting_at)
    assert p.attended and p.attendance_marked_at == c.meeting_at


def test_composition_counts_and_names_the_missing_categories(host, citizen, org_member, make_user,
                                                              make_consultation):
    c = make_consultation(OPEN)
    services.register(citizen, c, stakeholder_category="pengguna_layanan", vulnerable_group=True, now=NOW)
    services.register(org_member, c, stakeholder_category="organisasi_masyarakat", now=NOW)
    p = services.register(make_user(), c, stakeholder_category="pengguna_layanan", now=NOW)
    services.mark_attendance(host, p, True, now=c.meeting_at)
    comp = services.composition(c)
    rows = {r["category"]: r for r in comp["rows"]}
    assert rows["pengguna_layanan"]["registered"] == 2 and rows["pengguna_layanan"]["attended"] == 1
    assert (comp["registered"], comp["attended"], comp["vulnerable_registered"]) == (3, 1, 1)
    assert set(comp["missing"]) == {"penyelenggara", "akademisi", "media", "tokoh_masyarakat"}
    assert comp["max"] == 2


def test_the_page_warns_only_the_host_about_missing_categories(client, login, host, citizen, make_consultation):
    c = make_consultation(OPEN)
    warning = "Belum ada peserta terdaftar dari kategori berikut"
    assert warning not in client.get(f"/forum/konsultasi/{c.slug}").get_data(as_text=True)
    login(host)
    html = client.get(f"/forum/konsultasi/{c.slug}").get_data(as_text=True)
    assert warning in html and "<progress" in html


def test_register_and_mark_attendance_through_the_pages(client, login, host, citizen, make_consultation):
    now = clock.now()
    c = make_consultation(CLOSED, opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=3),
                          meeting_at=now + timedelta(hours=1))
    login(citizen)
    assert client.post(f"/forum/konsultasi/{c.slug}/daftar", data={}).status_code == 400
    assert client.post(f"/forum/konsultasi/{c.slug}/daftar",
                       data={"daftar-stakeholder_category": "tokoh_masyarakat"}).status_code == 302
    p = db.session.query(Participant).one()
    assert p.stakeholder_category == "tokoh_masyarakat"
    assert client.post(f"/forum/konsultasi/{c.slug}/kehadiran/{p.id}", data={"attended": "1"}).status_code == 403
    login(host)
    assert client.post(f"/forum/konsultasi/{c.slug}/kehadiran/{p.id}", data={"attended": "1"}).status_code == 302
    assert not db.session.get(Participant, p.id).attended  # the meeting has not started yet
    c.meeting_at = now - timedelta(minutes=5)
    db.session.commit()
    assert client.post(f"/forum/konsultasi/{c.slug}/kehadiran/{p.id}", data={"attended": "1"}).status_code == 302
    assert db.session.get(Participant, p.id).attended
    assert client.post(f"/forum/konsultasi/{c.slug}/kehadiran/{p.id}", data={}).status_code == 400
    assert client.post(f"/forum/konsultasi/{c.slug}/kehadiran/99999", data={"attended": "1"}).status_code == 404
    login(citizen)
    assert client.post(f"/forum/konsultasi/{c.slug}/batal-daftar").status_code == 302
    assert db.session.get(Participant, p.id) is not None  # the meeting has started: kept


def test_the_participant_registration_form_links_to_the_privacy_page(client, login, citizen, make_consultation):
    now = clock.now()
    c = make_consultation(CLOSED, opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=3),
                          meeting_at=now + timedelta(hours=1))
    login(citizen)
    html = client.get(f"/forum/konsultasi/{c.slug}").get_data(as_text=True)
    form = html[html.index('id="judul-daftar"'):]
    form = form[:form.index("</section>")]
    assert 'name="daftar-stakeholder_category"' in form and 'href="/privasi"' in form
