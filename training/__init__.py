"""Pelatihan: code-of-ethics modules, quizzes, certificates, completion reports, shipped content.

One module per concern, each with *_services.py (every state change), *_forms.py, *_views.py:
learning (modules, lessons, progress, quiz), certificate (issue, PDF, verify, revoke), authoring
(admin editing, JSON import/export), report (completion per unit and module, CSV); content.py and
content/*.json are the modules the city ships with (`flask training load-content`).
"""
from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/pelatihan")
api_bp = Blueprint("training_api", __name__, url_prefix="/api/v1")

from .placeholders import fill, listed  # noqa: E402

# Training content names the city's settings ({{nama_kota}}...); pages fill them when shown.
bp.add_app_template_filter(fill, "fill_placeholders")
bp.add_app_template_global(listed, "training_placeholders")

from . import audit_labels, authoring_views, certificate_views, learning_views, report_views  # noqa: E402,F401
# What core calls without knowing training: the expiry reminder sweep, the demo.
from . import certificate_services, demo  # noqa: E402,F401
