"""Keeps what people write out of the Rasa server's logs.

Rasa's structured log events may carry the message text, the entities, the slots or the
bot's answer (for instance the REST channel logs the text at ERROR when handling a message
fails), and an exception's traceback rendered with the variables of every frame. Before any
event is rendered, at every level: the personal keys are masked at any depth, every string is
scrubbed of quoted data, phone numbers and emails (privacy/logs.py), and an exception is
reduced to its type. The standard-library records get privacy/logs.py's filter.
"""

from __future__ import annotations

import sys
from typing import Any

import structlog

from privacy import logs

PERSONAL_KEYS = logs.PERSONAL_KEYS
MASK = logs.MASK


def mask_personal_values(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    error = event_dict.pop("exc_info", None)
    if error is True:
        error = sys.exc_info()[1]
    event_dict.pop("exception", None)
    event_dict.pop("stack", None)
    masked = logs.mask_value(event_dict)
    if isinstance(error, BaseException):
        masked["error"] = type(error).__name__
    elif isinstance(error, tuple) and error and error[0] is not None:
        masked["error"] = error[0].__name__
    return masked


def install() -> None:
    """Puts the mask in the processors Rasa configured, after the one that fetches the current
    exception and before those that render it, and the filter on the standard logging
    handlers (once)."""
    logs.install()
    processors = [p for p in structlog.get_config()["processors"] if p is not mask_personal_values]
    position = next(
        (
            i
            for i, processor in enumerate(processors)
            if isinstance(
                processor,
                (
                    structlog.processors.ExceptionRenderer,  # dict_tracebacks, format_exc_info
                    structlog.dev.ConsoleRenderer,
                    structlog.processors.JSONRenderer,
                    structlog.processors.KeyValueRenderer,
                ),
            )
        ),
        len(processors),
    )
    structlog.configure(processors=[*processors[:position], mask_personal_values, *processors[position:]])
