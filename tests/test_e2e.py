"""End to end: both servers with the trained model, a conversation over the REST channel.

The catalog is one the project has never seen, generated here; the sessions the assistant
shows must be the first page of `python -m bot catalog search` for the same criteria. The
servers start once for the whole module (a model takes tens of seconds to load).
"""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import uuid

import httpx
import pytest

from bot.catalog import lheo_writer as w
from bot.config import ROOT
from bot.geo import gazetteer
from addons.http_guard import APOLOGY
from bot.servers import DEFAULT_MODEL, Servers

TODAY = "2027-02-01"
NEAR_HENIN = ["62427", "62498", "62510", "59178", "62119", "62041", "62193", "62413"]  # Hénin, Lens, Liévin, Douai…


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unseen_catalog(path):
    """A random LHEO 2.3 file: battery maintenance (H2703) and forklift (N1101) offers around Hénin-Beaumont."""
    rng = random.Random(42)
    formations = []
    for fi in range(30):
        actions = []
        for ai in range(2):
            commune = gazetteer().by_insee(rng.choice(NEAR_HENIN))
            sessions = [w.session(f"U{fi}-{ai}-{si}", f"2027{rng.randrange(2, 13):02d}{rng.randrange(1, 28):02d}", "20281231",
                                  etat=rng.choice([None, 1, 2]), places=rng.choice([None, 10])) for si in range(3)]
            place = w.lieu(codepostal=commune.codes_postaux[0], ville=commune.nom.upper()) if rng.random() < 0.5 else w.lieu(insee=commune.insee)
            actions.append(w.action(f"UA{fi}-{ai}", sessions, [place], modalite=rng.choice([0, 0, 1, 2])))
        formations.append(w.formation(f"UF{fi}", actions, romes=(rng.choice(["H2703", "N1101"]),), intitule=f"Formation inédite {fi}"))
    return w.write(path, formations)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make train` (make test does it)")
    folder = tmp_path_factory.mktemp("e2e")
    env = {"BOT_DATABASE_URL": f"sqlite:///{folder / 'catalog.sqlite3'}", "BOT_TODAY": TODAY}
    subprocess.run([sys.executable, "-m", "bot", "catalog", "import", str(unseen_catalog(folder / "inedit.xml"))],
                   cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    servers = Servers(rasa_port=free_port(), actions_port=free_port(), env=env, log_dir=folder / "logs").start()
    client = httpx.Client(base_url=servers.rasa_url, timeout=60)
    yield servers, client, env
    client.close()
    servers.stop()


def say(client, sender, text):
    response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    response.raise_for_status()
    return response.json()


def custom(messages, kind):
    return [m["custom"] for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == kind]


def cli_search(env, *args):
    result = subprocess.run([sys.executable, "-m", "bot", "catalog", "search", *args, "--json"], cwd=ROOT,
                            env={**os.environ, **env}, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def test_conversation_ends_with_the_sessions_of_the_catalog_search(assistant):
    servers, client, env = assistant
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert say(client, sender, "bonjour")[0]["text"].startswith("Bonjour")
    say(client, sender, "je voudrais devenir technicienne de maintenance des batteries")
    say(client, sender, "je suis demandeuse d'emploi")
    say(client, sender, "j'habite a henin beaumont")
    say(client, sender, "20 km max")
    messages = say(client, sender, "j'ai un bac pro")
    sessions = custom(messages, "sessions")
    assert sessions, [m.get("text") for m in messages]
    expected = cli_search(env, "--rome", "H2703", "--commune", "henin beaumont", "--rayon", "20")[:5]
    assert sessions[0]["sessions"] == expected and expected
    assert sessions[0]["metier"]["rome"] == "H2703" and sessions[0]["commune"]["insee"] == "62427"
    assert custom(messages, "parcours"), "the path comes before the sessions"

    moved = say(client, sender, "et à Arras ?")
    assert custom(moved, "sessions")[0]["commune"]["nom"] == "Arras"
    assert custom(moved, "sessions")[0]["sessions"] == cli_search(env, "--rome", "H2703", "--insee", "62041", "--rayon", "20")[:5]


def test_counselor_one_liner_gets_results_at_once(assistant):
    _, client, env = assistant
    messages = say(client, f"e2e-{uuid.uuid4().hex[:8]}", "DE bac Lens N1101 30km")
    sessions = custom(messages, "sessions")
    assert sessions and sessions[0]["sessions"] == cli_search(env, "--rome", "N1101", "--insee", "62498", "--rayon", "30")[:5]


@pytest.mark.parametrize("text", ["", "a" * 5000, "🔋🔋🔋", "where can I find a training please",
                                  "<img src=x onerror=alert(1)>", "'; DROP TABLE session; --", "99999"])
def test_odd_input_gets_a_short_french_answer_and_the_conversation_goes_on(assistant, text):
    _, client, _ = assistant
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    answer = say(client, sender, text)
    assert answer and all(m.get("text") or m.get("custom") for m in answer)
    assert any(word in (answer[0].get("text") or "") for word in ("Pardon", "Je ", "Bonjour", "Pour ", "Dans ", "Quel", "Voici"))
    assert say(client, sender, "bonjour")[0]["text"].startswith("Bonjour")


def test_delete_my_data_erases_the_conversation(assistant):
    servers, client, _ = assistant
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    say(client, sender, "je cherche une formation de cariste a Lens")
    say(client, sender, "je suis salarié")
    answer = say(client, sender, "supprimez mes données")
    assert "C'est fait" in answer[0]["text"]
    tracker = client.get(f"/conversations/{sender}/tracker", params={"token": servers.token}).json()
    said = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert said == [] and tracker["slots"]["statut"] is None


def test_http_api_needs_the_token(assistant):
    _, client, _ = assistant
    assert client.get("/conversations/x/tracker").status_code == 401


def test_browsers_from_other_origins_are_refused(assistant):
    _, client, _ = assistant
    refused = client.post("/webhooks/rest/webhook", json={"sender": "x", "message": "bonjour"},
                          headers={"Origin": "http://pirate.example"})
    assert refused.status_code == 403
    allowed = client.post("/webhooks/rest/webhook", json={"sender": "x", "message": "bonjour"},
                          headers={"Origin": "http://localhost:8000"})
    assert allowed.status_code == 200 and allowed.json()[0]["text"].startswith("Bonjour")


def test_dead_action_server_gets_an_apology_not_silence(assistant):
    """Runs last: it stops the action server of the module's servers."""
    servers, client, _ = assistant
    _, process, _ = next(p for p in servers.processes if p[0] == "actions")
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    answer = say(client, f"e2e-{uuid.uuid4().hex[:8]}", "quels sont les métiers des batteries ?")
    assert answer == [{"recipient_id": answer[0]["recipient_id"], "text": APOLOGY}]
    assert say(client, "x", "bonjour")[0]["text"].startswith("Bonjour"), "the conversation goes on"
