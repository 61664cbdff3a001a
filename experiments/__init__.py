"""Kokeilu: a city's experiment programme. The application factory."""

import os

from flask import Flask

from config import CONFIGS

from .secrets_at_rest import parse_keys
from .uploads import Request


def create_app(
    config_name: str | None = None, *, instance_path: str | None = None, **overrides
) -> Flask:
    """Build the app: configuration, extensions, blueprints, errors, CLI, template helpers.

    instance_path (absolute) replaces the project's instance/ folder, e.g. in tests.
    """
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    name = config_name or os.environ.get("KOKEILU_CONFIG", "development")
    app.request_class = Request  # views that take files allow longer bodies (uploads.py)
    app.config.from_object(CONFIGS[name])
    _read_environment(app, production=app.config["PRODUCTION"])
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        _instance_secret_key(app)

    from . import (  # noqa: F401 (audit, review_scores, search listen)
        audit,
        database,
        fragment_cache,
        i18n,
        metrics,
        page_cache,
        request_log,
        review_scores,
        search,
        security,
    )
    from .cli import register_cli
    from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from .views import register_blueprints
    from .views.errors import register_error_handlers

    database.configure(app)
    db.init_app(app)
    request_log.init_app(app)  # first: every later hook's log lines carry the request id
    metrics.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.timezone)
    login_manager.init_app(app)
    security.init_app(app)
    page_cache.init_app(app)  # after security: its hooks run before the security headers
    i18n.init_app(app)
    fragment_cache.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def _instance_secret_key(app: Flask) -> None:
    """No SECRET_KEY given (development): a random key of this instance, the same every start."""
    from .security import INSTANCE_KEY_FILE, instance_secret_key

    app.config["SECRET_KEY"], made = instance_secret_key(app.instance_path)
    if made:
        app.logger.warning(
            "SECRET_KEY is not set: sessions are signed with a random key made in %s, "
            "kept for later starts (production needs SECRET_KEY)",
            os.path.join(app.instance_path, INSTANCE_KEY_FILE),
        )


def _flag(value: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected 1 or 0, got {value!r}")


def _fernet_keys(value: str) -> str:
    parse_keys(value)  # a malformed key stops the start, not the first sign-in
    return value


def _log_format(value: str) -> str:
    if value not in ("json", "text"):
        raise ValueError(f"expected json or text, got {value!r}")
    return value


def _names_by_language(value: str) -> dict[str, str]:
    """`fi=Espoon kaupunki;sv=Esbo stad;en=City of Espoo`: a name in each language."""
    names = {}
    for part in value.split(";"):
        language, sep, name = part.partition("=")
        if not sep or not language.strip() or not name.strip():
            raise ValueError(f"expected language=name pairs separated by ';', got {part!r}")
        names[language.strip()] = name.strip()
    return names


# Further settings that the environment may give (README: Production), and their types.
_SETTINGS = {
    "RATELIMIT_STORAGE_URI": str,
    "PROXY_FIX": int,
    "REQUIRE_TOTP": _flag,
    "MAIL_BACKEND": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": _flag,
    "MAIL_USE_SSL": _flag,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": int,
    "MAIL_DELIVER_AFTER_COMMIT": _flag,
    "MAIL_DELIVER_INTERVAL": float,
    "TOTP_ENCRYPTION_KEYS": _fernet_keys,
    "METRICS_TOKEN": str,
    "LOG_FORMAT": _log_format,
    "OPEN_DATA_PUBLISHER": _names_by_language,
    "OPEN_DATA_CONTACT_EMAIL": str,
}


def _read_environment(app: Flask, production: bool) -> None:
    """Take DATABASE_URL and SECRET_KEY from the environment; production requires both."""
    url = os.environ.get("DATABASE_URL")
    secret = os.environ.get("SECRET_KEY")
    if production and not (url and secret):
        raise RuntimeError("production needs DATABASE_URL and SECRET_KEY in the environment")
    if url:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(url)
    if secret:
        app.config["SECRET_KEY"] = secret
    for name, read in _SETTINGS.items():
        if os.environ.get(name):
            try:
                app.config[name] = read(os.environ[name])
            except ValueError as error:
                raise RuntimeError(f"{name} in the environment: {error}") from error
    if not app.config.get("MAIL_FILE_PATH"):
        app.config["MAIL_FILE_PATH"] = os.path.join(app.instance_path, "outbox")


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
