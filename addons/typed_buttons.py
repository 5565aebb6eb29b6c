"""A button's label typed by hand acts as that button, on every channel: "Peu importe" after the
radius question, "Saint-Omer (Pas-de-Calais)" after the choice of towns, "qui recrute" after the
menu. The message is read as the button's payload (its intent and entities); the tracker keeps
what the person typed. bot/buttons.py decides which button a text stands for.

Installed by importing `addons` (addons/__init__.py), like the other extensions of Rasa.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.buttons import BUTTON_KEY, typed_button

_parse_message = MessageProcessor.parse_message


def offered_buttons(tracker: DialogueStateTracker | None) -> list[dict]:
    """The buttons of the assistant's messages since the person's last message."""
    buttons: list[dict] = []
    for event in reversed(tracker.events if tracker else []):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            buttons[:0] = (event.data or {}).get("buttons") or []
    return buttons


async def parse_message(
    self: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker | None = None, *args: Any, **kwargs: Any
) -> dict[str, Any]:
    typed = message.text
    pressed = typed_button(typed, offered_buttons(tracker)) if isinstance(typed, str) and typed[:1] != "/" else None
    if pressed is None:
        return await _parse_message(self, message, tracker, *args, **kwargs)
    message.text = pressed.payload
    try:
        parse_data = await _parse_message(self, message, tracker, *args, **kwargs)
    finally:
        message.text = typed
    return {**parse_data, "text": typed, BUTTON_KEY: pressed.title}


def install() -> None:
    MessageProcessor.parse_message = parse_message
