"""Keeps personal data out of the standard-library logs of every process, at INFO and above.

Exceptions raised while a message is handled may carry what the person wrote: a database
error quotes the parameters of its statement (a message, a phone number), an error of the
action server quotes the conversation it was sent. Below DEBUG, such records keep their
message and the type of the exception, but lose the traceback, the quoted parameters and the
quoted bodies. With LOG_LEVEL=DEBUG everything is kept: whoever turns it on sees the
messages anyway.
"""

from __future__ import annotations

import logging
import re

_QUOTED = [
    (
        re.compile(r"\[SQL: .*?\](?=\s*(?:\[parameters|\(Background on this error|$))", re.DOTALL),
        "[SQL: masqué]",
    ),  # SQLAlchemy
    (re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background on this error|$))", re.DOTALL), "[parameters: masqués]"),
    (re.compile(r"body='.*", re.DOTALL), "body=[masqué]"),  # aiohttp, Rasa's ClientResponseError
]


def scrub(text: str) -> str:
    for pattern, mask in _QUOTED:
        text = pattern.sub(mask, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
            return True
        message = scrub(record.getMessage())
        if record.exc_info and record.exc_info[0] is not None:
            message += f" ({record.exc_info[0].__name__})"
        record.msg, record.args, record.exc_info, record.exc_text = message, None, None, None
        return True


def install() -> None:
    """Adds the filter to every handler of the root logger (once)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
