"""Keeps personal data out of the standard-library logs of every process, at every level.

Exceptions raised while a message is handled may carry what the person wrote: a database
error quotes the parameters of its statement (a message, a phone number), an error of the
action server quotes the conversation it was sent. Every record keeps its message with the
quoted statements, parameters and bodies masked, and every phone number and email address
masked wherever they appear. Below DEBUG a record also loses its traceback (the type of the
exception is kept); at DEBUG the traceback stays, masked the same way.

`mask_value` does the same for nested values (structured logs, addons/log_privacy.py).
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "[masqué]"
_QUOTED = [
    (
        re.compile(r"\[SQL: .*?\](?=\s*(?:\[parameters|\(Background on this error|$))", re.DOTALL),
        "[SQL: masqué]",
    ),  # SQLAlchemy
    (re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background on this error|$))", re.DOTALL), "[parameters: masqués]"),
    (re.compile(r"body='.*", re.DOTALL), "body=[masqué]"),  # aiohttp, Rasa's ClientResponseError
    # Email addresses, then French phone numbers (06 12 34 56 78, 0612345678, +33 6 12 34 56 78,
    # 06.12.34.56.78…), wherever a message or an exception quotes them.
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), MASK),
    (re.compile(r"(?<!\d)(?:(?:\+|00)33[\s.-]?(?:\(0\))?[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"), MASK),
]


def scrub(text: str) -> str:
    for pattern, mask in _QUOTED:
        text = pattern.sub(mask, text)
    return text


# Keys whose values are what people wrote or what was read from it, wherever they are nested.
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
        "slots",
        "value",
        "tracker_latest_message",
        "latest_message",
        "rasa_event",
        "rasa_events",
        "prediction_events",
        "events",
        "tracker_states",
        "current_states",
        "old_states",
        "states",
        "entities",
        "entity",
        "current_entity",
        "next_entity",
        "token_text",
        "successes",
        "metadata",
        "request_body",
        "body",
    }
)


def mask_value(value: Any, depth: int = 0) -> Any:
    """`value` with every personal key masked at any depth and every string scrubbed."""
    if depth > 20:
        return MASK
    if isinstance(value, dict):
        return {key: MASK if str(key) in PERSONAL_KEYS else mask_value(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [mask_value(item, depth + 1) for item in value]
    if isinstance(value, (str, bytes)):
        return scrub(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub(repr(value))


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = scrub(record.getMessage())
        if record.exc_info and record.exc_info[0] is not None:
            if logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
                message += "\n" + scrub(logging.Formatter().formatException(record.exc_info))
            else:
                message += f" ({record.exc_info[0].__name__})"
        record.msg, record.args, record.exc_info, record.exc_text, record.stack_info = message, None, None, None, None
        return True


def install() -> None:
    """Adds the filter to every handler of the root logger and of the loggers configured so
    far (a web framework's own handlers, for instance), once."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                handler.addFilter(PersonalDataFilter())
