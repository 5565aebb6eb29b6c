"""Database access: one engine per URL, schema created (or rebuilt, see _upgrade) on first use."""

from __future__ import annotations

import logging
import math
import sqlite3
from functools import cache

from sqlalchemy import create_engine, event, inspect, select
from sqlalchemy.engine import Engine

from bot import config
from bot.catalog import models as m
from bot.catalog import store
from bot.catalog.search import index_source

log = logging.getLogger(__name__)


@cache
def _engine_for(url: str) -> Engine:
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    unindexed = _upgrade(engine)
    m.metadata.create_all(engine)
    if unindexed:
        _index(engine)
    return engine


def _upgrade(engine: Engine) -> bool:
    """Drops the catalog tables of an older schema (a catalog table lacking a column of
    bot/catalog/models.py): the catalog only holds copies of the feeds, which the next import
    or refresh brings back. The contact requests are kept. True when the offers are there but
    not the search rows (a catalog imported before them): they are then written from the offers."""
    inspector = inspect(engine)
    stale = [
        table.name
        for table in m.OFFER_TABLES
        if inspector.has_table(table.name)
        and not {column.name for column in table.columns} <= {c["name"] for c in inspector.get_columns(table.name)}
    ]
    if not stale:
        return inspector.has_table(m.session.name) and not inspector.has_table(m.search_entry.name)
    log.warning("Catalog tables of an older schema dropped: import the feeds again (python -m bot catalog refresh)")
    with engine.begin() as conn:
        for table in m.CATALOG_TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")
    return False


def _index(engine: Engine) -> None:
    """Writes the search rows of every source, in one transaction."""
    log.warning("Search rows written from the offers of the catalog (once, after an upgrade)")
    with engine.begin() as conn:
        for source_id in conn.scalars(select(m.source.c.id)).all():
            index_source(conn, source_id)
        store.analyze(conn)
        store.new_version(conn)


# The functions the search computes distances and cells with (bot/catalog/search.py), built into SQLite
# 3.35 and later when compiled with its math functions, as Debian's is; added otherwise.
_MATH = {
    "sin": math.sin,
    "cos": math.cos,
    "asin": math.asin,
    "sqrt": math.sqrt,
    "radians": math.radians,
    "floor": math.floor,
}


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    try:
        cursor.execute("SELECT asin(sqrt(power(sin(radians(1)), 2)))")
    except sqlite3.OperationalError:
        for name, function in _MATH.items():
            dbapi_connection.create_function(name, 1, function, deterministic=True)
        dbapi_connection.create_function("power", 2, math.pow, deterministic=True)
    cursor.close()


def engine(url: str | None = None) -> Engine:
    """The engine of `url`, by default the catalog of BOT_DATABASE_URL."""
    return _engine_for(url or config.database_url())
