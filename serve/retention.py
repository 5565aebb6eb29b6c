"""Retention of the conversations kept by the production profile (Rasa's SQL tracker store).

A conversation is deleted, all its events at once, when its last event is older than the
retention period: nothing of it stays, and a conversation still going on is never cut.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import MetaData, Table, create_engine, delete, func, inspect, select

EVENTS_TABLE = "events"  # the table of Rasa's SQLTrackerStore


@dataclass(frozen=True)
class Purge:
    conversations: int
    events: int


def purge(url: str, older_than_days: float, now: float | None = None) -> Purge:
    """Deletes the conversations whose last event is older than `older_than_days`."""
    cutoff = (time.time() if now is None else now) - older_than_days * 86400
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table(EVENTS_TABLE):
            return Purge(0, 0)
        events = Table(EVENTS_TABLE, MetaData(), autoload_with=engine)
        stale = select(events.c.sender_id).group_by(events.c.sender_id).having(func.max(events.c.timestamp) < cutoff)
        with engine.begin() as conn:
            senders = conn.execute(select(func.count()).select_from(stale.subquery())).scalar_one()
            deleted = conn.execute(delete(events).where(events.c.sender_id.in_(stale))).rowcount
        return Purge(senders, deleted)
    finally:
        engine.dispose()
