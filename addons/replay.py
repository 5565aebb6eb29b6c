"""A message sent again is answered again, never handled twice.

The widget gives each message an id (metadata `message_id`, a UUID; the /chat relay makes one
when a client gave none) and sends it again with the same id when its first sending got no
answer: a replica that dies after saving the turn but before answering makes the load balancer
answer 502, and the relay sends the message once more to a living replica. Without the id, that
replica would store the message a second time and move the dialogue on twice ("j'ai un bac
pro" twice, the form asked one question too far).

When the conversation's last message already has the id, the message is not read again: the
answers stored after it are sent back as they were, and nothing is saved. The check runs under
Rasa's conversation lock, on the tracker Rasa reads anyway (no extra read).

Installed by importing `addons` (addons/__init__.py), like the other extensions of Rasa.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.text import widget_id

MESSAGE_ID_KEY = "message_id"

_handle_message: Any = None  # Rasa's, or the wrapper installed before this one
_handle_message_with_tracker: Any = None


class AlreadyHandled(Exception):
    """The message is the conversation's last one, already answered with `answers`."""

    def __init__(self, answers: list[dict[str, Any]]) -> None:
        super().__init__("message already handled")
        self.answers = answers


def answers_to_last_message(tracker: DialogueStateTracker, message_id: str) -> list[dict[str, Any]] | None:
    """The answers given to the conversation's last message when it has `message_id`, else None."""
    answers: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return answers if event.message_id == message_id else None
        if isinstance(event, BotUttered):
            answers.insert(0, event.message())
    return None


async def handle_message_with_tracker(self: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker):
    answers = answers_to_last_message(tracker, message.message_id)
    if answers is not None:
        raise AlreadyHandled(answers)
    return await _handle_message_with_tracker(self, message, tracker)


async def handle_message(self: MessageProcessor, message: UserMessage) -> list[dict[str, Any]] | None:
    given = message.metadata.get(MESSAGE_ID_KEY) if isinstance(message.metadata, dict) else None
    if widget_id(given):
        message.message_id = given  # else Rasa's random id, which no stored message has
    try:
        return await _handle_message(self, message)
    except AlreadyHandled as repeat:
        channel = message.output_channel
        for answer in repeat.answers:
            await channel.send_response(message.sender_id, answer)
        return channel.messages if isinstance(channel, CollectingOutputChannel) else None


def install() -> None:
    global _handle_message, _handle_message_with_tracker
    if MessageProcessor.handle_message is not handle_message:
        _handle_message = MessageProcessor.handle_message
        MessageProcessor.handle_message = handle_message
    if MessageProcessor._handle_message_with_tracker is not handle_message_with_tracker:
        _handle_message_with_tracker = MessageProcessor._handle_message_with_tracker
        MessageProcessor._handle_message_with_tracker = handle_message_with_tracker
