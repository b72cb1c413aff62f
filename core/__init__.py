"""What the pillars share: extensions, permissions, audit log, mail, errors, the site frame."""
from flask import Blueprint

bp = Blueprint("core", __name__)

from . import views  # noqa: E402,F401
