"""Scale-out and faults on the production topology (make test-scale).

The tests run in this order on one topology: the fault tests come last because they kill
processes (a killed Rasa replica is not restarted: the last tests run on one replica).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import uuid

import httpx
from sqlalchemy import create_engine, text

from addons.http_guard import APOLOGY
from bot.catalog import lheo_writer as w
from bot.catalog.db import engine as catalog_engine
from bot.catalog.search import search_sessions
from bot.config import ROOT, parse_day
from bot.geo import gazetteer
from tests.scale.conftest import FLOW, TODAY, custom, run_conversations, slots, user_texts

PHONE, EMAIL = "06 12 34 56 78", "zoe.zorglub@example.org"


def say(url: str, sender: str, message: str) -> list[dict]:
    response = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=90)
    response.raise_for_status()
    return response.json()


def test_turns_alternating_between_replicas_keep_the_form(topology, events_db):
    sender = f"alterne-{uuid.uuid4().hex[:8]}"
    replicas = [f"http://127.0.0.1:{port}" for port in topology.rasa_ports]
    answers = [say(replicas[i % len(replicas)], sender, message) for i, message in enumerate(FLOW)]
    sessions = custom(answers[-1], "sessions")
    assert sessions and sessions[0]["metier"]["rome"] == "H2705" and sessions[0]["commune"]["nom"] == "Douai"
    assert user_texts(events_db, sender) == FLOW
    stored = slots(events_db, sender)
    assert (stored["statut"], stored["commune"], stored["rayon_km"], stored["niveau"]) == (
        "demandeur_emploi",
        "59178",
        50,
        "bac",
    )


def test_a_turn_sent_again_to_the_other_replica_is_not_handled_twice(topology, events_db):
    """A replica that saved a turn and died before answering: the relay sends the message again,
    with its id, and the other replica answers from what is stored."""
    sender = f"rejoue-{uuid.uuid4().hex[:8]}"
    first, second = (f"http://127.0.0.1:{port}" for port in topology.rasa_ports[:2])
    say(first, sender, FLOW[1])
    call = {"sender": sender, "message": FLOW[2], "metadata": {"message_id": str(uuid.uuid4())}}
    answers = [httpx.post(f"{url}/webhooks/rest/webhook", json=call, timeout=90).json() for url in (first, second)]
    assert answers[0] and answers[1] == answers[0]
    assert user_texts(events_db, sender) == FLOW[1:3]
    assert slots(events_db, sender)["statut"] == "demandeur_emploi"


def test_fifty_concurrent_conversations_lose_and_cross_nothing(topology, events_db):
    transcripts = run_conversations(topology.url, 50)
    assert [t.failed for t in transcripts if t.failed] == []
    for transcript in transcripts:
        assert user_texts(events_db, transcript.sender) == FLOW, transcript.sender
        assert custom(transcript.answers[-1], "sessions"), "each conversation ends with its sessions"
    senders = {t.sender for t in transcripts}
    with events_db.connect() as conn:
        stored = set(
            conn.execute(text("SELECT DISTINCT sender_id FROM events WHERE sender_id LIKE 'scale-%'")).scalars()
        )
    assert senders <= stored


def test_delete_my_data_erases_the_conversation_in_postgresql(topology, events_db):
    sender = f"efface-{uuid.uuid4().hex[:8]}"
    for message in FLOW[:4]:
        say(topology.url, sender, message)
    answer = say(topology.url, sender, "supprimez mes données")
    assert {"type": "effacement"} in [m.get("custom") for m in answer]
    assert user_texts(events_db, sender) == []
    assert all(value in (None, False, 0, "site") for value in slots(events_db, sender).values())


def test_retention_command_deletes_old_conversations_only(topology, events_db):
    old, recent = f"ancien-{uuid.uuid4().hex[:8]}", f"recent-{uuid.uuid4().hex[:8]}"
    for sender in (old, recent):
        say(topology.url, sender, "bonjour")
    with events_db.begin() as conn:  # the old conversation's last message was 40 days ago
        conn.execute(text("UPDATE events SET timestamp = timestamp - 40 * 86400 WHERE sender_id = :s"), {"s": old})
    env = {**os.environ, **{k: v for k, v in topology.env.items() if k.startswith("BOT_TRACKER_DB_")}}
    result = subprocess.run(
        [sys.executable, "-m", "serve", "conversations", "purge", "--older-than-days", "30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.match(r"1 conversation\(s\) effacée\(s\)", result.stdout), result.stdout
    assert user_texts(events_db, old) == [] and user_texts(events_db, recent) == ["bonjour"]


def _catalog(path, marker: str, count: int):
    lens = gazetteer().by_insee("62498")
    sessions = [w.session(f"{marker}-{i}", "20270301", "20270630") for i in range(count)]
    action = w.action(f"{marker}-A", sessions, [w.lieu(insee=lens.insee)])
    return w.write(path, [w.formation(f"{marker}-F", [action], romes=("H2705",), intitule=f"Formation {marker}")])


def test_catalog_import_is_never_half_visible_to_searches(topology, tmp_path):
    admin = create_engine(topology.env["BOT_DATABASE_URL"], future=True, isolation_level="AUTOCOMMIT")
    name = f"swap_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = topology.env["BOT_DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "BOT_DATABASE_URL": url}
    importing = [sys.executable, "-m", "bot", "catalog", "import"]
    subprocess.run(
        [*importing, str(_catalog(tmp_path / "a.xml", "AVANT", 10))], cwd=ROOT, env=env, check=True, capture_output=True
    )
    lens, today = gazetteer().by_insee("62498"), parse_day(TODAY, "TODAY")
    seen, done = set(), threading.Event()

    def search():
        while not done.is_set():
            hits = search_sessions(catalog_engine(url), "H2705", lens.lat, lens.lon, 30, today)
            seen.add((*tuple(sorted({h.as_json()["session_id"].split("-")[0] for h in hits})), len(hits)))

    searchers = [threading.Thread(target=search) for _ in range(3)]
    for thread in searchers:
        thread.start()
    try:
        for _ in range(3):  # a large catalog written in many batches, three times over
            subprocess.run(
                [*importing, str(_catalog(tmp_path / "b.xml", "APRES", 3000))],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
    finally:
        done.set()
        for thread in searchers:
            thread.join()
    assert seen <= {("AVANT", 10), ("APRES", "AVANT", 3010)}, seen
    assert ("APRES", "AVANT", 3010) in seen


def test_dead_action_server_gets_an_apology_then_the_conversation_goes_on(topology):
    sender = f"actions-{uuid.uuid4().hex[:8]}"
    topology.kill("actions-1")
    try:
        assert say(topology.url, sender, "quels sont les métiers des batteries ?") == [
            {"recipient_id": sender, "text": APOLOGY}
        ]
    finally:
        topology.restart("actions-1")
    assert "Les usines de batteries" in say(topology.url, sender, "quels sont les métiers des batteries ?")[0]["text"]


def test_postgresql_restart_under_load_recovers_by_itself(topology, services, events_db):
    postgres, _ = services
    during = []
    load = threading.Thread(target=lambda: during.extend(run_conversations(topology.url, 10, FLOW * 2, pause_s=0.2)))
    load.start()
    time.sleep(3)
    postgres.restart()
    load.join()
    answered = sum(len(t.sent) for t in during)
    assert answered, "the load ran"
    assert all(
        reason in ("excuse", "indisponible") or reason.startswith("HTTP 5") for t in during for _, reason in t.failed
    ), "during the restart a turn gets an apology or « service momentanément indisponible », never silence"
    after = run_conversations(topology.url, 10)
    assert [t.failed for t in after if t.failed] == [], "once PostgreSQL is back, every turn succeeds"
    for transcript in after:
        assert user_texts(events_db, transcript.sender) == FLOW


def test_replica_killed_under_load_loses_nothing(topology, events_db):
    results = []
    load = threading.Thread(target=lambda: results.extend(run_conversations(topology.url, 30, FLOW * 2, pause_s=0.1)))
    load.start()
    time.sleep(4)
    topology.kill("rasa-2")
    load.join()
    assert [t.failed for t in results if t.failed] == [], (
        "new turns go to the living replica; a turn cut short by the kill succeeds when sent again"
    )
    for transcript in results:
        assert user_texts(events_db, transcript.sender) == transcript.sent == FLOW * 2, transcript.sender
    later = run_conversations(topology.url, 10)
    assert [t.failed for t in later if t.failed] == []


def test_logs_hold_no_message_text_and_no_contact(topology):
    sender = f"contact-{uuid.uuid4().hex[:8]}"
    say(topology.url, sender, "je voudrais parler à un conseiller")
    say(topology.url, sender, "oui")
    answer = say(topology.url, sender, f"mon numéro {PHONE}, mon mail {EMAIL}")
    assert any("conseill" in (m.get("text") or "").lower() for m in answer), answer
    relayed = httpx.post(
        f"{topology.url}/chat",
        json={"sender": str(uuid.uuid4()), "message": "j'habite a Douai"},
        headers={"Origin": topology.url},
        timeout=60,
    )
    assert relayed.status_code == 200 and relayed.json(), "the web pages relay through nginx too"
    logs = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in topology.log_dir.glob("*.log")}
    assert {"rasa-1.log", "rasa-2.log", "actions-1.log", "web.log", "nginx-access.log"} <= logs.keys()
    secrets = [
        PHONE,
        PHONE.replace(" ", ""),
        EMAIL,
        "zorglub",
        "pilote de ligne de production",
        "j'habite a Douai",
        "demandeur d'emploi",
        "supprimez mes données",
    ]
    leaks = {
        (name, secret) for name, content in logs.items() for secret in secrets if secret.lower() in content.lower()
    }
    assert leaks == set()
