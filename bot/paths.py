"""Learning paths: for a job (ROME code), the ordered steps of data/reference/parcours.yml,
each filled with the best matching formation of whatever LHEO catalog is loaded."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.config import REFERENCE_DIR
from bot.text import fold

PARCOURS_FILE = REFERENCE_DIR / "parcours.yml"

_ROME = re.compile(r"[A-N]\d{4}")
_FORMACODE = re.compile(r"\d{5}")
# LHEO dict-niveaux: the former scale (1 = sans niveau … 8 = niveau I) set on the current one
# (11 = niveau 1 … 18 = niveau 8); 0 means "not given".
_OLD_LEVELS = {1: 10, 2: 11, 3: 12, 4: 13, 5: 14, 6: 15, 7: 16, 8: 17}


@dataclass(frozen=True)
class FormationInfo:
    """What a path needs to know of a catalog formation."""

    id: str
    intitule: str
    heures: int | None
    romes: frozenset[str]
    formacodes: frozenset[str]
    niveau_entree: int | None


@dataclass(frozen=True)
class Etape:
    """One step of a path, as shown to the user."""

    formation_id: str
    intitule: str
    heures: int | None
    pourquoi: str

    def as_payload(self) -> dict:
        """The step in the `parcours` custom payload."""
        return {
            "formation_id": self.formation_id,
            "intitule": self.intitule,
            "heures": self.heures,
            "pourquoi": self.pourquoi,
        }


@dataclass(frozen=True)
class EtapeModele:
    """A step of parcours.yml: what to look for in a catalog, and why it matters."""

    titre: str
    pourquoi: str
    formacodes: frozenset[str]
    mots: tuple[str, ...]  # folded expressions searched in titles
    sauf: tuple[str, ...]  # folded expressions that rule a formation out
    courte: bool

    def pertinence(self, formation: FormationInfo, titre: str) -> int:
        """How many clues of this step the formation shows (0: it does not fit).
        `titre` is the folded title between spaces."""
        if any(f" {mot} " in titre for mot in self.sauf):
            return 0
        return len(self.formacodes & formation.formacodes) + sum(f" {mot} " in titre for mot in self.mots)


def path_steps(rome: str) -> tuple[EtapeModele, ...]:
    """The steps towards this job; empty for a ROME code without a path."""
    return _load(PARCOURS_FILE).get(rome.strip().upper(), ())


def build_path(rome: str, formations: Iterable[FormationInfo]) -> list[Etape]:
    """For each step of the job's path, the best formation not used yet; a step that no
    formation fits is left out."""
    rome = rome.strip().upper()
    candidates = [(formation, f" {fold(formation.intitule)} ") for formation in formations]
    used: set[str] = set()
    path: list[Etape] = []
    for step in path_steps(rome):
        ranked = []
        for formation, titre in candidates:
            if formation.id in used:
                continue
            score = step.pertinence(formation, titre)
            if score:
                ranked.append((_rank(step, rome, formation, score), formation))
        if ranked:
            best = min(ranked, key=lambda item: item[0])[1]
            used.add(best.id)
            path.append(Etape(best.id, best.intitule, best.heures, step.pourquoi))
    return path


def _rank(step: EtapeModele, rome: str, formation: FormationInfo, score: int) -> tuple:
    """Sort key, best first: lists the job's ROME code, most clues, shortest when the step
    asks for it, lowest entry level, identifier."""
    hours = formation.heures if formation.heures is not None else math.inf
    return (
        rome not in formation.romes,
        -score,
        hours if step.courte else 0,
        _level(formation.niveau_entree),
        formation.id,
    )


def _level(code: int | None) -> int:
    """Entry level on the current LHEO scale; unknown levels come last."""
    if not code:
        return 99
    return _OLD_LEVELS.get(code, code)


@cache
def _load(path: Path) -> dict[str, tuple[EtapeModele, ...]]:
    """Reads and checks parcours.yml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    paths = data.get("parcours") if isinstance(data, dict) else None
    if not isinstance(paths, dict):
        raise ValueError(f"{path} : clé « parcours » absente ou invalide")
    loaded = {}
    for rome, steps in paths.items():
        if not isinstance(rome, str) or not _ROME.fullmatch(rome):
            raise ValueError(f"{path} : code ROME invalide « {rome} »")
        if not isinstance(steps, list) or not steps:
            raise ValueError(f"{path} : {rome} n'a aucune étape")
        loaded[rome] = tuple(_step(path, rome, number, raw) for number, raw in enumerate(steps, 1))
    return loaded


def _step(path: Path, rome: str, number: int, raw: object) -> EtapeModele:
    where = f"{path} : {rome}, étape {number}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} : une étape doit être un dictionnaire")
    unknown = set(raw) - {"titre", "pourquoi", "formacodes", "mots", "sauf", "courte"}
    if unknown:
        raise ValueError(f"{where} : clé inconnue {sorted(unknown)}")
    for key in ("titre", "pourquoi"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ValueError(f"{where} : « {key} » manquant")
    formacodes = frozenset(raw.get("formacodes") or ())
    if not all(isinstance(code, str) and _FORMACODE.fullmatch(code) for code in formacodes):
        raise ValueError(f"{where} : Formacode invalide dans {sorted(map(str, formacodes))}")
    mots = tuple(fold(str(mot)) for mot in raw.get("mots") or ())
    sauf = tuple(fold(str(mot)) for mot in raw.get("sauf") or ())
    if not formacodes and not any(mots):
        raise ValueError(f"{where} : ni Formacode ni mot pour reconnaître l'étape")
    courte = raw.get("courte", False)
    if not isinstance(courte, bool):
        raise ValueError(f"{where} : « courte » doit valoir true ou false")
    return EtapeModele(
        raw["titre"].strip(),
        raw["pourquoi"].strip(),
        formacodes,
        tuple(m for m in mots if m),
        tuple(m for m in sauf if m),
        courte,
    )
