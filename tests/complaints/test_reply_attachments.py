"""A reporter may attach files to a reply (a clearer photo the officer asked for), under the intake's limits."""
import io
import os

import pytest
from PIL import Image
from sqlalchemy import func, select

from complaints import services
from complaints.models import AWAITING_REPORTER, ComplaintAttachment, ComplaintEvent
from core.extensions import db
from tests.complaints.test_intake import photo


def open_link(browser, complaint, key):
    assert browser.get(f"/pengaduan/akses/{complaint.tracking_code}/{key}").status_code == 302


def reply(browser, complaint, files, message="Ini foto yang lebih jelas."):
    return browser.post(f"/pengaduan/{complaint.tracking_code}/balas", content_type="multipart/form-data",
                        data={"reply-message": message, "reply-attachments": files})


@pytest.fixture
def asked_with_link(app, file_complaint, moderator, handler, unit):
    complaint, key = file_complaint()
    with app.test_request_context():
        services.verify(moderator, complaint, unit_id=unit.id)
        services.request_info(handler, complaint, message="Mohon kirim foto yang lebih jelas.")
    browser = app.test_client()
    open_link(browser, complaint, key)
    return complaint, browser


def test_the_reporter_attaches_a_clearer_photo_to_the_reply(app, asked_with_link, client, login, handler):
    complaint, browser = asked_with_link
    response = reply(browser, complaint, [(io.BytesIO(photo()), "IMG_0002.jpg")])
    assert response.status_code == 302
    attachment = db.session.scalar(select(ComplaintAttachment))
    event = db.session.get(ComplaintEvent, attachment.event_id)
    assert event.kind == "reporter_replied" and event.complaint_id == complaint.id
    path = os.path.join(app.config["UPLOAD_FOLDER"], attachment.stored_name)
    with Image.open(path) as stored:
        assert 0x010F not in stored.getexif()  # cleaned as at intake: no camera metadata
    # The reply restarted the clock, and the officer sees and opens the file.
    assert db.session.get(type(complaint), complaint.id).status != AWAITING_REPORTER
    login(handler)
    page = client.get(f"/pengaduan/{complaint.tracking_code}").get_data(as_text=True)
    assert "IMG_0002.jpg" in page and "dikirim bersama tanggapan pelapor" in page
    assert client.get(f"/pengaduan/{complaint.tracking_code}/lampiran/{attachment.id}").status_code == 200
    assert browser.get(f"/pengaduan/{complaint.tracking_code}/lampiran/{attachment.id}").status_code == 200


def test_the_reply_form_offers_a_file_field(asked_with_link):
    complaint, browser = asked_with_link
    page = browser.get(f"/pengaduan/{complaint.tracking_code}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="reply-attachments"' in page


@pytest.mark.parametrize("files, error", [
    ([(io.BytesIO(b"GIF89a" + b"\x00" * 100), "foto.jpg")], "bukan JPEG, PNG, atau PDF"),
    ([(io.BytesIO(b"%PDF-1.4\n"), f"d{n}.pdf") for n in range(6)], "Paling banyak 5 lampiran"),
])
def test_reply_files_have_the_intakes_limits(app, asked_with_link, files, error):
    assert app.config["COMPLAINT_MAX_ATTACHMENTS"] == 5
    complaint, browser = asked_with_link
    before = set(os.listdir(app.config["UPLOAD_FOLDER"]))
    response = reply(browser, complaint, files)
    assert response.status_code == 400 and error in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ComplaintAttachment.id))) == 0
    assert db.session.scalar(select(func.count(ComplaintEvent.id)).where(ComplaintEvent.kind == "reporter_replied")) == 0
    assert set(os.listdir(app.config["UPLOAD_FOLDER"])) == before


def test_a_reply_file_over_the_size_limit_is_refused(app, asked_with_link):
    complaint, browser = asked_with_link
    app.config["UPLOAD_MAX_BYTES"] = 1000
    try:
        response = reply(browser, complaint, [(io.BytesIO(b"%PDF-1.4\n" + b"x" * 2000), "besar.pdf")])
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 5 * 1024 * 1024
    assert response.status_code == 400 and "melebihi batas" in response.get_data(as_text=True)
