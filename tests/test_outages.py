"""The assistant when things break, on PostgreSQL (conversations and catalog in databases of
their own): a database outage, the action server down, an exception in an action, invalid
characters, oversized and malformed messages. The person always gets a French answer, nothing
said before is lost, and no log of any server holds a phone number, an email or a name."""

from __future__ import annotations

import json
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from addons.http_guard import APOLOGY
from bot.config import ROOT
from bot.messages import unavailable_answer
from serve.action_server import SECRET_HEADER
from serve.servers import free_port
from tests.conftest import POSTGRES_URL, UNSEEN_TODAY, start_on_unseen_catalog

PHONE, EMAIL, NAME = "06 12 34 56 78", "zephyrine.quatrebarbes@example.org", "Quatrebarbes"
# Every way the phone number could be written out in a log.
TRACES = [PHONE, PHONE.replace(" ", ""), "12 34 56 78", EMAIL, "zephyrine.quatrebarbes", NAME]
PERSONAL = f"je m'appelle Zéphyrine {NAME}, mon numéro {PHONE}, mon courriel {EMAIL}"


@pytest.fixture(scope="module")
def databases():
    """(admin engine, tracker database name, catalog database name), dropped at the end."""
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    names = [f"electromob_outage_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("tracker", "catalog")]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL injoignable ({POSTGRES_URL}) : {error.orig}")
    yield admin, *names
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def outage(admin, name: str):
    """The database refuses every connection, the open ones are cut; then it comes back."""
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))


@pytest.fixture(scope="module")
def on_postgres(tmp_path_factory, trained_model, databases):
    """(servers, REST client, admin engine, tracker db, catalog db) of an assistant whose
    conversations and catalog live in PostgreSQL."""
    admin, tracker_db, catalog_db = databases
    folder = tmp_path_factory.mktemp("outages")
    url = make_url(POSTGRES_URL)
    catalog_url = url.set(database=catalog_db).render_as_string(hide_password=False)
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["tracker_store"] = {
        "type": "addons.tracker_store.ErasingTrackerStore",
        "dialect": "postgresql",
        "url": url.host,
        "port": url.port or 5432,
        "db": tracker_db,
        "username": url.username,
        "password": url.password or "",
    }
    (folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    web_port = free_port()
    env = {
        "BOT_DATABASE_URL": catalog_url,
        "BOT_TODAY": UNSEEN_TODAY,
        "BOT_ALLOWED_ORIGINS": f"http://127.0.0.1:{web_port}",
    }
    servers = start_on_unseen_catalog(folder, trained_model, web_port, env, folder / "endpoints.yml")
    client = httpx.Client(base_url=servers.rasa_url, timeout=60)
    yield servers, client, admin, tracker_db, catalog_db
    client.close()
    servers.stop()


def rest(client, sender: str, message: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message})
    reply = client.post("/webhooks/rest/webhook", content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 200, reply.text
    return reply.json()


def tracker(servers, client, sender: str) -> dict:
    return client.get(f"/conversations/{sender}/tracker", params={"token": servers.token}).json()


def test_a_postgresql_outage_gets_a_french_message_and_loses_nothing(on_postgres):
    servers, client, admin, tracker_db, _ = on_postgres
    sender = str(uuid.uuid4())
    rest(client, sender, "je cherche une formation de cariste")
    before = tracker(servers, client, sender)
    assert before["slots"]["metier"], "the job is known before the outage"
    with outage(admin, tracker_db):
        answer = rest(client, sender, "j'habite à Lens")
        assert answer == [{"recipient_id": sender, "text": unavailable_answer({})}]
        assert "indisponible" in answer[0]["text"]
    after = tracker(servers, client, sender)
    assert after["events"] == before["events"] and after["slots"]["metier"] == before["slots"]["metier"]
    answer = rest(client, sender, "j'habite à Lens")
    assert answer[0]["text"] != APOLOGY
    assert tracker(servers, client, sender)["slots"]["commune"], "the conversation goes on where it was"


def test_no_log_holds_a_phone_an_email_or_a_name_whatever_fails(on_postgres):
    servers, client, admin, tracker_db, catalog_db = on_postgres
    web = servers.web_url
    sender = str(uuid.uuid4())
    # The ordinary path, through the REST channel and through the web pages' relay.
    rest(client, sender, PERSONAL)
    httpx.post(f"{web}/chat", json={"sender": sender, "message": PERSONAL}, timeout=60)
    # Invalid characters, an oversized message, malformed JSON on every server.
    rest(client, sender, f"{PERSONAL} \ud83d \x00")
    rest(client, sender, PERSONAL + " blabla" * 15_000)
    broken = ('{"sender": "' + sender + '", "message": "' + PERSONAL).encode()
    assert client.post("/webhooks/rest/webhook", content=broken).status_code == 400
    assert httpx.post(f"{web}/chat", content=broken, timeout=30).status_code == 400
    secret = {SECRET_HEADER: servers.env["BOT_ACTIONS_SECRET"]}
    assert httpx.post(f"{servers.actions_url}/webhook", content=broken, headers=secret).status_code == 400
    # The action server down.
    servers.kill("actions")
    try:
        assert rest(client, sender, PERSONAL)[0]["text"] == APOLOGY
    finally:
        servers.restart("actions")
    # The catalog's database down: an exception in the actions (the search, saving a contact).
    with outage(admin, catalog_db):
        assert rest(client, sender, f"je cherche une formation de cariste à Lens, {PERSONAL}")[0]["text"]
        call = {
            "next_action": "action_save_contact",
            "sender_id": sender,
            "domain": {},
            "tracker": {
                "sender_id": sender,
                "slots": {"contact": PHONE, "consentement_demande": True},
                "latest_message": {"text": PERSONAL},
                "events": [],
            },
        }
        failed = httpx.post(f"{servers.actions_url}/webhook", json=call, headers=secret, timeout=30)
        assert failed.status_code == 500 and PHONE not in failed.text
    # The conversations' database down.
    with outage(admin, tracker_db):
        assert rest(client, sender, PERSONAL)[0]["text"] == unavailable_answer({})
    logs = sorted(Path(servers.log_dir).glob("*.log"))
    assert {p.name for p in logs} >= {"rasa.log", "actions.log", "web.log"}
    found = {p.name: [t for t in TRACES if t in p.read_text(encoding="utf-8", errors="replace")] for p in logs}
    assert {name: traces for name, traces in found.items() if traces} == {}
