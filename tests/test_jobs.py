"""The job vocabulary (data/reference/metiers.yml) and the resolver of what people type."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bot.contract import NIVEAUX
from bot.jobs import FILLER_WORDS, Vocabulary, vocabulary, words
from bot.text import fold

# The sheets the project was asked to cover, with their ROME 4.0 titles (RefRomeCsv v460).
REQUIRED = {
    "H2705": "Pilote de ligne de production de composants et de cellules pour batteries de véhicules électriques",
    "H2703": "Technicien / Technicienne de maintenance de batteries de véhicules électriques",
    "H2704": "Technicien démonteur / Technicienne démonteuse de batteries de véhicules électriques",
    "H2701": "Technicien / Technicienne énergie",
    "H2301": "Conducteur / Conductrice de ligne en industrie chimique",
    "H2604": "Assembleur / Assembleuse en produits électriques et électroniques",
    "H2912": "Régleur / Régleuse d'équipements industriels",
    "I1304": "Technicien / Technicienne de maintenance industrielle",
    "I1302": "Technicien / Technicienne de maintenance d'installations automatisées",
    "I1309": "Electricien / Electricienne de maintenance",
    "H1528": "Technicien / Technicienne qualité en industrie",
    "H1404": "Technicien / Technicienne méthodes",
    "H1303": "Technicien / Technicienne en Hygiène, Sécurité, Environnement industriel (HSE)",
    "N1101": "Cariste",
    "N1110": "Magasinier / Magasinière",
}
ENGINEERS = {"H1302", "H1402", "H1527", "I1102"}
# Phrases that deliberately name several jobs: each is genuinely ambiguous.
SHARED_PHRASES = {
    "batterie": {"H2703", "H2704", "H2705"},
    "batterie vehicule electrique": {"H2703", "H2704", "H2705"},
    "vehicule electrique": {"H2703", "H2704"},
    "voiture electrique": {"H2703", "H2704"},
    "conducteur ligne": {"H2301", "H2705"},
    "conductrice ligne": {"H2301", "H2705"},
}


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return vocabulary()


def resolved(vocab: Vocabulary, text: str) -> str | None:
    """The ROME code the resolver settles on, or None."""
    result = vocab.resolve(text)
    return result.metier.rome if result.status == "ok" else None


# --- the reference file ----------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(REQUIRED))
def test_every_requested_sheet_has_official_title_both_genders_description_levels(vocab, code):
    metier = vocab.by_rome(code)
    assert metier is not None
    assert metier.libelle == REQUIRED[code]
    assert metier.libelle_f and metier.libelle_m
    assert metier.description.count(". ") + 1 >= 2 and metier.description.endswith(".")
    assert metier.niveaux and set(metier.niveaux) <= set(NIVEAUX)
    assert list(metier.niveaux) == sorted(metier.niveaux, key=NIVEAUX.index)


def test_battery_sheets_come_first_and_hang_under_h2701(vocab):
    battery = vocab.battery()
    assert [m.rome for m in battery] == ["H2703", "H2704", "H2705"]
    assert all(m.parent == "H2701" for m in battery)
    assert vocab.all()[:3] == battery
    others = [m.rome for m in vocab.all()[3:]]
    assert others == sorted(others) and not any(vocab.by_rome(c).batterie for c in others)


def test_battery_descriptions_warn_about_the_electrical_hazard(vocab):
    for metier in vocab.battery():
        assert "électrique" in metier.description or "haute tension" in metier.description


def test_entry_levels_are_honest(vocab):
    for code in ("H2705", "H2604", "N1101", "N1110"):
        assert "sans_diplome" in vocab.by_rome(code).niveaux
    for code in ENGINEERS:
        assert vocab.by_rome(code).niveaux == ("bac+5",)
    for code in ("H2703", "I1304", "I1302", "H1528", "H1404", "H1303"):
        assert "sans_diplome" not in vocab.by_rome(code).niveaux


@pytest.mark.parametrize(
    "code, titre",
    [
        ("I1304", "technicien / technicienne de maintenance"),
        ("H2704", "technicien démonteur / technicienne démonteuse de batteries"),
        ("H2504", "chef / cheffe d'équipe"),
        ("N1110", "magasinier / magasinière"),
        ("H2705", "pilote de ligne"),
        ("N1101", "cariste"),
    ],
)
def test_title_shows_both_genders_once(vocab, code, titre):
    assert vocab.by_rome(code).titre == titre


@pytest.mark.parametrize("typed", ["h2705", " H2705 ", "H 2705"])
def test_by_rome_ignores_case_and_spaces(vocab, typed):
    assert vocab.by_rome(typed).rome == "H2705"


def test_by_rome_of_an_uncovered_code_is_none(vocab):
    assert vocab.by_rome("D1102") is None
    assert vocab.by_rome("") is None


def test_typed_words_never_use_chat_words(vocab):
    for metier in vocab.all():
        for phrase in metier.mots:
            assert not set(fold(phrase).split()) & FILLER_WORDS, (metier.rome, phrase)


def test_a_phrase_names_one_job_except_the_genuinely_ambiguous_ones(vocab):
    owners = defaultdict(set)
    for metier in vocab.all():
        for phrase in (*metier.mots, metier.libelle_f, metier.libelle_m):
            owners[" ".join(words(phrase))].add(metier.rome)
    shared = {phrase: codes for phrase, codes in owners.items() if len(codes) > 1}
    assert shared == SHARED_PHRASES


def test_the_file_is_read_once():
    assert vocabulary() is vocabulary()


def test_a_bad_level_in_the_file_is_reported_with_its_code(tmp_path):
    path = tmp_path / "metiers.yml"
    path.write_text(
        "metiers:\n"
        "  - {rome: N1101, libelle: Cariste, libelle_f: cariste, libelle_m: cariste,\n"
        "     description: Conduire un chariot., niveaux: [bac+4], mots: [cariste]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"N1101.*bac\+4"):
        Vocabulary.from_yaml(path)


# --- the resolver ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        ("H2705", "H2705"),
        ("h2705", "H2705"),
        ("h 2705", "H2705"),
        ("DE bac Lens H2705 30km", "H2705"),
        ("profil I1304, 62300 Lens, rayon 20 km", "I1304"),
        ("cariste mais code H2703", "H2703"),
    ],
)
def test_a_counselors_rome_code_anywhere_in_the_text_wins(vocab, text, code):
    assert resolved(vocab, text) == code


def test_several_codes_offer_a_choice(vocab):
    result = vocab.resolve("N1110 ou N1101")
    assert result.status == "ambiguous" and result.metier is None
    assert [m.rome for m in result.alternatives] == ["N1101", "N1110"]


@pytest.mark.parametrize(
    "text, code",
    [
        ("pilote de ligne", "H2705"),
        ("comment devenir pilote de ligne", "H2705"),
        ("je cherche un emploi de pilote de ligne à Dunkerque dans 30 km", "H2705"),
        ("conducteur de ligne batterie", "H2705"),
        ("opérateur cellule", "H2705"),
        ("je veux travailler dans la maintenance des batteries", "H2703"),
        ("démontage de batteries", "H2704"),
        ("recyclage des batteries", "H2704"),
        ("cariste", "N1101"),
        ("j'ai le CACES 3", "N1101"),
        ("magasinier cariste", "N1110"),
        ("regleur", "H2912"),
        ("electricien", "I1309"),
        ("technicien de maintenance industrielle", "I1304"),
        ("chef d'équipe maintenance", "I1304"),
        ("automaticien", "I1302"),
        ("technicien process", "H1404"),
        ("ingenieur process", "H1402"),
        ("ingénieur qualité", "H1527"),
        ("HSE", "H1303"),
        ("responsable QSE", "H1302"),
        ("logisticien", "N1303"),
        ("préparateur de commandes", "N1115"),
        ("opérateur logistique", "N1115"),
        ("assembleur batterie", "H2604"),
        ("operateur chimie", "H2301"),
    ],
)
def test_free_text_finds_the_job(vocab, text, code):
    assert resolved(vocab, text) == code


@pytest.mark.parametrize(
    "feminine, masculine, code",
    [
        ("technicienne qualité", "technicien qualité", "H1528"),
        ("opératrice de production", "opérateur de production", "H2705"),
        ("électricienne de maintenance", "électricien de maintenance", "I1309"),
        ("technicienne démonteuse", "technicien démonteur", "H2704"),
        ("magasinière", "magasinier", "N1110"),
        ("cheffe d'équipe", "chef d'équipe", "H2504"),
        ("ingénieure HSE", "ingénieur HSE", "H1302"),
        ("régleuse", "régleur", "H2912"),
    ],
)
def test_both_genders_find_the_same_job(vocab, feminine, masculine, code):
    assert resolved(vocab, feminine) == resolved(vocab, masculine) == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("technicienne qualite", "H1528"),
        ("operatrice", "H2705"),
        ("OPERATRICE DE PROD", "H2705"),
        ("jveux etre cariste", "N1101"),
        ("chui electricienne", "I1309"),
        ("ingé qualité", "H1527"),
        ("tech qualité", "H1528"),
        ("resp maintenance", "I1102"),
        ("demonteuse batteries", "H2704"),
    ],
)
def test_no_accents_capitals_or_sms_forms(vocab, text, code):
    assert resolved(vocab, text) == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("maintenence", "I1304"),
        ("technicin de maintenace", "I1304"),
        ("technicien maintenence batterie", "H2703"),
        ("magazinier", "N1110"),
        ("électritienne", "I1309"),
        ("logistitien", "N1303"),
        ("pilotte de ligne", "H2705"),
    ],
)
def test_typos_are_forgiven(vocab, text, code):
    assert resolved(vocab, text) == code


@pytest.mark.parametrize(
    "text, codes",
    [
        ("conducteur de ligne", ["H2705", "H2301"]),
        ("batterie", ["H2703", "H2704", "H2705"]),
        ("je cherche du travail dans le secteur de la batterie", ["H2703", "H2704", "H2705"]),
        ("ma voiture électrique", ["H2703", "H2704"]),
        ("ingénieur", ["H1302", "H1402", "H1527", "H2502", "I1102"]),
    ],
)
def test_equally_good_jobs_are_offered_as_a_choice(vocab, text, codes):
    result = vocab.resolve(text)
    assert result.status == "ambiguous" and result.metier is None
    assert [m.rome for m in result.alternatives] == codes


def test_a_bare_technicien_offers_the_technician_jobs_only(vocab):
    result = vocab.resolve("je suis technicienne à Lens")
    codes = {m.rome for m in result.alternatives}
    assert result.status == "ambiguous"
    assert {"H2703", "H2704", "I1304", "I1302", "H1528", "H1404", "H1303"} <= codes
    assert not codes & (ENGINEERS | {"N1101", "N1110", "H2604", "H2705"})


@pytest.mark.parametrize(
    "text",
    [
        "boulanger",
        "",
        "asdf",
        "bonjour",
        "infirmière",
        "développeur web",
        "coiffeuse",
        "je suis demandeuse d'emploi",
        "je suis en seconde",
        "est-ce que tu es un robot ?",
        "c'est quand la prochaine session à Lens ?",
        "Verkor Dunkerque",
        "59500",
        "D1102",
    ],
)
def test_nothing_job_like_gives_unknown(vocab, text):
    result = vocab.resolve(text)
    assert (result.status, result.metier, result.alternatives) == ("unknown", None, ())
