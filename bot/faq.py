"""The answer to a question of the knowledge base (data/reference/savoirs.yml).

The topic's own answer in the person's register; when sessions were just shown and the topic
depends on them (`selon_sessions`: duration, dates, place, places left, level, conditions,
contact, teaching mode, rhythm), what the catalog says of those very sessions instead. Below a
confidence of the topic's choice, an honest "I don't know" with a counselor offered. No Rasa
here: the action (actions/faq.py) gives the topic, its confidence, the register and the sessions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot import savoirs
from bot.messages import french_date, modalite_label, shorten
from bot.text import fold, unsms
from bot.wording import TU, has, say

# Below this probability of the topic (intent faq, then the topic within faq), it is not trusted:
# "je ne sais pas répondre à cela". Chosen on tests/nlu/savoirs_heldout.yml and questions out of
# the knowledge base (docs/benchmarks.md): 2 held-out questions of 278 lost, most unknown ones caught.
FAQ_CONFIDENCE = 0.3
# The button each `suite` of a topic offers: (key of its label in data/textes.yml, intent).
FOLLOW_UPS = {
    "chercher": ("bouton.trouver_formation", "search_training"),
    "metiers": ("bouton.decouvrir_metiers", "ask_jobs"),
    "financement": ("bouton.qui_paie", "ask_funding"),
    "employeurs": ("bouton.qui_recrute", "ask_employers"),
    "conseiller": ("bouton.conseiller", "request_counselor"),
}
COUNSELOR = FOLLOW_UPS["conseiller"]
CONDITIONS_CHARS = 160  # of a session's access conditions, in an answer
# How a question starts ("comment…", "est-ce que…"), or what it holds ("c'est quoi"), folded.
_QUESTION = re.compile(
    r"^(?:comment|pourquoi|quand|ou|qui|quoi|quel|quelle|quels|quelles|combien|est ce|a quoi|a qui)\b"
    r"|\b(?:c est quoi|ca veut dire|qu est ce)\b"
)


@dataclass(frozen=True)
class Answer:
    """What to say, and the buttons to offer: (label key, intent)."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    known: bool = True  # False: "je ne sais pas répondre à cela"


def answer(
    topic_id: str | None,
    confidence: float,
    registre: str,
    sessions: Sequence[dict] = (),
    searched: bool = False,
    kiosk: bool = False,
) -> Answer:
    """The answer to a question of topic `topic_id` chosen with `confidence`. `sessions`: the
    facts of the sessions just shown (bot.catalog.queries.session_facts); `searched`: the person
    has already been shown results (no button to search again); `kiosk`: the school kiosk, which
    asks nothing personal (no counselor, no search)."""
    topic = savoirs.topic(topic_id) if topic_id and confidence >= FAQ_CONFIDENCE else None
    if topic is None:
        if kiosk:
            return Answer(say("faq.je_ne_sais_pas_borne", TU), known=False)
        return Answer(say("faq.je_ne_sais_pas", registre), (COUNSELOR,), known=False)
    follow = FOLLOW_UPS.get(topic.suite or "")
    if follow and (kiosk and follow[1] in ("search_training", "request_counselor")):
        follow = None
    if follow and searched and follow[1] == "search_training":
        follow = None
    buttons = (follow,) if follow else ()
    if topic.selon_sessions and sessions:
        return Answer(sessions_text(topic, sessions, registre), buttons)
    text = topic.answer(registre)
    if text is None:  # a topic for adults, asked by a pupil
        return Answer(say("faq.pour_les_adultes", TU), buttons)
    return Answer(text, buttons)


def is_question(text: str) -> bool:
    """Whether a message asks something: a question mark, or the words of a question
    ("comment on fait pour…", "est-ce que…", "c'est quoi…")."""
    return "?" in text or bool(_QUESTION.search(unsms(fold(text))))


def sessions_text(topic: savoirs.Topic, sessions: Sequence[dict], registre: str) -> str:
    """The facts the topic needs, session by session, as the catalog holds them."""
    lines = [say("faq.sessions.intro", registre)]
    for session in sessions:
        facts = [fact for name in topic.selon_sessions if (fact := _fact(name, session, topic))]
        lines.append(
            say(
                "faq.sessions.session",
                intitule=session["intitule"],
                organisme=session["organisme"],
                lieu=session.get("ville") or modalite_label(session["modalite"]),
                debut=french_date(session["debut"]),
                faits=" ; ".join(facts),
            )
        )
    lines.append(say("faq.sessions.fin", registre))
    return "\n".join(lines)


def _dates(session: dict) -> str:
    if session.get("fin"):
        return say("faq.sessions.du_au", debut=french_date(session["debut"]), fin=french_date(session["fin"]))
    return say("faq.sessions.des_le", debut=french_date(session["debut"]))


def _fact(name: str, session: dict, topic: savoirs.Topic) -> str | None:
    """One fact of a session in words; None when the topic shows it with another one."""
    if name == "duree":
        hours = session.get("heures")
        dates = _dates(session)
        return (
            say("faq.sessions.duree", heures=hours, dates=dates)
            if hours
            else say("faq.sessions.duree_inconnue", dates=dates)
        )
    if name == "dates":
        return None if "duree" in topic.selon_sessions else say("faq.sessions.dates", dates=_dates(session))
    if name == "lieu":
        if session["modalite"] == "distanciel":
            return modalite_label("distanciel")
        address = ", ".join(session.get("adresse") or [])
        return say("faq.sessions.lieu", adresse=address) if address else say("faq.sessions.lieu_inconnu")
    if name == "places":
        places, open_ = session.get("places"), session.get("etat_recrutement") == 1
        if places and open_:
            return say("faq.sessions.places", places=places)
        if places:
            return say("faq.sessions.places_nombre", places=places)
        return say("faq.sessions.places_ouvert") if open_ else say("faq.sessions.places_inconnu")
    if name == "niveau":
        level = session.get("niveau_entree")
        if level and has(f"lheo_niveau.{level}"):
            return say("faq.sessions.niveau", niveau=say(f"lheo_niveau.{level}"))
        return say("faq.sessions.niveau_inconnu")
    if name == "conditions":
        text = session.get("conditions")
        return say("faq.sessions.conditions", texte=shorten(text, CONDITIONS_CHARS)) if text else None
    if name == "contact":
        contact = ", ".join(session.get("contact") or [])
        return say("faq.sessions.contact", contact=contact) if contact else say("faq.sessions.contact_inconnu")
    if name == "modalite":
        return say("faq.sessions.modalite", modalite=modalite_label(session["modalite"]))
    if name == "rythme":
        text = session.get("rythme")
        return (
            say("faq.sessions.rythme", texte=shorten(text, CONDITIONS_CHARS))
            if text
            else say("faq.sessions.rythme_inconnu")
        )
    raise ValueError(f"fait de session inconnu : {name}")
