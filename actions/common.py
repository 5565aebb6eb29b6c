"""What every action needs: the catalog, the profile slots, blocking work off the event loop."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Tracker

from bot.catalog.db import engine
from bot.geo import Commune, gazetteer
from bot.jobs import Metier, vocabulary
from bot.profile import DEFAULT_RADIUS_KM

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


# Words the NLU sometimes tags alone; the synonym mapper would then turn "de" into the status
# "demandeur_emploi" (from "DE"), whatever the entity. Capital "DE" is the real abbreviation.
_FUNCTION_WORDS = {"de", "d", "d'", "du", "des", "en", "la", "le", "les", "a", "à", "au"}


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Values of an entity in the last message, without lone function words."""
    text = tracker.latest_message.get("text") or ""
    values = []
    for found in tracker.latest_message.get("entities") or []:
        if found.get("entity") != entity or found.get("value") is None:
            continue
        start, end = found.get("start"), found.get("end")
        span = text[start:end].strip() if isinstance(start, int) and isinstance(end, int) else str(found["value"])
        if span.lower() in _FUNCTION_WORDS and span != "DE":
            continue
        values.append(str(found["value"]))
    return values


def profile_metier(tracker: Tracker) -> Metier | None:
    code = tracker.get_slot("metier")
    return vocabulary().by_rome(code) if code else None


def profile_commune(tracker: Tracker) -> Commune | None:
    code = tracker.get_slot("commune")
    return gazetteer().by_insee(code) if code else None


def profile_radius(tracker: Tracker) -> float:
    value = tracker.get_slot("rayon_km")
    return float(value) if value else DEFAULT_RADIUS_KM


def button(title: str, intent: str, **entities: str) -> dict:
    """A button whose payload sends an intent with entities, e.g. /inform{"commune": "insee:62498"}."""
    payload = f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")
    return {"title": title, "payload": payload}


def kiosk_mode(tracker: Tracker) -> bool:
    """Whether the person uses the school kiosk: no personal data is asked there."""
    mode = (tracker.latest_message.get("metadata") or {}).get("mode") or tracker.get_slot("mode")
    return mode == "kiosque"


KIOSK_MENU = [
    ("Découvrir les métiers", "ask_jobs"),
    ("Qui recrute ?", "ask_employers"),
    ("Une formation, ça coûte quoi ?", "ask_funding"),
]


def kiosk_menu() -> list[dict]:
    """The kiosk's buttons: none of them leads to a question about the person."""
    return [button(title, intent) for title, intent in KIOSK_MENU]
