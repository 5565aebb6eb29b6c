"""The sessions for a person's criteria, as the chat and the counselor page show them: the
radius rules, the pages, and when nothing is near enough, the nearest session and wider radii
to try."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from sqlalchemy.engine import Engine

from bot.catalog.search import search_page, search_sessions
from bot.criteria import Criteria, funder_codes
from bot.geo import Commune

# One rule for the radius everywhere: the chat, the counselor page, the command line, domain.yml.
DEFAULT_RADIUS_KM = 30.0
MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 1000.0
PAGE_SIZE = 5
WIDER_RADII = (30, 50, 80, 120)
NEAREST_SEARCH_KM = 400  # far enough to find the nearest session anywhere in the region
WIDER_CHOICES = 2


def find_sessions(
    engine: Engine, rome: str, commune: Commune, radius_km: float, today: dt.date, criteria: Criteria | None = None
) -> list[dict]:
    """Every eligible session of the job within the radius that meets the criteria, in the
    contract's order, as session objects."""
    hits = search_sessions(engine, rome, commune.lat, commune.lon, radius_km, today, criteria=criteria)
    return [hit.as_json() for hit in hits]


def sessions_page(
    engine: Engine,
    rome: str,
    commune: Commune,
    radius_km: float,
    today: dt.date,
    number: int,
    criteria: Criteria | None = None,
) -> tuple[list[dict], int]:
    """Page `number` (from 0) of find_sessions' list, PAGE_SIZE sessions, and how many there
    are in all; only the page is built."""
    page = search_page(
        engine,
        rome,
        commune.lat,
        commune.lon,
        radius_km,
        today,
        offset=number * PAGE_SIZE,
        size=PAGE_SIZE,
        criteria=criteria,
    )
    return [hit.as_json() for hit in page.hits], page.total


def count_sessions(
    engine: Engine, rome: str, commune: Commune, radius_km: float, today: dt.date, criteria: Criteria | None = None
) -> int:
    """How many sessions find_sessions would give (counted by the database)."""
    return search_page(engine, rome, commune.lat, commune.lon, radius_km, today, size=1, criteria=criteria).total


def relaxations(
    engine: Engine, rome: str, commune: Commune, radius_km: float, today: dt.date, criteria: Criteria
) -> list[tuple[str, int]]:
    """(group, count) for each group of criteria set (bot.criteria.GROUPS): how many sessions
    the same search finds without that group, the other criteria kept. Most sessions first."""
    counts = [
        (
            group,
            count_sessions(engine, rome, commune, radius_km, today, criteria.without_group(group)),
        )
        for group in criteria.groups()
    ]
    return sorted(counts, key=lambda item: -item[1])


SUGGESTIONS = 3  # criteria offered after the first results


def suggestions(
    engine: Engine,
    rome: str,
    commune: Commune,
    radius_km: float,
    today: dt.date,
    criteria: Criteria,
    total: int,
    statut: str | None = None,
) -> list[tuple[Criteria, int]]:
    """The criteria worth offering after the results, each with the count it would give: among
    alternance, a start two months on, remote, evening and funded for the person's statut (those
    not set yet), the ones that keep some sessions but not all, the most selective first."""
    month = (today.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
    candidates = [
        (criteria.alternance is None, replace(criteria, alternance=True)),
        (criteria.debut_apres is None and criteria.debut_avant is None, replace(criteria, debut_apres=month)),
        (criteria.modalite is None, replace(criteria, modalite="distanciel")),
        (criteria.temps is None, replace(criteria, temps="soir")),
        (
            criteria.finance_pour is None and criteria.financeur is None and bool(statut and funder_codes(statut)),
            replace(criteria, finance_pour=statut),
        ),
    ]
    counted = [
        (narrower, count_sessions(engine, rome, commune, radius_km, today, narrower))
        for free, narrower in candidates
        if free
    ]
    useful = [(narrower, count) for narrower, count in counted if 0 < count < total]
    return sorted(useful, key=lambda item: item[1])[:SUGGESTIONS]


def nearest_session(
    engine: Engine, rome: str, commune: Commune, today: dt.date, criteria: Criteria | None = None
) -> dict | None:
    """The nearest session with a place (soonest first among equally near ones), or None."""
    page = search_page(
        engine, rome, commune.lat, commune.lon, NEAREST_SEARCH_KM, today, size=1, nearest=True, criteria=criteria
    )
    return page.hits[0].as_json() if page.hits else None


def reach_km(session: dict) -> int:
    """The radius, in whole km, that takes in a session."""
    return math.ceil(session["distance_km"])


def wider_radii(radius_km: float) -> list[int]:
    """The next radii to offer after `radius_km` (at most WIDER_CHOICES)."""
    return [r for r in WIDER_RADII if r > radius_km][:WIDER_CHOICES]
