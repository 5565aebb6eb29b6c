"""Upcoming sessions for a job around a point, as docs/contrat.md (« Sémantique de la
recherche ») defines them.

A formation matches the job by its code-ROME, or, when it lists no code-ROME at all, by one of
the Formacode descriptors the job reference gives for the job. The database does the work, on
rows written for it at import (models.search_entry, index_source): the index ranges of the
strips of the circle keep the places that may be within the radius, the great-circle distance
decides, the nearest place of an action counts; it counts the sessions of each start date, then
sorts and returns one page among the sessions that start by its last date. Choices and measures:
docs/benchmarks.md (« Catalogue »).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

from bot.catalog import models as m
from bot.criteria import Criteria, funder_codes
from bot.geo import EARTH_RADIUS_KM, gazetteer
from bot.jobs import vocabulary

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


# The grid of the search rows (models.search_entry): bands of latitude BAND_DEG high, each cut into
# cells LON_STEP_DEG wide, numbered band by band, so that a strip of a band is a range of cells.
BAND_DEG = 0.1  # about 11 km
LON_STEP_DEG = 0.001  # about 70 m in the Hauts-de-France
BAND_CELLS = 1_000_000  # more than the 360 / LON_STEP_DEG cells of a band
REMOTE_CELL = -1  # the rows of fully remote actions: no point
EMPTY_RANGE = (1, 0)  # a range of cells without any
# The margin of the strips, in degrees, and of the distance test on the unit sphere: far above the
# rounding errors of the two (1e-15), far below a metre.
MARGIN_DEG = 1e-7
DOT_MARGIN = 1e-9


def cell(lat: Any, lon: Any, floor: Callable[[Any], Any] = math.floor) -> Any:
    """The cell of a point; with func.floor, the SQL expression that computes it in the database."""
    return floor((lat + 90) / BAND_DEG) * BAND_CELLS + floor((lon + 180) / LON_STEP_DEG)


def strips(lat: float, lon: float, radius_km: float) -> list[tuple[int, int]]:
    """Ranges of cells (first, last) holding every point within radius_km of (lat, lon): in each
    band of latitude the circle crosses, the cells of the longitudes it spans there."""
    delta = radius_km / EARTH_RADIUS_KM  # the radius as an angle
    south, north = max(lat - math.degrees(delta) - MARGIN_DEG, -90.0), min(lat + math.degrees(delta) + MARGIN_DEG, 90.0)
    ranges = []
    for band in range(int((south + 90) // BAND_DEG), int((north + 90) // BAND_DEG) + 1):
        middle = (band + 0.5) * BAND_DEG - 90  # in the band whatever the rounding
        half = _half_width(lat, delta, max(band * BAND_DEG - 90, south), min((band + 1) * BAND_DEG - 90, north))
        if half >= 180:
            ranges.append((cell(middle, -180.0), cell(middle, 180.0)))
            continue
        for west, east in _spans(lon - half - MARGIN_DEG, lon + half + MARGIN_DEG):
            ranges.append((cell(middle, west), cell(middle, east)))
    return ranges


def _half_width(lat: float, delta: float, south: float, north: float) -> float:
    """The largest difference of longitude, in degrees, between the centre and a point of the
    circle (centre lat, angular radius delta) with a latitude between south and north; 180 when
    the circle takes in a pole. The widest latitude of a circle is asin(sin lat / cos delta)."""
    phi0 = math.radians(lat)
    if abs(phi0) + delta >= math.pi / 2:
        return 180.0
    widest = math.asin(min(1.0, max(-1.0, math.sin(phi0) / math.cos(delta))))
    phi = min(max(widest, math.radians(south)), math.radians(north))
    c = (math.cos(delta) - math.sin(phi) * math.sin(phi0)) / (math.cos(phi) * math.cos(phi0))
    return 180.0 if c <= -1 else math.degrees(math.acos(min(c, 1.0))) * (1 + 1e-9)


def _spans(west: float, east: float) -> list[tuple[float, float]]:
    """The longitudes from west to east, in two spans when they cross the antimeridian."""
    if west < -180:
        return [(west + 360, 180.0), (-180.0, east)]
    if east > 180:
        return [(west, 180.0), (-180.0, east - 360)]
    return [(west, east)]


def unit_vector(
    lat: Any,
    lon: Any,
    sin: Callable[[Any], Any] = math.sin,
    cos: Callable[[Any], Any] = math.cos,
    radians: Callable[[Any], Any] = math.radians,
) -> tuple[Any, Any, Any]:
    """The point on the unit sphere; with func.sin, func.cos and func.radians, its SQL expressions."""
    phi, lam = radians(lat), radians(lon)
    return cos(phi) * cos(lam), cos(phi) * sin(lam), sin(phi)


def job_formacodes(rome: str) -> list[str]:
    """The Formacode codes the job reference gives for job `rome` (none for an unknown job)."""
    metier = vocabulary().by_rome(rome)
    return [formacode.code for formacode in metier.formacodes] if metier else []


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
    search rows."""
    e, af = m.search_entry, m.action_financeur
    conditions: list[ColumnElement[bool]] = []
    if criteria.debut_apres is not None:
        # A permanent entry may be taken any day until the session ends.
        conditions.append(
            or_(e.c.debut >= criteria.debut_apres, and_(e.c.permanente == true(), e.c.fin >= criteria.debut_apres))
        )
    if criteria.debut_avant is not None:
        conditions.append(e.c.debut <= criteria.debut_avant if criteria.debut_avant >= today else false())
    if criteria.alternance:
        conditions.append(e.c.alternance == true())
    if criteria.modalite is not None:
        code = next(code for code, name in MODALITES.items() if name == criteria.modalite)
        conditions.append(e.c.modalite_enseignement == code)
    if criteria.heures_max is not None:
        conditions.append(and_(e.c.heures.is_not(None), e.c.heures <= criteria.heures_max))
    for wanted in (
        funder_codes(criteria.finance_pour) if criteria.finance_pour is not None else None,
        [criteria.financeur] if criteria.financeur is not None else None,
    ):
        if wanted is None:
            continue
        funded = select(af.c.code).where(
            af.c.source_id == e.c.source_id, af.c.action_id == e.c.action_id, af.c.code.in_(wanted)
        )
        conditions.append(exists(funded) if wanted else false())
    if criteria.temps is not None:
        conditions.append(e.c.temps == criteria.temps)
    if criteria.handicap:
        conditions.append(e.c.handicap == true())
    return conditions


def distance_km(
    phi1: ColumnElement, cos_phi1: ColumnElement, lon: ColumnElement, place_lat: ColumnElement, place_lon: ColumnElement
) -> ColumnElement:
    """The great-circle distance of bot.geo.haversine_km from a point (phi1: its latitude in
    radians, cos_phi1: its cosine, both computed by Python as haversine_km does; lon), computed by
    the database with the same operations in the same order (the same number to the last bit:
    the radius is inclusive)."""
    half_dphi = (func.radians(place_lat) - phi1) / 2
    half_dlambda = func.radians(place_lon - lon) / 2
    a = func.power(func.sin(half_dphi), 2) + cos_phi1 * func.cos(func.radians(place_lat)) * func.power(
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
    among equally near ones. The database finds, counts and sorts, on the search rows
    (models.search_entry): only the page is built here."""
    rome = rome.upper()
    cells = strips(lat, lon, radius_km) if nearest else [(REMOTE_CELL, REMOTE_CELL), *strips(lat, lon, radius_km)]
    cells += [EMPTY_RANGE] * ((1 << (len(cells) - 1).bit_length()) - len(cells))  # a power of two: fewer shapes
    shape = (engine.dialect.name, len(cells), nearest, size is not None, criteria or Criteria(), today)
    until, page = _statements(*shape)
    phi1, threshold = math.radians(lat), math.cos(min(radius_km / EARTH_RADIUS_KM, math.pi))
    qx, qy, qz = unit_vector(lat, lon)
    values = {
        "qx": qx,
        "qy": qy,
        "qz": qz,
        "keys": [rome, *sorted(set(job_formacodes(rome) if formacodes is None else formacodes))],
        "rome": rome,
        "inside": threshold + DOT_MARGIN,
        "edge": threshold - DOT_MARGIN,
        "radius": radius_km,
        "phi1": phi1,
        "cos_phi1": math.cos(phi1),
        "lon": lon,
        "offset": offset,
        "size": size,
        "reach": offset + size if size is not None else 1,
    }
    for i, (first, last) in enumerate(cells):
        values.update({f"premiere_{i}": first, f"derniere_{i}": last})
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # workers cost more to start than they save here
            conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
        days = conn.execute(until, values).all()
        found = int(days[0].total) if days else 0  # a sum: numeric for PostgreSQL
        values["last_debut"] = days[-1].debut if days else None
        rows = conn.execute(page, values).all() if offset < found else []
        funders = _funders(conn, {(row.source_id, row.action_id) for row in rows})
    hits = [
        SessionHit(
            session_id=row.session_id,
            action_id=row.action_id,
            formation_id=row.formation_id,
            intitule=row.intitule,
            organisme=row.organisme,
            debut=row.debut,
            fin=None if row.fin == m.OPEN_ENDED else row.fin,
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
            handicap=bool(row.handicap),
        )
        for row in rows
    ]
    return Page(hits, found)


@functools.lru_cache(maxsize=256)
def _statements(
    dialect: str, ranges: int, nearest: bool, paged: bool, criteria: Criteria, today: dt.date
) -> tuple[Select, Select]:
    """The statement of the sessions per start date and the page's, for searches of one shape:
    the point, the radius, the job and the page are bound at execution (search_page). Built
    once per shape: building them costs more than the database's work on a small search."""
    e = m.search_entry
    # 1. The rows of the job's keys in the strips of the circle (and those of remote actions): by
    #    ranges of the primary key. Within the radius: the dot product of the unit vectors decides,
    #    the exact distance only on the edge, where the two could disagree by a rounding.
    keys = e.c.cle.in_(bindparam("keys", expanding=True))
    firsts = [bindparam(f"premiere_{i}", type_=Integer) for i in range(ranges)]
    lasts = [bindparam(f"derniere_{i}", type_=Integer) for i in range(ranges)]
    candidates = select(e.c.source_id, e.c.session_id, e.c.debut)
    if dialect == "postgresql":
        # PostgreSQL reads ranges joined in OR as one bitmap of index ranges (BitmapOr); joined to a
        # table of the ranges, it would read every row of the keys.
        candidates = candidates.where(keys, or_(*map(e.c.cellule.between, firsts, lasts)))
    else:
        # SQLite reads a join to a table of the ranges as so many ranges of the primary key; ranges
        # in OR, it would also sort the rows to drop duplicates.
        pairs = zip(firsts, lasts, strict=True)
        cells = union_all(*(select(first.label("premiere"), last.label("derniere")) for first, last in pairs))
        cells = cells.cte("plages")
        candidates = candidates.select_from(
            cells.join(e, and_(keys, e.c.cellule.between(cells.c.premiere, cells.c.derniere)))
        )
    qx, qy, qz, phi1, cos_phi1, lon = (
        bindparam(name, type_=Float) for name in ("qx", "qy", "qz", "phi1", "cos_phi1", "lon")
    )
    dot = e.c.x * qx + e.c.y * qy + e.c.z * qz
    distance = distance_km(phi1, cos_phi1, lon, e.c.lat, e.c.lon)
    candidates = candidates.where(
        e.c.fin >= today,
        or_(e.c.debut >= today, e.c.permanente == true()),
        or_(
            e.c.cellule == REMOTE_CELL,
            dot >= bindparam("inside", type_=Float),
            and_(dot >= bindparam("edge", type_=Float), distance <= bindparam("radius", type_=Float)),
        ),
        *criteria_conditions(criteria, today),
    )
    # 2. How many sessions start on each date: the rows alone of their session count one each,
    #    the others are told apart (an action with several places, a formation with several of the
    #    job's Formacodes). Then the total, and the dates until `reach` sessions start: the last
    #    is the date a page ends on, found without sorting the rows.
    sessions = func.count(case((e.c.seule == true(), 1))) + func.count(
        case((e.c.seule == false(), cast(e.c.source_id, String) + "/" + e.c.session_id)).distinct()
    )
    days = candidates.with_only_columns(e.c.debut, sessions.label("sessions")).group_by(e.c.debut).subquery()
    running = select(
        days.c.debut,
        days.c.sessions,
        func.sum(days.c.sessions).over(order_by=days.c.debut).label("jusque_la"),
        func.sum(days.c.sessions).over().label("total"),
    ).subquery()
    until = (
        select(running.c.debut, running.c.total)
        .where(running.c.jusque_la - running.c.sessions < bindparam("reach", type_=Integer))
        .order_by(running.c.debut)
    )
    # 3. A page is sorted among the sessions that start by that date (keyset on debut): the rows
    #    past it are left before they are measured.
    if paged and not nearest:
        candidates = candidates.where(e.c.debut <= bindparam("last_debut", type_=Date))
    return until, _page(candidates, distance, nearest, paged)


def _page(candidates: Select, distance: ColumnElement, nearest: bool, paged: bool) -> Select:
    """The page's rows: the nearest place of each session counts (any for a remote one), the
    database sorts and cuts; names are read for the page's sessions only."""
    e, s, a, f, p, o, src = m.search_entry, m.session, m.action, m.formation, m.lieu, m.organisme, m.source
    by_rome = e.c.cle == bindparam("rome", type_=String)
    measured = candidates.add_columns(
        e.c.action_id,
        e.c.lieu_id,
        e.c.fin,
        e.c.modalite_enseignement,
        e.c.heures,
        e.c.alternance,
        e.c.temps,
        e.c.handicap,
        case((by_rome, literal_column(f"'{BY_ROME}'")), else_=literal_column(f"'{BY_FORMACODE}'")).label("par"),
        case((e.c.cellule == REMOTE_CELL, null()), else_=distance).label("distance"),
    ).subquery()
    ranked = select(
        measured,
        func.row_number()
        .over(
            partition_by=(measured.c.source_id, measured.c.session_id),
            order_by=(func.coalesce(measured.c.distance, 0.0), measured.c.lieu_id),
        )
        .label("rang"),
    ).subquery()
    c = ranked.c
    source = select(src.c.nom).where(src.c.id == c.source_id).scalar_subquery()
    chosen = select(ranked, source.label("source")).where(c.rang == 1)
    chosen = chosen.order_by(*_order(c.distance, c.debut, c.session_id, source, nearest))
    chosen = chosen.offset(bindparam("offset", type_=Integer))
    if paged:
        chosen = chosen.limit(bindparam("size", type_=Integer))
    page = chosen.subquery()
    statement = (
        select(
            page,
            s.c.places,
            a.c.formation_id,
            f.c.intitule,
            select(o.c.nom)
            .where(o.c.source_id == f.c.source_id, o.c.id == f.c.organisme_id)
            .scalar_subquery()
            .label("organisme"),
            p.c.insee,
            p.c.ville,
        )
        .join(s, and_(s.c.source_id == page.c.source_id, s.c.id == page.c.session_id))
        .join(a, and_(a.c.source_id == page.c.source_id, a.c.id == page.c.action_id))
        .join(f, and_(f.c.source_id == a.c.source_id, f.c.id == a.c.formation_id))
        .outerjoin(p, p.c.id == page.c.lieu_id)
    )
    p2 = page.c
    return statement.order_by(*_order(p2.distance, p2.debut, p2.session_id, p2.source, nearest))


def index_source(conn: Connection, source_id: int) -> None:
    """Writes the search rows of source `source_id` from its offers, in the order of their
    primary key: the sessions that may be eligible (recruiting, dated), for each key of their
    formation and each located place of their action; one row without a point for a fully
    remote action, with its first place."""
    s, a, f, p, r, fc = m.session, m.action, m.formation, m.lieu, m.formation_rome, m.formation_formacode
    other_place, other_code = p.alias("autre_lieu"), fc.alias("autre_code")
    keys = union_all(
        select(r.c.formation_id, r.c.code.label("cle")).where(r.c.source_id == source_id),
        select(fc.c.formation_id, fc.c.code)
        .join(f, and_(f.c.source_id == fc.c.source_id, f.c.id == fc.c.formation_id))
        .where(fc.c.source_id == source_id, f.c.a_rome == false()),
    ).subquery()
    remote = a.c.modalite_enseignement == REMOTE
    common = (
        keys.c.cle,
        s.c.source_id,
        s.c.id.label("session_id"),
        s.c.action_id,
        s.c.debut,
        s.c.fin,
        a.c.entrees_sorties_permanentes.label("permanente"),
        a.c.modalite_enseignement,
        a.c.heures,
        a.c.alternance,
        a.c.temps,
        a.c.acces_handicapes.is_not(None).label("handicap"),
        # The only row of its session a search can find: one place (or remote), and a code-ROME
        # (a search asks for one) or a single code-FORMACODE (it may ask for several).
        and_(
            or_(
                remote,
                select(func.count())
                .where(
                    other_place.c.source_id == a.c.source_id,
                    other_place.c.action_id == a.c.id,
                    other_place.c.lat.is_not(None),
                )
                .scalar_subquery()
                == 1,
            ),
            or_(
                f.c.a_rome == true(),
                select(func.count())
                .where(other_code.c.source_id == f.c.source_id, other_code.c.formation_id == f.c.id)
                .scalar_subquery()
                == 1,
            ),
        ).label("seule"),
    )
    sessions = (
        s.join(a, and_(a.c.source_id == s.c.source_id, a.c.id == s.c.action_id))
        .join(f, and_(f.c.source_id == a.c.source_id, f.c.id == a.c.formation_id))
        .join(keys, keys.c.formation_id == a.c.formation_id)
    )
    eligible = (
        s.c.source_id == source_id,
        or_(s.c.etat_recrutement.is_(None), s.c.etat_recrutement == 1),
        s.c.debut.is_not(None),
        s.c.fin.is_not(None),
    )
    x, y, z = unit_vector(p.c.lat, p.c.lon, func.sin, func.cos, func.radians)
    located = (
        select(
            *common,
            cell(p.c.lat, p.c.lon, func.floor).label("cellule"),
            p.c.id.label("lieu_id"),
            p.c.lat,
            p.c.lon,
            x.label("x"),
            y.label("y"),
            z.label("z"),
        )
        .select_from(sessions.join(p, and_(p.c.source_id == a.c.source_id, p.c.action_id == a.c.id)))
        .where(*eligible, ~remote, p.c.lat.is_not(None))
    )
    first_place = select(func.min(p.c.id)).where(p.c.source_id == a.c.source_id, p.c.action_id == a.c.id)
    anywhere = (
        select(
            *common,
            literal(REMOTE_CELL).label("cellule"),
            func.coalesce(first_place.scalar_subquery(), 0).label("lieu_id"),
            *(null().label(name) for name in ("lat", "lon", "x", "y", "z")),
        )
        .select_from(sessions)
        .where(*eligible, remote)
    )
    rows = union_all(located, anywhere).subquery()
    names = [column.name for column in rows.c]
    conn.execute(m.search_entry.insert().from_select(names, select(rows).order_by(rows.c.cle, rows.c.cellule)))
