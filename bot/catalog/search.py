"""Upcoming sessions for a job around a point, as docs/contrat.md (« Sémantique de la
recherche ») defines them.

A formation matches the job by its code-ROME, or, when it lists no code-ROME at all, by one of
the Formacode descriptors the job reference gives for the job. The database does the work: a
bounding box (indexed) keeps the places that may be within the radius, the great-circle distance
decides, the nearest place of an action counts, then it sorts, counts and returns one page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, false, func, literal_column, null, or_, select, true, union_all
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from bot.catalog import models as m
from bot.catalog.lheo import OPEN_ENDED
from bot.criteria import Criteria, funder_codes
from bot.geo import EARTH_RADIUS_KM, gazetteer
from bot.jobs import vocabulary

KM_PER_DEGREE = 6371.0 * math.pi / 180
MODALITES = {0: "presentiel", 1: "mixte", 2: "distanciel"}
REMOTE = 2
BY_ROME, BY_FORMACODE = "rome", "formacode"


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
    par: str = BY_ROME  # how the formation matched the job: BY_ROME or BY_FORMACODE
    heures: int | None = None
    alternance: bool = False
    financements: tuple[str, ...] = ()  # LHEO funder codes of the action
    temps: str | None = None  # plein | partiel | soir | None
    handicap: bool = False  # the action describes its arrangements for disabled people
    # The source (feed) of the session: numeros are unique within a source only. Not in the
    # session object of the contract: callers that need it (formation_details) read it here.
    source: str | None = None

    def sort_key(self) -> tuple[dt.date, bool, float, str, str]:
        return (self.debut, self.distance is None, self.distance or 0.0, self.session_id, self.source or "")

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
            "par": self.par,
            "heures": self.heures,
            "alternance": self.alternance,
            "financements": list(self.financements),
            "temps": self.temps,
            "handicap": self.handicap,
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


def job_formacodes(rome: str) -> list[str]:
    """The Formacode codes the job reference gives for job `rome` (none for an unknown job)."""
    metier = vocabulary().by_rome(rome)
    return [formacode.code for formacode in metier.formacodes] if metier else []


def _matching_formations(rome: str, formacodes: list[str]) -> Subquery:
    """(source_id, formation_id, par) of the formations that match the job."""
    r, fc, f = m.formation_rome, m.formation_formacode, m.formation
    by_rome = select(r.c.source_id, r.c.formation_id, literal_column(f"'{BY_ROME}'").label("par")).where(
        r.c.code == rome
    )
    if not formacodes:
        return by_rome.subquery()
    by_formacode = (
        select(fc.c.source_id, fc.c.formation_id, literal_column(f"'{BY_FORMACODE}'").label("par"))
        .join(f, and_(f.c.source_id == fc.c.source_id, f.c.id == fc.c.formation_id))
        .where(fc.c.code.in_(formacodes), f.c.a_rome == false())
        .distinct()
    )
    return union_all(by_rome, by_formacode).subquery()


def _funders(conn: Connection, actions: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[str, ...]]:
    """The funder codes of each action, in code order (numbers first by value)."""
    found: dict[tuple[int, str], list[str]] = {}
    af = m.action_financeur
    by_source: dict[int, list[str]] = {}
    for source_id, action_id in actions:
        by_source.setdefault(source_id, []).append(action_id)
    for source_id, ids in by_source.items():
        for start in range(0, len(ids), 500):
            rows = conn.execute(
                select(af.c.action_id, af.c.code).where(
                    af.c.source_id == source_id, af.c.action_id.in_(ids[start : start + 500])
                )
            )
            for action_id, code in rows:
                found.setdefault((source_id, action_id), []).append(code)
    return {key: tuple(sorted(codes, key=_code_order)) for key, codes in found.items()}


def _code_order(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (10**9, code)


def criteria_conditions(criteria: Criteria, today: dt.date) -> list[ColumnElement[bool]]:
    """The SQL conditions of the criteria (docs/contrat.md, « Critères de recherche »), on the
    session and action tables."""
    s, a, af = m.session, m.action, m.action_financeur
    permanent = a.c.entrees_sorties_permanentes == true()
    conditions: list[ColumnElement[bool]] = []
    if criteria.debut_apres is not None:
        # A permanent entry may be taken any day until the session ends.
        conditions.append(or_(s.c.debut >= criteria.debut_apres, and_(permanent, s.c.fin >= criteria.debut_apres)))
    if criteria.debut_avant is not None:
        conditions.append(s.c.debut <= criteria.debut_avant if criteria.debut_avant >= today else false())
    if criteria.alternance:
        conditions.append(a.c.alternance == true())
    if criteria.modalite is not None:
        code = next(code for code, name in MODALITES.items() if name == criteria.modalite)
        conditions.append(a.c.modalite_enseignement == code)
    if criteria.heures_max is not None:
        conditions.append(and_(a.c.heures.is_not(None), a.c.heures <= criteria.heures_max))
    for wanted in (
        funder_codes(criteria.finance_pour) if criteria.finance_pour is not None else None,
        [criteria.financeur] if criteria.financeur is not None else None,
    ):
        if wanted is None:
            continue
        funded = select(af.c.code).where(
            af.c.source_id == a.c.source_id, af.c.action_id == a.c.id, af.c.code.in_(wanted)
        )
        conditions.append(exists(funded) if wanted else false())
    if criteria.temps is not None:
        conditions.append(a.c.temps == criteria.temps)
    if criteria.handicap:
        conditions.append(a.c.acces_handicapes.is_not(None))
    return conditions


def distance_km(lat: float, lon: float, place_lat: ColumnElement, place_lon: ColumnElement) -> ColumnElement:
    """The great-circle distance of bot.geo.haversine_km, computed by the database with the same
    operations in the same order (the same number to the last bit: the radius is inclusive)."""
    phi1 = math.radians(lat)
    half_dphi = (func.radians(place_lat) - phi1) / 2
    half_dlambda = func.radians(place_lon - lon) / 2
    a = func.power(func.sin(half_dphi), 2) + math.cos(phi1) * func.cos(func.radians(place_lat)) * func.power(
        func.sin(half_dlambda), 2
    )
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def _order(
    distance: ColumnElement, debut: ColumnElement, session_id: ColumnElement, source: ColumnElement, nearest: bool
) -> tuple:
    """The contract's order (SessionHit.sort_key), or by distance for the nearest session."""
    if nearest:
        return (distance, debut, session_id, source)
    return (debut, distance.is_(None), func.coalesce(distance, 0.0), session_id, source)


@dataclass(frozen=True)
class Page:
    hits: list[SessionHit]
    total: int  # every eligible session of the search, not only this page's


def search_sessions(
    engine: Engine,
    rome: str,
    lat: float,
    lon: float,
    radius_km: float,
    today: dt.date,
    *,
    formacodes: Iterable[str] | None = None,
    criteria: Criteria | None = None,
) -> list[SessionHit]:
    """Eligible sessions of job `rome` within `radius_km` of (lat, lon), in contract order,
    restricted to `criteria`. `formacodes`: the job's Formacode codes, by default those of the
    job reference."""
    return search_page(engine, rome, lat, lon, radius_km, today, formacodes=formacodes, criteria=criteria).hits


def search_page(
    engine: Engine,
    rome: str,
    lat: float,
    lon: float,
    radius_km: float,
    today: dt.date,
    *,
    offset: int = 0,
    size: int | None = None,
    nearest: bool = False,
    formacodes: Iterable[str] | None = None,
    criteria: Criteria | None = None,
) -> Page:
    """`size` sessions (all when None) from the `offset`-th of search_sessions' list, and how
    many there are in all; with `nearest`, the located sessions by distance, soonest first
    among equally near ones. The database filters, measures, keeps the nearest place of each
    session, sorts and counts: only the page is built here."""
    rome = rome.upper()
    codes = sorted(set(job_formacodes(rome) if formacodes is None else formacodes))
    lat_min, lat_max, lon_min, lon_max = bounding_box(lat, lon, radius_km)
    matched = _matching_formations(rome, codes)
    s, a, f, p, o, src = m.session, m.action, m.formation, m.lieu, m.organisme, m.source
    remote = a.c.modalite_enseignement == REMOTE
    in_box = and_(p.c.lat.between(lat_min, lat_max), p.c.lon.between(lon_min, lon_max))
    # 1. The sessions of the job with each place of their action in the box, measured once.
    measured = (
        select(
            s.c.source_id,
            s.c.id,
            s.c.action_id,
            a.c.formation_id,
            s.c.debut,
            s.c.fin,
            s.c.places,
            a.c.modalite_enseignement,
            a.c.heures,
            a.c.alternance,
            a.c.temps,
            a.c.acces_handicapes,
            p.c.id.label("lieu_id"),
            p.c.insee,
            p.c.ville,
            matched.c.par,
            case((remote, null()), else_=distance_km(lat, lon, p.c.lat, p.c.lon)).label("distance"),
        )
        .select_from(
            matched.join(a, and_(a.c.source_id == matched.c.source_id, a.c.formation_id == matched.c.formation_id))
            .join(s, and_(s.c.source_id == a.c.source_id, s.c.action_id == a.c.id))
            .outerjoin(p, and_(p.c.source_id == a.c.source_id, p.c.action_id == a.c.id))
        )
        .where(
            or_(s.c.etat_recrutement.is_(None), s.c.etat_recrutement == 1),
            s.c.debut.is_not(None),
            s.c.fin >= today,
            or_(s.c.debut >= today, a.c.entrees_sorties_permanentes == true()),
            or_(remote, in_box),
            *criteria_conditions(criteria or Criteria(), today),
        )
        .subquery()
    )
    # 2. Within the radius; the nearest place of the session's action counts (any for a remote one).
    ranked = (
        select(
            measured,
            func.row_number()
            .over(
                partition_by=(measured.c.source_id, measured.c.id),
                order_by=(func.coalesce(measured.c.distance, 0.0), measured.c.lieu_id),
            )
            .label("rang"),
        )
        .where(or_(measured.c.modalite_enseignement == REMOTE, measured.c.distance <= radius_km))
        .subquery()
    )
    # 3. Sorted and counted by the database; names are read for the page's sessions only.
    c = ranked.c
    source = select(src.c.nom).where(src.c.id == c.source_id).scalar_subquery()
    chosen = select(ranked, source.label("source"), func.count().over().label("total")).where(c.rang == 1)
    if nearest:
        chosen = chosen.where(c.distance.is_not(None))
    chosen = chosen.order_by(*_order(c.distance, c.debut, c.id, source, nearest)).offset(offset)
    if size is not None:
        chosen = chosen.limit(size)
    page = chosen.subquery()
    statement = select(
        page,
        f.c.intitule,
        select(o.c.nom)
        .where(o.c.source_id == f.c.source_id, o.c.id == f.c.organisme_id)
        .scalar_subquery()
        .label("organisme"),
    ).join(f, and_(f.c.source_id == page.c.source_id, f.c.id == page.c.formation_id))
    p2 = page.c
    statement = statement.order_by(*_order(p2.distance, p2.debut, p2.id, p2.source, nearest))
    with engine.connect() as conn:
        rows = conn.execute(statement).all()
        if rows or not offset:
            total = rows[0].total if rows else 0
        else:  # a page after the last one: the count alone
            total = conn.execute(
                select(func.count()).select_from(chosen.limit(None).offset(None).subquery())
            ).scalar_one()
        funders = _funders(conn, {(row.source_id, row.action_id) for row in rows})
    hits = [
        SessionHit(
            session_id=row.id,
            action_id=row.action_id,
            formation_id=row.formation_id,
            intitule=row.intitule,
            organisme=row.organisme,
            debut=row.debut,
            fin=None if row.fin == OPEN_ENDED else row.fin,
            distance=row.distance,
            commune=row.insee,
            ville=_town_name(row.insee, row.ville),
            modalite=MODALITES.get(row.modalite_enseignement, "presentiel"),
            places=row.places,
            par=row.par,
            source=row.source,
            heures=row.heures,
            alternance=bool(row.alternance),
            financements=funders.get((row.source_id, row.action_id), ()),
            temps=row.temps,
            handicap=row.acces_handicapes is not None,
        )
        for row in rows
    ]
    return Page(hits, total)
