"""The territories of the demand report: a commune's EPCI and département, never the commune.

Data: data/reference/epci.json.gz, built by scripts/build_epci.py (see its PROVENANCE): every
EPCI of France with its member communes, and the outline of those of Hauts-de-France.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass

from bot.config import REFERENCE_DIR
from bot.geo import HAUTS_DE_FRANCE, gazetteer

EPCI_FILE = REFERENCE_DIR / "epci.json.gz"


@dataclass(frozen=True)
class Epci:
    code: str  # SIREN
    nom: str
    departement: str  # the département of most of its communes
    contour: tuple  # GeoJSON MultiPolygon coordinates (lon, lat); empty outside Hauts-de-France


@dataclass(frozen=True)
class Territoire:
    """Where a person lives, as coarse as the report needs."""

    epci: str | None  # None for the few communes in no EPCI
    departement: str


class Territoires:
    def __init__(self) -> None:
        with gzip.open(EPCI_FILE, "rt", encoding="utf-8") as handle:
            raw = json.load(handle)
        self.epcis = {
            code: Epci(code, entry["nom"], entry["departement"], tuple(entry.get("contour", ())))
            for code, entry in raw["epci"].items()
        }
        self._of_commune = {insee: code for code, entry in raw["epci"].items() for insee in entry["communes"]}
        self._departements = {code: entry["nom"] for code, entry in raw["departements"].items()}
        # The départements of Hauts-de-France.
        self.departements_region = frozenset(
            code for code, entry in raw["departements"].items() if entry["region"] == HAUTS_DE_FRANCE
        )

    def of_commune(self, insee: str) -> Territoire | None:
        """The EPCI and département of a commune (INSEE code); None for an unknown code."""
        commune = gazetteer().by_insee(insee)
        if commune is None:
            return None
        # (the arrondissements of Paris, Lyon and Marseille: their département only)
        return Territoire(self._of_commune.get(commune.insee), commune.departement)

    def regional(self) -> list[Epci]:
        """The EPCI drawn on the map of Hauts-de-France."""
        return sorted((e for e in self.epcis.values() if e.contour), key=lambda e: e.code)

    def departement_nom(self, code: str) -> str:
        """ "62" → "Pas-de-Calais" (the code itself if unknown)."""
        return self._departements.get(code, code)


@functools.cache
def territoires() -> Territoires:
    return Territoires()
