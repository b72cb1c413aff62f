"""Domain errors raised by services, and the site's error pages (HTML or JSON)."""
from flask import g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from .i18n import gettext as _

# How long a page asks the visitor (and a client's retry) to wait when the database is away.
UNAVAILABLE_RETRY_AFTER = 30


class DomainError(Exception):
    """A rule forbids the operation; the message is a translated sentence for the user."""

    status_code = 400

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this to this object."""

    status_code = 403


class NotFound(DomainError):
    status_code = 404


def _messages():
    # Built per request so the sentences are in the visitor's language.
    return {
        400: (_("Permintaan tidak dapat diproses"),
              _("Data yang dikirim tidak lengkap atau tidak sesuai. Periksa kembali isian Anda lalu coba lagi.")),
        403: (_("Akses ditolak"),
              _("Anda tidak memiliki izin untuk membuka halaman ini. Jika menurut Anda ini keliru, hubungi admin.")),
        404: (_("Halaman tidak ditemukan"),
              _("Alamat yang Anda buka tidak ada atau sudah dipindahkan.")),
        405: (_("Metode tidak diizinkan"),
              _("Halaman ini tidak menerima permintaan dengan cara tersebut.")),
        413: (_("Berkas terlalu besar"),
              _("Berkas yang Anda kirim melebihi batas ukuran. Perkecil berkas lalu coba lagi.")),
        429: (_("Terlalu banyak percobaan"),
              _("Anda mencoba terlalu sering. Tunggu beberapa menit lalu coba lagi.")),
        500: (_("Terjadi kesalahan pada server"),
              _("Maaf, terjadi kesalahan di pihak kami. Kesalahan sudah dicatat; silakan coba lagi nanti.")),
        503: (_("Layanan sedang tidak tersedia"),
              _("Layanan sedang sibuk atau dalam pemeliharaan. Data Anda tidak hilang; silakan coba lagi "
                "dalam beberapa saat.")),
    }


def wants_json():
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def error_response(status, detail=None):
    title, text = _messages().get(status, _messages()[500 if status >= 500 else 400])
    if wants_json():
        return jsonify({"error": {"status": status, "title": title, "message": detail or text}}), status
    return render_template("errors/error.html", status=status, title=title, text=text,
                           detail=detail), status


def database_unavailable(e):
    """Whether an error means the database is away or too slow now (not a bug in a query)."""
    if isinstance(e, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True  # refused, unreachable, timed out, statement or lock timeout, pool exhausted
    return isinstance(e, sa_exc.DBAPIError) and e.connection_invalidated


def unavailable_response():
    """The friendly 503 page, drawn without touching the database (it may be what is away)."""
    from .extensions import db, login_manager
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the session is discarded at teardown
        pass
    # Drawn as for a visitor: loading the signed-in user, or refreshing the one the rollback
    # expired, would ask the database again.
    g._login_user = login_manager.anonymous_user()
    response = make_response(*error_response(503))
    response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return error_response(400, _("Formulir kedaluwarsa atau token keamanan (CSRF) tidak ada. "
                                     "Muat ulang halaman lalu kirim kembali."))

    @app.errorhandler(HTTPException)
    def http_error(e):
        if e.code is None or e.code < 400:
            return e
        return error_response(e.code)

    @app.errorhandler(NotAllowed)
    def not_allowed(e):
        return error_response(403, e.message)

    @app.errorhandler(NotFound)
    def not_found(e):
        return error_response(404, e.message)

    @app.errorhandler(Exception)
    def unexpected(e):
        if database_unavailable(e):
            app.logger.error("Database unavailable on %s %s: %s: %s", request.method, request.path,
                             type(e).__name__, e)
            return unavailable_response()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        from .extensions import db
        db.session.rollback()
        return error_response(500)
