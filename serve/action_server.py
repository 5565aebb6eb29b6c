"""The action server: rasa_sdk's server for the `actions` package, closed by a shared secret.

    python -m serve.action_server [--host 127.0.0.1] [--port 5055]

Whoever reaches the action server could otherwise run any action for any conversation (save a
contact without consent, delete a person's data). Every request but `GET /health` must carry
the secret of BOT_ACTIONS_SECRET in the header `X-Electromob-Secret`: the Rasa server sends it
from its action endpoint's `headers` (endpoints.yml, endpoints.production.yml), a setting of
Rasa 3.6's EndpointConfig. The comparison takes the same time whatever the secret tried.

A call that is not an action call (not JSON, a JSON array, a tracker that is not an object…)
gets a 400 with a JSON error, and no error answer echoes the request back.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
import zlib

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.text import json_object

SECRET_ENV = "BOT_ACTIONS_SECRET"
SECRET_HEADER = "X-Electromob-Secret"
OPEN_PATHS = frozenset({"/health"})

logger = logging.getLogger(__name__)


def action_call_problem(body: bytes, encoding: str | None) -> str | None:
    """What makes this body something other than an action call from Rasa, or None."""
    if encoding == "deflate":
        try:
            body = zlib.decompress(body)
        except zlib.error:
            return "corps compressé illisible"
    call = json_object(body)
    if isinstance(call, str):
        return call
    if not isinstance(call.get("next_action"), str):
        return "next_action manquant"
    tracker, domain = call.get("tracker"), call.get("domain", {})
    if not isinstance(tracker, dict) or not isinstance(domain, dict):
        return "tracker et domain doivent être des objets"
    if not isinstance(tracker.get("sender_id"), str):
        return "tracker.sender_id manquant"
    shapes = {"slots": dict, "latest_message": dict, "events": list, "active_loop": dict}
    if any(tracker.get(key) is not None and not isinstance(tracker[key], kind) for key, kind in shapes.items()):
        return "tracker mal formé"
    if not all(isinstance(event, dict) for event in tracker.get("events") or []):
        return "tracker mal formé"
    return None


def create_app(secret: str, package: str = "actions") -> Sanic:
    """rasa_sdk's app for `package`, behind the secret."""
    from rasa_sdk.endpoint import create_app as sdk_app
    from rasa_sdk.plugin import plugin_manager

    if not secret:
        raise ValueError(f"{SECRET_ENV} est vide")
    app = sdk_app(package, cors_origins="")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    expected = secret.encode()

    @app.middleware("request")
    async def guard(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), expected):
            return response.json({"error": "secret du serveur d'actions absent ou incorrect"}, status=401)
        if request.method == "POST" and request.path == "/webhook":
            problem = action_call_problem(request.body, request.headers.get("content-encoding"))
            if problem:
                return response.json({"error": problem}, status=400)
        return None

    @app.exception(Exception)
    async def error(_request: Request, exception: Exception) -> HTTPResponse:
        # rasa_sdk's own handler sends the request back in the answer; this one only says what
        # went wrong, and logs the kind of error, never the conversation.
        if isinstance(exception, SanicException):
            return response.json({"error": str(exception)[:200]}, status=exception.status_code)
        logger.error("Erreur pendant une action : %s", type(exception).__name__)
        return response.json({"error": "erreur interne du serveur d'actions"}, status=500)

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serve.action_server", description="Serveur d'actions Electro'Mob.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        print(f"erreur : définissez {SECRET_ENV} (le secret partagé avec le serveur Rasa)", file=sys.stderr)
        return 1
    from rasa_sdk import utils

    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    create_app(secret).run(host=args.host, port=args.port, access_log=False, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
