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
    assert result.stdout.strip().startswith(
        "offre.xml → source « offre » : 2 formations, 2 actions, 4 sessions importées"
    )


def test_import_reports_skipped_records_and_exits_zero(tmp_path, catalog):
    good = [f.formation(f"G{i}", [f.action(f"GA{i}", [f.session(f"GS{i}")], [f.lieu(insee=LENS)])]) for i in range(40)]
    odd = [
        f.formation("X1", [f.action("XA", [f.session("XS", debut="2027-02-30")], [f.lieu(insee=LENS)])]),
        f.formation("X2", [f.action("XB", [f.session("XT")], [f.lieu(insee=LENS, lat="NC", lon="NC")])]),
    ]
    path = f.write(tmp_path / "region.xml", [*good[:20], *odd, *good[20:]])
    result = run("catalog", "import", str(path), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("region.xml → source « region » : 42 formations, 42 actions, 41 sessions importées")
    assert lines[0].endswith(" ; 1 enregistrement ignoré sur 126 (0,8 %) ; 1 remarque")
    assert lines[1] == (
        "  region.xml, ligne 2 : <session> « XS » ignorée : date <periode/debut> invalide : « 2027-02-30 » "
        "(attendu AAAAMMJJ)"
    )
    assert lines[2].startswith("  region.xml, ligne 2 : <lieu-de-formation> de l'action « XB » : <geolocalisation>")
    # The offers of the first source are still there, beside the new one.
    sources = run("catalog", "sources", tmp_path=tmp_path).stdout.splitlines()
    assert [line.split()[0] for line in sources] == ["source", "offre", "region"]
    assert sources[2].split()[3:8] == ["42", "42", "41", "1", "1"]
    report = run("catalog", "report", "region", tmp_path=tmp_path).stdout.splitlines()
    assert report[0].startswith(lines[0][: lines[0].index(" importées")]) and report[1:] == lines[1:]


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
    assert "H2705" in lines[0] and "Lens (62498)" in lines[0] and "3 sessions" in lines[0]
    assert "S-JAN" in lines[1] and " km " in lines[1] and "Pilote de ligne (test)" in lines[1]


def test_faulty_file_one_line_non_zero_exit_catalog_unchanged(tmp_path, catalog):
    before = search_json(tmp_path, "--insee", LENS)
    bad = tmp_path / "offre.xml"  # the same source: it would replace the offers above
    bad.write_text(
        f.document([f.formation("F1", [f.action("A1", [f.session("S-NEW", debut="2027-02-30")])])]), encoding="utf-8"
    )
    result = run("catalog", "import", str(bad), tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"erreur : {bad} : 1 enregistrement illisible sur 3 (33,3 %), au-delà de la limite de 5,0 % ; "
        "le premier, ligne 2 : <session> : date <periode/debut> invalide : « 2027-02-30 » (attendu AAAAMMJJ)"
    ]
    assert search_json(tmp_path, "--insee", LENS) == before
    # --dry-run shows the whole report, still changes nothing; --tolerance lets the file in.
    trial = run("catalog", "import", str(bad), "--dry-run", "--tolerance", "50", tmp_path=tmp_path)
    assert trial.returncode == 0 and trial.stdout.startswith("essai, rien n'a été changé : offre.xml → source")
    assert search_json(tmp_path, "--insee", LENS) == before
    assert run("catalog", "import", str(bad), "--tolerance", "50", tmp_path=tmp_path).returncode == 0
    assert search_json(tmp_path, "--insee", LENS) == []


def test_not_well_formed_file_is_refused_in_one_line(tmp_path, catalog):
    before = search_json(tmp_path, "--insee", LENS)
    bad = tmp_path / "offre.xml"
    bad.write_text('<?xml version="1.0"?>\n<lheo>\n<offres>\n<formation numero="F1">\n</offres>', encoding="utf-8")
    result = run("catalog", "import", str(bad), tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"erreur : {bad}, ligne 5, colonne 10 : XML mal formé "
        "(Opening and ending tag mismatch: formation line 4 and offres)"
    ]
    assert search_json(tmp_path, "--insee", LENS) == before


def test_refresh_imports_each_file_of_a_folder_as_its_own_source(tmp_path, catalog):
    feeds = tmp_path / "flux"
    feeds.mkdir()
    f.write(feeds / "artois.xml", [f.formation("F1", [f.action("A1", [f.session("S-ART")], [f.lieu(insee=LENS)])])])
    f.write(
        feeds / "douaisis.lheo.xml", [f.formation("F1", [f.action("A1", [f.session("S-DOU")], [f.lieu(insee=DOUAI)])])]
    )
    (feeds / "lisez-moi.txt").write_text("pas un flux", encoding="utf-8")
    result = run("catalog", "refresh", str(feeds), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(
        "artois.xml → source « artois » : 1 formation, 1 action, 1 session importées"
    )
    assert result.stdout.splitlines()[-1] == "2 sources à jour, 0 en erreur"
    ids = {s["session_id"] for s in search_json(tmp_path, "--insee", LENS)}
    assert ids == {"S-JAN", "S-FEB", "S-REMOTE", "S-ART", "S-DOU"}
    # Next day: the Artois feed withdrew S-ART, the Douaisis file is broken, a feed is gone.
    f.write(feeds / "artois.xml", [f.formation("F1", [f.action("A1", [f.session("S-ART2")], [f.lieu(insee=LENS)])])])
    (feeds / "douaisis.lheo.xml").write_text("<lheo><offres>", encoding="utf-8")
    f.write(feeds / "littoral.xml", [f.formation("F9", [f.action("A9", [f.session("S-LIT")])])])
    assert run("catalog", "refresh", str(feeds), tmp_path=tmp_path).returncode == 1
    (feeds / "littoral.xml").unlink()
    result = run("catalog", "refresh", str(feeds), tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("erreur : source « douaisis » inchangée : ")
    assert "source « littoral » : son fichier n'est plus dans" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 source à jour, 1 en erreur"
    ids = {s["session_id"] for s in search_json(tmp_path, "--insee", LENS)}
    assert ids == {"S-JAN", "S-FEB", "S-REMOTE", "S-ART2", "S-DOU"}
    removed = run("catalog", "remove", "douaisis", tmp_path=tmp_path)
    assert removed.returncode == 0 and removed.stdout.startswith("source « douaisis » retirée")
    assert "S-DOU" not in {s["session_id"] for s in search_json(tmp_path, "--insee", LENS)}


def test_formacodes_of_a_job_with_their_source(tmp_path):
    result = run("catalog", "formacodes", "n1101", tmp_path=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "cariste (N1101) : 2 codes Formacode"
    assert lines[1].split() == ["31768", "cariste"]
    assert lines[3].startswith("Source : table ROME v2 → Formacode (RomeFCod) : 43312")


def test_search_shows_the_first_sessions_and_the_total(tmp_path):
    path = f.write(
        tmp_path / "gros.xml",
        [f.formation("F1", [f.action("A1", [f.session(f"S{i:02d}") for i in range(60)], [f.lieu(insee=LENS)])])],
    )
    assert run("catalog", "import", str(path), tmp_path=tmp_path).returncode == 0
    human = run("catalog", "search", "--rome", "H2705", "--insee", LENS, "--rayon", "10", tmp_path=tmp_path)
    lines = human.stdout.splitlines()
    assert "60 sessions" in lines[0] and len(lines) == 1 + 50 + 1
    assert lines[-1] == "  … et 10 autres : --limit 60 pour tout voir"
    assert len(search_json(tmp_path, "--insee", LENS)) == 50
    few = run(
        "catalog",
        "search",
        "--rome",
        "H2705",
        "--insee",
        LENS,
        "--rayon",
        "10",
        "--limit",
        "3",
        "--json",
        tmp_path=tmp_path,
    )
    assert [s["session_id"] for s in json.loads(few.stdout)] == ["S00", "S01", "S02"]
    assert few.stderr.strip() == "3 sessions sur 60 (--limit 3)"


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
        (("catalog", "import", "/nulle/part.xml", "--tolerance", "120"), "tolérance invalide « 120 »"),
        (("catalog", "refresh", "/nulle/part"), "/nulle/part : dossier introuvable"),
        (("catalog", "remove", "inconnue"), "source inconnue « inconnue » (sources : aucune)"),
        (("catalog", "report", "inconnue"), "source inconnue « inconnue »"),
        (("catalog", "formacodes", "K2111"), "métier « K2111 » absent du référentiel des métiers"),
        (("catalog", "search", "--rome", "H2705", "--insee", LENS, "--rayon", "30", "--limit", "0"), "limite invalide"),
        (
            ("catalog", "search", "--rome", "H2705", "--insee", LENS, "--rayon", "30", "--heures-max", "0"),
            "durée maximale",
        ),
        (
            ("catalog", "search", "--rome", "H2705", "--insee", LENS, "--rayon", "30", "--debut-apres", "mars"),
            "--debut-apres : date invalide « mars »",
        ),
        (
            ("catalog", "search", "--rome", "H2705", "--insee", LENS, "--rayon", "30", "--financeur", "99"),
            "code financeur",
        ),
        (
            ("catalog", "search", "--rome", "H2705", "--insee", LENS, "--rayon", "30", "--modalite", "visio"),
            "--modalite",
        ),
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


def test_search_criteria_restrict_and_show_in_the_header(tmp_path, catalog):
    assert [s["session_id"] for s in search_json(tmp_path, "--insee", DOUAI, "--debut-apres", "2027-02-01")] == [
        "S-FEB",
        "S-REMOTE",
    ]
    assert [s["session_id"] for s in search_json(tmp_path, "--insee", DOUAI, "--modalite", "distanciel")] == [
        "S-REMOTE"
    ]
    assert search_json(tmp_path, "--insee", DOUAI, "--alternance") == []
    result = run(
        "catalog", "search", "--rome", "H2705", "--insee", DOUAI, "--rayon", "30", "--debut-avant", "2027-01-31",
        "--finance-pour", "demandeur_emploi", tmp_path=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0]
    assert "au plus tard le 31 janvier 2027, financées pour les demandeurs d'emploi" in header
    assert header.endswith(": 1 session")
