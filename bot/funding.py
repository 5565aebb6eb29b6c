"""Who can pay for a training, by the person's status (data/reference/financements.yml)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import REFERENCE_DIR
from bot.contract import STATUTS

FINANCEMENTS_PATH = REFERENCE_DIR / "financements.yml"
# The statuses of the interface contract (entity `statut`), and the advice for an unknown one.
GENERAL = "general"


@dataclass(frozen=True)
class Advice:
    """General guidance on funding a training, for one status."""

    statut: str
    titre: str
    points: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (label, url)


def _load(path: Path) -> dict[str, Advice]:
    """The advice of the file, by status; every status of STATUTS and GENERAL must be there."""
    with path.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)["financements"]
    missing = [statut for statut in (*STATUTS, GENERAL) if statut not in entries]
    if missing:
        raise ValueError(f"{path.name} : pas de conseil pour {', '.join(missing)}")
    return {
        statut: Advice(
            statut=statut,
            titre=entry["titre"],
            points=tuple(entry["points"]),
            sources=tuple((source["label"], source["url"]) for source in entry["sources"]),
        )
        for statut, entry in entries.items()
    }


@functools.cache
def _advice_by_statut() -> dict[str, Advice]:
    return _load(FINANCEMENTS_PATH)


def advice(statut: str | None) -> Advice:
    """The advice for a status; the general advice when the status is None or unknown."""
    by_statut = _advice_by_statut()
    return by_statut.get(statut or GENERAL, by_statut[GENERAL])
