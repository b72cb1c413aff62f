"""The application factory, and the `app` that the flask CLI and gunicorn find (app:app)."""
import logging
import os

from flask import Flask
from flask_login import current_user

from config import INSTANCE_DIR, Config, engine_options


def create_app(config_object=Config, **overrides):
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config_object)
    app.config.update(overrides)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)  # the database's time limits
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.debug and not app.testing:
        # Timestamps: the worker's log must say when the database went away and came back.
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _set_secret_key(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    from core import input_guard
    input_guard.init_app(app)  # before the blueprints: their <int:...> rules take its converter
    _register_blueprints(app)
    _register_template_helpers(app)

    from core.errors import register_error_handlers
    from core.outbox import deliver_after_request
    from core.security import add_security_headers
    register_error_handlers(app)
    app.after_request(add_security_headers)
    app.after_request(deliver_after_request)

    from accounts.cli import users_cli
    from complaints.cli import complaints_cli
    from core.calendar_cli import calendar_cli
    from core.demo import demo_cli
    from training.cli import training_cli
    from scorecard.cli import scorecard_cli
    app.cli.add_command(scorecard_cli)
    app.cli.add_command(scorecard_cli, name="rapor")  # `flask rapor refresh`, the name the issue uses
    app.cli.add_command(users_cli)
    app.cli.add_command(complaints_cli)
    app.cli.add_command(demo_cli)
    from core.cli import outbox_cli, worker_command
    app.cli.add_command(outbox_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(training_cli)
    from flask_migrate.cli import db as db_cli
    from core.db_roles import grant_site_role_command
    db_cli.add_command(grant_site_role_command)  # `flask db grant-site-role`, beside `flask db upgrade`
    return app


# The value the README once documented as the default: anyone can sign a session with it.
PUBLISHED_SECRET_KEY = "dev-only-change-me"


def _set_secret_key(app):
    """SECRET_KEY from the environment, else one made on first start and kept in the instance folder.

    Every process of an installation (gunicorn workers, the worker) reads the same file; the
    published default is refused outside tests, since it lets anyone forge a session.
    """
    from core.instance_secrets import instance_secret
    if app.config.get("SECRET_KEY") == PUBLISHED_SECRET_KEY and not app.testing:
        raise RuntimeError(
            f"SECRET_KEY is {PUBLISHED_SECRET_KEY!r}, the value published in the README: anyone could sign "
            "a session cookie with it. Unset SECRET_KEY (the site then keeps a generated key in "
            f"{os.path.join(app.instance_path, 'secret-key')}) or set a long random value.")
    app.config["SECRET_KEY"] = instance_secret(app.instance_path, "secret-key",
                                               env_value=app.config.get("SECRET_KEY"))


def _init_extensions(app):
    from sqlalchemy import event

    from core import page_cache
    from core.extensions import babel, bootstrap, csrf, db, limiter, login_manager, mail, migrate
    from core.i18n import lazy_gettext as _l
    from core.i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # SQLite ignores foreign keys unless asked, per connection; WAL lets pages read
            # while another request writes, and busy_timeout waits for a writer instead of failing.
            # Connections are also opened outside an app context (the /healthz probe's thread):
            # the listener must not look up db.engine then.
            on_file = db.engine.url.database not in (None, "", ":memory:")

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA busy_timeout=5000")
                if on_file:
                    cursor.execute("PRAGMA journal_mode=WAL")
                cursor.close()
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    page_cache.init_app(app)  # after csrf: replaces the templates' csrf_token()
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    bootstrap.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id):
        from accounts.models import User
        user_id, _sep, stamp = (session_id or "").partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.security_stamp != stamp or not user.active:
            # A logged-out, re-passworded or deactivated session: drop all it holds (reporter passes too).
            from accounts.views import forget_session
            forget_session()
            return None
        return user


def _register_blueprints(app):
    import accounts
    import complaints
    import core
    import forum
    import scorecard
    import training

    app.register_blueprint(core.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(core.admin_bp)  # after every pillar added its admin pages
    app.register_blueprint(forum.bp)
    app.register_blueprint(complaints.bp)
    app.register_blueprint(complaints.api_bp)
    app.register_blueprint(training.bp)
    app.register_blueprint(training.api_bp)
    app.register_blueprint(scorecard.bp)
    app.register_blueprint(scorecard.api_bp)

    # Import every model so that Alembic and create_all see the whole schema.
    import accounts.models  # noqa: F401
    import complaints.models  # noqa: F401
    import forum.models  # noqa: F401
    import training.models  # noqa: F401
    import scorecard.models  # noqa: F401
    import core.audit  # noqa: F401
    import core.calendar  # noqa: F401
    import core.outbox  # noqa: F401
    import core.page_cache  # noqa: F401
    import core.notices  # noqa: F401


def _register_template_helpers(app):
    from core import permissions

    @app.context_processor
    def inject():
        return {
            "can": lambda action, obj=None: permissions.can(current_user, action, obj),
            "current_locale": _locale(),
            "languages": app.config["LANGUAGES"],
            "city_name": app.config["CITY_NAME"],
            "site_name": app.config["SITE_NAME"],
        }

    def _locale():
        from flask_babel import get_locale
        return str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])

    from core import layout
    layout.init_app(app)

    from core.i18n import format_day, format_moment, install_template_gettext
    from core.markdown import render as render_markdown
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["datetime"] = format_moment
    from core.audit import action_label
    app.jinja_env.filters["audit_action"] = action_label
    from core.audit import object_label
    app.jinja_env.filters["audit_object"] = object_label
    install_template_gettext(app)


def __getattr__(name):
    # `app` is built on first use (flask CLI, gunicorn app:app), so importing create_app in tests
    # does not also build an app on the default database.
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(name)
