"""Checks the action server's answers with a schema validator built once.

Rasa 3.6 checks every answer of the action server with `jsonschema.validate`, which first
checks the schema itself against the JSON Schema meta-schema: about 50 ms of processor per
custom action on our 2-core machine, more than all the rest of a turn (docs/benchmarks.md,
"Optimisations"). The schema never changes, so it is checked once here and every answer is
validated by the same validator, with the same outcome and the same error as Rasa's.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
