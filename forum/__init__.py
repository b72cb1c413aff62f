"""Forum Konsultasi Publik (FKP): consultations, input threads, berita acara, follow-up."""
from flask import Blueprint

bp = Blueprint("forum", __name__, url_prefix="/forum")

from . import views  # noqa: E402,F401
