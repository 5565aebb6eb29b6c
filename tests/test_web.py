"""The web pages over HTTP: counselor access and search, the chat relay, escaping, headers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from bot.config import ROOT
from tests.conftest import COUNSELOR_SECRET, cli_search, free_port


def signed_in(web) -> httpx.Client:
    client = httpx.Client(base_url=web, timeout=30, follow_redirects=False)
    reply = client.post("/conseiller/connexion", data={"secret": COUNSELOR_SECRET})
    assert reply.status_code == 302
    return client


def test_counselor_view_needs_the_secret(web):
    assert httpx.get(f"{web}/conseiller").status_code == 401
    wrong = httpx.post(f"{web}/conseiller/connexion", data={"secret": "devine"})
    assert wrong.status_code == 401 and "accès incorrect" in wrong.text
    assert signed_in(web).get("/conseiller").status_code == 200


def test_counselor_view_says_clearly_when_no_secret_is_set(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "BOT_CONSEILLER_SECRET"}
    process = subprocess.Popen(
        [sys.executable, "-m", "serve.web", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/conseiller", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert reply.status_code == 503 and "BOT_CONSEILLER_SECRET" in reply.text
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_counselor_search_is_the_catalog_search(web, assistant):
    _, _, env = assistant
    page = signed_in(web).get("/conseiller", params={"metier": "H2703", "commune": "62110", "rayon": "25"})
    expected = cli_search(env, "--rome", "H2703", "--commune", "62110", "--rayon", "25")
    assert expected and page.text.count('data-session-id="') == len(expected)
    assert all(f'data-session-id="{s["session_id"]}"' in page.text for s in expected)


def test_counselor_gets_choices_for_an_ambiguous_town_and_an_unknown_job(web):
    client = signed_in(web)
    town = client.get("/conseiller", params={"metier": "cariste", "commune": "Beaumont", "rayon": "30"})
    assert "Commune ambiguë" in town.text and "INSEE" in town.text
    job = client.get("/conseiller", params={"metier": "astronaute", "commune": "Lens", "rayon": "30"})
    assert "Métier non reconnu" in job.text and "H2705" in job.text


def test_printable_summary_has_path_sessions_and_contacts(web):
    summary = signed_in(web).get(
        "/conseiller/synthese",
        params={"metier": "technicien maintenance batterie", "commune": "Hénin-Beaumont", "rayon": "30"},
    )
    assert summary.status_code == 200
    assert "Le parcours conseillé" in summary.text and "Les prochaines sessions" in summary.text
    assert "Contacter les organismes" in summary.text and "03 53 01 00 00" in summary.text
    assert "@media print" in httpx.get(f"{web}/static/pages.css").text


def test_what_counselors_type_is_escaped(web):
    page = signed_in(web).get("/conseiller", params={"metier": "<script>alert(1)</script>", "commune": "Lens"})
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_chat_relay_talks_to_the_assistant_for_allowed_origins_only(web):
    sender = str(uuid.uuid4())
    reply = httpx.post(
        f"{web}/chat", json={"sender": sender, "message": "bonjour"}, headers={"Origin": web}, timeout=60
    )
    assert reply.status_code == 200 and reply.json()[0]["text"].startswith("Bonjour")
    assert reply.headers["access-control-allow-origin"] == web
    refused = httpx.post(
        f"{web}/chat", json={"sender": sender, "message": "bonjour"}, headers={"Origin": "http://pirate.example"}
    )
    assert refused.status_code == 403
    assert httpx.post(f"{web}/chat", json={"message": "bonjour"}).status_code == 400


def test_pages_forbid_inline_scripts(web):
    for path in ("/", "/kiosque"):
        reply = httpx.get(f"{web}{path}")
        assert reply.status_code == 200
        assert "script-src 'self'" in reply.headers["content-security-policy"]
        assert "electromob-chat.js" in reply.text


def test_kiosk_page_runs_the_widget_in_kiosk_mode(web):
    assert 'data-mode="kiosque"' in httpx.get(f"{web}/kiosque").text


@pytest.mark.parametrize("path", ["/static/electromob-chat.js", "/static/electromob-chat.css", "/static/conseiller.js"])
def test_assets_are_served_locally(web, path):
    assert httpx.get(f"{web}{path}").status_code == 200


def test_summary_of_an_unclear_search_shows_the_choices_instead(web):
    reply = signed_in(web).get(
        "/conseiller/synthese", params={"metier": "astronaute", "commune": "Lens", "rayon": "30"}
    )
    assert reply.status_code == 400 and "Métier non reconnu" in reply.text and "H2705" in reply.text


class _FlakyRasa:
    """A REST channel that answers 502 (as nginx does when a replica dies mid-turn), then 200."""

    def __init__(self, failures: int):
        import http.server
        import threading

        self.calls = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                owner.calls += 1
                self.rfile.read(int(self.headers["Content-Length"]))
                body, status = (b"bad gateway", 502) if owner.calls <= failures else (b'[{"text": "Bonjour"}]', 200)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.mark.parametrize("failures, answer, calls", [(1, [{"text": "Bonjour"}], 2), (2, None, 2)])
def test_chat_relay_sends_a_message_again_once_when_a_replica_died(monkeypatch, failures, answer, calls):
    import asyncio

    from serve import web as pages

    rasa = _FlakyRasa(failures)
    monkeypatch.setenv("BOT_RASA_URL", rasa.url)
    monkeypatch.setattr(pages, "RELAY_RETRY_S", 0.05)
    try:
        assert asyncio.run(pages.relay({"sender": "x", "message": "bonjour"})) == answer
        assert rasa.calls == calls
    finally:
        rasa.server.shutdown()


def test_counselor_criteria_are_the_catalog_search_with_the_same_criteria(web, assistant):
    _, _, env = assistant
    client = signed_in(web)
    params = {"metier": "N1101", "commune": "62110", "rayon": "30", "du": "2027-06-01", "alternance": "1"}
    page = client.get("/conseiller", params=params)
    expected = cli_search(
        env, "--rome", "N1101", "--commune", "62110", "--rayon", "30", "--debut-apres", "2027-06-01", "--alternance"
    )
    assert expected and page.text.count('data-session-id="') == len(expected)
    assert all(f'data-session-id="{s["session_id"]}"' in page.text for s in expected)
    assert "Critères : à partir du 1er juin 2027, en alternance." in page.text
    summary = client.get("/conseiller/synthese", params=params)
    assert "Vos critères : à partir du 1er juin 2027, en alternance." in summary.text
    for other in ({"modalite": "distanciel", "heures_max": "140"}, {"finance_pour": "salarie", "temps": "soir"}):
        page = client.get("/conseiller", params={"metier": "N1101", "commune": "62110", "rayon": "30", **other})
        options = [arg for name, value in other.items() for arg in (f"--{name.replace('_', '-')}", value)]
        expected = cli_search(env, "--rome", "N1101", "--commune", "62110", "--rayon", "30", *options)
        assert page.text.count('data-session-id="') == len(expected), other


def test_counselor_criteria_that_empty_the_list_link_to_the_search_without_each(web, assistant):
    _, _, env = assistant
    params = {"metier": "N1101", "commune": "62110", "rayon": "30", "heures_max": "1", "alternance": "1"}
    page = signed_in(web).get("/conseiller", params=params)
    assert "Aucune session à venir dans ce rayon avec ces critères." in page.text
    without_length = cli_search(env, "--rome", "N1101", "--commune", "62110", "--rayon", "30", "--alternance")
    assert f"Sans la contrainte de durée : {len(without_length)} sessions" in page.text
    assert "Même sans la contrainte d&#39;alternance, aucune session" in page.text
    assert "heures_max" not in page.text.split("Sans la contrainte de durée")[0].rsplit('href="', 1)[1]


def test_counselor_criteria_typed_wrong_are_one_clear_error(web):
    page = signed_in(web).get("/conseiller", params={"metier": "N1101", "commune": "Lens", "heures_max": "beaucoup"})
    assert page.status_code == 200 and 'role="alert"' in page.text
