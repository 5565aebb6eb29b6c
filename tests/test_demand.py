"""What the Région learns: anonymous search events, the report's figures, small-cell suppression,
retention and the command line. (Events from real conversations: tests/test_demand_conversations.py.)"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import subprocess
import sys

import pytest
from sqlalchemy import inspect, select

from bot.catalog.models import demand_event
from bot.config import ROOT
from bot.contract import NIVEAUX, STATUTS
from bot.demand.events import SearchEvent, load, purge, record, search_event
from bot.demand.render import as_csv, as_html, as_json
from bot.demand.report import build
from bot.demand.secret import THRESHOLD
from bot.territoires import territoires

LENS, DOUAI, AMIENS, ROUEN = "62498", "59178", "80021", "76540"
LENS_LIEVIN = "246200364"
DAY = dt.date(2026, 10, 5)  # a Monday


def events(n: int, **fields) -> list[SearchEvent]:
    base = {"jour": DAY, "canal": "site", "rome": "H2705", "commune": LENS, "rayon_km": 30}
    base.update({k: v for k, v in fields.items() if k in base or k in {"statut", "niveau", "sessions", "distance_km"}})
    event = search_event(**base)
    extra = {k: v for k, v in fields.items() if k == "conseiller"}
    return [SearchEvent(**{**event.__dict__, **extra}) for _ in range(n)]


def test_an_event_keeps_the_epci_and_departement_never_the_commune(engine):
    event = search_event(DAY, "site", "H2705", LENS, 25.4, "demandeur_emploi", "bac", 0, 12.6)
    assert (event.epci, event.departement, event.rayon_km, event.distance_km) == (LENS_LIEVIN, "62", 25, 13)
    assert territoires().epcis[LENS_LIEVIN].nom == "Communauté d'agglomération de Lens - Liévin"
    record(engine, event)
    columns = {c["name"] for c in inspect(engine).get_columns("demand_event")}
    assert columns == {
        "id", "jour", "canal", "rome", "epci", "departement", "rayon_km", "statut", "niveau",
        "sessions", "distance_km", "conseiller", "simule",
    }  # fmt: skip
    with engine.connect() as conn:
        row = conn.execute(select(demand_event)).one()._mapping
    assert LENS not in {str(v) for v in row.values()}


def test_values_outside_the_contract_categories_are_not_kept():
    event = search_event(DAY, "site", "H2705", LENS, 30, "Jean Dupont 06 12 34 56 78", "licence pro", 1, 3.0)
    assert event.statut is None and event.niveau is None
    with pytest.raises(ValueError):
        search_event(DAY, "courriel", "H2705", LENS)


def test_report_figures_on_a_hand_computed_event_set():
    sample = (
        events(12, sessions=0, distance_km=40, statut="demandeur_emploi")  # Lens, nothing within 30 km
        + events(3, sessions=0, distance_km=20, conseiller=True)
        + events(7, commune=DOUAI, sessions=4, distance_km=2, niveau="bac")
        + events(5, commune=DOUAI, sessions=0, distance_km=15)
        + events(6, commune=AMIENS, rome="H2703", sessions=2, distance_km=5, niveau="bac")
        + events(5, commune=AMIENS, rome="H2703", sessions=0, distance_km=35)
        + events(5, commune=ROUEN, rome="H2703", sessions=0, distance_km=90)
        + events(9, commune=AMIENS, canal="kiosque")
    )
    report = build(sample, DAY, DAY)
    assert report.total.recherches.text() == "43"  # the kiosk is counted apart
    assert report.total.sans_session.text() == "30"
    assert report.total.conseiller.text() == "< 5"
    assert report.borne_total.text() == "9"
    jobs = {row.key: row for row in report.metiers}
    assert (jobs["H2705"].recherches.text(), jobs["H2705"].sans_session.text()) == ("27", "20")
    assert jobs["H2705"].distance_mediane == 40  # five 15s, three 20s, twelve 40s
    assert (jobs["H2703"].recherches.text(), jobs["H2703"].sans_session.text()) == ("16", "10")
    departements = {row.key: row for row in report.territoires}
    assert {k: r.recherches.text() for k, r in departements.items()} == {
        "59": "12", "62": "15", "80": "11", "hors_region": "5",  # Rouen: no EPCI detail
    }  # fmt: skip
    lens = {child.key: child for child in departements["62"].children}[LENS_LIEVIN]
    assert (lens.recherches.text(), lens.sans_session.text(), lens.conseiller.text()) == ("15", "15", "< 5")
    # Biggest gap first: pilote de ligne around Lens; Rouen is outside the région's map.
    gaps = [(g.rome, g.epci, g.sans_session.text()) for g in report.ecarts]
    assert gaps[0] == ("H2705", LENS_LIEVIN, "15") and len(gaps) == 3
    assert report.carte[LENS_LIEVIN].text() == "15"
    statuts = {row.key: row.recherches.text() for row in report.statuts}
    assert statuts == {"demandeur_emploi": "12", "non_precise": "31"}
    assert [w.key for w in report.semaines] == ["2026-10-05"]


def _equations(report):
    """(total, parts) of every published sum, for each measure, rebuilt from the report."""
    tables = [(report.total, report.metiers), (report.total, report.statuts), (report.total, report.niveaux)]
    tables += [(report.total, report.semaines), (report.total, report.territoires)]
    tables += [(row, row.children) for row in report.territoires if row.children]
    for total, rows in tables:
        for measure in ("recherches", "sans_session", "conseiller"):
            yield getattr(total, measure), [getattr(r, measure) for r in rows]


def _values(cell, limit):
    """What a reader can believe of a cell from what is printed."""
    text = cell.text()
    if text == f"< {THRESHOLD}":
        return range(THRESHOLD)
    if text == "s":
        return range(THRESHOLD, limit + 1)
    return [int(text)]


@pytest.mark.parametrize("seed", range(40))
def test_no_printed_figure_nor_difference_of_figures_tells_a_count_below_5(seed):
    rng = random.Random(seed)
    communes = [LENS, DOUAI, AMIENS, ROUEN, "02691", "60057", "62193", "59350"]
    sample = []
    for _ in range(rng.randint(1, 120)):
        sample += events(
            1,
            commune=rng.choice(communes),
            rome=rng.choice(["H2705", "H2703", "H2704", "I1304"]),
            sessions=rng.choice([0, 0, 1, 3]),
            distance_km=rng.randint(1, 80),
            statut=rng.choice([*STATUTS, None]),
            niveau=rng.choice([*NIVEAUX, None]),
            conseiller=rng.random() < 0.2,
        )
    report = build(sample, DAY, DAY)
    checked = 0
    for total, parts in _equations(report):
        cells = [total, *parts]
        for cell in cells:
            assert cell.text() in {f"< {THRESHOLD}", "s"} or int(cell.text()) >= THRESHOLD
        hidden = [c for c in cells if c.hidden]
        if not hidden or len(hidden) > 5:
            continue  # nothing to derive / too many unknowns to enumerate (and to derive)
        limit = len(sample)
        solutions = []
        for guess in itertools.product(*(_values(c, limit) for c in hidden)):
            value = {id(c): g for c, g in zip(hidden, guess, strict=True)} | {
                id(c): c.value for c in cells if not c.hidden
            }
            if value[id(total)] == sum(value[id(p)] for p in parts):
                solutions.append(guess)
        assert tuple(c.value for c in hidden) in solutions  # the true figures fit what is printed
        for index, cell in enumerate(hidden):
            assert len({s[index] for s in solutions}) > 1, f"a hidden count ({cell.value}) can be derived"
        checked += 1
    assert checked or len(sample) >= THRESHOLD * 10


def test_report_formats_carry_the_same_protected_figures():
    sample = events(12, sessions=0, distance_km=40) + events(2, commune=DOUAI)
    report = build(sample, DAY, DAY)
    document = json.loads(as_json(report))
    assert document["donnees_simulees"] is False and document["tableaux"]["total"][0]["recherches"] == "14"
    csv_text = as_csv(report)
    assert "total,total,Toutes les recherches,recherches,14" in csv_text
    assert ",< 5" in csv_text
    html = as_html(report)
    assert html.count('class="epci"') == len(territoires().regional()) == 92
    for loading in ("<script", "<link", "<img", "src=", "url(http", "url(/", "@import"):  # self-contained
        assert loading not in html
    assert "Données simulées" not in html


def test_retention_deletes_events_older_than_the_period(engine):
    today = dt.date(2026, 12, 3)
    for days in (0, 300, 700, 760, 1000):
        record(engine, SearchEvent(jour=today - dt.timedelta(days=days), canal="kiosque", rome="H2705"))
    assert purge(engine, today, 24) == 2  # 760 and 1000 days: more than 24 months
    assert len(load(engine, dt.date(2000, 1, 1), today)) == 3


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "demande", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_command_line_simulates_a_marked_demo_then_reports_it(tmp_path, database_url):
    env = {"BOT_DATABASE_URL": database_url, "BOT_TODAY": "2026-12-03"}
    demo = subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", str(ROOT / "data/catalog/demo-electromob.lheo.xml")],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    simulated = run_cli(env, "simuler", "--jours", "30")
    assert simulated.returncode == 0 and "simulées" in simulated.stdout, simulated.stderr
    out = tmp_path / "r.json"
    done = run_cli(env, "rapport", "--format", "json", "--du", "2026-11-01", "--au", "2026-12-02", "--sortie", str(out))
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["donnees_simulees"] is True and int(document["tableaux"]["total"][0]["recherches"]) > 100
    wrong = run_cli(env, "rapport", "--du", "2026-13-01")
    assert wrong.returncode == 1 and "date invalide" in wrong.stderr and "Traceback" not in wrong.stderr
    backwards = run_cli(env, "rapport", "--du", "2026-12-01", "--au", "2026-11-01")
    assert backwards.returncode == 1 and "période vide" in backwards.stderr
