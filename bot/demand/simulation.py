"""A year of simulated search events (make demo-demande), so that a newcomer sees a full report
at once. Every event is marked `simule`, and the report says so on its first line.

The simulation is plausible, not real: people search for the battery jobs more than the others of the reference,
from the communes of Hauts-de-France in proportion to their population (one search in twenty
from elsewhere), with the statuts, levels and radii of the contract; what they find is what the
loaded catalog really offers for that search (bot.results), so unmet demand shows where the
catalog has no session near enough.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import asdict, replace
from functools import cache

from sqlalchemy.engine import Engine

from bot.catalog.models import demand_event
from bot.contract import NIVEAUX, STATUTS
from bot.demand.events import SearchEvent, search_event
from bot.geo import HAUTS_DE_FRANCE, Commune, gazetteer
from bot.jobs import vocabulary
from bot.results import nearest_session, sessions_page

SEED = 2027
EVENTS_PER_DAY = 12  # on average; fewer at weekends and in August
RADII = (10, 20, 30, 30, 30, 50, 80)
COUNSELOR_SHARE = 0.08
KIOSK_SHARE = 0.15
BATTERY_WEIGHT = 8  # a battery job is asked for eight times as often as another


def simulate(engine: Engine, today: dt.date, days: int = 365, seed: int = SEED) -> int:
    """Replaces the simulated events with `days` days of new ones ending yesterday; returns how
    many. Real events are never touched."""
    rng = random.Random(seed)
    communes = [c for c in gazetteer().communes() if c.region == HAUTS_DE_FRANCE and c.population > 0]
    others = [c for c in gazetteer().communes() if c.region != HAUTS_DE_FRANCE and c.population > 5000]
    weights = [c.population for c in communes]
    jobs = [m.rome for m in vocabulary().all()]
    job_weights = [BATTERY_WEIGHT if m.batterie else 1 for m in vocabulary().all()]

    @cache
    def found(rome: str, insee: str, radius: int) -> tuple[int, float | None]:
        commune = gazetteer().by_insee(insee)
        assert commune is not None
        _, total = sessions_page(engine, rome, commune, radius, today, 0)
        nearest = nearest_session(engine, rome, commune, today)
        return total, nearest["distance_km"] if nearest else None

    rows: list[dict] = []
    for offset in range(days, 0, -1):
        day = today - dt.timedelta(days=offset)
        rate = EVENTS_PER_DAY * (0.3 if day.weekday() >= 5 else 1.0) * (0.4 if day.month == 8 else 1.0)
        for _ in range(_poisson(rng, rate)):
            rome = rng.choices(jobs, job_weights)[0]
            commune: Commune = rng.choice(others) if rng.random() < 0.05 else rng.choices(communes, weights)[0]
            if rng.random() < KIOSK_SHARE:
                event = SearchEvent(jour=day, canal="kiosque", rome=rome)
            else:
                radius = rng.choice(RADII)
                sessions, distance = found(rome, commune.insee, radius)
                event = search_event(
                    day,
                    "conseiller" if rng.random() < 0.2 else "site",
                    rome,
                    commune.insee,
                    radius,
                    rng.choice((*STATUTS, None)),
                    rng.choice((*NIVEAUX, None)),
                    sessions,
                    distance,
                )
                event = replace(event, conseiller=rng.random() < COUNSELOR_SHARE * (2 if not sessions else 1))
            rows.append({"id": f"simu{len(rows):028d}", **asdict(replace(event, simule=True))})
    with engine.begin() as conn:
        conn.execute(demand_event.delete().where(demand_event.c.simule.is_(True)))
        for start in range(0, len(rows), 1000):
            conn.execute(demand_event.insert(), rows[start : start + 1000])
    return len(rows)


def _poisson(rng: random.Random, rate: float) -> int:
    """A Poisson draw (Knuth), enough for small rates."""
    limit, k, p = math.exp(-rate), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
