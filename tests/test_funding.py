"""The funding guidance of data/reference/financements.yml, read by bot/funding.py."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.contract import STATUTS
from bot.funding import FINANCEMENTS_PATH, GENERAL, _load, advice
from bot.text import fold

# An amount or a rate: a digit, then a currency or percent sign, or the word "euro(s)".
AMOUNT = re.compile(r"\d[\d\s.,]*(€|%|euros?\b)", re.IGNORECASE)
ALL = (*STATUTS, GENERAL)


def texts(item):
    """Every title, point and source label of one piece of advice."""
    return [item.titre, *item.points, *(label for label, _ in item.sources)]


def test_statuses_are_those_of_the_contract():
    assert set(STATUTS) == {"demandeur_emploi", "etudiant", "lyceen", "collegien", "salarie"}


@pytest.mark.parametrize("statut", ALL)
def test_every_status_has_sourced_advice(statut):
    item = advice(statut)
    assert item.statut == statut
    assert item.titre and "\n" not in item.titre
    assert 3 <= len(item.points) <= 5
    assert item.sources
    for label, url in item.sources:
        assert label
        assert url.startswith("https://")


@pytest.mark.parametrize("statut", ALL)
def test_no_amount_or_rate(statut):
    for text in texts(advice(statut)):
        assert not AMOUNT.search(text), text
        assert "smic" not in fold(text).split(), text


def test_no_amount_anywhere_in_the_file():
    assert not AMOUNT.search(FINANCEMENTS_PATH.read_text(encoding="utf-8"))


def test_unknown_status_gets_the_general_advice():
    assert advice(None).statut == GENERAL
    assert advice("astronaute") == advice(None)
    assert advice("") == advice(None)


def test_job_seeker_advice_names_the_funders():
    words = fold(" ".join(texts(advice("demandeur_emploi")))).split()
    text = " ".join(words)
    assert "cpf" in words
    assert "region" in words
    assert "france travail" in text
    assert "conseiller" in words


def test_employee_advice_names_cpf_plan_and_transitions_pro():
    text = " ".join(fold(t) for t in texts(advice("salarie")))
    assert "cpf" in text.split()
    assert "plan de developpement des competences" in text
    assert "transitions pro" in text


@pytest.mark.parametrize("statut", ["etudiant", "lyceen", "collegien"])
def test_young_people_hear_about_apprenticeship(statut):
    assert "apprentissage" in fold(" ".join(texts(advice(statut)))).split()


@pytest.mark.parametrize(
    "statut, address",
    [
        ("demandeur_emploi", "vous"),
        ("salarie", "vous"),
        ("etudiant", "vous"),
        ("lyceen", "tu"),
        ("collegien", "tu"),
    ],
)
def test_one_form_of_address_per_status(statut, address):
    words = set(fold(" ".join([advice(statut).titre, *advice(statut).points])).split())
    other = {"vous": {"tu", "ton", "ta", "tes", "toi"}, "tu": {"vous", "votre", "vos"}}[address]
    assert not words & other


def test_a_missing_status_is_an_error(tmp_path):
    data = yaml.safe_load(FINANCEMENTS_PATH.read_text(encoding="utf-8"))
    del data["financements"]["collegien"]
    path = tmp_path / "financements.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="collegien"):
        _load(path)
