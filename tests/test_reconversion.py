"""Career changers: the table of current jobs (data/reference/reconversions.yml), its build from
ROME 4.0 data, and the reader that tells the job a person has from the job they want."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from unidecode import unidecode

from bot.jobs import vocabulary
from bot.profile import statut_phrases
from bot.reconversion import (
    ACTUEL,
    CIBLE,
    NEGATION,
    RECONVERSIONS_PATH,
    Reconversions,
    Trade,
    appellation_forms,
    closest_battery_jobs,
    read_current_job,
    read_job_mentions,
    reconversions,
)

ROOT = Path(__file__).resolve().parent.parent
BUILDER = ROOT / "scripts" / "build_reconversions.py"
TABLE = reconversions().all()

# One sheet at least for each family the project was asked to cover.
REQUIRED = {
    "H2909": "automobile (ligne d'assemblage)",
    "H2913": "soudure",
    "H2902": "chaudronnerie",
    "H2903": "usinage",
    "H2304": "chimie",
    "H2105": "agroalimentaire",
    "N1101": "cariste",
    "N1103": "préparation de commandes",
    "F1602": "électricien du bâtiment",
    "F1703": "maçonnerie",
    "J1501": "aide-soignant",
    "J1301": "ASH",
    "D1505": "caisse",
    "K2205": "propreté",
    "K2503": "sécurité",
    "N4101": "conduite",
    "A1419": "agriculture",
    "H2403": "textile",
    "H2801": "verre",
    "H2907": "sidérurgie",
}


def mentions(text: str) -> list[tuple[str, str | None]]:
    return [(m.trade.rome, m.role) for m in read_job_mentions(text)]


def with_typo(phrase: str) -> str:
    """The phrase with one letter dropped from its longest word (7 letters or more), or as is."""
    words = phrase.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 7 or not word.isalpha():
        return phrase
    words[longest] = word[:3] + word[4:]
    return " ".join(words)


def typed_words(trade: Trade) -> list[str]:
    """A trade's everyday titles and a spread of its typed words."""
    return list(dict.fromkeys([trade.libelle_m, trade.libelle_f, *trade.mots[::3]]))


# --- the table -----------------------------------------------------------------------------------


def test_the_table_covers_at_least_40_jobs_of_the_requested_families():
    assert len(TABLE) >= 40
    codes = {t.rome for t in TABLE}
    assert set(REQUIRED) <= codes, sorted(set(REQUIRED) - codes)
    assert len({t.secteur for t in TABLE}) >= 15


@pytest.mark.parametrize("trade", TABLE, ids=lambda t: t.rome)
def test_every_job_leads_to_two_or_three_existing_battery_jobs_each_with_a_reason_and_a_source(trade):
    jobs = closest_battery_jobs(trade)
    assert 2 <= len(jobs) <= 3
    assert len({m.rome for m, _ in jobs}) == len(jobs)
    for (metier, reason), link in zip(jobs, trade.proches, strict=True):
        assert metier is not None and metier.rome == link.rome
        assert vocabulary().by_rome(link.rome) is metier
        assert reason.endswith(".") and reason[0].isupper() and len(reason) < 220
        assert link.mobilite_rome or link.communs or (link.same_sheet and link.rome == trade.rome)
        # Links to other sheets are open without higher education.
        if not link.same_sheet:
            assert {"sans_diplome", "cap", "bac"} & set(metier.niveaux), metier.rome


def test_a_job_that_is_itself_a_battery_job_comes_first_as_the_same_job():
    for trade in TABLE:
        same = [p for p in trade.proches if p.same_sheet]
        if vocabulary().by_rome(trade.rome):
            assert trade.proches[0].same_sheet and trade.proches[0].rome == trade.rome
        else:
            assert not same


def test_reasons_name_the_shared_skills_in_plain_french():
    cariste_to_logistics = reconversions().by_rome("N1105").proches[0]
    assert cariste_to_logistics.rome == "N1101"
    assert cariste_to_logistics.raison.startswith("Passerelle prévue par le ROME : vous savez déjà")
    soudeur = dict(closest_battery_jobs(reconversions().by_rome("H2913")))
    assert "lire un plan" in soudeur[vocabulary().by_rome("H2604")]
    mecanicien = closest_battery_jobs(reconversions().by_rome("I1604"))
    assert mecanicien[0][0].rome == "H2703"  # ROME mobility to the EV battery technician
    assert "risque électrique" in mecanicien[0][1]
    # Never pay, hiring or figures.
    for trade in TABLE:
        for link in trade.proches:
            assert not any(word in link.raison.lower() for word in ("€", "euro", "salaire", "embauche", "recrute"))


def test_the_script_rebuilds_the_committed_table_byte_for_byte():
    run = subprocess.run([sys.executable, str(BUILDER), "--check"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr


# --- reading the current job ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("je suis soudeur depuis 10 ans et je veux changer de métier", "H2913"),
        ("j'étais aide-soignante", "J1501"),
        ("jbosse en interim comme cariste", "N1101"),
        ("je bossais chez Stellantis sur la ligne", "H2909"),
        ("je bossais sur la ligne chez stellantis", "H2909"),
        ("ancien électricien du bâtiment", "F1602"),
        ("caissière depuis 2015", "D1505"),
        ("chui prepa de commande chez un transporteur", "N1103"),
        ("j'ai fait 12 ans de chaudronnerie", "H2902"),
        ("intérimaire en usine depuis 3 ans", "H3302"),
        ("ex-cariste, je cherche une formation de pilote de ligne", "N1101"),
        ("je ne veux plus être cariste", "N1101"),
        ("je veux pas rester caissière toute ma vie", "D1505"),
        ("Je suis électricien de maintenance", "I1309"),
        ("je taffe chez toyota sur la chaine", "H2909"),
        ("j'ai été ASH pendant 8 ans", "J1301"),
    ],
)
def test_the_current_job_is_read_from_a_whole_message(text, code):
    trade = read_current_job(text)
    assert trade is not None and trade.rome == code


@pytest.mark.parametrize("trade", TABLE, ids=lambda t: t.rome)
def test_every_job_is_recognised_as_the_current_job_however_it_is_typed(trade):
    for word in typed_words(trade):
        plain = unidecode(word).lower()
        for text in (
            f"je suis {word}",
            f"j'étais {plain} avant",
            f"{plain} depuis 10 ans",
            f"jbosse comme {plain} en interim",
            f"ancien {word}, je cherche une formation",
            f"je suis {with_typo(plain)}",
        ):
            found = read_current_job(text)
            assert found is not None and found.rome == trade.rome, (text, found and found.rome)


@pytest.mark.parametrize("trade", TABLE, ids=lambda t: t.rome)
def test_the_job_wanted_is_never_taken_for_the_current_job(trade):
    for word in typed_words(trade):
        for text in (
            f"je veux devenir {word}",
            f"j'aimerais être {unidecode(word)}",
            f"je cherche une formation de {word}",
            f"jveux faire {word}",
        ):
            assert read_current_job(text) is None, text
            assert read_current_job(text, asked=True) is None, text
            assert mentions(text)[-1] == (trade.rome, CIBLE), text


STATUTS = statut_phrases()


@pytest.mark.parametrize("statut", STATUTS)
def test_a_status_is_never_read_as_a_job(statut):
    for text in (f"je suis {statut}", statut, f"j'étais {statut} avant", f"{statut} depuis 2 ans"):
        assert read_job_mentions(text) == [], text
        assert read_current_job(text, asked=True) is None, text


def test_current_and_wanted_jobs_in_one_message_are_told_apart():
    text = "je suis cariste depuis 5 ans et je voudrais devenir soudeur"
    assert mentions(text) == [("N1101", ACTUEL), ("H2913", CIBLE)]
    assert read_current_job(text).rome == "N1101"
    text = "je veux me reconvertir dans la soudure, j'étais caissière"
    assert mentions(text) == [("H2913", CIBLE), ("D1505", ACTUEL)]
    assert read_current_job(text).rome == "D1505"


def test_a_job_named_alone_is_the_current_job_only_when_that_was_the_question():
    assert mentions("cariste") == [("N1101", None)]
    assert read_current_job("cariste") is None
    assert read_current_job("cariste", asked=True).rome == "N1101"
    assert read_current_job("soudeuse tig", asked=True).rome == "H2913"


def test_a_denied_job_is_neither_current_nor_wanted():
    assert mentions("je suis pas soudeur") == [("H2913", NEGATION)]
    assert read_current_job("je ne suis pas soudeur", asked=True) is None
    assert read_current_job("je ne suis plus soudeur").rome == "H2913"


def test_rome_appellations_are_recognised_in_both_genders():
    assert read_current_job("je suis pareuse en abattoir").rome == "H2101"
    assert read_current_job("j'étais conductrice de haut-fourneau").rome == "H2907"
    assert read_current_job("je suis opératrice polyvalente en industrie chimique").rome == "H2304"


@pytest.mark.parametrize(
    ("label", "forms"),
    [
        ("Agent / Agente de quai", ("Agent de quai", "Agente de quai")),
        ("Cariste", ("Cariste",)),
        ("Opérateur(trice) polyvalent(e) montage", ("Opérateur polyvalent montage", "Opératrice polyvalente montage")),
        ("Tourneur(euse)-fraiseur(euse) sur CN", ("Tourneur-fraiseur sur CN", "Tourneuse-fraiseuse sur CN")),
        ("Ouvrier(ère) de fabrication", ("Ouvrier de fabrication", "Ouvrière de fabrication")),
        ("Retoucheur(se) sur tôles", ("Retoucheur sur tôles", "Retoucheuse sur tôles")),
        ("Chef(fe) d'équipe", ("Chef d'équipe", "Cheffe d'équipe")),
        (
            "Couturier industriel / Couturière industrielle de l'habillement",
            ("Couturier industriel de l'habillement", "Couturière industrielle de l'habillement"),
        ),
    ],
)
def test_appellations_are_split_into_their_masculine_and_feminine_forms(label, forms):
    assert appellation_forms(label) == forms


# --- a bad table gets a clear French error -------------------------------------------------------


def _table(**changes) -> str:
    entry = {
        "rome": "H2913",
        "libelle": "Soudeur / Soudeuse",
        "secteur": "métallurgie",
        "libelle_m": "soudeur",
        "libelle_f": "soudeuse",
        "mots": ["soudeur", "soudeuse"],
        "appellations": [],
        "proches": [
            {"rome": "H2604", "raison": "Vous savez déjà souder.", "communs": ["100007 Techniques de soudage"]},
            {"rome": "H2912", "raison": "Passerelle prévue par le ROME.", "mobilite_rome": 3},
        ],
    }
    entry.update(changes)
    return yaml.safe_dump({"metiers": [entry]}, allow_unicode=True)


def test_a_good_small_table_is_read():
    table = Reconversions.from_text(_table(), "test.yml")
    assert [t.rome for t in table.all()] == ["H2913"]
    assert [(m.trade.rome, m.role) for m in table.mentions("je suis soudeuse")] == [("H2913", ACTUEL)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rome": "soudeur"}, "code ROME invalide"),
        ({"mots": []}, "champ.*manquant.*mots"),
        ({"proches": [{"rome": "H2604", "raison": "x", "mobilite_rome": 1}]}, "2 ou 3 métiers proches"),
        ({"proches": [{"rome": "Z9999", "raison": "x", "mobilite_rome": 1}] * 2}, "Z9999.*absent de metiers.yml"),
        (
            {"proches": [{"rome": "H2604", "raison": "x"}, {"rome": "H2912", "raison": "y", "mobilite_rome": 2}]},
            "aucune source",
        ),
        ({"proches": [{"rome": "H2604", "raison": "", "mobilite_rome": 1}] * 2}, "raison manquante"),
        ({"mots": ["de la", "soudeur"]}, "aucun mot utile"),
    ],
)
def test_a_bad_table_is_refused_with_a_french_message(changes, message):
    with pytest.raises(ValueError, match=message) as error:
        Reconversions.from_text(_table(**changes), "test.yml")
    assert "test.yml" in str(error.value)


def test_an_unreadable_table_is_refused_with_its_line():
    with pytest.raises(ValueError, match=r"test.yml : YAML illisible \(ligne 2\)"):
        Reconversions.from_text("metiers:\n\t- rome: H2913\n", "test.yml")
    with pytest.raises(ValueError, match=r"metiers.*absente"):
        Reconversions.from_text("metier: []\n", "test.yml")


def test_a_word_given_to_two_jobs_is_refused():
    two = yaml.safe_load(_table())["metiers"] * 2
    two[1] = {**two[1], "rome": "H2902", "mots": ["chaudronnier", "soudeuse"]}
    with pytest.raises(ValueError, match=r"soudeuse.*H2913.*H2902"):
        Reconversions.from_text(yaml.safe_dump({"metiers": two}), "test.yml")
    with pytest.raises(ValueError, match="en double"):
        Reconversions.from_text(yaml.safe_dump({"metiers": two[:1] * 2}), "test.yml")


def test_the_committed_table_names_each_typed_word_for_one_job_only():
    owners = Counter(word for trade in TABLE for word in {" ".join(unidecode(m).lower().split()) for m in trade.mots})
    assert not [word for word, count in owners.items() if count > 1]
    assert RECONVERSIONS_PATH.read_text(encoding="utf-8").startswith("# Career changers")
