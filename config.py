"""Configuration classes. Environment is read in the factory (experiments.create_app)."""

from datetime import timedelta


class Config:
    PRODUCTION = False
    # From the environment; without it (development) a random key kept in instance/secret_key.
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = "sqlite:///kokeilu.sqlite3"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Request bodies over 1 MiB are refused with 413 (SPEC: JSON API).
    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a long proposal must not lose its CSRF token
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    LANGUAGES = ("fi", "sv", "en")
    BABEL_TRANSLATION_DIRECTORIES = "../translations"  # relative to the experiments package
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # E-mail: "file" writes each message to MAIL_FILE_PATH (the development outbox).
    MAIL_BACKEND = "file"
    MAIL_FILE_PATH = None  # defaults to <instance>/outbox
    MAIL_DEFAULT_SENDER = "kokeilu@example.invalid"
    MAIL_TIMEOUT = 10  # seconds; a hung mail server must not hold a delivery for long
    # Mail is stored with the change that causes it (the outbox) and sent by `flask mail
    # deliver`. In development and tests the commit that stored it also delivers it at
    # once, so that `make run` needs no second process; production runs
    # `flask mail deliver --loop` beside the app servers instead.
    MAIL_DELIVER_AFTER_COMMIT = True
    MAIL_DELIVER_INTERVAL = 10  # seconds between the rounds of `flask mail deliver --loop`
    # Throttling counters: memory:// is per process; several app servers share
    # redis://host:6379/0 (RATELIMIT_STORAGE_URI in the environment).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    API_TOKEN_LIFETIME = timedelta(days=30)
    # Staff, managers and admins must sign in with a one-time code (TOTP) as well.
    REQUIRE_TOTP = False
    TOTP_ISSUER = "Kokeilu"
    # Fernet keys that encrypt the stored TOTP secrets, comma-separated, newest first
    # (older ones still decrypt). None: one key derived from SECRET_KEY.
    TOTP_ENCRYPTION_KEYS: str | None = None
    # Links sent by e-mail: password reset, confirming a new account's address.
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    EMAIL_CONFIRM_MAX_AGE = timedelta(days=3)
    # The link with which a new staff, manager or admin account sets up its second factor.
    TOTP_ENROLMENT_MAX_AGE = timedelta(hours=72)
    # Behind a reverse proxy: how many proxies' X-Forwarded-* headers to trust (0: none).
    PROXY_FIX = 0
    # Strict-Transport-Security max-age in seconds; 0 sends no header.
    HSTS_SECONDS = 0
    PREFERRED_URL_SCHEME = "http"
    # Public pages kept per worker for anonymous readers (experiments/page_cache.py): at
    # most this many bytes in all (0: none kept), and a page larger than the second figure
    # is not kept (a 304 still answers it).
    PAGE_CACHE_BYTES = 32 * 1024 * 1024
    PAGE_CACHE_ENTRY_BYTES = 2 * 1024 * 1024
    # /metrics answers this host itself, or a request with "Authorization: Bearer <token>".
    METRICS_TOKEN: str | None = None
    # Who publishes the open data (the DCAT catalogue, the feeds' author), in each language,
    # and the address its users write to.
    OPEN_DATA_PUBLISHER = {"fi": "Espoon kaupunki", "sv": "Esbo stad", "en": "City of Espoo"}
    OPEN_DATA_CONTACT_EMAIL = "kokeilu@example.invalid"
    # "json": one JSON object per log line on stderr; "text": Python's default.
    LOG_FORMAT = "text"


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"  # fixed: the tests write nothing into instance/
    # The tests' one language choice: pages asked for with none, work outside a request and
    # users made without one read English, so tests quote the source strings. Tests of the
    # shipped default (Finnish) build the app with Config's.
    BABEL_DEFAULT_LOCALE = "en"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    MAIL_BACKEND = "locmem"
    RATELIMIT_ENABLED = False  # tests of throttling turn it on
    SERVER_NAME = None


class ProductionConfig(Config):
    PRODUCTION = True
    # __Host- cookies are HTTPS-only, host-only and site-wide: no subdomain can set them.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 365 * 24 * 3600
    # If the shared limiter store is down, keep throttling in each worker's memory.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    MAIL_BACKEND = "smtp"
    MAIL_DELIVER_AFTER_COMMIT = False  # a request never waits on the mail server
    REQUIRE_TOTP = True
    LOG_FORMAT = "json"
    # Recommended (not required): TOTP_ENCRYPTION_KEYS in the environment, a key of its own
    # for the stored second-factor secrets, so that a leaked SECRET_KEY does not reveal them
    # too. Make one with cryptography's Fernet.generate_key(); to rotate, list the new key
    # first and keep the old one after it. Without it the key is derived from SECRET_KEY,
    # and changing SECRET_KEY then makes every enrolled second factor unreadable.
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
