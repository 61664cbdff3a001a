"""Database engine settings that keep SQLite and PostgreSQL behaving alike."""

import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool


def configure(app: Flask) -> None:
    """Engine options per backend; relative SQLite paths live in the instance folder."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        if uri in ("sqlite://", "sqlite:///:memory:"):
            # One shared in-memory database for every connection of the app.
            options.setdefault("poolclass", StaticPool)
            options.setdefault("connect_args", {"check_same_thread": False})
        else:
            options.setdefault("connect_args", {"timeout": 30})
            path = uri.removeprefix("sqlite:///")
            if not os.path.isabs(path):
                os.makedirs(app.instance_path, exist_ok=True)
                uri = "sqlite:///" + os.path.join(app.instance_path, path)
    else:
        # A connection the server dropped (restart, outage) is noticed at checkout and
        # replaced; an unanswered connect gives up instead of holding the worker.
        options.setdefault("pool_pre_ping", True)
        if uri.startswith("postgresql"):
            options["connect_args"] = {"connect_timeout": 10} | options.get("connect_args", {})
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on; WAL lets readers go on while one writer commits."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
