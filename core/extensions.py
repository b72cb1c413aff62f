"""The Flask extensions, created once here and bound to the app in create_app()."""
from flask import request
from flask_babel import Babel
from flask_caching import Cache
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from .mailer_connection import TimedMail

# Named constraints so that Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = TimedMail()  # Flask-Mail whose SMTP connection has a time limit (MAIL_TIMEOUT)
babel = Babel()
bootstrap = Bootstrap5()
cache = Cache()  # pages for anonymous visitors (core/page_cache.py)
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def form_value(name):
    """Rate-limit key from a submitted form field (e.g. the e-mail address being tried)."""
    return (request.form.get(name) or "").strip().lower() or get_remote_address()
