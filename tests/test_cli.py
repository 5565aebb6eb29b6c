"""`python -m bot catalog …` as a user runs it: real processes, a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.catalog import lheo_writer as f

pytestmark = pytest.mark.slow  # a fresh process for every command, most load the gazetteer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LENS, DOUAI, HENIN = "62498", "59178", "62427"


def run(*args, env=None, tmp_path):
    environment = {
        **os.environ,
        "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "BOT_TODAY": "2027-01-10",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def catalog(tmp_path):
    path = f.write(
        tmp_path / "offre.xml",
        [
            f.formation(
                "F1",
                [
                    f.action(
                        "A1",
                        [
                            f.session("S-JAN", debut="20270115", fin="20270301", places=10),
                            f.session("S-FEB", debut="20270201", fin="20270401"),
                            f.session("S-OLD", debut="20261201", fin="20270105"),
                        ],
                        [f.lieu(insee=DOUAI)],
                    )
                ],
            ),
            f.formation("F2", [f.action("A2", [f.session("S-REMOTE", debut="20270301", fin="20270601")], modalite=2)]),
        ],
    )
    result = run("catalog", "import", str(path), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return path


def search_json(tmp_path, *extra, env=None):
    result = run("catalog", "search", "--rome", "H2705", "--rayon", "30", "--json", *extra, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_prints_a_summary(tmp_path, catalog):
    result = run("catalog", "import", str(catalog), tmp_path=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip().startswith("offre.xml : 2 formations, 2 actions, 4 sessions importées")


def test_search_json_is_only_the_list_of_sessions(tmp_path, catalog):
    sessions = search_json(tmp_path, "--commune", "henin beaumont")
    assert [s["session_id"] for s in sessions] == ["S-JAN", "S-FEB", "S-REMOTE"]
    assert sessions[0]["commune"] == DOUAI and sessions[0]["places"] == 10 and sessions[0]["debut"] == "2027-01-15"
    assert sessions[2]["distance_km"] is None and sessions[2]["modalite"] == "distanciel"


def test_search_by_insee_and_by_postcode_agree_with_name(tmp_path, catalog):
    by_name = search_json(tmp_path, "--commune", "Hénin-Beaumont")
    assert search_json(tmp_path, "--insee", HENIN) == by_name
    assert search_json(tmp_path, "--commune", "62110") == by_name


def test_today_comes_from_option_then_environment(tmp_path, catalog):
    assert [s["session_id"] for s in search_json(tmp_path, "--insee", LENS, "--today", "2027-01-20")] == [
        "S-FEB",
        "S-REMOTE",
    ]
    env = {"BOT_TODAY": "2026-12-01"}
    assert next(s["session_id"] for s in search_json(tmp_path, "--insee", LENS, env=env)) == "S-OLD"


def test_human_output_names_job_town_and_sessions(tmp_path, catalog):
    result = run("catalog", "search", "--rome", "h2705", "--commune", "Lens", "--rayon", "30", tmp_path=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "H2705" in lines[0] and "Lens (62498)" in lines[0] and "3 session(s)" in lines[0]
    assert "S-JAN" in lines[1] and " km " in lines[1] and "Pilote de ligne (test)" in lines[1]


def test_faulty_file_one_line_non_zero_exit_catalog_unchanged(tmp_path, catalog):
    before = search_json(tmp_path, "--insee", LENS)
    bad = tmp_path / "casse.xml"
    bad.write_text(
        f.document([f.formation("F1", [f.action("A1", [f.session("S-NEW", debut="2027-02-30")])])]), encoding="utf-8"
    )
    result = run("catalog", "import", str(catalog), str(bad), tmp_path=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(bad) in result.stderr and "ligne" in result.stderr and "date <periode/debut> invalide" in result.stderr
    assert search_json(tmp_path, "--insee", LENS) == before


@pytest.mark.parametrize(
    "args,expected",
    [
        (
            ("catalog", "search", "--rome", "H2705", "--commune", "Zzyzxville", "--rayon", "30"),
            "commune inconnue « Zzyzxville »",
        ),
        (("catalog", "search", "--rome", "pilote", "--commune", "Lens", "--rayon", "30"), "code ROME invalide"),
        (("catalog", "search", "--rome", "H2705", "--commune", "Lens", "--rayon", "-5"), "rayon invalide"),
        (("catalog", "search", "--rome", "H2705", "--insee", "00000", "--rayon", "30"), "code INSEE inconnu"),
        (("catalog", "search", "--rome", "H2705", "--rayon", "30"), "--commune"),
        (
            ("catalog", "search", "--rome", "H2705", "--insee", LENS, "--rayon", "30", "--today", "demain"),
            "date invalide « demain »",
        ),
        (("catalog", "import", "/nulle/part.xml"), "fichier introuvable"),
        (("catalog",), "required"),
    ],
)
def test_errors_are_one_clear_line_and_non_zero(tmp_path, args, expected):
    result = run(*args, tmp_path=tmp_path)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "env,expected",
    [
        ({"BOT_TODAY": "2027-13-01"}, "BOT_TODAY : date invalide"),
        ({"BOT_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "base de données inaccessible"),
        ({"BOT_DATABASE_URL": "pas une url"}, "base de données inaccessible"),
    ],
)
def test_bad_environment_is_one_clear_line(tmp_path, env, expected):
    result = run("catalog", "search", "--rome", "H2705", "--insee", LENS, "--rayon", "30", env=env, tmp_path=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected in result.stderr


def test_learning_path_from_the_loaded_catalog(tmp_path):
    demo = os.path.join(ROOT, "data", "catalog", "demo-electromob.lheo.xml")
    assert run("catalog", "import", demo, tmp_path=tmp_path).returncode == 0
    result = run("catalog", "parcours", "--rome", "H2705", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    steps = json.loads(result.stdout)
    assert len(steps) >= 3 and all(set(s) == {"formation_id", "intitule", "heures", "pourquoi"} for s in steps)
    assert "habilitation" in steps[0]["intitule"].lower()
    human = run("catalog", "parcours", "--rome", "H2705", tmp_path=tmp_path)
    assert human.stdout.splitlines()[0].startswith("Parcours vers pilote de ligne (H2705)")
    assert steps[0]["formation_id"] in human.stdout


def test_learning_path_follows_a_new_import(tmp_path):
    """The path is built from whatever catalog is loaded, and changes with it."""
    first = f.write(
        tmp_path / "a.xml",
        [f.formation("HAB", [f.action("A1", [f.session("S1")])], intitule="Habilitation électrique B0L")],
    )
    assert run("catalog", "import", str(first), tmp_path=tmp_path).returncode == 0
    assert [
        s["formation_id"]
        for s in json.loads(run("catalog", "parcours", "--rome", "H2705", "--json", tmp_path=tmp_path).stdout)
    ] == ["HAB"]
    second = f.write(
        tmp_path / "b.xml",
        [f.formation("CIMA", [f.action("A2", [f.session("S2")])], intitule="Pilote de ligne de production")],
    )
    assert run("catalog", "import", str(second), tmp_path=tmp_path).returncode == 0
    steps = json.loads(run("catalog", "parcours", "--rome", "H2705", "--json", tmp_path=tmp_path).stdout)
    assert [s["formation_id"] for s in steps] == ["HAB", "CIMA"]
