"""The socket.io channel (credentials.yml, session persistence) with a real socket.io client:
a whole conversation, carried on after reconnecting with the same session."""

from __future__ import annotations

import asyncio
import uuid

import socketio

ANSWER_TIMEOUT_S = 60


class Person:
    """A socket.io client talking as the widget of Rasa's socket.io channel does."""

    def __init__(self, url: str, session_id: str) -> None:
        self.url, self.session_id = url, session_id
        self.client = socketio.AsyncClient(reconnection=False)
        self.answers: asyncio.Queue = asyncio.Queue()
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self.answers.put)
        self.client.on("session_confirm", self.confirmed.put)

    async def connect(self) -> None:
        await self.client.connect(self.url, socketio_path="socket.io", transports=["websocket"])
        await self.client.emit("session_request", {"session_id": self.session_id})
        assert await asyncio.wait_for(self.confirmed.get(), ANSWER_TIMEOUT_S) == self.session_id

    async def say(self, text: str) -> list[dict]:
        """Every message the assistant sends back for `text`."""
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        answers = [await asyncio.wait_for(self.answers.get(), ANSWER_TIMEOUT_S)]
        while True:
            try:
                answers.append(await asyncio.wait_for(self.answers.get(), 3))
            except asyncio.TimeoutError:
                return answers


async def test_a_whole_conversation_over_socketio_goes_on_after_reconnecting(assistant):
    servers, client, _ = assistant
    session_id = str(uuid.uuid4())
    person = Person(servers.rasa_url, session_id)
    await person.connect()
    try:
        hello = await person.say("bonjour")
        assert hello[0]["text"].startswith("Bonjour")
        assert any("quick_replies" in answer or "buttons" in answer for answer in hello), "the menu comes along"
        await person.say("je cherche une formation de cariste")
    finally:
        await person.client.disconnect()

    again = Person(servers.rasa_url, session_id)  # a new socket, the same session: a page reload
    await again.connect()
    try:
        await again.say("j'habite à Lens")
    finally:
        await again.client.disconnect()
    tracker = client.get(f"/conversations/{session_id}/tracker", params={"token": servers.token}).json()
    assert tracker["slots"]["metier"] and tracker["slots"]["commune"], "one conversation across both sockets"
