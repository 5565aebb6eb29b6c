"""The production topology for the scale tests (make test-scale), started once.

PostgreSQL and Redis of their own on free ports (scripts/local_services.py), the demo
catalog in PostgreSQL, two Rasa replicas of two Sanic workers each, one action server, the
web pages and nginx in front, as `python -m serve.production` starts them.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import create_engine, text

from scripts.benchlib import DEMO_TODAY, import_demo_catalog
from scripts.local_services import LocalPostgres, LocalRedis, ensure_nginx, production_environment
from serve.production import Production
from serve.servers import DEFAULT_MODEL, free_port

TODAY = DEMO_TODAY
REPLICAS = 2
WORKERS = 2


@pytest.fixture(scope="session")
def services():
    ensure_nginx()
    postgres, redis_server = LocalPostgres().start(), None
    try:
        redis_server = LocalRedis().start()
        yield postgres, redis_server
    finally:
        if redis_server:
            redis_server.stop()
        postgres.stop()


@pytest.fixture(scope="session")
def topology(services, tmp_path_factory):
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make train`")
    postgres, redis_server = services
    port = free_port()
    env = {
        **production_environment(postgres, redis_server),
        "BOT_TODAY": TODAY,
        "BOT_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
    }
    folder = tmp_path_factory.mktemp("production")
    production = Production(
        replicas=REPLICAS, workers=WORKERS, actions=1, port=port, web_port=free_port(), env=env, log_dir=folder
    )
    Production.prepare_databases(env)
    import_demo_catalog(env)
    production.start()
    yield production
    production.stop()


@pytest.fixture(scope="session")
def events_db(topology):
    engine = create_engine(topology.env["BOT_DATABASE_URL"], future=True, pool_pre_ping=True)
    yield engine
    engine.dispose()


def user_texts(engine, sender: str) -> list[str]:
    """What the person said, in the order the conversation's tracker in PostgreSQL holds it."""
    with engine.connect() as conn:
        rows = (
            conn.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"), {"s": sender}
            )
            .scalars()
            .all()
        )
    return [json.loads(row)["text"] for row in rows]


def slots(engine, sender: str) -> dict:
    with engine.connect() as conn:
        rows = (
            conn.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'slot' ORDER BY id"), {"s": sender}
            )
            .scalars()
            .all()
        )
    values = {}
    for row in rows:
        event = json.loads(row)
        values[event["name"]] = event["value"]
    return values


FLOW = [
    "bonjour",
    "je voudrais devenir pilote de ligne de production",
    "je suis demandeur d'emploi",
    "j'habite a Douai",
    "50 km",
    "j'ai un bac pro",
]


@dataclass
class Transcript:
    sender: str
    sent: list = field(default_factory=list)  # texts whose turn was answered
    failed: list = field(default_factory=list)  # (text, reason)
    answers: list = field(default_factory=list)


async def post(client: httpx.AsyncClient, sender: str, message: str) -> tuple[list | None, str]:
    """One turn, sent again once after a second when the load balancer answers 502 (the replica
    handling it died), with the same message id, as the web pages' relay (/chat) does."""
    call = {"sender": sender, "message": message, "metadata": {"message_id": str(uuid.uuid4())}}
    for attempt in range(2):
        try:
            response = await client.post("/webhooks/rest/webhook", json=call)
        except httpx.HTTPError as error:
            return None, type(error).__name__
        if response.status_code != 502 or attempt:
            break
        await asyncio.sleep(1)
    return (response.json(), "") if response.status_code == 200 else (None, f"HTTP {response.status_code}")


async def converse(
    client: httpx.AsyncClient, messages: list[str], sender: str | None = None, pause_s: float = 0.0
) -> Transcript:
    from addons.http_guard import APOLOGY
    from bot.messages import unavailable_answer

    transcript = Transcript(sender or f"scale-{uuid.uuid4().hex[:12]}")
    for message in messages:
        answer, reason = await post(client, transcript.sender, message)
        if answer is None:
            transcript.failed.append((message, reason))
        elif any(m.get("text") == unavailable_answer({}) for m in answer):
            transcript.failed.append((message, "indisponible"))  # not handled: the database is down
        elif not answer or any(m.get("text") == APOLOGY for m in answer):
            transcript.failed.append((message, "excuse"))
            transcript.sent.append(message)
        else:
            transcript.sent.append(message)
            transcript.answers.append(answer)
        if pause_s:
            await asyncio.sleep(pause_s)
    return transcript


def run_conversations(url: str, count: int, messages: list[str] = FLOW, pause_s: float = 0.0) -> list[Transcript]:
    async def all_of_them():
        limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
        async with httpx.AsyncClient(base_url=url, timeout=90, limits=limits) as client:
            return await asyncio.gather(*(converse(client, messages, pause_s=pause_s) for _ in range(count)))

    return asyncio.run(all_of_them())


def custom(answer: list[dict], kind: str) -> list[dict]:
    return [m["custom"] for m in answer if isinstance(m.get("custom"), dict) and m["custom"].get("type") == kind]
