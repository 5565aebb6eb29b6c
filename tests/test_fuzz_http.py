"""Every HTTP entry point driven with hundreds of malformed requests (seeded, so a failure can be
replayed): the Rasa REST channel, the web pages and their /chat relay, the action server. Each
answers with a 4xx and a JSON error (APIs) or a short French page (web), never a 500, and all of
them still answer afterwards."""

from __future__ import annotations

import json
import random
import uuid

import httpx
import pytest

from serve.action_server import SECRET_HEADER

REQUESTS_PER_ENTRY = 300
SEED = 20261203
NOT_A_TEXT = [None, 0, 1.5, True, [], {}, ["bonjour"], {"text": "bonjour"}]
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]


def junk_json(rng: random.Random, depth: int = 0) -> object:
    kinds = ["null", "bool", "int", "float", "str", "list", "dict"] if depth < 3 else ["null", "int", "str"]
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.randint(-(2**70), 2**70)
    if kind == "float":
        return rng.choice([0.0, -1e308, 1e-308, 3.14])
    if kind == "str":
        return "".join(
            chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0x80, 0xFFFF)])) for _ in range(rng.randint(0, 30))
        )
    if kind == "list":
        return [junk_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {str(junk_json(rng, 3)): junk_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def malformed_bodies(rng: random.Random, fields: dict[str, list]) -> list[bytes]:
    """Bodies that are not what the entry point takes: broken JSON, JSON that is not an object,
    objects whose every expected field is missing or of the wrong type."""
    bodies: list[bytes] = [b"", b"null", b"[]", b'"x"', b"42", b"{", b"[" * 50_000, b"\xff\xfe\x00", b"{}" * 3]
    while len(bodies) < REQUESTS_PER_ENTRY:
        kind = rng.randrange(4)
        if kind == 0:  # JSON, but not an object
            value = junk_json(rng)
            while isinstance(value, dict):
                value = junk_json(rng)
            bodies.append(json.dumps(value).encode())
        elif kind == 1:  # an object whose fields are all wrong (or missing)
            body = {name: rng.choice(wrong) for name, wrong in fields.items() if rng.random() < 0.8}
            body.update({str(junk_json(rng, 3)): junk_json(rng) for _ in range(rng.randint(0, 2))})
            bodies.append(json.dumps(body).encode())
        elif kind == 2:  # broken JSON: a valid one cut short
            whole = json.dumps(dict.fromkeys(fields, "x"))
            bodies.append(whole[: rng.randrange(1, len(whole) - 1)].encode())
        else:  # random bytes
            bodies.append(bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))))
    return bodies


def post_all(url: str, bodies: list[bytes], rng: random.Random, headers: dict | None = None) -> list[httpx.Response]:
    with httpx.Client(timeout=30) as client:
        return [
            client.post(url, content=body, headers={"Content-Type": rng.choice(CONTENT_TYPES), **(headers or {})})
            for body in bodies
        ]


def assert_json_errors(replies: list[httpx.Response], statuses: set[int]) -> None:
    wrong = [(r.status_code, r.text[:80]) for r in replies if r.status_code not in statuses]
    assert wrong == [], f"{len(wrong)} unexpected answers"
    assert all(isinstance(r.json(), dict) and len(r.text) < 300 for r in replies), "a short JSON error"


def test_the_rest_channel_refuses_malformed_calls_with_a_json_error(assistant):
    servers, client, _ = assistant
    rng = random.Random(SEED)
    bodies = malformed_bodies(rng, {"sender": ["", "   ", *NOT_A_TEXT], "message": NOT_A_TEXT})
    replies = post_all(f"{servers.rasa_url}/webhooks/rest/webhook", bodies, rng)
    assert len(replies) >= REQUESTS_PER_ENTRY
    assert_json_errors(replies, {400})
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        assert 400 <= client.request(method, "/webhooks/rest/webhook").status_code < 500
    sender = str(uuid.uuid4())
    answer = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "bonjour"})
    assert answer.status_code == 200 and answer.json()[0]["text"].startswith("Bonjour"), "still answering"


def test_the_relay_refuses_malformed_calls_with_a_french_json_error(assistant, web):
    rng = random.Random(SEED + 1)
    bodies = malformed_bodies(rng, {"sender": ["", *NOT_A_TEXT], "message": NOT_A_TEXT, "metadata": NOT_A_TEXT})
    replies = post_all(f"{web}/chat", bodies, rng)
    assert_json_errors(replies, {400, 413})
    assert all("erreur" in r.json() for r in replies)
    sender = str(uuid.uuid4())
    answer = httpx.post(f"{web}/chat", json={"sender": sender, "message": "bonjour"}, timeout=60)
    assert answer.status_code == 200 and answer.json()[0]["text"].startswith("Bonjour"), "still answering"


def test_the_web_pages_answer_odd_requests_with_a_short_french_page(pages):
    web = pages
    rng = random.Random(SEED + 2)
    paths = ["/static/", "/static", "/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/%00",
             "/conseiller/synthese", "/kiosque", "/chat/libelles", "/nulle-part", "/%ff",
             "/conseiller/connexion"]  # fmt: skip
    odd = [
        "",
        "nan",
        "inf",
        "-1",
        "1e309",
        "2027-02-30",
        "9999-99-99",
        "%",
        "\x00",
        "é" * 300,
        "<script>",
        "Lens" * 100,
    ]
    replies = []
    with httpx.Client(base_url=web, timeout=30) as client:
        while len(replies) < REQUESTS_PER_ENTRY:
            path = rng.choice(paths)
            args = {name: rng.choice(odd) for name in ("metier", "commune", "rayon", "du", "au", "inactivite")}
            method = rng.choice(["GET", "GET", "POST", "PUT", "DELETE"])
            body = rng.choice([b"", b"secret=", b"\xff" * 10, b"secret=" + b"x" * 5000, json.dumps(args).encode()])
            replies.append(client.request(method, path, params=args, content=body if method != "GET" else None))
        server_errors = [
            (r.request.method, str(r.request.url)[:100], r.status_code) for r in replies if r.status_code >= 500
        ]
        assert server_errors == []
        pages = [
            r for r in replies if r.status_code >= 400 and r.headers.get("content-type", "").startswith("text/html")
        ]
        assert pages and all('lang="fr"' in r.text and "Traceback" not in r.text for r in pages)
        folder = client.get("/static/")
        assert folder.status_code == 404 and "Cette page n&#39;existe pas" in folder.text
        assert client.get("/kiosque").status_code == 200, "still answering"


@pytest.mark.parametrize("with_secret", [True, False])
def test_the_action_server_refuses_malformed_calls_with_a_json_error(assistant, with_secret):
    servers, _, _ = assistant
    rng = random.Random(SEED + 3)
    bodies = malformed_bodies(rng, {"next_action": NOT_A_TEXT, "tracker": NOT_A_TEXT, "domain": [1, "x", []]})
    headers = {SECRET_HEADER: servers.env["BOT_ACTIONS_SECRET"]} if with_secret else {}
    replies = post_all(f"{servers.actions_url}/webhook", bodies, rng, headers)
    assert_json_errors(replies, {400} if with_secret else {401})
    assert httpx.get(f"{servers.actions_url}/health").status_code == 200, "still answering"
