import io
import os
import re
from datetime import datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from complaints.models import RECEIVED, Complaint, ComplaintAttachment
from core.extensions import db
from tests.complaints.conftest import MONDAY, WIB

FORM = {"title": "Lampu jalan mati sebulan", "description": "Lampu jalan di Gang Mawar mati sejak bulan lalu.",
        "classification": "pengaduan", "category": "infrastruktur", "unit_id": "", "location": "Gang Mawar",
        "reporter_name": "Rina", "reporter_email": "rina@example.com"}


def photo(exif_gps=True):
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "PhoneMaker"  # camera make, a stand-in for identifying metadata
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_the_tracking_code_is_unguessable_and_the_deadline_counts_working_days(complaint):
    assert re.fullmatch(r"ADU-2026-[A-Z2-7]{12}", complaint.tracking_code)
    assert complaint.status == RECEIVED
    assert complaint.due_at == datetime(2026, 11, 9, 23, 59, 59, tzinfo=WIB)
    assert complaint.verify_due_at == datetime(2026, 11, 5, 23, 59, 59, tzinfo=WIB)
    # The reminder comes at the start of the working day before the deadline.
    assert complaint.remind_at == datetime(2026, 11, 6, 0, 0, tzinfo=WIB)


def test_two_complaints_get_different_codes(file_complaint):
    assert file_complaint()[0].tracking_code != file_complaint()[0].tracking_code


def test_a_visitor_files_on_the_web_and_gets_the_code_shown_and_mailed(client, sent_mail):
    response = client.post("/pengaduan/baru", data=FORM)
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert complaint.tracking_code in page
    assert "/pengaduan/akses/" in page  # the reporter link, shown once
    assert [m.recipients for m in sent_mail] == [["rina@example.com"]]
    assert complaint.tracking_code in sent_mail[0].body
    # The reporter link is shown only once.
    assert "/pengaduan/akses/" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_visitor_may_file_with_no_contact_at_all(client, sent_mail):
    response = client.post("/pengaduan/baru", data={**FORM, "reporter_name": "", "reporter_email": ""})
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    assert complaint.reporter_email is None and complaint.reporter_id is None
    assert sent_mail == []


def test_a_logged_in_citizen_files_under_the_account(client, login, make_user):
    user = make_user(email="warga@example.com")
    login(user)
    client.post("/pengaduan/baru", data={**FORM, "reporter_email": "lain@example.com"})
    complaint = db.session.scalar(select(Complaint))
    assert complaint.reporter_id == user.id and complaint.reporter_email is None
    page = client.get("/pengaduan/saya").get_data(as_text=True)
    assert complaint.tracking_code in page


@pytest.mark.parametrize("change,field", [
    ({"title": ""}, "title"),
    ({"description": "pendek"}, "description"),
    ({"category": ""}, "category"),
    ({"classification": "lain"}, "classification"),
    ({"unit_id": "9999"}, "unit_id"),
    ({"reporter_email": "bukan-email"}, "reporter_email"),
])
def test_bad_intake_is_answered_at_the_field_and_nothing_is_saved(client, change, field):
    response = client.post("/pengaduan/baru", data={**FORM, **change})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_a_photo_is_stored_outside_static_without_its_metadata(app, client):
    data = {**FORM, "attachments": [(io.BytesIO(photo()), "IMG_0001.jpg")]}
    assert client.post("/pengaduan/baru", data=data, content_type="multipart/form-data").status_code == 302
    attachment = db.session.scalar(select(ComplaintAttachment))
    assert attachment.content_type == "image/jpeg" and attachment.original_name == "IMG_0001.jpg"
    path = os.path.join(app.config["UPLOAD_FOLDER"], attachment.stored_name)
    assert os.path.isfile(path) and "static" not in path
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", attachment.stored_name)
    with Image.open(path) as stored:
        assert 0x010F not in stored.getexif()


@pytest.mark.parametrize("name,content", [
    ("surat.pdf", b"<html>bukan pdf</html>"),          # the extension lies
    ("foto.jpg", b"GIF89a" + b"\x00" * 100),           # a GIF named .jpg
    ("rusak.jpg", b"\xff\xd8\xff" + b"\x00" * 50),      # JPEG magic, broken image
])
def test_files_are_judged_by_their_content(client, name, content):
    data = {**FORM, "attachments": [(io.BytesIO(content), name)]}
    response = client.post("/pengaduan/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'id="attachments-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_a_file_over_the_size_limit_is_refused(app, client):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    try:
        data = {**FORM, "attachments": [(io.BytesIO(b"%PDF-1.4\n" + b"x" * 2000), "besar.pdf")]}
        response = client.post("/pengaduan/baru", data=data, content_type="multipart/form-data")
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 5 * 1024 * 1024
    assert response.status_code == 400
    assert "melebihi batas" in response.get_data(as_text=True)


def test_more_than_five_attachments_are_refused_and_no_file_is_left(app, client):
    before = set(os.listdir(app.config["UPLOAD_FOLDER"])) if os.path.isdir(app.config["UPLOAD_FOLDER"]) else set()
    files = [(io.BytesIO(b"%PDF-1.4\n"), f"d{n}.pdf") for n in range(6)]
    response = client.post("/pengaduan/baru", data={**FORM, "attachments": files}, content_type="multipart/form-data")
    assert response.status_code == 400
    after = set(os.listdir(app.config["UPLOAD_FOLDER"])) if os.path.isdir(app.config["UPLOAD_FOLDER"]) else set()
    assert after == before


def test_intake_is_throttled_per_address(client):
    statuses = [client.post("/pengaduan/baru", data=FORM).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


def test_a_complaint_received_on_a_saturday_counts_from_monday(file_complaint):
    saturday = datetime(2026, 11, 7, 9, 0, tzinfo=WIB)
    complaint, _key = file_complaint(now=saturday)
    assert complaint.due_at == datetime(2026, 11, 13, 23, 59, 59, tzinfo=WIB)


def test_receipt_time_is_read_in_the_citys_zone(file_complaint):
    # 20:00 UTC on Sunday is 03:00 on Monday in Jakarta: Monday is the day of receipt.
    complaint, _key = file_complaint(now=datetime(2026, 11, 1, 20, 0, tzinfo=timezone.utc))
    assert complaint.due_at == datetime(2026, 11, 9, 23, 59, 59, tzinfo=WIB)
    assert MONDAY.date() == datetime(2026, 11, 2).date()
