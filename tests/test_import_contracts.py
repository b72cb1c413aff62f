"""Dependencies point down: core knows no pillar, and no pillar uses another pillar's pages.

The import contracts live in .importlinter (run by import-linter); what import-linter cannot see,
templates and module names written as strings, is checked here by reading the files.
"""
import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Every package beside core is a pillar; a new one fails these checks until the contracts name it.
PILLARS = tuple(sorted(path.parent.name for path in ROOT.glob("*/__init__.py")
                       if path.parent.name not in {"core", "tests", "migrations", "bench"}))
PAGE_MODULE = re.compile(r"^(views|\w+_views|forms|\w+_forms|api|api_schemas|admin)$")


def test_every_pillar_is_a_root_package_of_the_contracts():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    assert "scorecard" in PILLARS
    assert set(config["importlinter"]["root_packages"].split()) == {"core", *PILLARS}


def test_the_import_contracts_hold():
    lint_imports = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    result = subprocess.run([lint_imports, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"lint-imports failed:\n{result.stdout}\n{result.stderr}"


def test_every_page_module_of_a_pillar_is_in_the_pages_contract():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    listed = set(config["importlinter:contract:pages-stay-in-their-pillar"]["forbidden_modules"].split())
    pages = {f"{pillar}.{path.stem}" for pillar in PILLARS for path in (ROOT / pillar).glob("*.py")
             if PAGE_MODULE.match(path.stem)}
    assert pages - listed == set(), "add these modules to the contract pages-stay-in-their-pillar in .importlinter"
    assert listed - pages == set(), "these modules of the contract no longer exist"


TEMPLATE_USE = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+["']([\w.-]+)/""")
RENDERED = re.compile(r"""["']([\w-]+)/[\w/.-]+\.(?:html|txt)["']""")


def test_no_pillar_uses_another_pillars_templates():
    """A pillar's templates and views use their own folder and the shared ones (base, macros, admin, emails)."""
    strays = []
    for pillar in PILLARS:
        others = set(PILLARS) - {pillar}
        for path in (ROOT / "templates" / pillar).rglob("*.*"):
            strays += [(str(path.relative_to(ROOT)), folder)
                       for folder in TEMPLATE_USE.findall(path.read_text()) if folder in others]
        for path in (ROOT / pillar).glob("*.py"):
            strays += [(str(path.relative_to(ROOT)), folder)
                       for folder in RENDERED.findall(path.read_text()) if folder in others]
    assert strays == []


PILLAR_TARGET = re.compile(r"""["'](?:%s)(?:\.\w+)*:\w+["']""" % "|".join(PILLARS))


def test_core_names_no_pillar_function_in_a_string():
    """import-linter cannot see a "module:function" that core would import by name (the worker's
    sweeps once were such names): pillars register what core calls instead."""
    named = [(path.name, match) for path in (ROOT / "core").glob("*.py")
             for match in PILLAR_TARGET.findall(path.read_text())]
    assert named == []
