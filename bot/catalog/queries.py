"""Reads of the catalog that the assistant and the CLI share, besides the session search."""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz, process
from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from bot.catalog import models as m
from bot.paths import Etape, FormationInfo, build_path
from bot.text import fold

FORMATION_MATCH_MIN = 60  # rapidfuzz partial ratio (0-100) for a training named in a message

_formations_cache: dict[str, tuple[str | None, list[FormationInfo]]] = {}


def catalog_version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(select(m.catalog_meta.c.value).where(m.catalog_meta.c.key == "version"))


def formations_info(engine: Engine) -> list[FormationInfo]:
    """Every formation, as the path builder sees it; cached until the next import."""
    key = str(engine.url)
    version = catalog_version(engine)
    cached = _formations_cache.get(key)
    if cached and cached[0] == version:
        return cached[1]
    romes, formacodes = defaultdict(set), defaultdict(set)
    r, fc, f = m.formation_rome, m.formation_formacode, m.formation
    with engine.connect() as conn:
        for source_id, formation_id, code in conn.execute(select(r.c.source_id, r.c.formation_id, r.c.code)):
            romes[source_id, formation_id].add(code)
        for source_id, formation_id, code in conn.execute(select(fc.c.source_id, fc.c.formation_id, fc.c.code)):
            formacodes[source_id, formation_id].add(code)
        rows = conn.execute(
            select(f.c.source_id, f.c.id, f.c.intitule, f.c.heures, f.c.niveau_entree).order_by(f.c.source_id, f.c.id)
        ).all()
    infos = [
        FormationInfo(
            row.id,
            row.intitule,
            row.heures,
            frozenset(romes[row.source_id, row.id]),
            frozenset(formacodes[row.source_id, row.id]),
            row.niveau_entree,
        )
        for row in rows
    ]
    _formations_cache[key] = (version, infos)
    return infos


def learning_path(engine: Engine, rome: str) -> list[Etape]:
    """The ordered steps towards job `rome`, with formations of the loaded catalog."""
    return build_path(rome, formations_info(engine))


def find_formation(engine: Engine, text: str) -> FormationInfo | None:
    """The formation of the catalog whose title best matches what someone typed
    ("CACES R489", "habilitation B1VL"), or None."""
    infos = formations_info(engine)
    titles = {info.id: fold(info.intitule) for info in infos}
    best = process.extractOne(fold(text), titles, scorer=fuzz.token_set_ratio, score_cutoff=FORMATION_MATCH_MIN)
    return next(info for info in infos if info.id == best[2]) if best else None


def formation_details(engine: Engine, formation_id: str, source: str | None = None) -> dict | None:
    """A formation with its provider and its actions' hours, teaching modes and funders. Numeros
    are unique within a source only: without `source`, the formation of the first source by name."""
    f, o, a, fin, src = m.formation, m.organisme, m.action, m.action_financeur, m.source
    with engine.connect() as conn:
        statement = (
            select(f, src.c.nom.label("source"), o.c.nom.label("organisme"), o.c.telephone, o.c.courriel, o.c.web)
            .join(src, src.c.id == f.c.source_id)
            .join(o, and_(o.c.source_id == f.c.source_id, o.c.id == f.c.organisme_id))
            .where(f.c.id == formation_id)
            .order_by(src.c.nom)
        )
        if source is not None:
            statement = statement.where(src.c.nom == source)
        row = conn.execute(statement).first()
        if row is None:
            return None
        actions = conn.execute(
            select(a.c.id, a.c.heures, a.c.modalite_enseignement, a.c.entrees_sorties_permanentes)
            .where(a.c.source_id == row.source_id, a.c.formation_id == formation_id)
            .order_by(a.c.id)
        ).all()
        funders = conn.scalars(
            select(fin.c.code).where(fin.c.source_id == row.source_id, fin.c.action_id.in_([x.id for x in actions]))
        )
        funders = sorted(set(funders))
    details = dict(row._mapping)
    details["actions"] = [dict(x._mapping) for x in actions]
    details["financeurs"] = funders
    return details


def session_facts(engine: Engine, sessions: list[dict]) -> list[dict]:
    """What the catalog says of each session shown (session objects of the search), in the same
    order: hours, dates, the place of the session's town, places and recruitment state, entry
    level, access conditions, the provider's contact, teaching mode and rhythm. Numeros are unique
    within a source only: as in formation_details, the first source by name."""
    s, a, f, o, src, p = m.session, m.action, m.formation, m.organisme, m.source, m.lieu
    facts = []
    with engine.connect() as conn:
        for shown in sessions:
            row = conn.execute(
                select(
                    s.c.source_id,
                    s.c.places,
                    s.c.etat_recrutement,
                    a.c.heures,
                    f.c.heures.label("heures_formation"),
                    a.c.modalite_enseignement,
                    a.c.conditions,
                    a.c.rythme,
                    f.c.niveau_entree,
                    o.c.telephone,
                    o.c.courriel,
                    o.c.web,
                )
                .join(a, and_(a.c.source_id == s.c.source_id, a.c.id == s.c.action_id))
                .join(f, and_(f.c.source_id == a.c.source_id, f.c.id == a.c.formation_id))
                .join(o, and_(o.c.source_id == f.c.source_id, o.c.id == f.c.organisme_id))
                .join(src, src.c.id == s.c.source_id)
                .where(
                    s.c.id == shown["session_id"],
                    s.c.action_id == shown["action_id"],
                    a.c.formation_id == shown["formation_id"],
                )
                .order_by(src.c.nom)
            ).first()
            if row is None:
                continue
            places = conn.execute(
                select(p.c.nom, p.c.adresse, p.c.code_postal, p.c.ville, p.c.insee)
                .where(p.c.source_id == row.source_id, p.c.action_id == shown["action_id"])
                .order_by(p.c.id)
            ).all()
            here = next((x for x in places if shown.get("commune") and x.insee == shown["commune"]), None)
            place = here or (places[0] if places else None)
            facts.append(
                {
                    **shown,
                    "heures": row.heures or row.heures_formation,
                    "etat_recrutement": row.etat_recrutement,
                    "niveau_entree": row.niveau_entree,
                    "conditions": row.conditions,
                    "rythme": row.rythme,
                    "contact": [value for value in (row.telephone, row.courriel, row.web) if value],
                    "adresse": [x for x in (place.nom, place.adresse, place.code_postal, place.ville) if x]
                    if place
                    else [],
                }
            )
    return facts
