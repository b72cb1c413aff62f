"""Users, units and organisations: registration, log-in, and their administration."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import admin, audit_labels, cli, views  # noqa: E402,F401
# What core calls without knowing accounts: the language choice kept on the account, the demo people.
from . import demo, handlers  # noqa: E402,F401
