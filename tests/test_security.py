"""Security and reliability of the servers (docs/securite.md), without the trained model: the
action server behind its secret, what each server binds to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import httpx
import pytest

from addons.http_guard import APOLOGY
from bot.catalog.db import engine as catalog_engine
from bot.config import ROOT
from bot.contacts import count_requests, save_request
from bot.messages import too_long_answer
from bot.text import MESSAGE_MAX_CHARS, WIDGET_ID, clean_message, too_long
from serve import production, servers
from serve.action_server import SECRET_ENV, SECRET_HEADER
from serve.web import COUNSELORS, LoginAttempts, StaffSessions
from tests.conftest import COUNSELOR_SECRET, free_port, wait_until_up

ACTIONS_SECRET = "secret-de-test-actions"


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    """(base URL, catalog URL) of a real action server (serve/action_server.py) with its secret."""
    folder = tmp_path_factory.mktemp("actions")
    database = f"sqlite:///{folder / 'catalog.sqlite3'}"
    port = free_port()
    log = open(folder / "actions.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "serve.action_server", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "BOT_DATABASE_URL": database, SECRET_ENV: ACTIONS_SECRET},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", process)
        yield url, database, folder / "actions.log"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def action_call(action: str, sender: str, **slots: object) -> dict:
    """What Rasa sends to run one action."""
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {"text": "", "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def test_a_forged_call_without_the_secret_changes_nothing(action_server):
    url, database, _ = action_server
    catalog = catalog_engine(database)
    save = action_call(
        "action_save_contact", "victime", contact="06 12 34 56 78", consentement_demande=True, statut="salarie"
    )
    for headers in ({}, {SECRET_HEADER: "devine"}, {SECRET_HEADER: ACTIONS_SECRET + "x"}):
        assert httpx.post(f"{url}/webhook", json=save, headers=headers).status_code == 401
    assert count_requests(catalog, "victime") == 0

    save_request(catalog, "victime", "06 12 34 56 78")
    erase = action_call("action_delete_my_data", "victime")
    assert httpx.post(f"{url}/webhook", json=erase).status_code == 401
    assert count_requests(catalog, "victime") == 1, "a forged call must not delete a person's request"
    assert httpx.get(f"{url}/actions").status_code == 401

    # Rasa's own call, with the secret, works.
    done = httpx.post(f"{url}/webhook", json=erase, headers={SECRET_HEADER: ACTIONS_SECRET})
    assert done.status_code == 200 and count_requests(catalog, "victime") == 0
    assert httpx.get(f"{url}/health").status_code == 200, "the health check stays open to probes"


@pytest.mark.parametrize(
    "body",
    [b"[]", b'["action_save_contact"]', b'"x"', b"null", b"", b"{", b"42", b'{"next_action": 3}', b'{"tracker": []}'],
)
def test_the_action_server_refuses_what_is_not_an_action_call_with_a_json_error(action_server, body):
    url, _, _ = action_server
    reply = httpx.post(f"{url}/webhook", content=body, headers={SECRET_HEADER: ACTIONS_SECRET})
    assert reply.status_code == 400 and set(reply.json()) == {"error"}
    assert "action_save_contact" not in reply.text, "the request is never echoed back"


def option(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def test_every_server_of_make_run_listens_on_the_loopback_only():
    rasa = servers.rasa_server_command(5005, "t", ROOT / "models" / "model.tar.gz", ROOT / "endpoints.yml")
    assert option(rasa, "--interface") == "127.0.0.1"
    assert option(servers.action_server_command(5055), "--host") == "127.0.0.1"
    assert option(servers.web_command(8000), "--host") == "127.0.0.1"


@pytest.mark.parametrize("name", ["make run", "endpoints.production.yml"])
def test_rasa_sends_the_secret_the_action_server_expects(name, monkeypatch, tmp_path):
    from rasa.core.utils import read_endpoints_from_path

    for variable in production.production_env({}):
        monkeypatch.setenv(variable, "1")
    monkeypatch.setenv("BOT_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv(SECRET_ENV, ACTIONS_SECRET)
    path = servers.local_endpoints(5055, tmp_path) if name == "make run" else ROOT / name
    endpoint = read_endpoints_from_path(path).action
    assert endpoint is not None and endpoint.headers == {SECRET_HEADER: ACTIONS_SECRET}


# -- one size limit, clean text: bot/text.py, on every channel -------------------------------

PHONE, EMAIL = "06 12 34 56 78", "camille.dupont@example.org"


def test_the_limit_counts_characters_not_utf16_units_and_cleaning_keeps_the_text():
    emoji = "🔋" * MESSAGE_MAX_CHARS  # 4,000 UTF-16 units, 2,000 characters
    assert not too_long(emoji) and too_long(emoji + "a")
    assert clean_message("cariste\ud83d à Lens\x00\x1b\n\tmerci") == "cariste à Lens  \n\tmerci"
    assert clean_message("déjà 🔋 👩‍🔧") == "déjà 🔋 👩‍🔧", "letters, emoji and joiners stay"


def rest(client, sender: str, message: str) -> list[dict]:
    # json.dumps writes \uXXXX escapes: a lone surrogate arrives as a browser would send it.
    body = json.dumps({"sender": sender, "message": message})
    reply = client.post("/webhooks/rest/webhook", content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_an_oversized_message_gets_a_french_answer_before_nlu_and_loses_nothing(assistant):
    _, client, _ = assistant
    sender = str(uuid.uuid4())
    assert "Lens" in rest(client, sender, "je cherche une formation de cariste à Lens")[0]["text"]
    huge = f"je suis cariste {PHONE} {EMAIL} " + "blabla " * 15_000  # about 100 kB
    answer = rest(client, sender, huge)
    assert answer == [{"recipient_id": sender, "text": too_long_answer({})}]
    assert "trop long" in answer[0]["text"]
    events = client.get(f"/conversations/{sender}/tracker", params={"token": assistant[0].token}).json()["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["je cherche une formation de cariste à Lens"], "nothing of it is stored, nothing lost"
    assert rest(client, sender, "🔋" * MESSAGE_MAX_CHARS)[0]["text"] != too_long_answer({})


@pytest.mark.parametrize("text", ["bonjour \ud83d", "\ud83d", "cariste\x00 à Lens\x1b", "\udfff\ud800 Lens"])
def test_lone_surrogates_and_control_characters_are_cleaned_before_nlu(assistant, text):
    _, client, _ = assistant
    answer = rest(client, str(uuid.uuid4()), text)
    assert answer and answer[0]["text"] != APOLOGY, "spaCy must not crash on it"


def test_the_relay_answers_an_oversized_message_itself(web):
    sender = str(uuid.uuid4())
    reply = httpx.post(f"{web}/chat", json={"sender": sender, "message": "é" * (MESSAGE_MAX_CHARS + 1)}, timeout=30)
    assert reply.status_code == 200 and reply.json() == [{"recipient_id": sender, "text": too_long_answer({})}]
    kiosk = httpx.post(
        f"{web}/chat",
        json={"sender": sender, "message": "é" * (MESSAGE_MAX_CHARS + 1), "metadata": {"mode": "kiosque"}},
        timeout=30,
    )
    assert kiosk.json()[0]["text"].startswith("Ton message"), "tu at the kiosk"


# -- counselor sign-in: serve/web.py ------------------------------------------------------------

COUNSELOR = COUNSELOR_SECRET
COOKIE = COUNSELORS.cookie


def test_counselor_sessions_last_eight_hours_and_can_be_revoked():
    now = [1000.0]
    sessions = StaffSessions(clock=lambda: now[0])
    first, second = sessions.open(), sessions.open()
    assert first != second and len(first) >= 40 and sessions.valid(first)
    sessions.revoke(first)
    assert not sessions.valid(first) and sessions.valid(second)
    now[0] += 8 * 3600 - 1
    assert sessions.valid(second)
    now[0] += 2
    assert not sessions.valid(second) and not sessions.valid("") and not sessions.valid("inventé")


def test_five_failed_sign_ins_a_minute_then_a_delay():
    now = [0.0]
    attempts = LoginAttempts(clock=lambda: now[0])
    for _ in range(5):
        assert attempts.wait_s("a") == 0
        attempts.failed("a")
        now[0] += 1
    assert attempts.wait_s("a") == 55 and attempts.wait_s("b") == 0, "per client"
    now[0] += 55
    assert attempts.wait_s("a") == 0


def sign_in(url: str, **headers: str) -> httpx.Response:
    return httpx.post(f"{url}/conseiller/connexion", data={"secret": COUNSELOR}, headers=headers, timeout=30)


def test_the_session_cookie_is_random_http_only_strict_expiring_and_secure_over_https(pages):
    first, second = sign_in(pages), sign_in(pages, **{"X-Forwarded-Proto": "https"})
    assert first.status_code == second.status_code == 302
    one, two = first.headers["set-cookie"], second.headers["set-cookie"]
    assert first.cookies[COOKIE] != second.cookies[COOKIE], "a random id per sign-in, not a value of the secret"
    for cookie in (one, two):
        low = cookie.lower()
        assert "httponly" in low and "samesite=strict" in low and "max-age=28800" in low and "path=/conseiller" in low
    assert "secure" not in one.lower().replace(COOKIE, "") and "secure" in two.lower().replace(COOKIE, "")


def test_signing_out_revokes_the_session_on_the_server(pages):
    session = sign_in(pages).cookies[COOKIE]
    with httpx.Client(base_url=pages, cookies={COOKIE: session}, timeout=30) as stolen:
        assert stolen.get("/conseiller").status_code == 200
        assert httpx.post(f"{pages}/conseiller/deconnexion", cookies={COOKIE: session}).status_code == 302
        assert stolen.get("/conseiller").status_code == 401, "the copied cookie is worthless once signed out"


def test_sign_in_from_another_site_is_refused(pages):
    refused = sign_in(pages, Origin="https://pirate.example")
    assert refused.status_code == 403 and COOKIE not in refused.cookies
    assert sign_in(pages, Origin=pages).status_code == 302


def test_guessing_the_code_is_slowed_down_even_for_the_right_one(pages):
    for _ in range(5):
        wrong = httpx.post(f"{pages}/conseiller/connexion", data={"secret": "devine"}, timeout=30)
        assert wrong.status_code == 401
    blocked = sign_in(pages)
    assert blocked.status_code == 429 and "Réessayez dans" in blocked.text
    assert 0 < int(blocked.headers["Retry-After"]) <= 60 and COOKIE not in blocked.cookies


# -- conversation ids: the relay takes only the widget's --------------------------------------


@pytest.mark.parametrize(
    "sender",
    [
        "a" * 100 + "-une",  # once cut to 100 characters, these two were one conversation
        "a" * 100 + "-autre",
        "x",
        "moi",
        str(uuid.uuid4()).upper(),
        str(uuid.uuid4()) + "0",
        " " + str(uuid.uuid4()),
        str(uuid.uuid4()).replace("-", ""),
    ],
)
def test_the_relay_refuses_ids_the_widget_does_not_make(pages, sender):
    reply = httpx.post(f"{pages}/chat", json={"sender": sender, "message": "bonjour"}, timeout=30)
    assert reply.status_code == 400 and "Identifiant de conversation invalide" in reply.json()["erreur"]


def test_the_widget_makes_ids_the_relay_takes():
    script = (ROOT / "web" / "static" / "electromob-chat.js").read_text(encoding="utf-8")
    assert "cryptoApi.randomUUID()" in script and "bytes[6] = (bytes[6] & 0x0f) | 0x40" in script
    assert WIDGET_ID.pattern in script, "the widget keeps a stored id only in the relay's format"
