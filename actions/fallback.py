"""When a message is not understood: say so kindly, suggest what the assistant can do; a question
the assistant cannot answer gets an honest "je ne sais pas répondre à cela" and a counselor."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Reply, text_of
from bot.faq import COUNSELOR, is_question

_ENGLISH = frozenset(
    "the is are you what how where when which can could would please hello hi thanks training job jobs "
    "i my me want need find looking for".split()
)
_WORDS = re.compile(r"[a-zA-Z']+")


def looks_english(text: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(text)]
    return len(words) >= 2 and sum(w in _ENGLISH for w in words) / len(words) >= 0.5


class ActionDefaultFallback(Action):
    """Replaces Rasa's default fallback: rephrase request and menu; the misunderstood
    message does not steer the rest of the conversation."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        text = text_of(tracker).strip()
        if looks_english(text):
            key = "incompris.anglais"
        elif not any(c.isalnum() for c in text):
            key = "incompris.sans_mots"
        elif is_question(text):
            if reply.audience.kiosk:
                reply.say("faq.je_ne_sais_pas_borne", buttons=reply.menu())
            else:
                reply.say("faq.je_ne_sais_pas", buttons=[reply.button(*COUNSELOR)])
            return [UserUtteranceReverted()]
        else:
            key = "incompris.reformuler"
        reply.say(key, buttons=reply.menu())
        return [UserUtteranceReverted()]
