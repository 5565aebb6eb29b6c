"""Upcoming sessions for a job around a point, as docs/contrat.md ("Sémantique de la recherche") defines them.

A bounding box in SQL keeps only the places that may be within the radius; the exact
great-circle distance then decides, and the nearest place of an action counts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, true
from sqlalchemy.engine import Engine

from bot.catalog import models as m
from bot.catalog.lheo import OPEN_ENDED
from bot.geo import gazetteer, haversine_km

KM_PER_DEGREE = 6371.0 * math.pi / 180
MODALITES = {0: "presentiel", 1: "mixte", 2: "distanciel"}
REMOTE = 2


@dataclass(frozen=True)
class SessionHit:
    session_id: str
    action_id: str
    formation_id: str
    intitule: str
    organisme: str
    debut: dt.date
    fin: dt.date | None
    distance: float | None  # exact, in km; None for fully remote actions
    commune: str | None
    ville: str | None
    modalite: str
    places: int | None

    def sort_key(self) -> tuple[dt.date, bool, float, str]:
        return (self.debut, self.distance is None, self.distance or 0.0, self.session_id)

    def as_json(self) -> dict:
        """The session object of the contract."""
        return {
            "session_id": self.session_id,
            "action_id": self.action_id,
            "formation_id": self.formation_id,
            "intitule": self.intitule,
            "organisme": self.organisme,
            "debut": self.debut.isoformat(),
            "fin": self.fin.isoformat() if self.fin else None,
            "distance_km": None if self.distance is None else round(self.distance, 1),
            "commune": self.commune,
            "ville": self.ville,
            "modalite": self.modalite,
            "places": self.places,
        }


def _town_name(insee: str | None, written: str | None) -> str | None:
    """The official name of the place's commune ("Hénin-Beaumont"), else the name as written."""
    commune = gazetteer().by_insee(insee) if insee else None
    return commune.nom if commune else written


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) enclosing every point within radius_km, with a margin."""
    dlat = radius_km / KM_PER_DEGREE * 1.01 + 1e-6
    edge = min(abs(lat) + dlat, 90.0)
    if edge >= 89.0:
        return lat - dlat, lat + dlat, -180.0, 180.0
    dlon = min(radius_km / (KM_PER_DEGREE * math.cos(math.radians(edge))) * 1.01 + 1e-6, 180.0)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def search_sessions(
    engine: Engine, rome: str, lat: float, lon: float, radius_km: float, today: dt.date
) -> list[SessionHit]:
    """Eligible sessions of job `rome` within `radius_km` of (lat, lon), in contract order."""
    lat_min, lat_max, lon_min, lon_max = bounding_box(lat, lon, radius_km)
    s, a, f, r, o, p = m.session, m.action, m.formation, m.formation_rome, m.organisme, m.lieu
    statement = (
        select(
            s.c.id,
            s.c.action_id,
            a.c.formation_id,
            f.c.intitule,
            o.c.nom,
            s.c.debut,
            s.c.fin,
            s.c.places,
            a.c.modalite_enseignement,
            p.c.insee,
            p.c.ville,
            p.c.lat,
            p.c.lon,
        )
        .select_from(
            r.join(f, f.c.id == r.c.formation_id)
            .join(o, o.c.id == f.c.organisme_id)
            .join(a, a.c.formation_id == f.c.id)
            .join(s, s.c.action_id == a.c.id)
            .outerjoin(p, p.c.action_id == a.c.id)
        )
        .where(
            r.c.code == rome.upper(),
            or_(s.c.etat_recrutement.is_(None), s.c.etat_recrutement == 1),
            s.c.debut.is_not(None),
            s.c.fin >= today,
            or_(s.c.debut >= today, a.c.entrees_sorties_permanentes == true()),
            or_(
                a.c.modalite_enseignement == REMOTE,
                and_(p.c.lat.between(lat_min, lat_max), p.c.lon.between(lon_min, lon_max)),
            ),
        )
    )
    best: dict[str, tuple[float | None, SessionHit]] = {}
    with engine.connect() as conn:
        for row in conn.execute(statement):
            remote = row.modalite_enseignement == REMOTE
            located = row.lat is not None and row.lon is not None
            distance = haversine_km(lat, lon, row.lat, row.lon) if located else None
            if not remote and (distance is None or distance > radius_km):
                continue
            previous = best.get(row.id)
            if previous is not None and (distance is None or (previous[0] is not None and previous[0] <= distance)):
                continue
            best[row.id] = (
                distance,
                SessionHit(
                    session_id=row.id,
                    action_id=row.action_id,
                    formation_id=row.formation_id,
                    intitule=row.intitule,
                    organisme=row.nom,
                    debut=row.debut,
                    fin=None if row.fin == OPEN_ENDED else row.fin,
                    distance=None if remote else distance,
                    commune=row.insee,
                    ville=_town_name(row.insee, row.ville),
                    modalite=MODALITES.get(row.modalite_enseignement, "presentiel"),
                    places=row.places,
                ),
            )
    return sorted((hit for _, hit in best.values()), key=SessionHit.sort_key)
