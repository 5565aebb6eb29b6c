"""Questions of the knowledge base asked to the running assistant (both servers, the trained
model, a catalog the project has never seen): the topic's answer, the facts of the sessions
just shown as the catalog holds them, the search going on after an answer, and the held-out
questions (tests/nlu/savoirs_heldout.yml) answered on their topic."""

from __future__ import annotations

import uuid

from bot import savoirs
from tests.conftest import cli_search
from tests.test_e2e import custom, say
from tests.test_savoirs import ISSUE_QUESTIONS

# The share of held-out questions answered on their topic must not fall below what was measured
# (93.8 % on 2026-12-03, after the boundary between topics and intents was made one rule in the
# training data and both held-out sets, docs/benchmarks.md); issue 13 asks for 95 %, not reached yet.
HELDOUT_FLOOR = 0.93


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def sender() -> str:
    return f"faq-{uuid.uuid4().hex[:8]}"


def test_every_question_quoted_in_the_issues_gets_its_topic(assistant):
    _, client, _ = assistant
    quoted = {
        **ISSUE_QUESTIONS,
        "je suis une femme, est-ce que je peux travailler dans une usine de batteries ?": "femmes",
        "est-ce que c'est dangereux de travailler avec des batteries ?": "securite_risques",
    }
    # (a question that names the job wanted is answered, then the search goes on: the first message)
    answers = {question: say(client, sender(), question)[0]["text"] for question in quoted}
    assert {q: a for q, a in answers.items() if a != savoirs.answer(quoted[q])} == {}


def test_after_the_sessions_the_answers_are_those_of_the_catalog(assistant):
    _, client, env = assistant
    person = sender()
    shown = custom(say(client, person, "DE bac Lens N1101 30km"), "sessions")[0]["sessions"]
    assert shown == cli_search(env, "--rome", "N1101", "--insee", "62498", "--rayon", "30")[:5]
    for question, fact in [
        ("ça dure combien de temps ?", "durée : "),
        ("c'est où exactement ?", ""),
        ("il reste des places ?", ""),
        ("comment je m'inscris ?", "contact : "),
        ("c'est à distance ?", ""),
    ]:
        lines = texts(say(client, person, question)).splitlines()
        assert lines[0].startswith("Voici ce que les organismes ont publié"), (question, lines)
        assert len(lines) == len(shown) + 2
        for session, line in zip(shown, lines[1:], strict=False):
            assert line.startswith(f"• {session['intitule']} ({session['organisme']}") and fact in line
    # …and the search goes on: a new radius gives new results.
    wider = custom(say(client, person, "en fait 50 km"), "sessions")
    assert wider and wider[0]["rayon_km"] == 50


def test_a_question_with_facts_gets_the_answer_then_the_search(assistant):
    _, client, env = assistant
    messages = say(client, sender(), "je veux devenir cariste à Lens, ça dure combien de temps ?")
    assert messages[0]["text"] == savoirs.answer("duree_formation")
    sessions = custom(messages, "sessions")
    assert (
        sessions
        and sessions[0]["sessions"] == cli_search(env, "--rome", "N1101", "--insee", "62498", "--rayon", "30")[:5]
    )


def test_a_question_during_the_profile_is_answered_and_the_question_asked_again(assistant):
    _, client, _ = assistant
    person = sender()
    asked = texts(say(client, person, "je cherche une formation"))
    answer = say(client, person, "c'est ouvert aux femmes ?")
    assert answer[0]["text"] == savoirs.answer("femmes")
    assert texts(answer[1:]) == asked


def test_an_unknown_question_is_honest_and_offers_a_counselor(assistant):
    _, client, _ = assistant
    messages = say(client, sender(), "est-ce que le réfectoire sert des frites le vendredi ?")
    assert texts(messages).startswith("Je ne sais pas répondre à cela")
    assert "/request_counselor" in [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_held_out_questions_are_answered_on_their_topic(trained_model):
    from scripts.eval_nlu import faq_topics

    result = faq_topics(trained_model)
    assert result["exactitude"] >= HELDOUT_FLOOR, result["erreurs"]
