"""Uploaded files: type checked from the content, stored outside static/ under random names.

Nothing here serves a file: each pillar's view decides who may see one and sends it with
`send_stored()`. Photos are re-encoded without their metadata, so an anonymous reporter's photo
does not carry the phone's GPS position or name.

What an upload may cost: at most UPLOAD_MAX_BYTES, and an image at most UPLOAD_MAX_PIXELS
(width x height read from its header before anything is decoded: a 0.5 MB PNG can unpack to
gigabytes). The type, and so the stored and downloaded file's extension, comes from the bytes,
never from the uploader's file name.

An operation completes or leaves nothing behind: `store()` writes into a staging folder and
the file moves into place only when the database transaction commits (a rollback deletes it).
A request killed between the two leaves a staged file that `sweep_staged()` (a worker sweep)
removes once it is STAGED_MAX_AGE old, so no reporter's photo stays on disk without its row.
"""
import io
import os
import secrets
import time
import warnings

from flask import current_app, send_file
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import worker
from .errors import DomainError
from .extensions import db
from .i18n import gettext as _

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}
STAGING = ".staging"  # inside the upload folder: same file system, so the move is atomic
STAGED_MAX_AGE = 3600  # seconds; older staged files belong to no live request
_PENDING = "uploads.staged"  # session.info key: names staged in the current transaction


def sniff(data):
    """The content type that the bytes themselves announce, or None."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def _too_many_pixels(filename):
    million = round(current_app.config["UPLOAD_MAX_PIXELS"] / 1_000_000, 1)
    return DomainError(_("Gambar %(name)s terlalu besar: paling banyak %(million)s juta piksel. Perkecil "
                         "fotonya lalu unggah lagi.", name=filename, million=million), field="attachments")


def _strip_metadata(filename, data, content_type):
    try:
        with warnings.catch_warnings():
            # Pillow warns of a decompression bomb; the pixel limit below is ours and stricter.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
        with image:
            width, height = image.size
            if width * height > current_app.config["UPLOAD_MAX_PIXELS"]:
                raise _too_many_pixels(filename)  # before load(): decoding is what costs the memory
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
            out = io.BytesIO()
            if content_type == JPEG:
                image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except Image.DecompressionBombError:  # Pillow's own limit (twice its default of 89 M pixels)
        raise _too_many_pixels(filename) from None
    except (UnidentifiedImageError, OSError, ValueError):
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
        data = _strip_metadata(filename, data, content_type)
    return content_type, data


def folder():
    path = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(os.path.join(path, STAGING), exist_ok=True)
    return path


def _staged(name):
    return os.path.join(folder(), STAGING, name)


def store(data, content_type=None):
    """Stage the bytes under a new random name (with the extension of their detected type).

    The file moves into the upload folder when the current transaction commits and is deleted
    if it rolls back; returns the name, to be written in the row that refers to the file.
    """
    name = secrets.token_hex(16) + EXTENSIONS.get(content_type, "")
    with open(_staged(name), "xb") as f:
        f.write(data)
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback with no SQL yet still reaches _delete_staged
    session.info.setdefault(_PENDING, []).append(name)
    return name


@event.listens_for(Session, "after_commit")
def _move_staged_into_place(session):
    if session.in_nested_transaction():
        return  # a savepoint: the files wait for the real commit
    for name in session.info.pop(_PENDING, ()):
        try:
            os.replace(_staged(name), os.path.join(folder(), name))
        except FileNotFoundError:  # deleted before the commit (the operation dropped it)
            pass


@event.listens_for(Session, "after_soft_rollback")
def _delete_staged(session, previous_transaction):
    if previous_transaction.nested:
        return
    for name in session.info.pop(_PENDING, ()):
        _remove(_staged(name))


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def delete(name):
    """Remove a stored (or still staged) file."""
    _remove(os.path.join(folder(), name))
    _remove(_staged(name))


@worker.sweep(order=40)
def sweep_staged(now=None, **_ignored):
    """Remove staged files older than STAGED_MAX_AGE (their request died before commit or rollback)."""
    cutoff = (now.timestamp() if now is not None else time.time()) - STAGED_MAX_AGE
    removed = 0
    with os.scandir(os.path.join(folder(), STAGING)) as entries:
        for entry in entries:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                _remove(entry.path)
                removed += 1
    return removed


def clean_name(filename):
    """A display name without any path, safe for a Content-Disposition header."""
    base = os.path.basename((filename or "").replace("\\", "/")).strip() or "berkas"
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"\r\n')[:200]


def display_name(filename, content_type):
    """The uploader's file name with the extension of the detected type (x.html holding a PDF: x.pdf)."""
    stem = os.path.splitext(clean_name(filename))[0] or "berkas"
    return stem[:190] + EXTENSIONS.get(content_type, "")


def send_stored(name, *, content_type, download_name):
    path = os.path.join(folder(), name)
    download_name = display_name(download_name, content_type)
    if not os.path.isfile(path):
        from werkzeug.exceptions import NotFound
        raise NotFound()
    # PDFs download; images show inline. Either way the type is ours, never the uploader's.
    response = send_file(path, mimetype=content_type, download_name=download_name,
                         as_attachment=content_type == PDF, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
