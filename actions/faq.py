"""Questions of the knowledge base: the topic the ResponseSelector chose (intent faq), answered
by bot/faq.py from data/reference/savoirs.yml and, for the sessions just shown, the catalog."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import Reply, blocking, catalog, selected_topic
from actions.results import shown_sessions
from bot import faq, savoirs
from bot.catalog.queries import session_facts


class ActionAnswerFaq(Action):
    """The answer to the topic asked, in the person's register, with a follow-up button; "je ne
    sais pas répondre à cela" and a counselor when the topic is not sure."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = Reply(dispatcher, tracker)
        topic_id, confidence = selected_topic(tracker.latest_message)
        topic = savoirs.topic(topic_id) if topic_id else None
        sessions: list[dict] = []
        if topic and topic.selon_sessions and confidence >= faq.FAQ_CONFIDENCE:
            shown = await shown_sessions(tracker)
            sessions = await blocking(session_facts, catalog(), shown) if shown else []
        found = faq.answer(
            topic_id,
            confidence,
            reply.register,
            sessions,
            searched=bool(tracker.get_slot("profil_complet")),
            kiosk=reply.audience.kiosk,
        )
        buttons = [reply.button(label, intent) for label, intent in found.buttons]
        if reply.audience.kiosk and not found.known:
            buttons = reply.menu()
        reply.send(found.text, buttons)
        return []
