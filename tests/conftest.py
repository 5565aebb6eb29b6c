"""Shared fixtures: a real catalog database, on SQLite and, where reachable, PostgreSQL; the
trained model and the running assistant.

Every test that asks for the trained model (`trained_model`, hence `assistant` and `web`) is
marked `model` here, so that `make test-fast` leaves it out; run without a model, it fails.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.catalog import lheo_writer as w
from bot.catalog.db import engine as catalog_engine
from bot.catalog.models import metadata
from bot.config import ROOT
from bot.geo import gazetteer
from serve.servers import DEFAULT_MODEL, Servers, free_port

# The development and CI machines run PostgreSQL here; a user's fresh machine may not.
POSTGRES_URL = os.environ.get("BOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_database_url():
    """A throw-away PostgreSQL database for the whole test session."""
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    name = f"electromob_test_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL injoignable ({POSTGRES_URL}) : {error.orig}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    catalog_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """URL of an empty catalog: a new SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    url = request.getfixturevalue("postgres_database_url")
    engine = catalog_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    return url


@pytest.fixture
def engine(database_url):
    return catalog_engine(database_url)


# -- the running assistant: both servers with the trained model, once per test session ----------

UNSEEN_TODAY = "2027-02-01"
NEAR_HENIN = ["62427", "62498", "62510", "59178", "62119", "62041", "62193", "62413"]  # Hénin, Lens, Liévin, Douai…
COUNSELOR_SECRET = "secret-de-test-conseiller"
REGION_SECRET = "secret-de-test-region"


def cli_search(env: dict, *args: str) -> list[dict]:
    """`python -m bot catalog search … --json` in the given environment, every session (the CLI
    shows the first 50 by default): what the assistant must show."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "search", *args, "--limit", "100000", "--json"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def unseen_catalog(path):
    """A random LHEO 2.3 file the project has never seen: battery maintenance (H2703) and
    forklift (N1101) offers around Hénin-Beaumont."""
    rng = random.Random(42)
    formations = []
    for fi in range(30):
        actions = []
        for ai in range(2):
            commune = gazetteer().by_insee(rng.choice(NEAR_HENIN))
            sessions = [
                w.session(
                    f"U{fi}-{ai}-{si}",
                    f"2027{rng.randrange(2, 13):02d}{rng.randrange(1, 28):02d}",
                    "20281231",
                    etat=rng.choice([None, 1, 2]),
                    places=rng.choice([None, 10]),
                )
                for si in range(3)
            ]
            place = (
                w.lieu(codepostal=commune.codes_postaux[0], ville=commune.nom.upper())
                if rng.random() < 0.5
                else w.lieu(insee=commune.insee)
            )
            # What the search criteria read, drawn apart so that the rest of the feed stays the same.
            extra = random.Random(fi * 10 + ai)
            details = {
                "alternance": extra.choice(["Contrat d'apprentissage", "Sans objet", "Sans objet"]),
                "heures": extra.choice([35, 140, 400, 900]),
                "financeurs": tuple((code, None) for code in extra.sample(["2", "4", "5", "10", "16"], 2)),
                "rythme": extra.choice(["Temps plein", "Temps partiel", "Cours du soir"]),
            }
            actions.append(w.action(f"UA{fi}-{ai}", sessions, [place], modalite=rng.choice([0, 0, 1, 2]), **details))
        formations.append(
            w.formation(f"UF{fi}", actions, romes=(rng.choice(["H2703", "N1101"]),), intitule=f"Formation inédite {fi}")
        )
    return w.write(path, formations)


def pytest_collection_modifyitems(items):
    for item in items:
        if "trained_model" in item.fixturenames:
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session")
def trained_model():
    """Path of the trained model; a test that needs it fails without it (never skipped)."""
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run `make train` (make test does it)")
    return DEFAULT_MODEL


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, trained_model):
    """(servers, REST client, environment) of an assistant over an unseen catalog, with its
    web pages (counselor secret COUNSELOR_SECRET, Région secret REGION_SECRET)."""
    folder = tmp_path_factory.mktemp("assistant")
    web_port = free_port()
    env = {
        "BOT_DATABASE_URL": f"sqlite:///{folder / 'catalog.sqlite3'}",
        "BOT_TODAY": UNSEEN_TODAY,
        "BOT_CONSEILLER_SECRET": COUNSELOR_SECRET,
        "BOT_REGION_SECRET": REGION_SECRET,
        "BOT_ALLOWED_ORIGINS": f"http://127.0.0.1:{web_port},http://localhost:{web_port},http://localhost:8000",
    }
    servers = start_on_unseen_catalog(folder, trained_model, web_port, env)
    client = httpx.Client(base_url=servers.rasa_url, timeout=60)
    yield servers, client, env
    client.close()
    servers.stop()


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server stopped ({process.returncode})"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"no answer from {url}")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Base URL of web pages of their own, without the assistant behind (for what does not need it:
    their sign-in limits and what they answer to odd requests are not shared with other tests)."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("pages") / "web.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "serve.web", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "BOT_CONSEILLER_SECRET": COUNSELOR_SECRET},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/kiosque", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def start_on_unseen_catalog(folder, model, web_port: int, env: dict, endpoints=ROOT / "endpoints.yml") -> Servers:
    """The servers of the assistant over an unseen catalog imported into env's database."""
    subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", str(unseen_catalog(folder / "inedit.xml"))],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    servers = Servers(
        model=model,
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=web_port,
        env=env,
        log_dir=folder / "logs",
        endpoints=endpoints,
    )
    return servers.start()


@pytest.fixture(scope="session")
def web(assistant):
    """Base URL of the web pages in front of the assistant."""
    return f"http://127.0.0.1:{assistant[0].web_port}"


def pytest_terminal_summary(terminalreporter):
    """The pass rate by style of the messy dialogues, when they ran."""
    module = sys.modules.get("tests.test_messy_dialogues")
    lines = module.pass_rates() if module else []
    if lines:
        terminalreporter.section("dialogues désordonnés : taux de réussite par style")
        for line in lines:
            terminalreporter.write_line(line)
