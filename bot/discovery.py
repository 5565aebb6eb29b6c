"""The discovery of the jobs for someone who does not know yet which one: what they like to do,
and the two or three jobs closest to it (data/reference/decouverte.yml)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from bot.config import REFERENCE_DIR
from bot.jobs import Metier, vocabulary

DECOUVERTE_PATH = REFERENCE_DIR / "decouverte.yml"


def interests() -> list[str]:
    """The ids of what people may like, in the file's order."""
    return list(_load(DECOUVERTE_PATH))


def jobs_for(interest: str) -> list[Metier]:
    """The jobs suggested to someone who likes `interest` (empty for an unknown id)."""
    return list(_load(DECOUVERTE_PATH).get(interest, ()))


@functools.cache
def _load(path: Path) -> dict[str, tuple[Metier, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("gouts") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path} : clé « gouts » absente ou vide")
    loaded: dict[str, tuple[Metier, ...]] = {}
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("metiers"):
            raise ValueError(f"{path} : goût n° {number} : « id » et « metiers » sont attendus")
        name = str(entry["id"])
        if name in loaded:
            raise ValueError(f"{path} : goût « {name} » en double")
        jobs = [vocabulary().by_rome(str(code)) for code in entry["metiers"]]
        unknown = [str(code) for code, job in zip(entry["metiers"], jobs, strict=True) if job is None]
        if unknown:
            raise ValueError(
                f"{path} : goût « {name} » : code(s) ROME inconnu(s) de metiers.yml : {', '.join(unknown)}"
            )
        loaded[name] = tuple(job for job in jobs if job is not None)
    return loaded
