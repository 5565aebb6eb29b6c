"""The sessions for a person's criteria, as the chat and the counselor page show them: the
radius rules, the pages, and when nothing is near enough, the nearest session and wider radii
to try."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy.engine import Engine

from bot.catalog.search import search_page, search_sessions
from bot.geo import Commune

# One rule for the radius everywhere: the chat, the counselor page, the command line, domain.yml.
DEFAULT_RADIUS_KM = 30.0
MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 1000.0
PAGE_SIZE = 5
WIDER_RADII = (30, 50, 80, 120)
NEAREST_SEARCH_KM = 400  # far enough to find the nearest session anywhere in the region
WIDER_CHOICES = 2


def find_sessions(engine: Engine, rome: str, commune: Commune, radius_km: float, today: dt.date) -> list[dict]:
    """Every eligible session of the job within the radius, in the contract's order, as session
    objects."""
    hits = search_sessions(engine, rome, commune.lat, commune.lon, radius_km, today)
    return [hit.as_json() for hit in hits]


def sessions_page(
    engine: Engine, rome: str, commune: Commune, radius_km: float, today: dt.date, number: int
) -> tuple[list[dict], int]:
    """Page `number` (from 0) of find_sessions' list, PAGE_SIZE sessions, and how many there
    are in all; only the page is built."""
    page = search_page(
        engine, rome, commune.lat, commune.lon, radius_km, today, offset=number * PAGE_SIZE, size=PAGE_SIZE
    )
    return [hit.as_json() for hit in page.hits], page.total


def nearest_session(engine: Engine, rome: str, commune: Commune, today: dt.date) -> dict | None:
    """The nearest session with a place (soonest first among equally near ones), or None."""
    page = search_page(engine, rome, commune.lat, commune.lon, NEAREST_SEARCH_KM, today, size=1, nearest=True)
    return page.hits[0].as_json() if page.hits else None


def reach_km(session: dict) -> int:
    """The radius, in whole km, that takes in a session."""
    return math.ceil(session["distance_km"])


def wider_radii(radius_km: float) -> list[int]:
    """The next radii to offer after `radius_km` (at most WIDER_CHOICES)."""
    return [r for r in WIDER_RADII if r > radius_km][:WIDER_CHOICES]
