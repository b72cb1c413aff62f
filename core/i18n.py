"""Which language a request is served in: Bahasa Indonesia unless the person chose otherwise."""
from functools import lru_cache

from blinker import Namespace
from flask import current_app, has_request_context, request, session
from babel import dates as babel_dates
from flask_babel import format_date, format_datetime, get_locale, get_timezone, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # CLI, worker: callers that write to a person wrap the work in force_locale().
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        # Other systems say what they want in Accept-Language; Indonesian otherwise.
        return request.accept_languages.best_match(list(languages), default="id")
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# Sent when a person picks a language on the site, after it is kept in their session. Core knows no
# pillar: accounts connects to it to keep a logged-in person's choice on their account (for their
# other devices and their e-mails). Sender: the app; arguments: user (current_user), language.
_signals = Namespace()
language_chosen = _signals.signal("language-chosen")


def select_timezone():
    return current_app.config["APP_TIMEZONE"]


# --- Template helpers that are cheap enough to call in a loop -------------------------------------
# Flask-Babel's template gettext looks up the context, the domain and the locale on every call
# (about 20 µs); a page with 20 inputs makes over a hundred calls. The catalogue for a locale
# never changes while the process runs, so it is looked up once per locale. get_locale() is still
# asked on every call, so force_locale() (e-mails in the recipient's language) keeps working.
_catalogues = {}


def _translations():
    locale = get_locale()
    try:
        return _catalogues[locale]
    except KeyError:
        _catalogues[locale] = catalogue = get_translations()
        return catalogue


def gettext(string, **variables):
    """flask_babel.gettext through the catalogue cache above."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string, **variables):
    """A label translated when shown (model and form labels): flask_babel's LazyString on gettext above."""
    return LazyString(gettext, string, **variables)


def lazy_pgettext(context, string):
    """A label whose English depends on where it stands ("Pengaduan": the menu's "Complaints", a
    complaint's type "Complaint"), translated when shown."""
    return LazyString(lambda: _translations().upgettext(context, string))


def before_full_stop(text):
    """A name that ends a sentence, without its own final full stop: the sentence's full stop
    closes both, so "Budi, S.Kom." gives "Selamat datang, Budi, S.Kom." and not "S.Kom..".
    """
    return text[:-1] if text and text.endswith(".") else text


def install_template_gettext(app):
    """Replace the i18n callables Flask-Babel gave Jinja with ones that reuse the catalogue."""
    app.jinja_env.install_gettext_callables(
        gettext=gettext,
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)


# One style per language for every date a person reads (pages, e-mails, PDFs), whatever the page
# asks for: "9 Desember 2026" and "9 Desember 2026 23.59 WIB"; in English "9 December 2026" and
# "9 December 2026 23:59 WIB" (Babel's own English styles would give "December 9, 2026", "12/9/26"
# and "+0700"). Only "full" differs: it names the weekday ("Rabu, 9 Desember 2026").
DAY = "d MMMM y"
WEEKDAY_DAY = "EEEE, d MMMM y"
CLOCK = {"id": "HH.mm"}  # Indonesian writes 23.59; English (and the rest) 23:59
DEFAULT_CLOCK = "HH:mm"


def _zone_label(value):
    """The city's zone as people in Indonesia name it (WIB, WITA, WIT) in every language; Babel's
    English has no such names and would print "+0700". Another zone: its usual short name."""
    zone = get_timezone()
    label = babel_dates.format_datetime(value, "zzz", tzinfo=zone, locale="id")
    if label[:1] in "+-" or label.startswith("GMT"):
        label = babel_dates.format_datetime(value, "z", tzinfo=zone, locale=str(get_locale()))
    return label


# Formatting a date through Babel costs about 100 µs (time zone, pattern, locale data); the same
# moments (a consultation's window, an input's date) are shown again and again, and the text for
# (moment, format, locale, zone) never changes.
@lru_cache(maxsize=16384)
def _formatted(kind, value, fmt, locale, _zone):
    day = format_date(value, WEEKDAY_DAY if fmt == "full" else DAY)
    if kind == "date":
        return day
    clock = format_datetime(value, CLOCK.get(getattr(locale, "language", None), DEFAULT_CLOCK))
    return f"{day} {clock} {_zone_label(value)}"


def format_day(value, fmt="long"):
    """A day (or the day of a moment in the city's zone): "23 November 2026" ("full": with the weekday)."""
    if not value:
        return ""
    return _formatted("date", value, fmt, get_locale(), current_app.config["APP_TIMEZONE"])


def format_moment(value, fmt="long"):
    """A moment in the city's zone, to the minute: "23 November 2026 15.30 WIB" ("full": with the weekday)."""
    if not value:
        return ""
    return _formatted("datetime", value, fmt, get_locale(), current_app.config["APP_TIMEZONE"])
