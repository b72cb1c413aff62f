"""Fixtures of the core tests: changing settings for one test, pointing forwarding at a receiver."""
import pytest

from tests.core.receiver import SECRET


@pytest.fixture
def settings(app):
    """Change app.config for one test; the app lives for the whole run, so restore it after."""
    saved = {}

    def change(**values):
        for name, value in values.items():
            saved.setdefault(name, app.config[name])
            app.config[name] = value
    yield change
    app.config.update(saved)


@pytest.fixture
def forward_to(settings):
    """Point forwarding at a URL (signed with SECRET), the way an operator would."""
    def point(url):
        settings(NATIONAL_FORWARD_URL=url, NATIONAL_FORWARD_SECRET=SECRET, NATIONAL_FORWARD_EMAIL="",
                 NATIONAL_FORWARD_TIMEOUT=2.0)
    return point
