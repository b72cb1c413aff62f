"""Browser tests: Debian's Chromium, driven by pytest-playwright, against a live server.

The server serves the same session-wide `app` (and database) as the rest of the suite, so the
fixtures of tests/conftest.py (`sent_mail`, `make_user`, the emptied database after each test) work
here too. The server runs in a thread of this process; each request pushes its own app context.

Without /usr/bin/chromium the tests are skipped with the reason, or fail when REQUIRE_BROWSER=1
(CI sets it, so a missing browser cannot pass silently).
"""
import os
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
NO_BROWSER = (f"Debian's Chromium is not installed at {CHROMIUM}: "
              "install it with `apt-get install chromium` (or `make browser` as root)")

# axe rules with these impacts fail a test; "minor" and "moderate" ones do not.
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # A conftest's runtest hooks only see the tests below it, i.e. the e2e tests. Running before
    # any fixture is set up means no browser launch is attempted without a browser.
    if os.access(CHROMIUM, os.X_OK):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{NO_BROWSER}. REQUIRE_BROWSER=1 is set, so the browser tests may not be skipped.",
                    pytrace=False)
    pytest.skip(NO_BROWSER)


def pytest_collection_modifyitems(items):
    # Every browser test is `e2e` (so `-m "not e2e"` leaves them all out), even in a module that
    # forgets its pytestmark. This hook sees the whole session's items: mark only this folder's.
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(pytest.mark.e2e)


# --- the browser -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options (--headed, --slowmo…), with Debian's Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": browser_type_launch_args.get("headless", True),
        # No sandbox: tests often run as root in a container, where Chromium's sandbox refuses
        # to start. The rest keeps Chromium from reaching the network on its own.
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


# --- the live server ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(app):
    """Serve the test app on a free local port for the whole run; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    # pytest-playwright gives each browser context this base URL, so tests write page.goto("/").
    return live_server


@pytest.fixture(autouse=True)
def _csrf_like_production(csrf_enabled):
    """The browser submits real forms, so CSRF is checked as in production (reset after each test)."""
    yield


# --- accessibility -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _axe():
    return Axe()


def _describe(violation):
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}  <{violation['helpUrl']}>"]
    for node in violation["nodes"]:
        # A target is a list of selectors when the node sits inside an iframe or shadow root.
        lines.append("    at " + " ".join(map(str, node["target"])))
        # The first check's message says what is wrong, e.g. the contrast ratio and both colours.
        checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
        if checks:
            lines.append("       " + checks[0]["message"])
    return "\n".join(lines)


@pytest.fixture
def check_a11y(_axe):
    """check_a11y(page): run axe-core on the page as it is now; fail on serious/critical violations.

    Call it after every navigation (and after anything that changes the page substantially).
    """
    def check(page):
        results = _axe.run(page)
        blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(f"axe-core: {len(blocking)} serious/critical accessibility violation(s) on {page.url}:\n"
                        + "\n".join(_describe(v) for v in blocking), pytrace=False)
        return results
    return check
