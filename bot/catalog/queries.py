"""Reads of the catalog that the assistant and the CLI share, besides the session search."""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz, process
from sqlalchemy import select
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
    with engine.connect() as conn:
        for formation_id, code in conn.execute(select(m.formation_rome.c.formation_id, m.formation_rome.c.code)):
            romes[formation_id].add(code)
        for formation_id, code in conn.execute(
            select(m.formation_formacode.c.formation_id, m.formation_formacode.c.code)
        ):
            formacodes[formation_id].add(code)
        rows = conn.execute(
            select(m.formation.c.id, m.formation.c.intitule, m.formation.c.heures, m.formation.c.niveau_entree)
        ).all()
    infos = [
        FormationInfo(
            row.id, row.intitule, row.heures, frozenset(romes[row.id]), frozenset(formacodes[row.id]), row.niveau_entree
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


def formation_details(engine: Engine, formation_id: str) -> dict | None:
    """A formation with its provider and its actions' hours, teaching modes and funders."""
    f, o, a, fin = m.formation, m.organisme, m.action, m.action_financeur
    with engine.connect() as conn:
        row = conn.execute(
            select(f, o.c.nom.label("organisme"), o.c.telephone, o.c.courriel, o.c.web)
            .join(o, o.c.id == f.c.organisme_id)
            .where(f.c.id == formation_id)
        ).first()
        if row is None:
            return None
        actions = conn.execute(
            select(a.c.id, a.c.heures, a.c.modalite_enseignement, a.c.entrees_sorties_permanentes)
            .where(a.c.formation_id == formation_id)
            .order_by(a.c.id)
        ).all()
        funders = sorted(set(conn.scalars(select(fin.c.code).where(fin.c.action_id.in_([x.id for x in actions])))))
    details = dict(row._mapping)
    details["actions"] = [dict(x._mapping) for x in actions]
    details["financeurs"] = funders
    return details
