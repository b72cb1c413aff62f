"""Users, units and organisations: registration, log-in, and their administration."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import admin, cli, views  # noqa: E402,F401
