"""Questions of the knowledge base: the training data of faq/<topic>, the answers of bot/faq.py
and action_answer_faq on real trackers, the demo catalog for the sessions shown."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from actions.fallback import ActionDefaultFallback
from actions.faq import ActionAnswerFaq, selected_topic
from actions.info import ActionOutOfScope
from actions.profile import ActionValidateSlotMappings
from bot import faq, savoirs
from bot.config import ROOT
from bot.wording import say
from tests.test_actions import (  # noqa: F401  (the fixtures: the demo catalog, today)
    PROFILE,
    demo_catalog,
    environment,
    kiosk_tracker,
    run,
    slots_set,
    texts,
    tracker,
)

FAQ_DATA = ROOT / "data" / "nlu" / "faq.yml"


@cache
def _training():
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(ROOT / "data" / "nlu")).intent_examples


def faq_message(text: str, topic: str, confidence: float = 0.9) -> dict:
    return {
        "text": text,
        "intent": {"name": "faq", "confidence": 0.9},
        "entities": [],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": confidence}, "ranking": []},
        },
    }


def faq_tracker(text: str, topic: str, confidence: float = 0.9, slots=None, mode: str | None = None):
    state = tracker(text, intent="faq", slots={**(slots or {}), **({"mode": mode} if mode else {})})
    state.latest_message = faq_message(text, topic, confidence)
    if mode:
        state.latest_message["metadata"] = {"mode": mode}
    return state


def buttons(messages) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


# -- the training data ------------------------------------------------------------------------


def test_every_topic_has_training_questions_and_every_faq_label_is_a_topic():
    labels = Counter(m.get_full_intent() for m in _training() if m.get("intent") == "faq")
    assert {label.split("/", 1)[1] for label in labels} == {t.id for t in savoirs.topics()}
    assert min(labels.values()) >= 7, labels


def test_faq_questions_are_in_their_own_file():
    from rasa.shared.nlu.training_data.loading import load_data

    in_file = {m.get("text") for m in load_data(str(FAQ_DATA)).intent_examples}
    elsewhere = {m.get("text") for m in _training() if m.get("intent") == "faq"}
    assert elsewhere == in_file


def test_a_training_question_has_one_label():
    seen: dict[str, set[str]] = {}
    for message in _training():
        seen.setdefault(message.get("text").lower(), set()).add(message.get_full_intent())
    assert {text: labels for text, labels in seen.items() if len(labels) > 1} == {}


# -- the answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("topic", savoirs.topics())
def test_every_topic_is_answered_from_the_knowledge_base_in_both_registers(topic):
    found = faq.answer(topic.id, 0.9, "vous")
    assert found.known and found.text == topic.vous
    pupil = faq.answer(topic.id, 0.9, "tu")
    assert pupil.text == (topic.tu or say("faq.pour_les_adultes", "tu"))
    if topic.suite:
        assert found.buttons == (faq.FOLLOW_UPS[topic.suite],)


def test_an_unsure_or_unknown_topic_gets_an_honest_answer_and_a_counselor():
    for topic_id, confidence in (("femmes", faq.FAQ_CONFIDENCE / 2), (None, 0.0), ("pas_un_sujet", 0.99)):
        found = faq.answer(topic_id, confidence, "vous")
        assert not found.known
        assert found.text.startswith("Je ne sais pas répondre à cela")
        assert found.buttons == (faq.COUNSELOR,)
    kiosk = faq.answer(None, 0.0, "tu", kiosk=True)
    assert kiosk.text.startswith("Je ne sais pas répondre à ça") and kiosk.buttons == ()


def test_no_search_offered_again_after_results_and_nothing_personal_on_the_kiosk():
    assert faq.answer("alternance", 0.9, "vous").buttons == (faq.FOLLOW_UPS["chercher"],)
    assert faq.answer("alternance", 0.9, "vous", searched=True).buttons == ()
    assert faq.answer("alternance", 0.9, "tu", kiosk=True).buttons == ()
    assert faq.answer("rqth", 0.9, "tu", kiosk=True).buttons == ()
    assert faq.answer("femmes", 0.9, "tu", kiosk=True).buttons == (faq.FOLLOW_UPS["metiers"],)


@pytest.mark.parametrize(
    "text,question",
    [
        ("c'est quoi le truc violet ?", True),
        ("comment on fait pour les machins", True),
        ("est ce que je peux venir avec mon chien", True),
        ("c koi le bidule", True),
        ("blablabla", False),
        ("Lens", False),
        ("j'habite à Lens", False),
    ],
)
def test_questions_are_told_from_other_messages(text, question):
    assert faq.is_question(text) is question


# -- the action ---------------------------------------------------------------------------------


def test_selected_topic_reads_the_response_selector():
    topic, confidence = selected_topic(faq_message("x", "femmes", 0.8))
    assert topic == "femmes" and confidence == pytest.approx(0.8 * 0.9)  # topic within faq × faq
    assert selected_topic({"text": "x"}) == (None, 0.0)
    other = {**faq_message("x", "femmes", 0.8), "intent": {"name": "nlu_fallback", "confidence": 0.9}}
    assert selected_topic(other) == (None, 0.0)


def test_action_answers_the_topic_with_its_follow_up():
    messages, events = run(ActionAnswerFaq(), faq_tracker("c'est ouvert aux femmes ?", "femmes"))
    assert texts(messages) == savoirs.answer("femmes")
    assert buttons(messages) == ["/ask_jobs"] and events == []


def test_action_answers_pupils_in_their_register():
    messages, _ = run(ActionAnswerFaq(), faq_tracker("c quoi l'alternance", "alternance", mode="kiosque"))
    assert texts(messages) == savoirs.answer("alternance", "tu")
    pupil = faq_tracker("c quoi l'alternance", "alternance", slots={"statut": "collegien"})
    assert texts(run(ActionAnswerFaq(), pupil)[0]) == savoirs.answer("alternance", "tu")


def test_action_says_it_does_not_know_and_offers_a_counselor():
    messages, _ = run(ActionAnswerFaq(), faq_tracker("c'est quoi le truc ?", "femmes", confidence=0.05))
    assert texts(messages).startswith("Je ne sais pas répondre à cela")
    assert buttons(messages) == ["/request_counselor"]
    kiosk, _ = run(ActionAnswerFaq(), faq_tracker("c'est quoi le truc ?", "femmes", confidence=0.05, mode="kiosque"))
    assert texts(kiosk).startswith("Je ne sais pas répondre à ça")
    assert "/request_counselor" not in buttons(kiosk) and buttons(kiosk)


def test_a_question_not_understood_gets_an_honest_answer_not_the_menu():
    messages, events = run(ActionDefaultFallback(), tracker("c'est quoi le schmilblick ?", intent="nlu_fallback"))
    assert texts(messages).startswith("Je ne sais pas répondre à cela")
    assert buttons(messages) == ["/request_counselor"]
    assert events == [{"event": "rewind", "timestamp": None}]
    kiosk, _ = run(ActionDefaultFallback(), kiosk_tracker("c'est quoi le schmilblick ?", "nlu_fallback"))
    assert "/request_counselor" not in buttons(kiosk)


def test_out_of_scope_says_so_and_offers_a_counselor():
    messages, _ = run(ActionOutOfScope(), tracker("il fait beau demain ?", intent="out_of_scope"))
    assert texts(messages).startswith("Je ne sais pas répondre à cela")
    assert "/request_counselor" in buttons(messages)


@pytest.mark.parametrize(
    "text",
    [
        "je suis une femme, est-ce que je peux travailler dans une usine de batteries ?",
        "est-ce que c'est dangereux de travailler avec des batteries ?",
        "ça paye bien pilote de ligne ?",
        "j'ai 52 ans, c'est trop tard ?",
    ],
)
def test_a_question_alone_is_not_read_as_profile_facts(text):
    _, events = run(ActionValidateSlotMappings(), tracker(text, intent="faq"))
    assert slots_set(events) == {"suite": "rien"}


def test_facts_and_a_question_get_both():
    text = "je suis au chômage, j'habite à Lens et je veux devenir cariste, c'est gratuit ?"
    slots = slots_set(run(ActionValidateSlotMappings(), tracker(text, intent="faq"))[1])
    assert slots["statut"] == "demandeur_emploi" and slots["commune"] == "62498" and slots["metier"] == "N1101"
    assert slots["suite"] == "repondre_et_chercher"
    text = "je veux devenir cariste à Lens, ça dure combien de temps ?"
    slots = slots_set(run(ActionValidateSlotMappings(), tracker(text, intent="faq"))[1])
    assert slots["commune"] == "62498" and slots["metier"] == "N1101"
    assert slots["suite"] == "repondre_et_chercher"
    assert re.fullmatch(r"[A-Z]\d{4}", slots["metier"])


# -- the sessions shown -------------------------------------------------------------------------


def _catalog_rows(sessions):
    """What the demo catalog holds for these sessions, read straight from its tables."""
    import os

    from sqlalchemy import text

    from bot.catalog.db import engine

    rows = []
    with engine(os.environ["BOT_DATABASE_URL"]).connect() as conn:
        for session in sessions:
            rows.append(
                conn.execute(
                    text(
                        "SELECT a.heures, f.niveau_entree, o.telephone, o.courriel, a.modalite_enseignement"
                        " FROM session s JOIN action a ON a.source_id = s.source_id AND a.id = s.action_id"
                        " JOIN formation f ON f.source_id = a.source_id AND f.id = a.formation_id"
                        " JOIN organisme o ON o.source_id = f.source_id AND o.id = f.organisme_id"
                        " WHERE s.id = :s AND s.action_id = :a"
                    ),
                    {"s": session["session_id"], "a": session["action_id"]},
                ).one()
            )
    return rows


SHOWN = {**PROFILE, "page": 1, "profil_complet": True}


def test_after_results_the_answer_is_about_the_sessions_shown():
    from tests.test_actions import LENS, expected_sessions

    shown = expected_sessions("H2705", LENS, 30.0)[:5]
    rows = _catalog_rows(shown)
    answers = {
        topic: texts(run(ActionAnswerFaq(), faq_tracker("?", topic, slots=SHOWN))[0]).splitlines()
        for topic in ("duree_formation", "places_restantes", "prerequis_niveau", "inscription", "a_distance")
    }
    for lines in answers.values():
        assert lines[0].startswith("Voici ce que les organismes ont publié") and len(lines) == len(shown) + 2
        for session, line in zip(shown, lines[1:], strict=False):
            assert line.startswith(f"• {session['intitule']} ({session['organisme']}")
    for row, line in zip(rows, answers["duree_formation"][1:], strict=False):
        assert (f"durée : {row.heures} heures" if row.heures else "durée : du ") in line
    for session, line in zip(shown, answers["places_restantes"][1:], strict=False):
        assert (f"{session['places']} places" if session["places"] else "non publié") in line
    for row, line in zip(rows, answers["prerequis_niveau"][1:], strict=False):
        assert (say(f"lheo_niveau.{row.niveau_entree}") if row.niveau_entree else "non publié") in line
    for row, line in zip(rows, answers["inscription"][1:], strict=False):
        assert (row.telephone or row.courriel or "non publié") in line
    for session, line in zip(shown, answers["a_distance"][1:], strict=False):
        assert say(f"modalites.{session['modalite']}") in line


def test_the_second_page_is_the_one_asked_about():
    from tests.test_actions import LENS, expected_sessions

    second = expected_sessions("H2705", LENS, 30.0)[5:10]
    lines = texts(run(ActionAnswerFaq(), faq_tracker("?", "lieu_formation", slots={**SHOWN, "page": 2}))[0])
    body = lines.splitlines()[1:-1]
    assert len(body) == len(second)
    assert all(line.startswith(f"• {s['intitule']} ({s['organisme']}") for s, line in zip(second, body, strict=True))


def test_without_sessions_shown_the_general_answer_and_the_search():
    messages, _ = run(ActionAnswerFaq(), faq_tracker("ça dure combien de temps ?", "duree_formation"))
    assert texts(messages) == savoirs.answer("duree_formation")
    assert buttons(messages) == ["/search_training"]


def test_the_readme_lists_every_topic():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme.split("<!-- sujets :", 1)[1].split("<!-- fin des sujets -->", 1)[0].splitlines()[1:]
    assert [line for line in listed if line] == [f"- {t.titre} (`{t.id}`)" for t in savoirs.topics()]


def test_facts_without_a_question_are_a_correction_whatever_the_topic_guessed():
    text = "ah non pardon, je me suis trompé, j'habite à béthune"
    state = tracker(text, intent="faq", slots={**PROFILE, "profil_complet": True})
    slots = slots_set(run(ActionValidateSlotMappings(), state)[1])
    assert slots["commune"] == "62119" and slots["suite"] == "chercher"
