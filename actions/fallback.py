"""When a message is not understood: say so kindly, suggest what the assistant can do."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import button, kiosk_menu, kiosk_mode, text_of

_ENGLISH = frozenset(
    "the is are you what how where when which can could would please hello hi thanks training job jobs "
    "i my me want need find looking for".split()
)
_WORDS = re.compile(r"[a-zA-Z']+")
MENU = [
    ("Découvrir les métiers", "ask_jobs"),
    ("Trouver une formation", "search_training"),
    ("Qui paie la formation ?", "ask_funding"),
    ("Parler à un conseiller", "request_counselor"),
]


def looks_english(text: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(text)]
    return len(words) >= 2 and sum(w in _ENGLISH for w in words) / len(words) >= 0.5


class ActionDefaultFallback(Action):
    """Replaces Rasa's default fallback: rephrase request and menu; the misunderstood
    message does not steer the rest of the conversation."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = text_of(tracker).strip()
        if looks_english(text):
            message = "Je ne réponds qu'en français. (Sorry, I only speak French.) Vous pouvez choisir :"
        elif not any(c.isalnum() for c in text):
            message = "Je n'ai pas de mots à lire dans ce message. Écrivez-moi votre question, ou choisissez :"
        else:
            message = "Pardon, je n'ai pas bien compris. Pouvez-vous reformuler ? Vous pouvez aussi choisir :"
        menu = kiosk_menu() if kiosk_mode(tracker) else [button(title, intent) for title, intent in MENU]
        dispatcher.utter_message(text=message, buttons=menu)
        return [UserUtteranceReverted()]
