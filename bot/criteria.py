"""The criteria people search with beyond job, town and radius: start window, alternance,
teaching mode, length, funding, working time, access for disabled people.

One value (Criteria) for the chat, the counselor page and the command line; the search applies
it in SQL (bot/catalog/search.py) by the rules of docs/contrat.md (« Critères de recherche »).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from bot.config import REFERENCE_DIR
from bot.contract import STATUTS

FINANCEURS_PATH = REFERENCE_DIR / "financeurs.yml"
MODALITES = ("presentiel", "mixte", "distanciel")
TEMPS = ("plein", "partiel", "soir")
# The order in which criteria are shown, relaxed and offered.
NAMES = (
    "debut_apres",
    "debut_avant",
    "alternance",
    "modalite",
    "heures_max",
    "finance_pour",
    "financeur",
    "temps",
    "handicap",
)


# Criteria people name, set and drop together ("peu importe la date" drops both bounds).
GROUPS = {
    "date": ("debut_apres", "debut_avant"),
    "alternance": ("alternance",),
    "modalite": ("modalite",),
    "duree": ("heures_max",),
    "financement": ("finance_pour", "financeur"),
    "temps": ("temps",),
    "handicap": ("handicap",),
}


@dataclass(frozen=True)
class Financeur:
    code: str
    libelle: str
    pour: tuple[str, ...]  # statuts


@functools.cache
def financeurs(path: Path = FINANCEURS_PATH) -> dict[str, Financeur]:
    """The LHEO funder codes and whom each pays for (data/reference/financeurs.yml)."""
    with path.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)["financeurs"]
    found = {}
    for entry in entries:
        unknown = set(entry["pour"]) - set(STATUTS)
        if unknown:
            raise ValueError(f"{path.name} : code {entry['code']} : statut inconnu {', '.join(sorted(unknown))}")
        found[str(entry["code"])] = Financeur(str(entry["code"]), entry["libelle"], tuple(entry["pour"]))
    return found


def funder_codes(statut: str) -> list[str]:
    """The funder codes that pay for people of `statut`, in code order."""
    return sorted((f.code for f in financeurs().values() if statut in f.pour), key=int)


@dataclass(frozen=True)
class Criteria:
    """What a search is restricted to; None: no restriction. debut_apres and debut_avant are
    inclusive days; alternance and handicap are True or None."""

    debut_apres: dt.date | None = None
    debut_avant: dt.date | None = None
    alternance: bool | None = None
    modalite: str | None = None  # presentiel | mixte | distanciel
    heures_max: int | None = None
    finance_pour: str | None = None  # a statut
    financeur: str | None = None  # an LHEO funder code
    temps: str | None = None  # plein | partiel | soir
    handicap: bool | None = None

    def __post_init__(self) -> None:
        if self.modalite is not None and self.modalite not in MODALITES:
            raise ValueError(f"modalité inconnue « {self.modalite} »")
        if self.temps is not None and self.temps not in TEMPS:
            raise ValueError(f"rythme inconnu « {self.temps} »")
        if self.finance_pour is not None and self.finance_pour not in STATUTS:
            raise ValueError(f"statut inconnu « {self.finance_pour} »")
        if self.financeur is not None and self.financeur not in financeurs():
            raise ValueError(f"code financeur inconnu « {self.financeur} »")
        if self.heures_max is not None and self.heures_max < 1:
            raise ValueError(f"durée maximale invalide « {self.heures_max} »")

    def active(self) -> list[str]:
        """The names of the criteria set, in NAMES order."""
        return [name for name in NAMES if getattr(self, name) is not None]

    def without(self, *names: str) -> Criteria:
        return replace(self, **dict.fromkeys(names))

    def groups(self) -> list[str]:
        """The groups (GROUPS) of the criteria set, in GROUPS order."""
        active = set(self.active())
        return [group for group, names in GROUPS.items() if active & set(names)]

    def without_group(self, group: str) -> Criteria:
        return self.without(*GROUPS[group])

    def __bool__(self) -> bool:
        return bool(self.active())

    def as_slots(self) -> dict[str, object]:
        """Every criterion as a slot value: dates as YYYY-MM-DD, None when not set."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in ((f.name, getattr(self, f.name)) for f in fields(self))
        }

    @classmethod
    def from_slots(cls, values: dict[str, object]) -> Criteria:
        """The criteria of slot values (as as_slots writes them); unreadable values are dropped."""
        found: dict[str, Any] = {}
        for name in NAMES:
            value: Any = values.get(name)
            if value in (None, ""):
                continue
            try:
                if name.startswith("debut_"):
                    value = dt.date.fromisoformat(str(value))
                elif name == "heures_max":
                    value = int(float(str(value)))
                elif name in ("alternance", "handicap"):
                    value = True if value in (True, "true", "True") else None
                else:
                    value = str(value)
                cls(**{name: value})  # checks the value
            except ValueError:
                continue
            found[name] = value
        return cls(**found)
