"""The gigafactories of data/reference/employeurs.yml and the lookups of bot/employers.py."""

from __future__ import annotations

import pytest

from bot.employers import employers, find_employer, nearest
from bot.geo import gazetteer
from bot.jobs import vocabulary

# The sheets of data/reference/metiers.yml an employer may list.
HIRING_SHEETS = set("H2705 H2703 H2704 H2701 H2301 H2604 H2912 I1304 I1302 I1309 H1528 H1404 H1303 N1101 N1110".split())


def by_short_name(name: str):
    return next(employer for employer in employers() if employer.nom_court == name)


def test_the_three_gigafactories():
    assert [employer.nom_court for employer in employers()] == ["ACC", "Envision AESC", "Verkor"]


@pytest.mark.parametrize("employer", employers(), ids=lambda employer: employer.nom_court)
def test_every_entry_is_complete_and_sourced(employer):
    assert employer.nom and employer.description and employer.candidater
    assert employer.sources
    assert all(url.startswith(("https://", "http://")) for url in employer.sources)
    assert len(set(employer.sources)) == len(employer.sources)


@pytest.mark.parametrize("employer", employers(), ids=lambda employer: employer.nom_court)
def test_insee_code_is_the_named_town(employer):
    commune = gazetteer().by_insee(employer.insee)
    assert commune is not None
    assert commune.nom == employer.ville
    assert commune.region == "32"  # Hauts-de-France


@pytest.mark.parametrize("employer", employers(), ids=lambda employer: employer.nom_court)
def test_jobs_are_known_sheets(employer):
    assert employer.metiers
    assert set(employer.metiers) <= HIRING_SHEETS
    assert all(vocabulary().by_rome(code) is not None for code in employer.metiers)


def test_sites_resolve_in_the_gazetteer():
    sites = {"Billy-Berclau": "62132", "Douvrin": "62276", "Lambres-lez-Douai": "59329", "Bourbourg": "59094"}
    for name, insee in sites.items():
        resolution = gazetteer().resolve(name)
        assert resolution.status == "ok" and resolution.commune.insee == insee


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ACC recrute ?", "ACC"),
        ("est-ce que l'ACC embauche", "ACC"),
        ("Automotive Cells Company", "ACC"),
        ("l'usine de Billy-Berclau", "ACC"),
        ("la gigafactory de douvrin", "ACC"),
        ("l'usine de verkor", "Verkor"),
        ("gigafactory de dunkerque", "Verkor"),
        ("VERKOR à Bourbourg", "Verkor"),
        ("envision a douai", "Envision AESC"),
        ("AESC recrute des opérateurs", "Envision AESC"),
        ("l'usine de batteries de Lambres-lez-Douai", "Envision AESC"),
        ("j'habite Douai, est-ce que Verkor recrute ?", "Verkor"),
    ],
)
def test_find_employer(text, expected):
    found = find_employer(text)
    assert found is not None and found.nom_court == expected


@pytest.mark.parametrize(
    "text",
    [
        "accueil",
        "merci pour votre accueil",
        "j'accepte",
        "une usine de batteries",
        "",
        "Lens",
    ],
)
def test_find_employer_needs_a_whole_name(text):
    assert find_employer(text) is None


def test_nearest_from_lens_is_acc():
    lens = gazetteer().resolve("Lens").commune
    ranked = nearest(lens.lat, lens.lon)
    assert next(employer.nom_court for employer, _ in ranked) == "ACC"
    distances = [km for _, km in ranked]
    assert distances == sorted(distances)
    assert len(ranked) == len(employers())
    assert distances[0] < 20


def test_nearest_from_dunkerque_is_verkor():
    dunkerque = gazetteer().resolve("Dunkerque").commune
    employer, km = nearest(dunkerque.lat, dunkerque.lon)[0]
    assert employer == by_short_name("Verkor")
    assert km < 20
