"""Uploaded files: type checked from the content, stored outside static/ under random names.

Nothing here serves a file: each pillar's view decides who may see one and sends it with
`send_stored()`. Photos are re-encoded without their metadata, so an anonymous reporter's photo
does not carry the phone's GPS position or name.
"""
import io
import os
import secrets

from flask import current_app, send_file
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}


def sniff(data):
    """The content type that the bytes themselves announce, or None."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def _strip_metadata(data, content_type):
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
            out = io.BytesIO()
            if content_type == JPEG:
                image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DomainError(_("Berkas gambar rusak atau tidak dapat dibaca."), field="attachments") from None


def check_and_clean(filename, data, *, allowed=(JPEG, PNG, PDF)):
    """Return (content_type, bytes to store) or raise DomainError(field="attachments")."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if not data:
        raise DomainError(_("Berkas %(name)s kosong.", name=filename), field="attachments")
    if len(data) > limit:
        raise DomainError(_("Berkas %(name)s melebihi batas %(mb)s MB.", name=filename, mb=round(limit / 1048576, 1)),
                          field="attachments")
    content_type = sniff(data)
    if content_type not in allowed:
        raise DomainError(_("Berkas %(name)s bukan JPEG, PNG, atau PDF.", name=filename), field="attachments")
    if content_type in (JPEG, PNG):
        data = _strip_metadata(data, content_type)
    return content_type, data


def folder():
    path = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(path, exist_ok=True)
    return path


def store(data):
    """Write the bytes under a new random name; returns the name."""
    name = secrets.token_hex(16)
    with open(os.path.join(folder(), name), "xb") as f:
        f.write(data)
    return name


def delete(name):
    try:
        os.remove(os.path.join(folder(), name))
    except FileNotFoundError:
        pass


def clean_name(filename):
    """A display name without any path, safe for a Content-Disposition header."""
    base = os.path.basename((filename or "").replace("\\", "/")).strip() or "berkas"
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"\r\n')[:200]


def send_stored(name, *, content_type, download_name):
    path = os.path.join(folder(), name)
    if not os.path.isfile(path):
        from werkzeug.exceptions import NotFound
        raise NotFound()
    # PDFs download; images show inline. Either way the type is ours, never the uploader's.
    response = send_file(path, mimetype=content_type, download_name=download_name,
                         as_attachment=content_type == PDF, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
