"""Every setting of the platform, read from the environment.

Each setting has a documented default so that `make run` works with nothing set; the README
lists them all. Production sets at least SECRET_KEY, DATABASE_URL and the MAIL_* settings.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def database_url(url):
    """Let people write plain postgres:// or postgresql:// URLs; we speak psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def engine_options(config):
    """SQLALCHEMY_ENGINE_OPTIONS with the database's time limits merged in.

    On PostgreSQL every connection gets a connect timeout, TCP keepalives and a TCP user timeout
    (a dead or blackholed server is noticed in seconds, not after the kernel's ~15 minutes), and
    statement and lock timeouts (a stuck query or a held lock fails instead of holding a worker).
    Options already given (the tests' search_path) are kept: connect_args are merged, and libpq
    `options` strings are joined. SQLite keeps its busy_timeout (set per connection in app.py).
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        return options
    options.setdefault("pool_timeout", config["DB_POOL_TIMEOUT"])
    limits = {
        "connect_timeout": max(1, round(config["DB_CONNECT_TIMEOUT"])),  # libpq: whole seconds
        "keepalives": 1,
        "keepalives_idle": config["DB_KEEPALIVES_IDLE"],
        "keepalives_interval": config["DB_KEEPALIVES_INTERVAL"],
        "keepalives_count": config["DB_KEEPALIVES_COUNT"],
        "tcp_user_timeout": round(config["DB_TCP_USER_TIMEOUT"] * 1000),  # milliseconds
    }
    server = (f"-c statement_timeout={round(config['DB_STATEMENT_TIMEOUT'] * 1000)}"
              f" -c lock_timeout={round(config['DB_LOCK_TIMEOUT'] * 1000)}")
    connect_args = {**limits, **(options.get("connect_args") or {})}
    if "statement_timeout" not in connect_args.get("options", ""):  # not merged in already
        connect_args["options"] = " ".join(filter(None, [server, connect_args.get("options")]))
    options["connect_args"] = connect_args
    return options


class Config:
    # --- site -------------------------------------------------------------------------------
    # Unset: create_app() generates one on first start and keeps it in instance/secret-key (0600).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    # The government that runs the site; nothing else in the code names a city.
    CITY_NAME = os.environ.get("CITY_NAME", "Kota Contoh")
    SITE_NAME = os.environ.get("SITE_NAME", "Layanan Partisipasi Publik")
    APP_TIMEZONE = os.environ.get("APP_TIMEZONE", "Asia/Jakarta")
    # The site's public address, for links in e-mails written outside a request (worker, CLI).
    EXTERNAL_URL = os.environ.get("EXTERNAL_URL", "http://127.0.0.1:5000")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    # --- database ---------------------------------------------------------------------------
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'platform.sqlite'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Time limits on PostgreSQL, in seconds (engine_options() above turns them into libpq's).
    DB_CONNECT_TIMEOUT = _float("DB_CONNECT_TIMEOUT", 5)
    DB_STATEMENT_TIMEOUT = _float("DB_STATEMENT_TIMEOUT", 30)
    DB_LOCK_TIMEOUT = _float("DB_LOCK_TIMEOUT", 10)
    DB_POOL_TIMEOUT = _float("DB_POOL_TIMEOUT", 10)
    DB_KEEPALIVES_IDLE = _int("DB_KEEPALIVES_IDLE", 30)
    DB_KEEPALIVES_INTERVAL = _int("DB_KEEPALIVES_INTERVAL", 10)
    DB_KEEPALIVES_COUNT = _int("DB_KEEPALIVES_COUNT", 3)
    DB_TCP_USER_TIMEOUT = _float("DB_TCP_USER_TIMEOUT", 30)
    # /healthz answers 503 when the database has not answered within this many seconds.
    HEALTHZ_TIMEOUT = _float("HEALTHZ_TIMEOUT", 2)
    # The tables' owner, for `flask db upgrade` and `flask db grant-site-role` when the site's own
    # DATABASE_URL is a role that owns nothing (core/db_roles.py). Unset: the site's URL.
    MIGRATION_DATABASE_URI = (database_url(os.environ["MIGRATION_DATABASE_URL"])
                              if os.environ.get("MIGRATION_DATABASE_URL") else None)

    # --- sessions and security --------------------------------------------------------------
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = _int("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    # Sent only when the site is served over HTTPS (SESSION_COOKIE_SECURE).
    HSTS_SECONDS = _int("HSTS_SECONDS", 31536000)
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 26 * 1024 * 1024)
    EMAIL_TOKEN_MAX_AGE = _int("EMAIL_TOKEN_MAX_AGE", 48 * 3600)
    RESET_TOKEN_MAX_AGE = _int("RESET_TOKEN_MAX_AGE", 3600)
    PASSWORD_MIN_LENGTH = _int("PASSWORD_MIN_LENGTH", 10)

    # --- rate limits (Flask-Limiter) --------------------------------------------------------
    # memory:// serves one process; set redis://host:6379 when several processes serve.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # How many proxies (nginx, a load balancer) stand in front of the site and set X-Forwarded-*.
    # 0 trusts no header: behind a proxy every visitor would share the proxy's address, and the
    # per-address log-in and complaint limits would then throttle everyone at once.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Per (e-mail address tried, IP address): a stranger hammering an account never locks its owner out.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour")
    # Per account only a bounded delay (accounts/throttle.py): after this many failures in the window,
    # each attempt on the account waits LOGIN_SLOWDOWN_SECONDS.
    LOGIN_SLOWDOWN_AFTER = _int("LOGIN_SLOWDOWN_AFTER", 10)
    LOGIN_SLOWDOWN_SECONDS = float(os.environ.get("LOGIN_SLOWDOWN_SECONDS", "2"))
    LOGIN_SLOWDOWN_WINDOW_SECONDS = _int("LOGIN_SLOWDOWN_WINDOW_SECONDS", 900)
    EMAIL_RATE_LIMIT = os.environ.get("EMAIL_RATE_LIMIT", "5 per minute;20 per hour")

    # --- page cache for anonymous visitors (core/page_cache.py, Flask-Caching) -----------------
    # SimpleCache is per process; set CACHE_TYPE=RedisCache and CACHE_REDIS_URL to share it.
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 60)
    # Parts of pages every viewer sees alike, kept for signed-in people and for visitors whose page
    # is rendered (cached_fragment); 0 turns them off. Independent of PAGE_CACHE_SECONDS.
    FRAGMENT_CACHE_SECONDS = _int("FRAGMENT_CACHE_SECONDS", 60)
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_THRESHOLD = _int("CACHE_THRESHOLD", 1000)
    CACHE_DEFAULT_TIMEOUT = PAGE_CACHE_SECONDS

    # --- mail (Flask-Mail) ------------------------------------------------------------------
    # Without MAIL_SERVER the site writes each e-mail to the log instead of sending it, so a
    # newcomer can follow the verification link from the terminal.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@localhost")
    MAIL_SUPPRESS_SEND = _bool("MAIL_SUPPRESS_SEND", not MAIL_SERVER)
    # Seconds the SMTP connection waits for each step (connect, greeting, every command).
    MAIL_TIMEOUT = _float("MAIL_TIMEOUT", 10)

    # --- language ---------------------------------------------------------------------------
    LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = APP_TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # --- complaints ------------------------------------------------------------------------
    COMPLAINT_SLA_WORKING_DAYS = _int("COMPLAINT_SLA_WORKING_DAYS", 5)
    COMPLAINT_VERIFY_WORKING_DAYS = _int("COMPLAINT_VERIFY_WORKING_DAYS", 3)
    COMPLAINT_AUTOCLOSE_WORKING_DAYS = _int("COMPLAINT_AUTOCLOSE_WORKING_DAYS", 10)
    COMPLAINT_RATE_LIMIT = os.environ.get("COMPLAINT_RATE_LIMIT", "5 per minute;30 per hour;100 per day")
    COMPLAINT_MAX_ATTACHMENTS = _int("COMPLAINT_MAX_ATTACHMENTS", 5)
    # A closed or rejected complaint's reporter name, e-mail and phone are erased by the worker
    # this many months after it was finished (the case and its statistics stay; /privasi says so).
    COMPLAINT_IDENTITY_RETENTION_MONTHS = max(1, _int("COMPLAINT_IDENTITY_RETENTION_MONTHS", 24))

    # --- privacy -----------------------------------------------------------------------------
    # Where people exercise their rights over their personal data (UU 27/2022), shown on /privasi.
    # Unset: the page points to the city's PPID and the complaint form instead of an address.
    PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "")

    # --- forum (Forum Konsultasi Publik) ---------------------------------------------------
    FORUM_RESPONSE_WORKING_DAYS = _int("FORUM_RESPONSE_WORKING_DAYS", 10)
    FORUM_EDIT_MINUTES = _int("FORUM_EDIT_MINUTES", 30)
    FORUM_RATE_LIMIT = os.environ.get("FORUM_RATE_LIMIT", "10 per minute;100 per hour")
    # A unit that held no consultation for this many months is flagged to moderators.
    FORUM_UNIT_IDLE_MONTHS = _int("FORUM_UNIT_IDLE_MONTHS", 12)
    # Work notices chosen as a daily digest leave once a day from this hour (local time, 0-23).
    NOTICE_DIGEST_HOUR = _int("NOTICE_DIGEST_HOUR", 7)

    # --- training -------------------------------------------------------------------------
    # A certificate holder is reminded to retake a module this many days before it expires.
    TRAINING_REMINDER_DAYS = _int("TRAINING_REMINDER_DAYS", 30)

    # --- scorecard (rapor pelayanan publik) -------------------------------------------------
    # The worker brings the scorecard's figures up to date at most this often (seconds)...
    SCORECARD_REFRESH_SECONDS = _int("SCORECARD_REFRESH_SECONDS", 300)
    # ...and rebuilds them whole this often (hours): what leaves no timestamp (a calendar correction).
    SCORECARD_FULL_REBUILD_HOURS = _int("SCORECARD_FULL_REBUILD_HOURS", 24)
    # Each refresh looks this far behind the previous one, for transactions that committed late.
    SCORECARD_WATERMARK_OVERLAP_SECONDS = _int("SCORECARD_WATERMARK_OVERLAP_SECONDS", 300)
    # Rows of the units table on /rapor per page.
    SCORECARD_UNITS_PER_PAGE = _int("SCORECARD_UNITS_PER_PAGE", 50)
    # The licence of the scorecard's open data (/rapor.csv, /api/v1/rapor), named on /rapor/data.
    OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "CC BY 4.0")
    OPEN_DATA_LICENCE_URL = os.environ.get("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.id")

    # Followers of a unit get one weekly digest, from this day (1 = Monday ... 7 = Sunday) and
    # hour (local time, 0-23) of each week.
    SCORECARD_DIGEST_WEEKDAY = _int("SCORECARD_DIGEST_WEEKDAY", 1)
    SCORECARD_DIGEST_HOUR = _int("SCORECARD_DIGEST_HOUR", 7)
    # A unit's Atom feed (/rapor/unit/<id>/feed.atom) reaches this many weeks back.
    SCORECARD_FEED_WEEKS = _int("SCORECARD_FEED_WEEKS", 8)

    # --- uploads ----------------------------------------------------------------------------
    # Outside static/: files are served only by views that check who asks.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    UPLOAD_MAX_BYTES = _int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
    # Width x height read from an image's header before decoding: a small PNG can unpack to gigabytes.
    UPLOAD_MAX_PIXELS = _int("UPLOAD_MAX_PIXELS", 40_000_000)

    # --- personal data encrypted at rest (core/encryption.py) -------------------------------
    # Comma-separated Fernet keys, first encrypts, all decrypt; unset: generated once into
    # instance/data_encryption.key. Back it up apart from the database.
    DATA_ENCRYPTION_KEY = os.environ.get("DATA_ENCRYPTION_KEY", "")

    # --- forwarding to the national complaint system (SP4N-LAPOR!) ---------------------------
    # Its name where content speaks of it ({{sistem_pengaduan_nasional}} in training content).
    NATIONAL_SYSTEM_NAME = os.environ.get("NATIONAL_SYSTEM_NAME", "SP4N-LAPOR!")
    NATIONAL_FORWARD_URL = os.environ.get("NATIONAL_FORWARD_URL", "")
    NATIONAL_FORWARD_SECRET = os.environ.get("NATIONAL_FORWARD_SECRET", "")
    NATIONAL_FORWARD_EMAIL = os.environ.get("NATIONAL_FORWARD_EMAIL", "")
    NATIONAL_FORWARD_TIMEOUT = float(os.environ.get("NATIONAL_FORWARD_TIMEOUT", "10"))
    # Connections to it are kept for the next forward, unless unused this long (a firewall may
    # forget an idle connection without a word; the next forward would wait out its timeout).
    NATIONAL_FORWARD_KEEPALIVE_SECONDS = float(os.environ.get("NATIONAL_FORWARD_KEEPALIVE_SECONDS", "15"))

    # --- outbox and worker ------------------------------------------------------------------
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_BACKOFF_SECONDS = _int("OUTBOX_BACKOFF_SECONDS", 30)
    OUTBOX_BACKOFF_MAX_SECONDS = _int("OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600)
    OUTBOX_CLAIM_SECONDS = _int("OUTBOX_CLAIM_SECONDS", 300)
    # How many messages a delivery pass sends at once (threads waiting on the receiver or SMTP).
    OUTBOX_DELIVERY_CONCURRENCY = _int("OUTBOX_DELIVERY_CONCURRENCY", 8)
    # Send a request's e-mails right after its response is built (the worker retries failures).
    OUTBOX_DELIVER_IMMEDIATELY = _bool("OUTBOX_DELIVER_IMMEDIATELY", True)
    WORKER_SWEEP_SECONDS = _int("WORKER_SWEEP_SECONDS", 60)
    WORKER_OUTBOX_SECONDS = _int("WORKER_OUTBOX_SECONDS", 5)

    # --- pages ------------------------------------------------------------------------------
    PER_PAGE = _int("PER_PAGE", 20)

    # --- Bootstrap-Flask: assets from the package, never a CDN ------------------------------
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    DATA_ENCRYPTION_KEY = "NWpUjDFfZtxVATmuPqFN7z4orqLZyPKXo37er14MKa8="
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    MAIL_SUPPRESS_SEND = True
    MAIL_DEFAULT_SENDER = "noreply@example.com"
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_MIN_LENGTH = 10
    NATIONAL_FORWARD_URL = ""
    NATIONAL_FORWARD_SECRET = "test-forward-secret"
    NATIONAL_FORWARD_EMAIL = ""
    OUTBOX_BACKOFF_SECONDS = 30
