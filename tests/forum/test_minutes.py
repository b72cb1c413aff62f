"""Berita acara: recorded only after the meeting, numbered agreements, publishing, the PDF, the scan."""
from datetime import timedelta

import pytest

from core import clock
from core.audit import AuditEvent
from core.extensions import db
from forum import minutes_services as services
from forum.models import FOLLOW_UP, PLANNED, Agreement, Minutes, FollowUpAction, ForumInput, Participant

from tests.conftest import flashes

from .minutes_helpers import SIGNATORIES, agreement_rows, held_consultation, pdf_text, publish, save

SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def held(make_consultation, now):
    return held_consultation(make_consultation, now)


def test_no_minutes_before_the_meeting(make_consultation, host, host_unit, now):
    upcoming = make_consultation(stage="closed", opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=2),
                                 meeting_at=now + timedelta(days=2))
    with pytest.raises(services.DomainError, match="setelah forum dilaksanakan"):
        save(host, upcoming, now, host_unit, held_at=now - timedelta(hours=1))
    assert db.session.query(Minutes).count() == 0


def test_the_meeting_time_cannot_be_in_the_future(held, host, host_unit, now):
    with pytest.raises(services.DomainError) as error:
        save(host, held, now, host_unit, held_at=now + timedelta(hours=2))
    assert error.value.field == "held_at"


def test_agreements_are_numbered_in_order_and_empty_rows_are_ignored(held, host, host_unit, now):
    rows = agreement_rows(host_unit, 3)
    rows.insert(1, {"text": "  ", "unit_id": None, "target_date": None})
    minutes = save(host, held, now, host_unit, agreements=rows,
                   signatories=SIGNATORIES + [{"name": "", "position": "", "organisation": ""}])
    assert [(a.number, a.text[:13]) for a in minutes.agreements] == [
        (1, "Kesepakatan 1"), (2, "Kesepakatan 2"), (3, "Kesepakatan 3")]
    assert len(minutes.signatories) == 2
    assert services.agreement_plan(minutes)[3] == (host_unit.id, rows[3]["target_date"])


def test_saving_again_before_publishing_replaces_the_agreements(held, host, host_unit, other_unit, now):
    save(host, held, now, host_unit, n=3)
    rows = agreement_rows(other_unit, 1)
    minutes = save(host, held, now, host_unit, agreements=rows, summary="Ringkasan yang diperbaiki.")
    assert [a.number for a in minutes.agreements] == [1]
    assert db.session.query(Agreement).count() == 1
    assert minutes.summary == "Ringkasan yang diperbaiki."
    assert services.agreement_plan(minutes) == {1: (other_unit.id, rows[0]["target_date"])}


def test_an_agreement_needs_a_unit_and_a_target_date(held, host, host_unit, now):
    with pytest.raises(services.DomainError, match="baris 1"):
        save(host, held, now, host_unit, agreements=[{"text": "Tanpa unit", "unit_id": None,
                                                       "target_date": now.date()}])
    with pytest.raises(services.DomainError, match="tanggal target"):
        save(host, held, now, host_unit, agreements=[{"text": "Tanpa tanggal", "unit_id": host_unit.id,
                                                       "target_date": None}])


def test_an_agreement_can_only_answer_an_input_of_the_same_consultation(held, make_consultation, host, host_unit,
                                                                       org_member, now):
    other = make_consultation()
    stray = ForumInput(consultation=other, author=org_member, title="Masukan lain", body="Isi")
    db.session.add(stray)
    db.session.commit()
    with pytest.raises(services.DomainError, match="bukan dari konsultasi ini"):
        save(host, held, now, host_unit, agreements=agreement_rows(host_unit, 1, input_id=stray.id))


def test_only_the_host_unit_or_moderators_record_the_minutes(held, host_unit, make_user, org_member, moderator, now):
    from core.permissions import ASN
    outsider = make_user(ASN, unit=None)
    for person in (outsider, org_member):
        with pytest.raises(services.NotAllowed):
            save(person, held, now, host_unit)
    assert save(moderator, held, now, host_unit).created_by_id == moderator.id


def test_publishing_creates_one_planned_action_per_agreement_and_moves_to_follow_up(
        held, host, host_unit, other_unit, now):
    rows = agreement_rows(host_unit, 1) + agreement_rows(other_unit, 2)[1:]
    minutes = save(host, held, now, host_unit, agreements=rows)
    services.publish_minutes(host, minutes, now=now)
    actions = db.session.query(FollowUpAction).order_by(FollowUpAction.id).all()
    assert [(a.agreement.number, a.unit_id, a.target_date, a.status) for a in actions] == [
        (1, host_unit.id, rows[0]["target_date"], PLANNED), (2, other_unit.id, rows[1]["target_date"], PLANNED)]
    assert minutes.published_at == now and minutes.published_by_id == host.id
    assert held.stage == FOLLOW_UP
    assert db.session.query(AuditEvent).filter_by(action="berita_acara.published").count() == 1


def test_publishing_needs_an_agreement_and_a_signatory(held, host, host_unit, now):
    minutes = save(host, held, now, host_unit, agreements=[])
    with pytest.raises(services.DomainError, match="kesepakatan"):
        services.publish_minutes(host, minutes, now=now)
    minutes = save(host, held, now, host_unit, signatories=[])
    with pytest.raises(services.DomainError, match="penanda tangan"):
        services.publish_minutes(host, minutes, now=now)
    assert db.session.get(Minutes, minutes.id).published_at is None
    assert db.session.query(FollowUpAction).count() == 0


def test_published_minutes_can_no_longer_be_edited_or_published_again(held, host, host_unit, now):
    minutes = publish(host, held, now, host_unit)
    with pytest.raises(services.DomainError, match="tidak dapat diubah"):
        save(host, held, now, host_unit)
    with pytest.raises(services.DomainError, match="sudah diterbitkan"):
        services.publish_minutes(host, minutes, now=now)
    assert db.session.query(FollowUpAction).count() == 2


# --- the PDF ----------------------------------------------------------------------------------------

def test_the_pdf_holds_heading_attendance_agreements_and_signatories(app, held, host, host_unit, org_member, now):
    db.session.add(Participant(consultation=held, user=org_member, stakeholder_category="organisasi_masyarakat",
                               attended=True))
    db.session.commit()
    minutes = save(host, held, now, host_unit)
    with app.test_request_context():
        data = services.render_pdf(minutes)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "BERITA ACARA FORUM KONSULTASI PUBLIK" in text
    assert host_unit.name.upper() in text
    assert held.title in text
    assert "Kesepakatan 1: waktu layanan perizinan dipersingkat menjadi 3 hari kerja." in text
    assert "Kesepakatan 2" in text
    assert "Minggu, 1 November 2026" in text  # the day before NOW, in Indonesian, in WIB
    assert org_member.full_name in text and "Budi — Kecamatan Pontianak Kota" in text
    assert "Drs. Ahmad Syafi'i, M.Si." in text and "Siti Nurhaliza" in text
    assert "Penanggung jawab: Dinas Penanaman Modal dan PTSP" in text


def test_the_pdf_copes_with_indonesian_and_long_text(app, held, host, host_unit, now):
    long_summary = "\n".join(f"Paragraf {i}: peserta menyampaikan usulan perbaikan layanan “KTP-el” — "
                             "antrean, persyaratan, dan biaya (Rp0,–) ✓ é ñ ü." * 3 for i in range(60))
    rows = [{"text": f"Kesepakatan panjang {i} " + "pelayanan terpadu satu pintu " * 30, "unit_id": host_unit.id,
             "target_date": (now + timedelta(days=i)).date()} for i in range(1, 31)]
    signatories = [{"name": f"Penanda Tangan {i}", "position": "Wakil masyarakat", "organisation": "LSM Ñusantara"}
                   for i in range(1, 12)]
    minutes = save(host, held, now, host_unit, summary=long_summary, agreements=rows, signatories=signatories)
    with app.test_request_context():
        data = services.render_pdf(minutes)
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page\n") > 5 or data.count(b"/Type /Page") > 5
    text = pdf_text(data)
    assert "“KTP-el”" in text and "LSM Ñusantara" in text and "Penanda Tangan 11" in text
    assert "Kesepakatan panjang 30" in text


# --- the pages --------------------------------------------------------------------------------------

@pytest.fixture
def held_now(make_consultation):
    """A consultation whose meeting was yesterday by the real clock (the views read the clock)."""
    return held_consultation(make_consultation, clock.now())


def _form(rows=2, unit=None, **extra):
    data = {"ba-held_at": (clock.to_local(clock.now()) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "ba-place": "Aula Kantor Wali Kota", "ba-summary": "Forum membahas rancangan standar pelayanan.",
            "ba-other_attendees": "Budi — Kecamatan",
            "ba-signatories-0-name": "Kepala Dinas", "ba-signatories-0-position": "Kepala",
            "ba-signatories-1-name": "", "ba-signatories-1-position": ""}
    for i in range(rows):
        data[f"ba-agreements-{i}-text"] = f"Kesepakatan lewat formulir {i + 1}"
        data[f"ba-agreements-{i}-unit_id"] = str(unit.id)
        data[f"ba-agreements-{i}-target_date"] = "2030-01-31"
    data["ba-agreements-5-text"] = ""
    data.update(extra)
    return data


def test_the_host_records_and_publishes_through_the_pages(client, login, held_now, host, host_unit, citizen):
    login(host)
    page = client.get(f"/forum/konsultasi/{held_now.slug}/berita-acara")
    assert page.status_code == 200
    assert 'name="ba-agreements-9-text"' in page.text and 'name="ba-signatories-5-name"' in page.text
    assert " style=" not in page.text
    response = client.post(f"/forum/konsultasi/{held_now.slug}/berita-acara", data=_form(unit=host_unit))
    assert response.status_code == 302, response.text
    minutes = db.session.query(Minutes).one()
    assert [a.text for a in minutes.agreements] == ["Kesepakatan lewat formulir 1", "Kesepakatan lewat formulir 2"]
    # the draft PDF: the host yes, the public not yet
    assert client.get(f"/forum/konsultasi/{held_now.slug}/berita-acara.pdf").data.startswith(b"%PDF")
    login(citizen)
    assert client.get(f"/forum/konsultasi/{held_now.slug}/berita-acara.pdf").status_code == 403
    login(host)
    assert client.post(f"/forum/konsultasi/{held_now.slug}/berita-acara/terbitkan").status_code == 302
    assert db.session.get(Minutes, minutes.id).published_at is not None
    anonymous = client.application.test_client()
    pdf = anonymous.get(f"/forum/konsultasi/{held_now.slug}/berita-acara.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    again = client.post(f"/forum/konsultasi/{held_now.slug}/berita-acara", data=_form(unit=host_unit))
    assert again.status_code == 302
    assert db.session.query(Agreement).count() == 2


def test_publishing_a_minutes_without_agreements_leads_back_to_its_form(client, login, held_now, host,
                                                                            host_unit):
    minutes = save(host, held_now, clock.now(), host_unit, agreements=[])
    login(host)
    response = client.post(f"/forum/konsultasi/{held_now.slug}/berita-acara/terbitkan")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/forum/konsultasi/{held_now.slug}/berita-acara")
    assert flashes(client) == [("danger", "Tulis paling sedikit satu kesepakatan sebelum menerbitkan.")]
    assert db.session.get(Minutes, minutes.id).published_at is None


def test_a_row_with_text_but_no_unit_is_shown_with_its_error(client, login, held_now, host, host_unit):
    login(host)
    data = _form(unit=host_unit)
    data["ba-agreements-1-unit_id"] = ""
    response = client.post(f"/forum/konsultasi/{held_now.slug}/berita-acara", data=data)
    assert response.status_code == 400
    assert "Pilih unit penanggung jawab." in response.text
    assert db.session.query(Minutes).count() == 0


def test_the_form_refuses_before_the_meeting(client, login, make_consultation, host, host_unit):
    soon = make_consultation(meeting_at=clock.now() + timedelta(days=3))
    login(host)
    assert "setelah forum dilaksanakan" in client.get(f"/forum/konsultasi/{soon.slug}/berita-acara").text
    response = client.post(f"/forum/konsultasi/{soon.slug}/berita-acara", data=_form(unit=host_unit))
    assert response.status_code == 400
    assert db.session.query(Minutes).count() == 0


def test_the_signed_scan_is_a_pdf_shown_to_the_public_once_published(client, login, held_now, host, host_unit,
                                                                     citizen):
    minutes = save(host, held_now, clock.now(), host_unit)
    login(host)
    url = f"/forum/konsultasi/{held_now.slug}/berita-acara/scan"
    from io import BytesIO
    refused = client.post(url, data={"scan-scan": (BytesIO(b"\x89PNG\r\n\x1a\nxxxx"), "foto.png")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "PDF" in refused.text
    ok = client.post(url, data={"scan-scan": (BytesIO(SCAN), "ba-ttd.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    assert db.session.get(Minutes, minutes.id).signed_scan_original_name == "ba-ttd.pdf"
    assert client.get(url).data == SCAN
    login(citizen)
    assert client.get(url).status_code == 403
    services.publish_minutes(host, db.session.get(Minutes, minutes.id), now=clock.now())
    assert client.get(url).data == SCAN
    with pytest.raises(services.DomainError, match="tidak dapat diganti"):
        services.upload_signed_scan(host, db.session.get(Minutes, minutes.id), "lagi.pdf", SCAN)


def test_others_cannot_open_the_form(client, login, held_now, citizen, org_member):
    for person in (citizen, org_member):
        login(person)
        assert client.get(f"/forum/konsultasi/{held_now.slug}/berita-acara").status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get(f"/forum/konsultasi/{held_now.slug}/berita-acara").status_code == 302


def test_the_summary_partial_shows_agreements_and_their_status(app, held, host, host_unit, now):
    from flask import render_template
    publish(host, held, now, host_unit)
    with app.test_request_context():
        html = render_template("forum/minutes_summary.html", consultation=held)
    assert "Kesepakatan 1: waktu layanan" in html and "Direncanakan" in html
    assert f"/forum/konsultasi/{held.slug}/berita-acara.pdf" in html


def test_the_consultation_page_links_the_minutes_form_while_it_can_be_edited(
        client, login, make_consultation, held_now, host, host_unit, moderator, citizen):
    link = f'href="/forum/konsultasi/{held_now.slug}/berita-acara"'
    for person in (host, moderator):
        login(person)
        assert link in client.get(f"/forum/konsultasi/{held_now.slug}").text
    login(citizen)
    assert link not in client.get(f"/forum/konsultasi/{held_now.slug}").text
    login(host)
    ahead = make_consultation(stage="closed", opens_at=clock.now() - timedelta(days=10),
                              closes_at=clock.now() - timedelta(days=1), meeting_at=clock.now() + timedelta(days=2))
    assert f'href="/forum/konsultasi/{ahead.slug}/berita-acara"' not in client.get(f"/forum/konsultasi/{ahead.slug}").text
    client.post(f"/forum/konsultasi/{held_now.slug}/berita-acara", data=_form(unit=host_unit))
    assert link in client.get(f"/forum/konsultasi/{held_now.slug}").text  # saved, not yet published
    assert client.post(f"/forum/konsultasi/{held_now.slug}/berita-acara/terbitkan").status_code == 302
    assert link not in client.get(f"/forum/konsultasi/{held_now.slug}").text


def test_audit_events_name_the_minutes_by_their_stored_type(held, host, host_unit, now):
    """The class was renamed from BeritaAcara: audit rows written since still say "beritaacara"."""
    minutes = save(host, held, now, host_unit)
    event = db.session.query(AuditEvent).filter_by(action="berita_acara.created").one()
    assert (event.object_type, event.object_id) == ("beritaacara", minutes.id)
