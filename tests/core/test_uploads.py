"""What an upload may cost, what it is called, and that a failed or killed request leaves no file."""
import io
import os
import struct
import time
import tracemalloc
import zlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from complaints.models import Complaint, ComplaintAttachment
from core import uploads
from core.errors import DomainError
from core.extensions import db
from tests.complaints.test_intake import FORM


def png_header_only(width, height):
    """A valid PNG of width × height pixels in a few hundred bytes: its one row of data is all
    Pillow needs to read the header; decoding it would take width × height bytes."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
            + chunk(b"IEND", b""))


def test_the_pixel_limit_defaults_to_40_million(app):
    from config import Config
    assert Config.UPLOAD_MAX_PIXELS == 40_000_000


def test_a_13000_by_13000_png_is_refused_from_its_header_quickly_and_cheaply(app, in_request):
    bomb = png_header_only(13_000, 13_000)  # 169 million pixels
    assert len(bomb) < 100_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(DomainError) as refused:
            uploads.check_and_clean("peta.png", bomb)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "terlalu besar" in refused.value.message and "40.0 juta piksel" in refused.value.message
    assert refused.value.field == "attachments"
    assert elapsed < 1 and peak < 20 * 1024 * 1024


def test_the_pixel_limit_is_a_boundary_from_the_settings(app, in_request):
    app.config["UPLOAD_MAX_PIXELS"] = 100 * 100
    try:
        content_type, _data = uploads.check_and_clean("pas.png", png_header_only(100, 100))
        assert content_type == uploads.PNG
        with pytest.raises(DomainError):
            uploads.check_and_clean("lebih.png", png_header_only(100, 101))
    finally:
        app.config["UPLOAD_MAX_PIXELS"] = 40_000_000


def test_a_pixel_bomb_on_the_complaint_form_gets_a_clear_message_and_files_nothing(client):
    data = {**FORM, "attachments": [(io.BytesIO(png_header_only(13_000, 13_000)), "foto.png")]}
    response = client.post("/pengaduan/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "terlalu besar" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_a_pdf_named_html_is_stored_and_downloaded_as_pdf(client):
    pdf = b"%PDF-1.4\n%bukti\n"
    data = {**FORM, "attachments": [(io.BytesIO(pdf), "x.html")]}
    assert client.post("/pengaduan/baru", data=data, content_type="multipart/form-data").status_code == 302
    complaint = db.session.scalar(select(Complaint))
    attachment = db.session.scalar(select(ComplaintAttachment))
    assert attachment.stored_name.endswith(".pdf") and attachment.original_name == "x.pdf"
    response = client.get(f"/pengaduan/{complaint.tracking_code}/lampiran/{attachment.id}")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert 'filename=x.pdf' in response.headers["Content-Disposition"]


def test_the_download_name_takes_the_detected_types_extension():
    assert uploads.display_name("x.html", uploads.PDF) == "x.pdf"
    assert uploads.display_name("foto.JPG.exe", uploads.JPEG) == "foto.JPG.jpg"
    assert uploads.display_name("", uploads.PNG) == "berkas.png"


def staged_files(app):
    return os.listdir(os.path.join(app.config["UPLOAD_FOLDER"], uploads.STAGING))


def test_a_stored_file_waits_in_staging_until_the_commit(app):
    name = uploads.store(b"%PDF-1.4\n", uploads.PDF)
    final = os.path.join(app.config["UPLOAD_FOLDER"], name)
    assert name in staged_files(app) and not os.path.exists(final)
    db.session.commit()
    assert os.path.isfile(final) and name not in staged_files(app)
    uploads.delete(name)


def test_a_rollback_deletes_the_staged_file(app):
    name = uploads.store(b"%PDF-1.4\n", uploads.PDF)
    db.session.rollback()
    assert name not in staged_files(app)
    assert not os.path.exists(os.path.join(app.config["UPLOAD_FOLDER"], name))


def test_a_failed_filing_leaves_no_file_anywhere(app, monkeypatch, in_request):
    from complaints import services
    uploads.folder()
    before = set(os.listdir(app.config["UPLOAD_FOLDER"])), set(staged_files(app))

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")
    monkeypatch.setattr(services, "_event", fail)
    with pytest.raises(RuntimeError):
        services.file_complaint(title="Jalan rusak", description="Jalan rusak parah di depan pasar lama.",
                                classification="pengaduan", category="infrastruktur",
                                attachments=[("bukti.pdf", b"%PDF-1.4\n")])
    assert (set(os.listdir(app.config["UPLOAD_FOLDER"])), set(staged_files(app))) == before


def test_the_sweep_removes_staged_files_older_than_an_hour_only(app):
    folder = os.path.join(app.config["UPLOAD_FOLDER"], uploads.STAGING)
    uploads.folder()
    now = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)
    for name, age in (("lama", 3601), ("batas", 3599), ("baru", 10)):
        path = os.path.join(folder, name)
        open(path, "wb").close()
        os.utime(path, (now.timestamp() - age, now.timestamp() - age))
    try:
        assert uploads.sweep_staged(now=now) == 1
        assert {"batas", "baru"} <= set(os.listdir(folder)) and "lama" not in os.listdir(folder)
    finally:
        for name in ("batas", "baru"):
            uploads.delete(name)


def test_the_worker_runs_the_staging_sweep():
    from core.worker import SWEEPS
    assert "core.uploads:sweep_staged" in SWEEPS
