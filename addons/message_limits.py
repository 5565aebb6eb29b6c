"""Every message, on every channel (REST, socket.io, the shell), before the NLU reads it: lone
surrogates and control characters are cleaned out, and a message longer than the one limit
(bot/text.py) gets a short French answer instead of being understood. Nothing of an oversized
message is stored: the conversation goes on where it was.

Installed by importing `addons` (addons/__init__.py), like the other extensions of Rasa.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor

from bot.messages import too_long_answer
from bot.text import clean_message, too_long

_handle_message: Any = None  # Rasa's, or the wrapper installed before this one


async def handle_message(self: MessageProcessor, message: UserMessage) -> list[dict[str, Any]] | None:
    if isinstance(message.text, str):
        message.text = clean_message(message.text)
        if too_long(message.text):
            channel = message.output_channel
            await channel.send_text_message(message.sender_id, too_long_answer(message.metadata))
            return channel.messages if isinstance(channel, CollectingOutputChannel) else None
    return await _handle_message(self, message)


def install() -> None:
    global _handle_message
    if MessageProcessor.handle_message is not handle_message:
        _handle_message = MessageProcessor.handle_message
        MessageProcessor.handle_message = handle_message
