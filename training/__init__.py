"""Pelatihan: code-of-ethics modules, quizzes, certificates, completion reports."""
from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/pelatihan")

from . import views  # noqa: E402,F401
