"""Keeps what people write out of the Rasa server's logs.

Rasa's structured log events may carry the message text, the entities, the slots or the
bot's answer (for instance the REST channel logs the text at ERROR when handling a message
fails). Such values are replaced by "[masqué]" before any event is written, at every level.
The standard-library records get privacy/logs.py's filter (tracebacks and quoted data dropped
below DEBUG).
"""

from __future__ import annotations

from typing import Any

import structlog

from privacy import logs

PERSONAL_KEYS = frozenset(
    {
        "text",
        "user_text",
        "message",
        "user_message",
        "response",
        "response_text",
        "json_message",
        "parse_data_text",
        "parse_data_entities",
        "slot_values",
        "prefilled_slots",
        "slot_candidates",
        "tracker_latest_message",
        "rasa_event",
        "rasa_events",
        "prediction_events",
        "events",
        "tracker_states",
        "current_states",
        "old_states",
        "states",
        "entity",
        "current_entity",
        "next_entity",
        "token_text",
        "successes",
        "metadata",
    }
)
MASK = "[masqué]"


def mask_personal_values(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key in PERSONAL_KEYS & event_dict.keys():
        event_dict[key] = MASK
    return event_dict


def install() -> None:
    """Puts the mask first in the processors Rasa configured, and the filter on the standard
    logging handlers (once)."""
    logs.install()
    processors = list(structlog.get_config()["processors"])
    if mask_personal_values not in processors:
        structlog.configure(processors=[mask_personal_values, *processors])
