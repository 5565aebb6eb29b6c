"""The report of demand and unmet demand over a period, every count protected (secret.py).

Searches are those of the site and of the counselor page (canal site / conseiller); the kiosk
records only the jobs pupils look at, counted apart. A search is "unmet" when no session was
found within the person's radius; its distance is that of the nearest session anywhere.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.demand.events import SearchEvent
from bot.demand.secret import SHOWN, THRESHOLD, UNPUBLISHED, Cell, Group, protect
from bot.jobs import vocabulary
from bot.territoires import territoires

HORS_REGION = "hors_region"
K = TypeVar("K", bound=Hashable)
NON_PRECISE = "non_precise"
TOP_GAPS = 10
STATUT_LABELS = {
    "demandeur_emploi": "Demandeurs d'emploi",
    "etudiant": "Étudiants",
    "lyceen": "Lycéens",
    "collegien": "Collégiens",
    "salarie": "Salariés",
    NON_PRECISE: "Non précisé",
}
NIVEAU_LABELS = {
    "sans_diplome": "Sans diplôme",
    "cap": "CAP, BEP",
    "bac": "Bac",
    "bac+2": "Bac + 2",
    "bac+3": "Bac + 3",
    "bac+5": "Bac + 5 et plus",
    NON_PRECISE: "Non précisé",
}


@dataclass
class Row:
    """One line of a table: its key, its label and its protected counts."""

    key: str
    label: str
    recherches: Cell
    sans_session: Cell
    conseiller: Cell | None = None
    distance_mediane: int | None = None  # of the unmet searches, when their count is shown
    children: list[Row] = field(default_factory=list)


@dataclass
class Gap:
    """Unmet demand for one job in one territory."""

    rome: str
    metier: str
    epci: str
    territoire: str
    sans_session: Cell
    distance_mediane: int | None


@dataclass
class Report:
    du: dt.date
    au: dt.date
    simule: bool  # some events are simulated (make demo-demande)
    total: Row
    metiers: list[Row]
    territoires: list[Row]  # départements of the région (their EPCI as children), then the rest
    statuts: list[Row]
    niveaux: list[Row]
    semaines: list[Row]
    ecarts: list[Gap]  # the biggest unmet demands, job × EPCI
    borne_total: Cell
    borne_metiers: list[Row]
    carte: dict[str, Cell]  # EPCI code → unmet searches (the same cells as in `territoires`)


def _median(values: list[int]) -> int | None:
    return round(statistics.median(values)) if len(values) >= THRESHOLD else None


class _Counts:
    """Counts of the searches of one slice."""

    def __init__(self) -> None:
        self.recherches = 0
        self.sans_session = 0
        self.conseiller = 0
        self.distances: list[int] = []

    def add(self, event: SearchEvent) -> None:
        self.recherches += 1
        self.conseiller += event.conseiller
        if not event.sessions:
            self.sans_session += 1
            if event.distance_km is not None:
                self.distances.append(event.distance_km)

    def merge(self, other: _Counts) -> None:
        self.recherches += other.recherches
        self.sans_session += other.sans_session
        self.conseiller += other.conseiller
        self.distances += other.distances

    def row(self, key: str, label: str) -> Row:
        return Row(key, label, Cell(self.recherches), Cell(self.sans_session), Cell(self.conseiller))


def _slices(events: Iterable[SearchEvent], key: Callable[[SearchEvent], K]) -> dict[K, _Counts]:
    slices: dict[K, _Counts] = defaultdict(_Counts)
    for event in events:
        slices[key(event)].add(event)
    return slices


def _groups(total: Row, rows: list[Row]) -> list[Group]:
    """Each measure of `total` is the sum of that measure over `rows`."""
    groups = [
        Group(total.recherches, [r.recherches for r in rows]),
        Group(total.sans_session, [r.sans_session for r in rows]),
    ]
    if total.conseiller is not None:
        groups.append(Group(total.conseiller, [r.conseiller for r in rows if r.conseiller is not None]))
    return groups


def _job_label(rome: str) -> str:
    metier = vocabulary().by_rome(rome)
    return f"{metier.heading} ({rome})" if metier else rome


def _epci_of(event: SearchEvent) -> str:
    regional = territoires().departements_region
    if event.departement not in regional:
        return HORS_REGION
    return event.epci or f"dep{event.departement}"


def _departement_of(epci_key: str) -> str:
    if epci_key == HORS_REGION:
        return HORS_REGION
    if epci_key.startswith("dep"):
        return epci_key[3:]
    return territoires().epcis[epci_key].departement


def build(events: list[SearchEvent], du: dt.date, au: dt.date) -> Report:
    """The protected report of `events` (those of the days from `du` to `au`)."""
    searches = [e for e in events if e.canal != "kiosque"]
    kiosk = [e for e in events if e.canal == "kiosque"]
    groups: list[Group] = []
    everything = _Counts()
    for event in searches:
        everything.add(event)
    total = everything.row("total", "Toutes les recherches")

    def table(key: Callable[[SearchEvent], str], labels: dict[str, str] | Callable[[str], str]) -> list[Row]:
        label = labels.get if isinstance(labels, dict) else labels
        slices = _slices(searches, key)
        rows = []
        for k, counts in sorted(slices.items(), key=lambda item: (-item[1].recherches, item[0])):
            row = counts.row(k, str(label(k)))
            row.distance_mediane = _median(counts.distances)
            rows.append(row)
        groups.extend(_groups(total, rows))
        return rows

    metiers = table(lambda e: e.rome or NON_PRECISE, _job_label)
    statuts = table(lambda e: e.statut or NON_PRECISE, STATUT_LABELS)
    niveaux = table(lambda e: e.niveau or NON_PRECISE, NIVEAU_LABELS)
    semaines = sorted(
        table(lambda e: (e.jour - dt.timedelta(days=e.jour.weekday())).isoformat(), _week_label), key=lambda r: r.key
    )

    # Territories: the EPCI of the région within their département, the rest in one line.
    by_epci = _slices(searches, _epci_of)
    by_departement: dict[str, list[str]] = defaultdict(list)
    for epci_key in by_epci:
        by_departement[_departement_of(epci_key)].append(epci_key)
    territoire_rows = []
    for departement, epci_keys in sorted(by_departement.items()):
        counts = _Counts()
        children = []
        for epci_key in epci_keys:
            epci_counts = by_epci[epci_key]
            children.append(epci_counts.row(epci_key, _territory_label(epci_key)))
            children[-1].distance_mediane = _median(epci_counts.distances)
            counts.merge(epci_counts)
        label = "Hors Hauts-de-France" if departement == HORS_REGION else territoires().departement_nom(departement)
        row = counts.row(departement, label)
        row.distance_mediane = _median(counts.distances)
        if departement != HORS_REGION:
            row.children = sorted(children, key=lambda r: (-r.recherches.value, r.label))
            groups.extend(_groups(row, row.children))
        territoire_rows.append(row)
    groups.extend(_groups(total, territoire_rows))

    # Unmet demand by job × EPCI: every cell belongs to its job's and its EPCI's unmet totals;
    # only the biggest gaps are published.
    pairs = _slices(searches, lambda e: (e.rome or NON_PRECISE, _epci_of(e)))
    pair_cells = {key: Cell(counts.sans_session, UNPUBLISHED) for key, counts in pairs.items()}
    job_unmet = {row.key: row.sans_session for row in metiers}
    epci_unmet = {child.key: child.sans_session for row in territoire_rows for child in row.children}
    epci_unmet[HORS_REGION] = next((r.sans_session for r in territoire_rows if r.key == HORS_REGION), Cell(0))
    for rome, total_cell in job_unmet.items():
        groups.append(Group(total_cell, [c for (job, _), c in pair_cells.items() if job == rome]))
    for epci_key, total_cell in epci_unmet.items():
        groups.append(Group(total_cell, [c for (_, epci), c in pair_cells.items() if epci == epci_key]))
    biggest = sorted(
        (k for k, c in pair_cells.items() if c.value >= THRESHOLD and k[1] != HORS_REGION),
        key=lambda k: (-pair_cells[k].value, k),
    )[:TOP_GAPS]
    for key in biggest:
        pair_cells[key].state = SHOWN

    kiosk_counts = Counter(e.rome or NON_PRECISE for e in kiosk)
    borne_total = Cell(len(kiosk))
    borne_metiers = [
        Row(rome, _job_label(rome), Cell(n), Cell(0)) for rome, n in sorted(kiosk_counts.items(), key=lambda i: -i[1])
    ]
    groups.append(Group(borne_total, [r.recherches for r in borne_metiers]))

    protect(groups)
    ecarts = [
        Gap(
            rome=rome,
            metier=_job_label(rome),
            epci=epci,
            territoire=_territory_label(epci),
            sans_session=pair_cells[(rome, epci)],
            distance_mediane=_median(pairs[(rome, epci)].distances) if not pair_cells[(rome, epci)].hidden else None,
        )
        for rome, epci in biggest
    ]
    for line in [*metiers, *statuts, *niveaux, *semaines, *territoire_rows]:
        _hide_median(line)
        for child in line.children:
            _hide_median(child)
    return Report(
        du=du,
        au=au,
        simule=any(e.simule for e in events),
        total=total,
        metiers=metiers,
        territoires=territoire_rows,
        statuts=statuts,
        niveaux=niveaux,
        semaines=semaines,
        ecarts=ecarts,
        borne_total=borne_total,
        borne_metiers=borne_metiers,
        carte={k: c for k, c in epci_unmet.items() if k != HORS_REGION and not k.startswith("dep")},
    )


def _hide_median(row: Row) -> None:
    """A median is published only beside a published count of the searches it comes from."""
    if row.sans_session.hidden:
        row.distance_mediane = None


def _week_label(monday: str) -> str:
    day = dt.date.fromisoformat(monday)
    year, week, _ = day.isocalendar()
    return f"semaine {week} de {year} (du {day.strftime('%d/%m')})"


def _territory_label(epci_key: str) -> str:
    if epci_key == HORS_REGION:
        return "Hors Hauts-de-France"
    if epci_key.startswith("dep"):
        return f"Sans EPCI ({territoires().departement_nom(epci_key[3:])})"
    return territoires().epcis[epci_key].nom
