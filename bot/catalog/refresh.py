"""The daily refresh: every LHEO file of a folder imported as its own source."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import Engine

from bot.catalog import store
from bot.catalog.lheo import DEFAULT_TOLERANCE, ImportFault, ImportReport, import_file, source_name


@dataclass(frozen=True)
class Outcome:
    """What the refresh did with one file: its report, or why it left the source as it was."""

    source: str
    path: Path
    report: ImportReport | None
    fault: str | None


def feed_files(folder: Path) -> list[Path]:
    """The LHEO files of a folder (*.xml, not in sub-folders), by name."""
    if not folder.is_dir():
        raise ImportFault(f"{folder} : dossier introuvable")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    if not files:
        raise ImportFault(f"{folder} : aucun fichier LHEO (.xml) dans ce dossier")
    return files


def refresh(
    engine: Engine, folder: Path, *, tolerance: float = DEFAULT_TOLERANCE, progress: TextIO | None = sys.stderr
) -> list[Outcome]:
    """Imports each file of `folder` as the source named after it, each in its own transaction:
    a faulty file leaves its source as it was and does not stop the others."""
    outcomes = []
    for path in feed_files(folder):
        try:
            report = import_file(engine, path, tolerance=tolerance, progress=progress)
            outcomes.append(Outcome(report.source, path, report, None))
        except ImportFault as fault:
            outcomes.append(Outcome(source_name(path), path, None, str(fault)))
    return outcomes


def left_behind(engine: Engine, folder: Path, outcomes: list[Outcome]) -> list[str]:
    """Sources last imported from this folder whose file is no longer there: the refresh keeps
    them (a feed that failed to download must not empty the catalog)."""
    here = folder.resolve()
    refreshed = {outcome.source for outcome in outcomes}
    return [
        info.nom
        for info in store.sources(engine)
        if info.nom not in refreshed and info.fichiers and all(Path(f).parent == here for f in info.fichiers)
    ]
