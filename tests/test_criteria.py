"""Criteria read from what people say (bot/criteria.py): French dates relative to today, with
their expected windows, and the other criteria set, changed and dropped in free French."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.criteria import Criteria, apply, financeurs, funder_codes, read_criteria
from bot.profile import read_facts

TODAY = dt.date(2027, 1, 10)  # a Sunday
D = dt.date


@pytest.mark.parametrize(
    "said, apres, avant",
    [
        ("je suis dispo à partir de mars", D(2027, 3, 1), None),
        ("à partir de mars", D(2027, 3, 1), None),
        ("dès avril", D(2027, 4, 1), None),
        ("pas avant mai", D(2027, 5, 1), None),
        ("après mars", D(2027, 4, 1), None),
        ("une formation qui commence avant l'été", None, D(2027, 6, 20)),
        ("avant l'ete", None, D(2027, 6, 20)),
        ("en septembre", D(2027, 9, 1), D(2027, 9, 30)),
        ("septembre 2028", D(2028, 9, 1), D(2028, 9, 30)),
        ("en janvier", D(2027, 1, 1), D(2027, 1, 31)),  # this month is not over
        ("en décembre", D(2027, 12, 1), D(2027, 12, 31)),
        ("début mars", D(2027, 3, 1), D(2027, 3, 10)),
        ("mi-avril", D(2027, 4, 11), D(2027, 4, 20)),
        ("fin juin", D(2027, 6, 21), D(2027, 6, 30)),
        ("avant fin juin", None, D(2027, 6, 30)),
        ("courant mai", D(2027, 5, 1), D(2027, 5, 31)),
        ("à la rentrée", D(2027, 9, 1), D(2027, 9, 30)),
        ("à partir de la rentrée", D(2027, 9, 1), None),
        ("avant Noël", None, D(2027, 12, 24)),
        ("avant noel svp", None, D(2027, 12, 24)),
        ("le plus tôt possible", None, D(2027, 2, 9)),
        ("au plus vite", None, D(2027, 2, 9)),
        ("dès que possible", None, D(2027, 2, 9)),
        ("dans 2 mois", D(2027, 3, 10), None),
        ("dans deux mois", D(2027, 3, 10), None),
        ("dans 15 jours", D(2027, 1, 25), None),
        ("dans quinze jours", D(2027, 1, 25), None),
        ("dans 3 semaines", D(2027, 1, 31), None),
        ("dans un an", D(2028, 1, 10), None),
        ("d'ici 2 mois", None, D(2027, 3, 10)),
        ("d'ici juin", None, D(2027, 6, 30)),
        ("au plus tard en mai", None, D(2027, 5, 31)),
        ("jusqu'à fin avril", None, D(2027, 4, 30)),
        ("entre mars et juin", D(2027, 3, 1), D(2027, 6, 30)),
        ("entre début mars et mi-avril", D(2027, 3, 1), D(2027, 4, 20)),
        ("à partir du 15 mars", D(2027, 3, 15), None),
        ("à partir du 1er septembre", D(2027, 9, 1), None),
        ("le 3 avril 2027", D(2027, 4, 3), None),
        ("à partir du 15/03/2027", D(2027, 3, 15), None),
        ("à partir du 1/9", D(2027, 9, 1), None),
        ("avant le 1er mars", None, D(2027, 2, 28)),
        ("cet été", D(2027, 6, 21), D(2027, 9, 22)),
        ("au printemps", D(2027, 3, 20), D(2027, 6, 20)),
        ("à l'automne", D(2027, 9, 23), D(2027, 12, 20)),
        ("cet hiver", D(2026, 12, 21), D(2027, 3, 19)),  # the winter under way
        ("l'année prochaine", D(2028, 1, 1), D(2028, 12, 31)),
        ("avant la fin de l'année", None, D(2027, 12, 31)),
        ("le mois prochain", D(2027, 2, 1), D(2027, 2, 28)),
        ("la semaine prochaine", D(2027, 1, 11), D(2027, 1, 17)),
        ("jsuis dispo a partir d avril", D(2027, 4, 1), None),
        ("en septembre, enfin non, plutôt octobre", D(2027, 10, 1), D(2027, 10, 31)),  # the later words win
    ],
)
def test_french_dates_give_their_start_window(said, apres, avant):
    assert read_criteria(said, TODAY) == {"date": {"debut_apres": apres, "debut_avant": avant}}


def test_a_month_already_past_is_next_years():
    assert read_criteria("en mars", D(2027, 6, 1))["date"] == {
        "debut_apres": D(2028, 3, 1),
        "debut_avant": D(2028, 3, 31),
    }
    assert read_criteria("à la rentrée", D(2027, 10, 2))["date"]["debut_apres"] == D(2028, 9, 1)
    assert read_criteria("avant Noël", D(2027, 12, 26))["date"]["debut_avant"] == D(2028, 12, 24)


@pytest.mark.parametrize(
    "said",
    [
        "j'ai été salarié",  # "été" is not the summer
        "mon numéro : 06 12 34 56 78",
        "je cherche une formation de cariste à Lens",
        "30 km max",
        "j'ai 25 ans",
        "mais je suis à Douai",
    ],
)
def test_no_criterion_where_there_is_none(said):
    assert read_criteria(said, TODAY) == {}


@pytest.mark.parametrize(
    "said, expected",
    [
        ("en alternance", {"alternance": {"alternance": True}}),
        ("je voudrais un contrat d'apprentissage", {"alternance": {"alternance": True}}),
        ("un contrat pro", {"alternance": {"alternance": True}}),
        ("pas forcément en alternance", {"alternance": {"alternance": None}}),
        ("alternance ou pas, peu importe", {"alternance": {"alternance": None}}),
        ("à distance si possible", {"modalite": {"modalite": "distanciel"}}),
        ("en ligne depuis chez moi", {"modalite": {"modalite": "distanciel"}}),
        ("en présentiel", {"modalite": {"modalite": "presentiel"}}),
        ("une formation hybride", {"modalite": {"modalite": "mixte"}}),
        ("sur place ou à distance", {"modalite": {"modalite": None}}),
        ("pas plus de trois mois", {"duree": {"heures_max": 455}}),
        ("moins de 400 heures", {"duree": {"heures_max": 400}}),
        ("maximum 6 semaines", {"duree": {"heures_max": 210}}),
        ("pas plus de 10 jours", {"duree": {"heures_max": 70}}),
        ("peu importe la durée", {"duree": {"heures_max": None}}),
        ("le soir, je travaille", {"temps": {"temps": "soir"}}),
        ("à temps partiel", {"temps": {"temps": "partiel"}}),
        ("à temps plein", {"temps": {"temps": "plein"}}),
        ("peu importe le rythme", {"temps": {"temps": None}}),
        ("payée par la Région", {"financement": {"finance_pour": None, "financeur": "2"}}),
        ("financée par France Travail", {"financement": {"finance_pour": None, "financeur": "4"}}),
        ("prise en charge par mon employeur", {"financement": {"finance_pour": None, "financeur": "5"}}),
        (
            "financée pour les demandeurs d'emploi",
            {"financement": {"finance_pour": "demandeur_emploi", "financeur": None}},
        ),
        ("peu importe le financement", {"financement": {"finance_pour": None, "financeur": None}}),
        ("accessible aux personnes handicapées", {"handicap": {"handicap": True}}),
        ("j'ai la RQTH", {"handicap": {"handicap": True}}),
        ("peu importe la date", {"date": {"debut_apres": None, "debut_avant": None}}),
        ("n'importe quand", {"date": {"debut_apres": None, "debut_avant": None}}),
        ("la date n'a pas d'importance, sans contrainte de date", {"date": {"debut_apres": None, "debut_avant": None}}),
    ],
)
def test_criteria_set_and_dropped_in_free_french(said, expected):
    assert read_criteria(said, TODAY) == expected


def test_one_message_with_several_criteria():
    change = read_criteria("je cherche une formation de cariste à Lens en alternance à partir de septembre", TODAY)
    assert change == {
        "alternance": {"alternance": True},
        "date": {"debut_apres": D(2027, 9, 1), "debut_avant": None},
    }
    every = read_criteria("enlevez tous les critères", TODAY)
    assert set(every) == {"date", "alternance", "modalite", "duree", "financement", "temps", "handicap"}


def test_changes_apply_by_group():
    criteria = Criteria(debut_apres=D(2027, 9, 1), debut_avant=D(2027, 9, 30), alternance=True)
    later = apply(criteria, read_criteria("plutôt à partir de mars", TODAY))
    assert later == Criteria(debut_apres=D(2027, 3, 1), alternance=True)  # the window is replaced as a whole
    assert apply(later, read_criteria("peu importe la date", TODAY)) == Criteria(alternance=True)
    assert apply(later, read_criteria("pas forcément en alternance", TODAY)) == Criteria(debut_apres=D(2027, 3, 1))


def test_funder_codes_by_statut_come_from_the_reference():
    assert funder_codes("demandeur_emploi") == ["2", "3", "4"]
    assert funder_codes("salarie") == ["5", "16", "17"]
    assert funder_codes("etudiant") == []
    assert set(financeurs()) == {str(code) for code in range(18)}  # the whole LHEO dict-financeurs
    assert financeurs()["4"].libelle == "Pôle emploi"


@pytest.mark.parametrize(
    "said, town, statut",
    [
        ("cariste à Lens pas plus de trois mois", "62498", None),  # "pas" after the town denies nothing
        ("à Douai pas avant mars", "59178", None),
        ("une formation en apprentissage si possible", None, None),  # a wish, not a status
        ("je suis en apprentissage", None, "lyceen"),
    ],
)
def test_criteria_words_do_not_change_the_other_facts(said, town, statut):
    facts = read_facts(said, [], today=TODAY)
    read_town = facts.town.resolution.commune.insee if facts.town and facts.town.resolution.commune else None
    assert (read_town, facts.statut) == (town, statut)
    assert facts.criteria or statut
