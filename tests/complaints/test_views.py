"""The case page over HTTP: the reporter's steps, the staff's forms, the queues."""
import pytest
from sqlalchemy import select

from complaints import services
from complaints.models import CLOSED, IN_PROGRESS, RESOLVED, VERIFIED, Complaint
from core.extensions import db
from core.permissions import ASN
from tests.conftest import count_queries, flashes


@pytest.fixture
def reporter_client(app, file_complaint):
    """A browser that opened the reporter link of a fresh complaint."""
    complaint, key = file_complaint()
    browser = app.test_client()
    browser.get(f"/pengaduan/akses/{complaint.tracking_code}/{key}")
    return browser, complaint


def test_the_reporter_answers_accepts_and_rates_through_the_link(reporter_client, moderator, handler, unit,
                                                                 in_request):
    browser, complaint = reporter_client
    code = complaint.tracking_code
    services.verify(moderator, complaint, unit_id=unit.id)
    services.request_info(handler, complaint, message="Di nomor rumah berapa?")
    page = browser.get(f"/pengaduan/{code}").get_data(as_text=True)
    assert "Di nomor rumah berapa?" in page and "Petugas menunggu jawaban Anda" in page
    assert browser.post(f"/pengaduan/{code}/balas", data={"reply-message": "Nomor 12"}).status_code == 302
    assert db.session.get(Complaint, complaint.id).status == VERIFIED
    services.resolve(handler, db.session.get(Complaint, complaint.id), response="Sudah diperbaiki")
    assert browser.post(f"/pengaduan/{code}/terima").status_code == 302
    assert browser.post(f"/pengaduan/{code}/nilai", data={"rating-rating": "5", "rating-comment": "Mantap"}).status_code == 302
    complaint = db.session.get(Complaint, complaint.id)
    assert (complaint.status, complaint.rating) == (CLOSED, 5)


def test_a_dispute_without_reason_is_a_400_with_the_message(reporter_client, moderator, handler, unit, in_request):
    browser, complaint = reporter_client
    services.verify(moderator, complaint, unit_id=unit.id)
    services.resolve(handler, complaint, response="Sudah")
    response = browser.post(f"/pengaduan/{complaint.tracking_code}/sanggah", data={"dispute-reason": ""})
    assert response.status_code == 400 and 'id="dispute-reason-error"' in response.get_data(as_text=True)
    assert browser.post(f"/pengaduan/{complaint.tracking_code}/sanggah",
                        data={"dispute-reason": "Masih rusak"}).status_code == 302
    assert db.session.get(Complaint, complaint.id).status == IN_PROGRESS


def test_internal_notes_are_not_on_the_reporters_page(reporter_client, moderator, in_request):
    browser, complaint = reporter_client
    services.add_note(moderator, complaint, text="Pelapor ini kerabat pejabat")
    assert "kerabat pejabat" not in browser.get(f"/pengaduan/{complaint.tracking_code}").get_data(as_text=True)
    assert "kerabat pejabat" not in browser.get(f"/pengaduan/lacak/{complaint.tracking_code}").get_data(as_text=True)


def test_a_moderator_routes_from_the_case_page(client, login, moderator, complaint, unit):
    login(moderator)
    response = client.post(f"/pengaduan/{complaint.tracking_code}/verifikasi", data={
        "verify-unit_id": unit.id, "verify-category": "infrastruktur", "verify-classification": "pengaduan"})
    assert response.status_code == 302
    assert db.session.get(Complaint, complaint.id).unit_id == unit.id


def test_a_service_refusal_is_shown_not_crashed(client, login, moderator, complaint):
    login(moderator)
    response = client.post(f"/pengaduan/{complaint.tracking_code}/selesaikan", data={"resolve-response": "Sudah"})
    assert response.status_code == 302  # not verified yet: refused with a message
    assert "Hanya pengaduan yang sedang ditangani" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Complaint, complaint.id).status != RESOLVED


def test_a_refusal_naming_a_field_shows_the_case_page_with_the_form_again(client, login, moderator, handler,
                                                                          complaint, unit, in_request):
    services.verify(moderator, complaint, unit_id=unit.id)
    login(moderator)
    response = client.post(f"/pengaduan/{complaint.tracking_code}/alihkan", data={
        "reroute-unit_id": unit.id, "reroute-reason": "Salah unit"})
    assert response.status_code == 400
    assert 'id="reroute-unit_id-error"' in response.text and "Pengaduan sudah berada di unit ini." in response.text
    assert flashes(client) == []  # neither a success nor the refusal a second time


def test_a_handler_sees_only_the_units_queue(client, login, handler, moderator, unit, make_unit, file_complaint,
                                             in_request):
    mine, _ = file_complaint(title="Keluhan untuk unit saya")
    other, _ = file_complaint(title="Keluhan untuk unit lain")
    services.verify(moderator, mine, unit_id=unit.id)
    services.verify(moderator, other, unit_id=make_unit("Dinas Lain", "DL").id)
    login(handler)
    page = client.get("/pengaduan/antrean").get_data(as_text=True)
    assert "Keluhan untuk unit saya" in page and "Keluhan untuk unit lain" not in page
    assert client.get(f"/pengaduan/{other.tracking_code}").status_code == 403


def test_the_queue_filters_overdue_complaints(client, login, moderator, file_complaint):
    from datetime import datetime, timedelta, timezone
    old, _ = file_complaint(title="Sudah lama sekali", now=datetime.now(timezone.utc) - timedelta(days=20))
    file_complaint(title="Baru saja masuk", now=datetime.now(timezone.utc))
    login(moderator)
    page = client.get("/pengaduan/antrean?due=overdue").get_data(as_text=True)
    assert "Sudah lama sekali" in page and "Baru saja masuk" not in page
    assert client.get("/pengaduan/antrean?status=bukan").status_code == 200  # a bad filter is ignored


def test_the_queue_and_case_page_make_a_bounded_number_of_queries(client, login, moderator, file_complaint, unit,
                                                                  in_request):
    login(moderator)

    def add(n):
        for _ in range(n):
            complaint, _key = file_complaint()
            services.verify(moderator, complaint, unit_id=unit.id)
            services.add_note(moderator, complaint, text="catatan")

    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)
    add(2)
    few = queries("/pengaduan/antrean")
    add(15)
    assert queries("/pengaduan/antrean") == few <= 8
    code = db.session.scalar(select(Complaint.tracking_code))
    assert queries(f"/pengaduan/{code}") <= 12


def test_an_unconfirmed_asn_has_no_queue(client, login, make_user, unit):
    login(make_user(ASN, unit=unit, confirmed=False))
    assert client.get("/pengaduan/antrean").status_code == 403


def test_an_unknown_code_is_a_friendly_404(client):
    response = client.get("/pengaduan/lacak/ADU-2026-TIDAKADA")
    assert response.status_code == 404 and "Periksa kembali kode pelacakan" in response.get_data(as_text=True)
    assert client.get("/pengaduan/lacak?kode=ADU-2026-abc").status_code == 302


def test_the_queue_shows_open_complaints_by_default(client, login, moderator, unit, file_complaint, in_request):
    open_one, _ = file_complaint(title="Masih terbuka")
    closed_one, _ = file_complaint(title="Sudah ditolak")
    services.reject(moderator, closed_one, kind="invalid", reason="Tidak jelas")
    login(moderator)
    page = client.get("/pengaduan/antrean").get_data(as_text=True)
    assert "Masih terbuka" in page and "Sudah ditolak" not in page
    assert "Sudah ditolak" in client.get("/pengaduan/antrean?status=all").get_data(as_text=True)
