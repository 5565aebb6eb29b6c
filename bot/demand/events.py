"""Search events, anonymous from the start (the table is bot/catalog/models.demand_event)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import uuid
from dataclasses import asdict, dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.catalog.models import demand_event
from bot.config import ConfigError
from bot.contract import NIVEAUX, STATUTS
from bot.territoires import territoires

CANAUX = ("site", "conseiller", "kiosque")
DEFAULT_RETENTION_MONTHS = 24
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchEvent:
    jour: dt.date
    canal: str
    rome: str | None
    epci: str | None = None
    departement: str | None = None
    rayon_km: int | None = None
    statut: str | None = None
    niveau: str | None = None
    sessions: int | None = None
    distance_km: int | None = None
    conseiller: bool = False
    simule: bool = False


def search_event(
    jour: dt.date,
    canal: str,
    rome: str | None,
    commune: str | None = None,
    rayon_km: float | None = None,
    statut: str | None = None,
    niveau: str | None = None,
    sessions: int | None = None,
    distance_km: float | None = None,
) -> SearchEvent:
    """The event of one search, with the commune (INSEE code) reduced to its EPCI and
    département, and only values of the contract's categories kept (anything else: None)."""
    if canal not in CANAUX:
        raise ValueError(f"canal inconnu : {canal}")
    territoire = territoires().of_commune(commune) if commune else None
    return SearchEvent(
        jour=jour,
        canal=canal,
        rome=rome,
        epci=territoire.epci if territoire else None,
        departement=territoire.departement if territoire else None,
        rayon_km=round(rayon_km) if rayon_km is not None else None,
        statut=statut if statut in STATUTS else None,
        niveau=niveau if niveau in NIVEAUX else None,
        sessions=sessions,
        distance_km=None if distance_km is None or math.isnan(distance_km) else round(distance_km),
    )


def record(engine: Engine, event: SearchEvent) -> str:
    """Stores the event; returns its random id (for mark_counselor)."""
    event_id = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(demand_event.insert().values(id=event_id, **asdict(event)))
    return event_id


def mark_counselor(engine: Engine, event_id: str) -> None:
    """The person who saw these results then asked for a counselor."""
    try:
        with engine.begin() as conn:
            conn.execute(update(demand_event).where(demand_event.c.id == str(event_id)).values(conseiller=True))
    except SQLAlchemyError as error:
        log.warning("Demand event not updated (%s)", type(error).__name__)


def record_viewed(engine: Engine, rome: str, today: dt.date) -> None:
    """A job looked at on the school kiosk (nothing else is known there, nor kept)."""
    _store(engine, SearchEvent(jour=today, canal="kiosque", rome=rome))


def load(engine: Engine, du: dt.date, au: dt.date) -> list[SearchEvent]:
    """The events of the days from `du` to `au` included."""
    columns = [demand_event.c[name] for name in SearchEvent.__dataclass_fields__]
    query = select(*columns).where(demand_event.c.jour >= du, demand_event.c.jour <= au)
    with engine.connect() as conn:
        return [SearchEvent(**row._mapping) for row in conn.execute(query)]


def retention_months() -> int:
    value = os.environ.get("BOT_DEMANDE_RETENTION_MOIS", "").strip()
    if not value:
        return DEFAULT_RETENTION_MONTHS
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"BOT_DEMANDE_RETENTION_MOIS : nombre de mois invalide « {value} »")
    return int(value)


def purge(engine: Engine, today: dt.date, months: int | None = None) -> int:
    """Deletes the events older than the retention period; returns how many."""
    first_kept = today - relativedelta(months=retention_months() if months is None else months)
    with engine.begin() as conn:
        return conn.execute(delete(demand_event).where(demand_event.c.jour < first_kept)).rowcount


def record_search(
    engine: Engine,
    canal: str,
    rome: str,
    commune: str,
    rayon_km: float,
    found: int,
    nearest: dict | None,
    today: dt.date,
    statut: str | None = None,
    niveau: str | None = None,
) -> str | None:
    """Records the search whose results (or nothing found) were just shown: `found` sessions
    within the radius, `nearest` the nearest located session anywhere (bot.results); returns the
    event's id, or None when it could not be stored (the person's answer never depends on it)."""
    distance = nearest["distance_km"] if nearest else None
    event = search_event(today, canal, rome, commune, rayon_km, statut, niveau, found, distance)
    return _store(engine, event)


def _store(engine: Engine, event: SearchEvent) -> str | None:
    try:
        return record(engine, event)
    except SQLAlchemyError as error:  # the class only: nothing of the conversation is logged
        log.warning("Demand event not recorded (%s)", type(error).__name__)
        return None
