"""End to end: both servers with the trained model, a conversation over the REST channel.

The catalog is one the project has never seen (tests/conftest.py); the sessions the
assistant shows must be the first page of `python -m bot catalog search` for the same
criteria. The servers start once for the whole test session.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from addons.history import MAX_SESSION_EVENTS
from addons.http_guard import APOLOGY
from tests.conftest import cli_search


def say(client, sender, text):
    response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    response.raise_for_status()
    return response.json()


def custom(messages, kind):
    return [m["custom"] for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == kind]


def test_conversation_ends_with_the_sessions_of_the_catalog_search(assistant):
    _servers, client, env = assistant
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
    assert (
        custom(moved, "sessions")[0]["sessions"]
        == cli_search(env, "--rome", "H2703", "--insee", "62041", "--rayon", "20")[:5]
    )


def test_counselor_one_liner_gets_results_at_once(assistant):
    _, client, env = assistant
    messages = say(client, f"e2e-{uuid.uuid4().hex[:8]}", "DE bac Lens N1101 30km")
    sessions = custom(messages, "sessions")
    assert (
        sessions
        and sessions[0]["sessions"] == cli_search(env, "--rome", "N1101", "--insee", "62498", "--rayon", "30")[:5]
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a" * 5000,
        "🔋🔋🔋",
        "where can I find a training please",
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE session; --",
        "99999",
    ],
)
def test_odd_input_gets_a_short_french_answer_and_the_conversation_goes_on(assistant, text):
    _, client, _ = assistant
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    answer = say(client, sender, text)
    assert answer and all(m.get("text") or m.get("custom") for m in answer)
    assert any(
        word in (answer[0].get("text") or "")
        for word in ("Pardon", "Je ", "Bonjour", "Pour ", "Dans ", "Quel", "Voici", "Votre message est trop long")
    )
    assert say(client, sender, "bonjour")[0]["text"].startswith("Bonjour")


def test_delete_my_data_erases_the_conversation(assistant):
    servers, client, _ = assistant
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    say(client, sender, "je cherche une formation de cariste a Lens")
    say(client, sender, "je suis salarié")
    answer = say(client, sender, "supprimez mes données")
    assert {"type": "effacement"} in [m.get("custom") for m in answer], "the widget is told to forget its copy"
    assert any("C'est fait" in (m.get("text") or "") for m in answer)
    tracker = client.get(f"/conversations/{sender}/tracker", params={"token": servers.token}).json()
    said = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert said == [] and tracker["slots"]["statut"] is None


def test_a_message_sent_again_is_answered_again_not_handled_twice(assistant):
    """What a replica dying between saving a turn and answering it leaves: the relay sends the
    message again with its id, and the conversation must not take it twice."""
    servers, client, _ = assistant
    sender = str(uuid.uuid4())
    say(client, sender, "je voudrais devenir pilote de ligne de production")
    first_id, again_id = str(uuid.uuid4()), str(uuid.uuid4())

    def send(text, message_id):
        call = {"sender": sender, "message": text, "metadata": {"mode": "site", "message_id": message_id}}
        return client.post("/webhooks/rest/webhook", json=call).json()

    first = send("je suis demandeur d'emploi", first_id)
    assert first and any("habitez" in (m.get("text") or "") for m in first), first
    assert send("je suis demandeur d'emploi", first_id) == first, "the same answers, sent back"
    tracker = client.get(f"/conversations/{sender}/tracker", params={"token": servers.token}).json()
    said = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert said == ["je voudrais devenir pilote de ligne de production", "je suis demandeur d'emploi"]
    assert send("j'habite a Douai", again_id) != first, "a new message goes on with the dialogue"
    assert send("j'habite a Douai", str(uuid.uuid4())), "the same words with a new id are a new message"
    tracker = client.get(f"/conversations/{sender}/tracker", params={"token": servers.token}).json()
    assert [e.get("text") for e in tracker["events"] if e.get("event") == "user"][-2:] == ["j'habite a Douai"] * 2


def test_the_relay_passes_the_message_id_on(assistant, web):
    servers, client, _ = assistant
    sender, message_id = str(uuid.uuid4()), str(uuid.uuid4())
    call = {"sender": sender, "message": "bonjour", "metadata": {"mode": "site", "message_id": message_id}}
    answers = [httpx.post(f"{web}/chat", json=call, timeout=60).json() for _ in range(2)]
    assert answers[0] == answers[1] and answers[0][0]["text"].startswith("Bonjour")
    tracker = client.get(f"/conversations/{sender}/tracker", params={"token": servers.token}).json()
    assert [e.get("text") for e in tracker["events"] if e.get("event") == "user"] == ["bonjour"]


def test_http_api_needs_the_token(assistant):
    _, client, _ = assistant
    assert client.get("/conversations/x/tracker").status_code == 401


def test_browsers_from_other_origins_are_refused(assistant):
    _, client, _ = assistant
    refused = client.post(
        "/webhooks/rest/webhook",
        json={"sender": "x", "message": "bonjour"},
        headers={"Origin": "http://pirate.example"},
    )
    assert refused.status_code == 403
    allowed = client.post(
        "/webhooks/rest/webhook",
        json={"sender": "x", "message": "bonjour"},
        headers={"Origin": "http://localhost:8000"},
    )
    assert allowed.status_code == 200 and allowed.json()[0]["text"].startswith("Bonjour")


def test_dead_action_server_gets_an_apology_not_silence(assistant):
    servers, client, _ = assistant
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    servers.kill("actions")
    try:
        answer = say(client, sender, "quels sont les métiers des batteries ?")
        assert answer == [{"recipient_id": sender, "text": APOLOGY}]
    finally:
        servers.restart("actions")
    assert "Les usines de batteries" in say(client, sender, "quels sont les métiers des batteries ?")[0]["text"], (
        "the conversation goes on once the action server is back"
    )


def test_servers_stop_together_on_sigterm(tmp_path, trained_model):
    """`make run` stopped by a service manager (SIGTERM, twice) takes its servers down with it,
    the Rasa server included (tests/test_stop.py repeats this, and SIGKILL, with the others)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from bot.config import ROOT
    from tests.conftest import free_port

    ports = {"--rasa-port": free_port(), "--actions-port": free_port(), "--web-port": free_port()}
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "serve.servers",
            "--model",
            str(trained_model),
            *[str(x) for item in ports.items() for x in item],
        ],
        cwd=ROOT,
        env={**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in run.stdout:
            if "prêt" in line or "erreur" in line:
                break
        assert httpx.get(f"http://127.0.0.1:{ports['--actions-port']}/health").status_code == 200
        run.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        run.send_signal(signal.SIGTERM)  # a second one while stopping never aborts the stop
        assert run.wait(timeout=60) == 0
        time.sleep(1)
        for port in ports.values():
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
    finally:
        if run.poll() is None:
            run.kill()


def test_a_long_conversation_keeps_its_criteria_pages_and_forms(assistant):
    """Past the length at which the tracker store starts a new session carrying the state
    (addons/history.py), the conversation goes on as before."""
    servers, client, env = assistant
    sender = f"long-{uuid.uuid4().hex[:8]}"
    loop = ["DE bac Lens H2703 30km", "voir plus", "et à Arras ?", "50 km", "qui paie la formation ?", "merci"]
    for round_ in range(8):
        for text in loop:
            assert say(client, sender, text), f"no answer to {text!r} in round {round_}"
    tracker = client.get(f"/conversations/{sender}/tracker", params={"token": servers.token}).json()
    assert len(tracker["events"]) <= MAX_SESSION_EVENTS + 40  # what each turn reads stays bounded
    moved = say(client, sender, "en fait plutôt Douai")
    sessions = custom(moved, "sessions")
    assert sessions and sessions[0]["commune"]["nom"] == "Douai"
    assert sessions[0]["sessions"] == cli_search(env, "--rome", "H2703", "--insee", "59178", "--rayon", "50")[:5]
    page_two = custom(say(client, sender, "voir plus"), "sessions")
    expected = cli_search(env, "--rome", "H2703", "--insee", "59178", "--rayon", "50")[5:10]
    assert (page_two[0]["sessions"] if page_two else []) == expected
    # A form started after the new session: the question, then the answer, then the results.
    assert say(client, sender, "je voudrais devenir cariste")
    assert custom(say(client, sender, "a Liévin"), "sessions")[0]["commune"]["nom"] == "Liévin"
    erased = say(client, sender, "supprimez mes données")
    assert custom(erased, "effacement")
