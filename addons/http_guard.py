"""Guards of the Rasa server's HTTP side, loaded as an input channel from credentials.yml.

- Browsers may only talk to the channels (REST, socket.io) from the configured origins:
  a request whose `Origin` header is not in BOT_ALLOWED_ORIGINS is refused (403). Requests
  without `Origin` (servers, curl, counselors' tools) are not browser cross-origin calls
  and go through.
- A REST call that is not an object with a non-empty `sender` and a text `message` (JSON
  array, string, null, empty or broken body…) gets a 400 with a JSON error, never a 500;
  bodies over REQUEST_MAX_BYTES get a 413 (a message over the size limit of bot/text.py still
  gets its French answer: addons/message_limits.py).
- A REST reply with no message at all (the action server is down, an action failed) is
  replaced by a short French apology, so the person is never left with silence.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import allowed_origins
from bot.text import json_object

GUARDED_PREFIXES = ("/webhooks/", "/socket.io")
REST_WEBHOOK = "/webhooks/rest/webhook"
REQUEST_MAX_BYTES = 1_000_000
APOLOGY = "Désolé, je rencontre un souci technique et ne peux pas répondre pour l'instant. Réessayez dans un instant."


async def check_origin(request: Request) -> HTTPResponse | None:
    origin = request.headers.get("origin")
    if origin and request.path.startswith(GUARDED_PREFIXES) and origin.rstrip("/") not in allowed_origins():
        return response.json({"error": "origine non autorisée"}, status=403)
    return None


def rest_call_problem(body: bytes) -> str | None:
    """What makes this body something other than a message for the REST channel, or None."""
    call = json_object(body)
    if isinstance(call, str):
        return call
    if not isinstance(call.get("sender"), str) or not call["sender"].strip():
        return "sender (identifiant de conversation) manquant"
    if not isinstance(call.get("message"), str):
        return "message (texte) manquant"
    if call.get("metadata") is not None and not isinstance(call["metadata"], dict):
        return "metadata doit être un objet"
    return None


async def check_rest_call(request: Request) -> HTTPResponse | None:
    if request.path.rstrip("/") == REST_WEBHOOK and request.method == "POST":
        problem = rest_call_problem(request.body)
        if problem:
            return response.json({"error": problem}, status=400)
    return None


async def apologise_for_silence(request: Request, reply: HTTPResponse) -> HTTPResponse | None:
    if request.method == "POST" and request.path == REST_WEBHOOK and reply.status == 200:
        try:
            empty = json.loads(reply.body or b"null") == []
        except ValueError:
            return None
        if empty:
            sender = (request.json or {}).get("sender") if isinstance(request.json, dict) else None
            return response.json([{"recipient_id": sender, "text": APOLOGY}])
    return None


class HttpGuard(InputChannel):
    """Not a channel people talk through: it installs the guards on the server's app."""

    @classmethod
    def name(cls) -> str:
        return "guard"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guard = Blueprint("electromob_http_guard")

        @guard.listener("before_server_start")
        async def install(app: Sanic, _loop) -> None:
            app.config.REQUEST_MAX_SIZE = REQUEST_MAX_BYTES
            app.register_middleware(check_origin, "request")
            app.register_middleware(check_rest_call, "request")
            app.register_middleware(apologise_for_silence, "response")

        @guard.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "origins": sorted(allowed_origins())})

        return guard
