"""What every action needs: the tracker read into plain values, the catalog, the audience and its
wording, buttons, blocking work off the event loop."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.buttons import is_pressed
from bot.catalog.db import engine
from bot.criteria import NAMES as CRITERIA_NAMES
from bot.criteria import Criteria
from bot.geo import Commune, gazetteer
from bot.jobs import Metier, vocabulary
from bot.kiosk import Audience, audience
from bot.profile import Entity, Profile
from bot.results import DEFAULT_RADIUS_KM
from bot.wording import say

T = TypeVar("T")
MAX_TEXT = 1000  # characters of a message that the actions read; the rest is ignored


async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Runs a database call or another blocking function in a worker thread."""
    return await asyncio.to_thread(functools.partial(function, *args, **kwargs))


def catalog():
    return engine()


def text_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "")[:MAX_TEXT]


def intent_of(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def confidence_of(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


# Words the NLU sometimes tags alone; the synonym mapper would then turn "de" into the status
# "demandeur_emploi" (from "DE"), whatever the entity. Capital "DE" is the real abbreviation.
_FUNCTION_WORDS = {"de", "d", "d'", "du", "des", "en", "la", "le", "les", "a", "à", "au"}


def entities_of(tracker: Tracker) -> list[Entity]:
    """The entities of the last message, with their place in the text, without lone function words."""
    text = tracker.latest_message.get("text") or ""
    pressed = is_pressed(tracker.latest_message)  # a button's entities have no place in the text
    found = []
    for entity in tracker.latest_message.get("entities") or []:
        if not entity.get("entity") or entity.get("value") is None:
            continue
        start, end = entity.get("start"), entity.get("end")
        placed = isinstance(start, int) and isinstance(end, int) and not pressed
        span = text[start:end].strip() if placed else str(entity["value"])
        if span.lower() in _FUNCTION_WORDS and span != "DE":
            continue
        found.append(Entity(entity["entity"], str(entity["value"]), start if placed else None, end if placed else None))
    return found


def entity_values(tracker: Tracker, name: str) -> list[str]:
    """Values of an entity in the last message, without lone function words."""
    return [entity.value for entity in entities_of(tracker) if entity.name == name]


def profile_metier(tracker: Tracker) -> Metier | None:
    code = tracker.get_slot("metier")
    return vocabulary().by_rome(code) if code else None


def profile_commune(tracker: Tracker) -> Commune | None:
    code = tracker.get_slot("commune")
    return gazetteer().by_insee(code) if code else None


def profile_radius(tracker: Tracker) -> float:
    value = tracker.get_slot("rayon_km")
    return float(value) if value else DEFAULT_RADIUS_KM


def profile_criteria(tracker: Tracker) -> Criteria:
    """The search criteria of the conversation's slots."""
    return Criteria.from_slots({name: tracker.get_slot(name) for name in CRITERIA_NAMES})


def profile_of(tracker: Tracker) -> Profile:
    """The slots of the search, as the domain reads them."""
    radius = tracker.get_slot("rayon_km")
    return Profile(
        statut=tracker.get_slot("statut"),
        metier=tracker.get_slot("metier"),
        commune=tracker.get_slot("commune"),
        rayon_km=float(radius) if radius else None,
        niveau=tracker.get_slot("niveau"),
        trade=tracker.get_slot("metier_actuel"),
        complete_request=bool(tracker.get_slot("demande_complete")),
        school_paths_shown=bool(tracker.get_slot("metier"))
        and tracker.get_slot("parcours_eleve") == tracker.get_slot("metier"),
    )


def mode_of(tracker: Tracker) -> str | None:
    """The channel's mode ("site", "kiosque"): from the message's metadata, else as kept."""
    return (tracker.latest_message.get("metadata") or {}).get("mode") or tracker.get_slot("mode")


def audience_of(tracker: Tracker) -> Audience:
    return audience(mode_of(tracker), tracker.get_slot("statut"))


def button(title: str, intent: str, **entities: str) -> dict:
    """A button whose payload sends an intent with entities, e.g. /inform{"commune": "insee:62498"}."""
    payload = f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")
    return {"title": title, "payload": payload}


class Reply:
    """What the assistant says to the person of a conversation, in their register."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker, register: str | None = None):
        self.dispatcher = dispatcher
        self.audience = audience_of(tracker)
        self.register = register or self.audience.register

    def text(self, key: str, **values: object) -> str:
        return say(key, self.register, **values)

    def say(self, key: str, buttons: list[dict] | None = None, **values: object) -> None:
        self.send(self.text(key, **values), buttons)

    def send(self, text: str, buttons: list[dict] | None = None) -> None:
        self.dispatcher.utter_message(text=text, buttons=buttons or [])

    def payload(self, payload: dict) -> None:
        self.dispatcher.utter_message(json_message=payload)

    def button(self, key: str, intent: str, **entities: str) -> dict:
        return button(self.text(key), intent, **entities)

    def menu(self) -> list[dict]:
        """The buttons that say what the assistant can do for this audience."""
        return [self.button(key, intent) for key, intent in self.audience.menu()]


RETRIEVAL_INTENT = "faq"


def selected_topic(message: dict) -> tuple[str | None, float]:
    """(topic id, confidence) of the topic chosen in a parsed message ("faq/alternance" →
    "alternance"): the confidence of the intent faq times that of the topic within faq, that
    is the probability of that very topic; (None, 0) when no topic was chosen."""
    intent = message.get("intent") or {}
    response = ((message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}).get("response") or {}
    key = response.get("intent_response_key") or ""
    prefix = f"{RETRIEVAL_INTENT}/"
    if not key.startswith(prefix) or intent.get("name") != RETRIEVAL_INTENT:
        return None, 0.0
    return key[len(prefix) :], float(response.get("confidence") or 0.0) * float(intent.get("confidence") or 0.0)
