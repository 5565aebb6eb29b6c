"""Learning paths built on an LHEO catalog (the demonstration one, read here with lxml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from bot.paths import Etape, FormationInfo, build_path, path_steps
from bot.text import fold

CATALOG = Path(__file__).resolve().parent.parent / "data" / "catalog" / "demo-electromob.lheo.xml"
N = {"l": "http://lheo.gouv.fr/2.3"}
ROMES = (
    "H2705",
    "H2703",
    "H2704",
    "H2701",
    "H2301",
    "H2604",
    "H2912",
    "I1304",
    "I1302",
    "I1309",
    "H1528",
    "H1404",
    "H1303",
    "N1101",
    "N1110",
)


def _info(formation: etree._Element) -> FormationInfo:
    hours = formation.findtext("l:action/l:nombre-heures-total", namespaces=N)
    level = formation.findtext("l:code-niveau-entree", namespaces=N)
    return FormationInfo(
        id=formation.get("numero"),
        intitule=formation.findtext("l:intitule-formation", namespaces=N),
        heures=int(hours) if hours else None,
        romes=frozenset(c.text for c in formation.findall("l:domaine-formation/l:code-ROME", N)),
        formacodes=frozenset(c.text for c in formation.findall("l:domaine-formation/l:code-FORMACODE", N)),
        niveau_entree=int(level) if level else None,
    )


@pytest.fixture(scope="module")
def catalog() -> list[FormationInfo]:
    return [_info(f) for f in etree.parse(str(CATALOG)).iterfind(".//l:formation", N)]


def _formation(
    fid: str, intitule: str, heures: int | None = 14, romes=(), formacodes=(), niveau: int | None = 1
) -> FormationInfo:
    return FormationInfo(fid, intitule, heures, frozenset(romes), frozenset(formacodes), niveau)


def test_pilot_path_starts_with_safety_and_reaches_the_core_job(catalog):
    path = build_path("H2705", catalog)
    titles = [fold(step.intitule) for step in path]
    assert len(path) >= 3
    assert "habilitation electrique" in titles[0]
    assert any("conducteur d installations" in t or "pilote de ligne" in t for t in titles[1:])
    assert [step.pourquoi for step in path] == [s.pourquoi for s in path_steps("H2705")][: len(path)]


@pytest.mark.parametrize("rome", ROMES)
def test_every_battery_job_has_a_full_path_in_the_demo_catalog(catalog, rome):
    path = build_path(rome, catalog)
    assert len(path) == len(path_steps(rome)) >= 3
    assert len({step.formation_id for step in path}) == len(path)
    by_id = {f.id: f for f in catalog}
    assert all(step.intitule == by_id[step.formation_id].intitule for step in path)
    assert all(step.pourquoi and step.pourquoi[-1] in ".!" for step in path)


def test_rome_code_is_normalised(catalog):
    assert build_path(" h2705 ", catalog) == build_path("H2705", catalog)


def test_unknown_job_has_no_path(catalog):
    assert path_steps("Z9999") == ()
    assert build_path("Z9999", catalog) == []
    assert build_path("H2705", []) == []


def test_a_step_no_formation_fits_is_left_out(catalog):
    first = path_steps("H2705")[0]
    rest = [f for f in catalog if not first.pertinence(f, f" {fold(f.intitule)} ")]
    assert len(rest) < len(catalog)
    path = build_path("H2705", rest)
    assert [step.pourquoi for step in path] == [s.pourquoi for s in path_steps("H2705")[1:]]


def test_a_formation_is_never_used_twice():
    everything = _formation(
        "X-1",
        "Habilitation électrique, salle propre, lean et conduite de ligne",
        romes={"H2705"},
        formacodes={"24049", "42835", "31620", "31652"},
    )
    path = build_path("H2705", [everything])
    assert [step.formation_id for step in path] == ["X-1"]


def test_formations_of_the_job_come_first_then_relevance_then_duration():
    other_job = _formation("A", "Habilitation électrique B0L", heures=7, romes={"I1309"}, formacodes={"24049"})
    this_job = _formation("B", "Habilitation électrique", heures=21, romes={"H2705"}, formacodes={"24049"})
    assert build_path("H2705", [other_job, this_job])[0].formation_id == "B"
    long_one = _formation("C", "Habilitation électrique B0L", heures=21, romes={"H2705"}, formacodes={"24049"})
    short_one = _formation("D", "Habilitation électrique B0L", heures=7, romes={"H2705"}, formacodes={"24049"})
    unknown = _formation("E", "Habilitation électrique B0L", heures=None, romes={"H2705"}, formacodes={"24049"})
    assert build_path("H2705", [long_one, unknown, short_one])[0].formation_id == "D"
    assert build_path("H2705", [this_job, long_one])[0].formation_id == "C"  # one more clue


def test_ties_go_to_the_most_accessible_then_to_the_identifier():
    bac = _formation("A", "Titre professionnel Conducteur d'installations", heures=700, formacodes={"31620"}, niveau=14)
    cap = _formation(
        "B", "Titre professionnel Conducteur d'installations", heures=700, formacodes={"31620"}, niveau=4
    )  # former scale: niveau V, i.e. 13 today
    assert build_path("H2705", [bac, cap])[0].formation_id == "B"
    twin = _formation(
        "A2", "Titre professionnel Conducteur d'installations", heures=700, formacodes={"31620"}, niveau=14
    )
    assert build_path("H2705", [twin, bac])[0].formation_id == "A"


def test_refresher_courses_do_not_start_a_path():
    refresher = _formation(
        "R", "Recyclage habilitation électrique B0L", heures=4, romes={"H2705"}, formacodes={"24049"}
    )
    assert build_path("H2705", [refresher]) == []


def test_payload_has_exactly_the_contract_fields(catalog):
    step = build_path("I1309", catalog)[0]
    assert isinstance(step, Etape)
    payload = step.as_payload()
    assert set(payload) == {"formation_id", "intitule", "heures", "pourquoi"}
    assert payload["formation_id"] == step.formation_id and isinstance(payload["heures"], int)


def test_a_malformed_paths_file_is_refused_with_the_place_of_the_fault(tmp_path):
    from bot.paths import _load

    broken = tmp_path / "parcours.yml"
    broken.write_text("parcours:\n  H2705:\n    - titre: Sans indice\n      pourquoi: Parce que.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="H2705, étape 1"):
        _load(broken)
