"""Reads of the catalog that the assistant and the CLI share, besides the session search."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.catalog import models as m
from bot.paths import Etape, FormationInfo, build_path

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
        for formation_id, code in conn.execute(select(m.formation_formacode.c.formation_id, m.formation_formacode.c.code)):
            formacodes[formation_id].add(code)
        rows = conn.execute(select(m.formation.c.id, m.formation.c.intitule, m.formation.c.heures, m.formation.c.niveau_entree)).all()
    infos = [
        FormationInfo(row.id, row.intitule, row.heures, frozenset(romes[row.id]), frozenset(formacodes[row.id]), row.niveau_entree)
        for row in rows
    ]
    _formations_cache[key] = (version, infos)
    return infos


def learning_path(engine: Engine, rome: str) -> list[Etape]:
    """The ordered steps towards job `rome`, with formations of the loaded catalog."""
    return build_path(rome, formations_info(engine))
