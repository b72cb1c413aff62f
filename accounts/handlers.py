"""What accounts learn from core: a person's language choice."""
from core.i18n import language_chosen

from . import services


@language_chosen.connect
def keep_language_on_the_account(app, *, user, language, **_ignored):
    """A logged-in person's choice follows them to their other devices and into their e-mails."""
    services.set_locale(user, language)
