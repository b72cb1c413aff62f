"""Which language a request is served in: Bahasa Indonesia unless the person chose otherwise.

The translation functions every pillar uses (`_`, `ngettext`, their lazy twins; the same signatures
as flask_babel's) look the request's catalogue up once and keep it on flask.g: Flask-Babel's own
would ask for the context, the domain and the locale again on each of a page's hundreds of calls.
"""
from functools import lru_cache

from babel import support
from blinker import Namespace
from flask import current_app, g, has_request_context, request, session
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


# --- Translation ----------------------------------------------------------------------------------
# Flask-Babel keeps the request's locale on g._flask_babel (`babel_locale`); force_locale() (an
# e-mail in its recipient's language) puts another Locale object there for a while, refresh()
# removes it. The catalogue kept on g is tied to the Locale object it was fetched for, so both are
# honoured while a call costs two attribute reads.
_NO_CATALOGUE = support.NullTranslations()  # outside an app context, as Flask-Babel: the msgid itself


def _translations():
    """The catalogue of the current language: fetched once per request (again only under force_locale)."""
    try:
        locale, catalogue = g.i18n_catalogue
        if locale is g._flask_babel.babel_locale:
            return catalogue
    except AttributeError:  # the first call of the request, or the locale was reset
        pass
    except RuntimeError:  # no app context (module import, a bare script)
        return _NO_CATALOGUE
    locale = get_locale()
    if locale is None:
        return _NO_CATALOGUE
    catalogue = get_translations()
    g.i18n_catalogue = (locale, catalogue)
    return catalogue


def gettext(string, **variables):
    text = _translations().ugettext(string)
    return text % variables if variables else text


_ = gettext


def ngettext(singular, plural, num, **variables):
    """Singular or plural by `num` (which the text may show as %(num)d)."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def pgettext(context, string, **variables):
    text = _translations().upgettext(context, string)
    return text % variables if variables else text


def npgettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    return _translations().unpgettext(context, singular, plural, num) % variables


def lazy_gettext(string, **variables):
    """A label translated when shown (model and form labels)."""
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular, plural, num, **variables):
    return LazyString(ngettext, singular, plural, num, **variables)


def lazy_pgettext(context, string, **variables):
    """A label whose English depends on where it stands ("Pengaduan": the menu's "Complaints", a
    complaint's type "Complaint"), translated when shown."""
    return LazyString(pgettext, context, string, **variables)


def lazy_npgettext(context, singular, plural, num, **variables):
    return LazyString(npgettext, context, singular, plural, num, **variables)


def before_full_stop(text):
    """A name that ends a sentence, without its own final full stop: the sentence's full stop
    closes both, so "Budi, S.Kom." gives "Selamat datang, Budi, S.Kom." and not "S.Kom..".
    """
    return text[:-1] if text and text.endswith(".") else text


def install_template_gettext(app):
    """Templates' `_`, gettext, ngettext... are the functions above (Jinja formats the variables)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, num: _translations().ungettext(singular, plural, num),
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: _translations().unpgettext(context, singular, plural, num),
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
