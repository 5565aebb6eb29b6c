"""The battery gigafactories of Hauts-de-France that hire (data/reference/employeurs.yml):
what they make, how to apply, which one a message talks about, which is nearest."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import REFERENCE_DIR
from bot.geo import gazetteer, haversine_km
from bot.text import fold

EMPLOYEURS_PATH = REFERENCE_DIR / "employeurs.yml"
# A company's name in a message outranks the name of a town it has a site in.
_NAME, _PLACE = 0, 1


@dataclass(frozen=True)
class Employer:
    """One gigafactory and its company."""

    nom: str
    nom_court: str
    ville: str
    insee: str
    description: str
    metiers: tuple[str, ...]
    candidater: str
    sources: tuple[str, ...]


def _load(path: Path) -> tuple[list[Employer], list[tuple[str, int, Employer]]]:
    """The employers of the file, and the (folded phrase, rank, employer) that name each."""
    with path.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)["employeurs"]
    employers: list[Employer] = []
    phrases: list[tuple[str, int, Employer]] = []
    for entry in entries:
        employer = Employer(
            nom=entry["nom"],
            nom_court=entry["nom_court"],
            ville=entry["ville"],
            insee=str(entry["insee"]),
            description=entry["description"].strip(),
            metiers=tuple(entry["metiers"]),
            candidater=entry["candidater"].strip(),
            sources=tuple(entry["sources"]),
        )
        employers.append(employer)
        for rank, key in ((_NAME, "appellations"), (_PLACE, "lieux")):
            phrases.extend((fold(phrase), rank, employer) for phrase in entry[key])
    return employers, phrases


@functools.cache
def _reference() -> tuple[list[Employer], list[tuple[str, int, Employer]]]:
    return _load(EMPLOYEURS_PATH)


def employers() -> list[Employer]:
    """All employers, in the order of the file."""
    return list(_reference()[0])


def find_employer(text: str) -> Employer | None:
    """The employer a message names ("ACC recrute ?", "l'usine de Verkor", "la gigafactory de
    Dunkerque"), matching whole words only ("accueil" is not ACC). A company name wins over a
    town name; otherwise the first mentioned wins."""
    padded = f" {fold(text)} "
    best = None
    for phrase, rank, employer in _reference()[1]:
        position = padded.find(f" {phrase} ")
        if position >= 0:
            key = (rank, position, -len(phrase))
            if best is None or key < best[0]:
                best = (key, employer)
    return best[1] if best else None


def nearest(lat: float, lon: float) -> list[tuple[Employer, float]]:
    """Every employer with its great-circle distance in km from a point, nearest first."""
    communes = gazetteer()
    ranked = []
    for employer in employers():
        site = communes.by_insee(employer.insee)
        assert site is not None, f"{employer.insee} of {EMPLOYEURS_PATH.name} is not in the gazetteer"
        ranked.append((employer, haversine_km(lat, lon, site.lat, site.lon)))
    return sorted(ranked, key=lambda pair: pair[1])
