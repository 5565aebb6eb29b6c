"""Database access: one engine per URL, schema created on first use."""

from __future__ import annotations

import sqlite3
from functools import cache

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from bot import config
from bot.catalog.models import metadata


@cache
def _engine_for(url: str) -> Engine:
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def engine(url: str | None = None) -> Engine:
    """The engine of `url`, by default the catalog of BOT_DATABASE_URL."""
    return _engine_for(url or config.database_url())
