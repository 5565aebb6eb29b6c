"""Retention: `python -m serve conversations purge` deletes whole conversations gone quiet for N days."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from sqlalchemy.engine import make_url

from bot.config import ROOT
from serve.retention import purge
from tests.test_tracker_store import conversation, store_for

DAY = 86400


def at(days_ago: float, event):
    event.timestamp = time.time() - days_ago * DAY
    return event


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_purge_deletes_conversations_whose_last_message_is_older_than_the_period(kind, tmp_path, request):
    store = store_for(kind, tmp_path, request)
    asyncio.run(
        store.save(conversation("ancienne", at(40, UserUttered("bonjour")), at(40, ActionExecuted("utter_greet"))))
    )
    asyncio.run(store.save(conversation("en-cours", at(45, UserUttered("bonjour")), at(1, UserUttered("et à Lens ?")))))
    asyncio.run(store.save(conversation("recente", at(2, UserUttered("bonjour")))))

    done = purge(str(store.inner.engine.url.render_as_string(hide_password=False)), 30)

    assert (done.conversations, done.events) == (1, 2)
    assert asyncio.run(store.retrieve("ancienne")) is None
    assert [e.text for e in asyncio.run(store.retrieve("en-cours")).events] == ["bonjour", "et à Lens ?"], (
        "a conversation still going on is never cut"
    )
    assert [e.text for e in asyncio.run(store.retrieve("recente")).events] == ["bonjour"]


def purge_cli(*args: str, **env: str):
    return subprocess.run(
        [sys.executable, "-m", "serve", "conversations", "purge", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


def test_cli_reads_the_tracker_database_from_the_production_variables(postgres_database_url):
    url = make_url(postgres_database_url)
    result = purge_cli(
        "--older-than-days",
        "30",
        BOT_TRACKER_DB_HOST=url.host,
        BOT_TRACKER_DB_PORT=str(url.port),
        BOT_TRACKER_DB_NAME=url.database,
        BOT_TRACKER_DB_USER=url.username or "postgres",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("0 conversation(s) effacée(s)")


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--older-than-days", "0"], {}, "durée invalide"),
        (["--older-than-days", "30"], {"BOT_TRACKER_DB_PORT": "abc"}, "BOT_TRACKER_DB_PORT : port invalide"),
        (
            ["--older-than-days", "30", "--database-url", "postgresql://postgres@127.0.0.1:1/rien"],
            {},
            "base des conversations inaccessible",
        ),
    ],
)
def test_cli_errors_are_one_french_line(args, env, message):
    result = purge_cli(*args, **env)
    assert result.returncode != 0 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
