"""Custom actions against a real SQLite catalog (the demo catalog) and real trackers."""

from __future__ import annotations

import asyncio
import datetime as dt
import os

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.counselor import ActionDeleteMyData, ActionSaveContact, ValidateContactForm
from actions.fallback import ActionDefaultFallback
from actions.info import (
    ActionEmployers,
    ActionFunding,
    ActionGoodbye,
    ActionGreet,
    ActionJobDetails,
    ActionListJobs,
    ActionTrainingDetails,
)
from actions.profile import ActionAskCommune, ActionAskMetier, ActionValidateSlotMappings, ValidateProfileForm
from actions.results import ActionMoreSessions, ActionShowResults
from bot import config
from bot.catalog.db import engine as catalog_engine
from bot.catalog.lheo import import_file
from bot.catalog.search import search_sessions
from bot.contacts import count_requests
from bot.criteria import Criteria, apply, read_criteria
from bot.geo import gazetteer

DEMO = os.path.join(config.ROOT, "data", "catalog", "demo-electromob.lheo.xml")
TODAY = "2027-01-01"
LENS = "62498"


@pytest.fixture(scope="module")
def demo_catalog(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('catalog') / 'demo.sqlite3'}"
    import_file(catalog_engine(url), DEMO, progress=None)
    return url


@pytest.fixture(autouse=True)
def environment(monkeypatch, demo_catalog):
    monkeypatch.setenv("BOT_DATABASE_URL", demo_catalog)
    monkeypatch.setenv("BOT_TODAY", TODAY)


def tracker(text="", intent="inform", entities=(), slots=None, form=None, requested=None, events=None):
    slots = {"requested_slot": requested, **(slots or {})}
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": e, "value": v} for e, v in entities],
    }
    return Tracker(
        "test-user",
        slots,
        message,
        events or [{"event": "user", "text": text}],
        False,
        None,
        {"name": form} if form else {},
        "action_listen",
    )


def run(action, state):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    return dispatcher.messages, events


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages, kind):
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]


# -- reading the profile ------------------------------------------------------------------


def test_counselor_one_liner_fills_every_slot():
    _, events = run(ActionValidateSlotMappings(), tracker("DE bac Lens H2705 30km"))
    assert slots_set(events) == {
        "statut": "demandeur_emploi",
        "niveau": "bac",
        "rayon_km": 30.0,
        "commune": LENS,
        "metier": "H2705",
        "demande_complete": True,
        "suite": "chercher",
    }


def test_entities_typed_freely_are_normalised():
    state = tracker(
        "je suis demandeuse d'emploi a henin beaumont, technicienne de maintenance batteries",
        entities=[("commune", "henin beaumont"), ("metier", "technicienne de maintenance batteries")],
    )
    values = slots_set(run(ActionValidateSlotMappings(), state)[1])
    assert (values["commune"], values["metier"], values["statut"]) == ("62427", "H2703", "demandeur_emploi")


def test_answer_to_the_town_question_is_read_whole():
    state = tracker("j'habite a St Omer", form="profile_form", requested="commune")
    assert slots_set(run(ActionValidateSlotMappings(), state)[1])["commune"] == "62765"


def test_shared_town_name_gives_choices_in_the_question():
    state = tracker("beaumont", form="profile_form", requested="commune")
    problem = slots_set(run(ActionValidateSlotMappings(), state)[1])["probleme"]
    assert problem["kind"] == "ambiguous" and len(problem["options"]) > 1
    messages, _ = run(ActionAskCommune(), tracker(slots={"probleme": problem}))
    assert "Plusieurs communes" in texts(messages)
    assert all(b["payload"].startswith('/inform{"commune": "insee:') for b in messages[0]["buttons"])
    chosen = messages[0]["buttons"][0]["payload"].split('"insee:')[1].split('"')[0]
    again = tracker(entities=[("commune", f"insee:{chosen}")], form="profile_form", requested="commune")
    assert slots_set(run(ActionValidateSlotMappings(), again)[1])["commune"] == chosen


def test_unknown_town_is_asked_again_with_an_example():
    state = tracker("Zzyzxville", form="profile_form", requested="commune")
    problem = slots_set(run(ActionValidateSlotMappings(), state)[1])["probleme"]
    assert problem["kind"] == "unknown"
    messages, _ = run(ActionAskCommune(), tracker(slots={"probleme": problem}))
    assert "Zzyzxville" in texts(messages)


def test_postcode_that_does_not_exist_is_not_a_town():
    state = tracker("99999", form="profile_form", requested="commune")
    values = slots_set(run(ActionValidateSlotMappings(), state)[1])
    assert "commune" not in values and values["probleme"]["kind"] == "unknown"


def test_unknown_job_offers_the_battery_jobs():
    state = tracker("boulanger", form="profile_form", requested="metier")
    problem = slots_set(run(ActionValidateSlotMappings(), state)[1])["probleme"]
    messages, _ = run(ActionAskMetier(), tracker(slots={"probleme": problem}))
    assert "Je ne connais pas ce métier" in texts(messages)
    assert '/inform{"metier": "H2705"}' in [b["payload"] for b in messages[0]["buttons"]]


@pytest.mark.parametrize(
    "answer,km", [("peu importe", 30.0), ("50", 50.0), ("20 bornes", 20.0), ("500 km", 500.0), ("2000 km", 1000.0)]
)
def test_radius_answers(answer, km):
    state = tracker(answer, form="profile_form", requested="rayon_km")
    messages, events = run(ActionValidateSlotMappings(), state)
    assert slots_set(events)["rayon_km"] == km
    assert ("Je limite la recherche à 1000 km" in texts(messages)) == (km == 1000.0)


def test_a_question_keeps_the_town_it_names_without_starting_the_search():
    events = run(ActionValidateSlotMappings(), tracker("qui recrute a Douai ?", intent="ask_employers"))[1]
    assert slots_set(events) == {"commune": "59178", "suite": "rien"}


def test_profile_is_read_once_per_message():
    events = [{"event": "user", "text": "Lens"}, {"event": "action", "name": "action_extract_slots"}]
    assert run(ActionValidateSlotMappings(), tracker("Lens", events=events))[1] == []


def test_misunderstood_answers_are_explained_then_stopping_is_offered():
    first = tracker("euh", form="profile_form", requested="commune")
    messages, events = run(ValidateProfileForm(), first)
    assert slots_set(events) == {"echecs": 1, "requested_slot": "commune"} and "par exemple « Lens »" in texts(messages)
    second = tracker("euh", form="profile_form", requested="commune", slots={"echecs": 1})
    messages, events = run(ValidateProfileForm(), second)
    assert slots_set(events) == {"echecs": 2, "requested_slot": "commune"}
    assert "Je n'arrive pas à comprendre" in texts(messages)
    assert "/deny" in [b["payload"] for b in messages[0]["buttons"]]


def test_an_understood_answer_resets_the_count_and_another_question_is_left_to_the_rules():
    events = [
        {"event": "user", "text": "Lens"},
        {"event": "action", "name": "profile_form"},
        {"event": "slot", "name": "commune", "value": LENS},
    ]
    known = {"echecs": 1, "statut": "salarie", "metier": "H2705", "commune": LENS}
    understood = tracker("Lens", form="profile_form", requested="commune", slots=known, events=events)
    assert slots_set(run(ValidateProfileForm(), understood)[1]) == {"echecs": 0, "requested_slot": "rayon_km"}
    question = tracker("qui paie ?", intent="ask_funding", form="profile_form", requested="commune")
    assert run(ValidateProfileForm(), question) == ([], [])


# -- results --------------------------------------------------------------------------------

PROFILE = {"statut": "demandeur_emploi", "metier": "H2705", "commune": LENS, "rayon_km": 30.0, "niveau": "sans_diplome"}


def expected_sessions(rome, insee, radius):
    commune = gazetteer().by_insee(insee)
    return [
        h.as_json()
        for h in search_sessions(
            catalog_engine(os.environ["BOT_DATABASE_URL"]), rome, commune.lat, commune.lon, radius, config.today()
        )
    ]


def test_results_are_the_path_then_the_first_page_of_the_search():
    messages, events = run(ActionShowResults(), tracker(slots=PROFILE))
    path = payloads(messages, "parcours")[0]
    assert path["metier"]["rome"] == "H2705" and len(path["etapes"]) >= 3
    assert "ce métier est ouvert sans diplôme" in texts(messages)
    sessions = payloads(messages, "sessions")[0]
    assert sessions["sessions"] == expected_sessions("H2705", LENS, 30.0)[:5]
    assert sessions["commune"] == {"insee": LENS, "nom": "Lens"} and sessions["rayon_km"] == 30.0
    assert slots_set(events)["profil_complet"] is True and slots_set(events)["page"] == 1
    assert sessions["sessions"][0]["intitule"] in texts(messages)


def test_path_is_not_repeated_for_the_same_job():
    messages, _ = run(ActionShowResults(), tracker(slots={**PROFILE, "parcours_montre": "H2705"}))
    assert payloads(messages, "parcours") == [] and payloads(messages, "sessions")


def test_more_gives_the_next_page():
    messages, events = run(ActionMoreSessions(), tracker(intent="more_results", slots={**PROFILE, "page": 1}))
    assert payloads(messages, "sessions")[0]["sessions"] == expected_sessions("H2705", LENS, 30.0)[5:10]
    assert slots_set(events)["page"] == 2


def test_nothing_nearby_offers_the_nearest_session_and_wider_radii():
    far = {**PROFILE, "metier": "H1303", "commune": "02381", "rayon_km": 5.0}  # HSE, Hirson
    messages, _ = run(ActionShowResults(), tracker(slots={**far, "parcours_montre": "H1303"}))
    assert payloads(messages, "sessions") == []
    text = texts(messages)
    assert "Je n'ai trouvé aucune session" in text and "La plus proche est à" in text
    payload_list = [b["payload"] for b in messages[-1]["buttons"]]
    assert any(p.startswith('/inform{"rayon_km"') for p in payload_list)
    nearest = min(expected_sessions("H1303", "02381", 400), key=lambda s: s["distance_km"] or 1e9)
    assert nearest["ville"] in text


def test_unusable_new_town_keeps_the_results_and_says_why():
    problem = {"slot": "commune", "kind": "unknown", "typed": "Zzyzxville", "options": []}
    messages, events = run(ActionShowResults(), tracker("et a Zzyzxville ?", slots={**PROFILE, "probleme": problem}))
    assert "Je ne trouve pas la commune « Zzyzxville »" in texts(messages)
    assert payloads(messages, "sessions") == [] and slots_set(events) == {"probleme": None}


# -- information ------------------------------------------------------------------------------


def test_job_details_in_both_genders_and_open_to_all():
    messages, _ = run(ActionJobDetails(), tracker(intent="ask_job_details", entities=[("metier", "cariste")]))
    text = texts(messages)
    assert "Cariste (fiche ROME N1101)" in text and "ouvert aux femmes comme aux hommes" in text
    technician = run(
        ActionJobDetails(), tracker(intent="ask_job_details", entities=[("metier", "technicienne qualite")])
    )[0]
    assert "technicien / technicienne" in texts(technician).lower()


def test_training_details_from_the_catalog():
    messages, events = run(
        ActionTrainingDetails(), tracker(intent="ask_training_details", entities=[("formation", "CACES R489")])
    )
    text = texts(messages)
    assert "CACES" in text and "Durée" in text
    assert slots_set(events)["derniere_formation"]


def test_funding_follows_the_status_without_amounts():
    messages, _ = run(ActionFunding(), tracker(intent="ask_funding", slots={"statut": "demandeur_emploi"}))
    text = texts(messages)
    assert "CPF" in text and "France Travail" in text and "€" not in text
    general = run(ActionFunding(), tracker(intent="ask_funding"))[0]
    assert general[0]["buttons"], "without a status, the person can tell it"


def test_employers_nearest_first_and_one_by_name():
    messages, _ = run(ActionEmployers(), tracker("qui recrute ?", intent="ask_employers", slots={"commune": LENS}))
    assert "de la plus proche à la plus éloignée de Lens" in texts(messages)
    assert texts(messages).index("ACC") < texts(messages).index("Verkor")
    verkor = run(ActionEmployers(), tracker("et verkor ?", intent="ask_employers"))[0]
    assert texts(verkor).startswith("Verkor")


# -- counselor and personal data --------------------------------------------------------------


def test_contact_is_read_stored_and_erased_on_request():
    engine = catalog_engine(os.environ["BOT_DATABASE_URL"])
    answer = tracker("c'est le 06 12 34 56 78", form="contact_form", requested="contact")
    assert slots_set(run(ValidateContactForm(), answer)[1]) == {"contact": "06 12 34 56 78"}
    messages, _ = run(ValidateContactForm(), tracker("demain", form="contact_form", requested="contact"))
    assert "Je n'ai pas reconnu de numéro" in texts(messages)
    without_consent = tracker(slots={"contact": "06 12 34 56 78", "metier": "H2705"})
    messages, _ = run(ActionSaveContact(), without_consent)
    assert count_requests(engine, "test-user") == 0 and "je ne garde donc rien" in texts(messages)
    consented = {"contact": "06 12 34 56 78", "metier": "H2705", "consentement_demande": True}
    run(ActionSaveContact(), tracker(slots=consented))
    assert count_requests(engine, "test-user") == 1
    messages, events = run(ActionDeleteMyData(), tracker("supprime mes données", intent="delete_my_data"))
    assert count_requests(engine, "test-user") == 0
    assert "C'est fait" in texts(messages) and {"event": "reset_slots", "timestamp": None} in events


@pytest.mark.parametrize(
    "text,expected",
    [
        ("where can I find a training job please", "Je ne réponds qu'en français"),
        ("🔋🔋🔋", "Je n'ai pas de mots à lire"),
        ("<img src=x onerror=alert(1)>", "Pardon, je n'ai pas bien compris"),
        ("'; DROP TABLE session; --", "Pardon, je n'ai pas bien compris"),
    ],
)
def test_fallback_answers_in_french_and_forgets_the_message(text, expected):
    messages, events = run(ActionDefaultFallback(), tracker(text, intent="nlu_fallback"))
    assert expected in texts(messages) and messages[0]["buttons"]
    assert events == [{"event": "rewind", "timestamp": None}]


# -- the school kiosk ----------------------------------------------------------------------------


def kiosk_tracker(text, intent, entities=()):
    state = tracker(text, intent=intent, entities=entities, slots={"mode": "kiosque"})
    state.latest_message["metadata"] = {"mode": "kiosque"}
    return state


def test_kiosk_reads_nothing_personal():
    events = run(ActionValidateSlotMappings(), kiosk_tracker("je suis au college a Lens, 13 ans", "inform"))[1]
    assert events == [], "the kiosk sets no profile slot"
    site = tracker("bonjour", intent="greet", slots={"mode": "kiosque"})
    site.latest_message["metadata"] = {"mode": "site"}
    assert slots_set(run(ActionValidateSlotMappings(), site)[1]) == {"mode": "site", "suite": "rien"}


@pytest.mark.parametrize(
    "action,intent,entities",
    [
        (ActionGreet(), "greet", ()),
        (ActionListJobs(), "ask_jobs", ()),
        (ActionJobDetails(), "ask_job_details", [("metier", "H2705")]),
        (ActionEmployers(), "ask_employers", ()),
        (ActionFunding(), "ask_funding", ()),
        (ActionDefaultFallback(), "nlu_fallback", ()),
    ],
)
def test_kiosk_buttons_never_lead_to_personal_questions(action, intent, entities):
    messages, _ = run(action, kiosk_tracker("", intent, entities))
    payloads_ = [b["payload"] for m in messages for b in m.get("buttons") or []]
    assert messages and not any(
        p.startswith(("/search_training", "/search_sessions", "/request_counselor", "/inform")) for p in payloads_
    )


def test_kiosk_tells_a_job_in_pupils_words_with_the_school_path():
    messages, _ = run(ActionJobDetails(), kiosk_tracker("", "ask_job_details", [("metier", "H2705")]))
    text = texts(messages)
    assert "Comment y arriver" in text and "Après la 3e" in text and " tu " in f" {text.lower()} "
    assert "vous" not in text.lower()


def test_a_lone_preposition_tagged_by_the_nlu_is_not_a_status():
    state = tracker("formation de cariste à Lens", entities=[("statut", "demandeur_emploi")])
    state.latest_message["entities"][0].update(start=10, end=12)  # "de", mapped by the synonyms
    assert "statut" not in slots_set(run(ActionValidateSlotMappings(), state)[1])
    counselor = tracker("DE bac Lens", entities=[("statut", "demandeur_emploi")])
    counselor.latest_message["entities"][0].update(start=0, end=2)
    assert slots_set(run(ActionValidateSlotMappings(), counselor)[1])["statut"] == "demandeur_emploi"


# -- criteria -------------------------------------------------------------------------------------

ARRAS = "62041"
MAINTENANCE = {"statut": "demandeur_emploi", "metier": "I1302", "commune": ARRAS, "rayon_km": 30.0}


def test_criteria_are_read_from_any_message_and_dropped_again():
    said = "je cherche une formation de cariste à Lens en alternance à partir de septembre"
    _, events = run(ActionValidateSlotMappings(), tracker(said, intent="search_training"))
    found = slots_set(events)
    assert (found["metier"], found["commune"]) == ("N1101", LENS)
    assert (found["alternance"], found["debut_apres"], found["suite"]) == (True, "2027-09-01", "chercher")
    later = {
        "metier": "N1101",
        "commune": LENS,
        "alternance": True,
        "debut_apres": "2027-09-01",
        "profil_complet": True,
    }
    _, events = run(ActionValidateSlotMappings(), tracker("peu importe la date", slots=later))
    assert slots_set(events) == {"debut_apres": None, "suite": "chercher"}  # the rest is kept


def test_results_follow_the_criteria_say_them_and_offer_to_drop_each():
    slots = {**MAINTENANCE, "parcours_montre": "I1302", "alternance": True, "debut_apres": "2027-09-01"}
    messages, _ = run(ActionShowResults(), tracker(slots=slots))
    payload = payloads(messages, "sessions")[0]
    commune = gazetteer().by_insee(ARRAS)
    criteria = Criteria(alternance=True, debut_apres=dt.date(2027, 9, 1))
    expected = search_sessions(
        catalog_engine(os.environ["BOT_DATABASE_URL"]), "I1302", commune.lat, commune.lon, 30, config.today(),
        criteria=criteria,
    )  # fmt: skip
    assert payload["sessions"] == [hit.as_json() for hit in expected][:5] and payload["sessions"]
    assert all(s["alternance"] and s["debut"] >= "2027-09-01" for s in payload["sessions"])
    assert payload["criteres"] == {"debut_apres": "2027-09-01", "alternance": True}
    header = messages[0]["text"].splitlines()[0]
    assert header.endswith("Arras, à partir du 1er septembre 2027, en alternance :")
    buttons = {b["title"]: b["payload"] for b in messages[0]["buttons"]}
    drops = {"Peu importe la date": "peu importe la date", "Pas forcément en alternance": "pas forcément en alternance"}
    assert drops.items() <= buttons.items()


def test_nothing_found_names_the_emptying_criterion_with_what_dropping_it_gives():
    slots = {**MAINTENANCE, "metier": "N1101", "commune": LENS, "parcours_montre": "N1101", "alternance": True}
    messages, _ = run(ActionShowResults(), tracker(slots={**slots, "temps": "plein"}))
    assert payloads(messages, "sessions") == []
    text = texts(messages)
    assert "avec ces critères : en alternance, à temps plein" in text
    without_alternance = len(expected_sessions_with("N1101", LENS, Criteria(temps="plein")))
    assert without_alternance > 0
    assert f"Sans la contrainte d'alternance : {without_alternance} sessions." in text
    assert "Même sans la contrainte de rythme, il n'y en a pas." in text
    buttons = {b["title"]: b["payload"] for b in messages[-1]["buttons"]}
    assert buttons[f"Sans la contrainte d'alternance ({without_alternance})"] == "pas forcément en alternance"


def expected_sessions_with(rome, insee, criteria, radius=30.0):
    commune = gazetteer().by_insee(insee)
    hits = search_sessions(
        catalog_engine(os.environ["BOT_DATABASE_URL"]), rome, commune.lat, commune.lon, radius, config.today(),
        criteria=criteria,
    )  # fmt: skip
    return [h.as_json() for h in hits]


def test_a_criterion_dropped_in_a_message_taken_for_more_gives_the_new_first_page():
    slots = {**MAINTENANCE, "parcours_montre": "I1302", "page": 1, "profil_complet": True}
    events = [{"event": "user", "text": "peu importe la date"}, {"event": "slot", "name": "debut_apres", "value": None}]
    messages, _ = run(
        ActionMoreSessions(), tracker("peu importe la date", intent="more_results", slots=slots, events=events)
    )
    assert payloads(messages, "sessions")[0]["sessions"] == expected_sessions("I1302", ARRAS, 30.0)[:5]


def test_results_offer_the_criteria_that_would_narrow_them_with_their_counts():
    slots = {**PROFILE, "parcours_montre": "H2705"}
    messages, _ = run(ActionShowResults(), tracker(slots=slots))
    total = len(expected_sessions("H2705", LENS, 30.0))
    offered = [b for b in messages[0]["buttons"] if not b["payload"].startswith("/")]
    assert 1 <= len(offered) <= 3
    for button in offered:
        # The payload is read back as the criterion it names; the count is what the search gives.
        narrower = apply(Criteria(), read_criteria(button["payload"], config.today()))
        count = len(expected_sessions_with("H2705", LENS, narrower))
        assert narrower and 0 < count < total and button["title"].endswith(f"({count})"), button


def test_a_criterion_in_a_message_taken_for_a_goodbye_gives_the_new_results():
    slots = {**MAINTENANCE, "parcours_montre": "I1302", "profil_complet": True, "temps": "plein"}
    events = [
        {"event": "user", "text": "à temps partiel aussi"},
        {"event": "slot", "name": "temps", "value": "partiel"},
    ]
    messages, _ = run(ActionGoodbye(), tracker("à temps plein aussi", intent="goodbye", slots=slots, events=events))
    expected = expected_sessions_with("I1302", ARRAS, Criteria(temps="plein"))
    assert payloads(messages, "sessions")[0]["sessions"] == expected[:5] and expected
    assert "Au revoir" not in texts(messages)
    plain = run(ActionGoodbye(), tracker("au revoir", intent="goodbye", slots=slots))[0]
    assert "Au revoir" in texts(plain)
