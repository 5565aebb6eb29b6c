"""Demand events recorded from real conversations (site, counselor one-liner, kiosk, counselor
page) over HTTP, with nothing personal stored; the Région's page."""

from __future__ import annotations

import json
import uuid

import httpx
from sqlalchemy import create_engine, select

from bot.catalog.models import demand_event
from tests.conftest import COUNSELOR_SECRET, REGION_SECRET, cli_search

LENS, LENS_LIEVIN = "62498", "246200364"


def say(client, sender, text, mode="site"):
    reply = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": {"mode": mode}})
    reply.raise_for_status()
    return reply.json()


def rows(env) -> dict[str, dict]:
    engine = create_engine(env["BOT_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return {row.id: dict(row._mapping) for row in conn.execute(select(demand_event))}
    finally:
        engine.dispose()


def new_rows(env, before: dict) -> list[dict]:
    return [row for key, row in rows(env).items() if key not in before]


def test_a_site_search_is_counted_anonymously_then_the_counselor_request_is_added(assistant):
    _, client, env = assistant
    sender = f"demande-{uuid.uuid4().hex}"
    before = rows(env)
    texts = [
        "Bonjour, je suis demandeuse d'emploi à Lens, je voudrais être cariste, 30 km, j'ai un CAP",
        "je voudrais parler à un conseiller",
        "oui",
        "mon numéro c'est le 06 12 34 56 78",
    ]
    messages = say(client, sender, texts[0])
    assert any(m.get("custom", {}).get("type") == "sessions" for m in messages), messages
    (event,) = new_rows(env, before)
    expected = len(cli_search(env, "--rome", "N1101", "--insee", LENS, "--rayon", "30"))
    assert {k: event[k] for k in ("canal", "rome", "epci", "departement", "rayon_km", "statut", "niveau")} == {
        "canal": "site", "rome": "N1101", "epci": LENS_LIEVIN, "departement": "62", "rayon_km": 30,
        "statut": "demandeur_emploi", "niveau": "cap",
    }  # fmt: skip
    assert event["sessions"] == expected > 0 and event["conseiller"] is False and event["simule"] is False
    for text in texts[1:]:
        say(client, sender, text)
    after = rows(env)[event["id"]]
    assert after["conseiller"] is True
    stored = json.dumps([after], default=str)
    for personal in (sender, LENS, "Lens", "06 12", "0612", "demandeuse"):
        assert personal not in stored


def test_the_counselor_one_liner_and_the_kiosk_are_counted(assistant):
    _, client, env = assistant
    before = rows(env)
    say(client, f"demande-{uuid.uuid4().hex}", "DE bac Lens N1101 30km")
    (one_liner,) = new_rows(env, before)
    assert (one_liner["canal"], one_liner["statut"], one_liner["niveau"]) == ("site", "demandeur_emploi", "bac")

    before = rows(env)
    kiosk = f"borne-{uuid.uuid4().hex}"
    say(client, kiosk, '/ask_job_details{"metier": "H2705"}', mode="kiosque")
    (viewed,) = new_rows(env, before)
    assert viewed["canal"] == "kiosque" and viewed["rome"] == "H2705"
    assert all(viewed[k] is None for k in ("epci", "departement", "rayon_km", "statut", "niveau", "sessions"))


def test_a_counselor_page_search_is_counted_and_printing_its_summary_is_not(assistant, web):
    _, _, env = assistant
    client = httpx.Client(base_url=web, timeout=60)
    assert client.post("/conseiller/connexion", data={"secret": COUNSELOR_SECRET}).status_code == 302
    before = rows(env)
    assert client.get("/conseiller", params={"metier": "H2703", "commune": "Lens", "rayon": "20"}).status_code == 200
    (event,) = new_rows(env, before)
    assert (event["canal"], event["rome"], event["epci"], event["rayon_km"]) == ("conseiller", "H2703", LENS_LIEVIN, 20)
    before = rows(env)
    client.get("/conseiller/synthese", params={"metier": "H2703", "commune": "Lens", "rayon": "20"})
    assert new_rows(env, before) == []


def test_the_region_page_needs_its_own_code_and_offers_the_csv(assistant, web):
    assert httpx.get(f"{web}/region").status_code == 401
    counselor = httpx.Client(base_url=web, timeout=60)
    counselor.post("/conseiller/connexion", data={"secret": COUNSELOR_SECRET})
    assert counselor.get("/region").status_code == 401  # the counselors' code opens the counselor pages only
    assert counselor.post("/region/connexion", data={"secret": COUNSELOR_SECRET}).status_code == 401
    region = httpx.Client(base_url=web, timeout=120)
    assert region.post("/region/connexion", data={"secret": REGION_SECRET}).status_code == 302
    page = region.get("/region", params={"du": "2027-01-01", "au": "2027-02-01"})
    assert page.status_code == 200 and page.text.count('class="epci"') == 92
    assert "script-src" not in page.headers["content-security-policy"]  # no script may run there
    assert "du 01/01/2027 au 01/02/2027" in page.text
    csv = region.get("/region/demande.csv", params={"du": "2027-01-01", "au": "2027-02-01"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.startswith("tableau,cle,libelle,mesure,valeur")
    wrong = region.get("/region", params={"du": "hier"})
    assert wrong.status_code == 400 and "date invalide" in wrong.text
