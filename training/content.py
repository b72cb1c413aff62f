"""The training modules the city ships with: training/content/*.json, loaded in file-name order.

File names start with a number so a module's prerequisite is loaded before the module that
needs it. `flask training load-content` and the demo seed call load_content(actor=SYSTEM); the
importer (training.authoring_services.import_module) checks the actor and each file, and writes
the module.
"""
import json
from pathlib import Path

from core import permissions
from core.extensions import db

CONTENT_DIR = Path(__file__).resolve().parent / "content"

LOADED, SKIPPED = "loaded", "skipped"


def content_files():
    """The shipped module files, in the order they are loaded."""
    return sorted(CONTENT_DIR.glob("*.json"), key=lambda path: path.name)


def read_content_file(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_content(*, actor, replace=False):
    """Import every shipped module; without replace, a module whose slug exists is left as it is.

    Returns [(slug, "loaded" | "skipped"), ...] in file order. A file the importer rejects raises
    its core.errors.DomainError, so a broken shipment is never half noticed. Authors only (checked
    before anything is read, also when every module would be skipped); the command line acts as SYSTEM.
    """
    permissions.require(actor, "training.author")
    from training.authoring_services import import_module
    from training.models import TrainingModule

    results = []
    for path in content_files():
        data = read_content_file(path)
        slug = data.get("slug")
        if not replace and slug and db.session.execute(
                db.select(TrainingModule.id).filter_by(slug=slug)).first() is not None:
            results.append((slug, SKIPPED))
            continue
        module = import_module(data, actor=actor, replace=replace)
        results.append((getattr(module, "slug", None) or slug, LOADED))
    return results
