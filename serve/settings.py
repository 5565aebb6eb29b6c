"""Settings of the production profile read from the environment: the conversations' database
(Rasa's SQL tracker store, endpoints.production.yml)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy.engine import URL

from bot.config import ConfigError

# The conversations' database of the production profile (endpoints.production.yml), with the
# values that suit a machine running PostgreSQL locally.
TRACKER_DB_DEFAULTS = {
    "BOT_TRACKER_DB_HOST": "127.0.0.1",
    "BOT_TRACKER_DB_PORT": "5432",
    "BOT_TRACKER_DB_NAME": "electromob",
    "BOT_TRACKER_DB_USER": "postgres",
    "BOT_TRACKER_DB_PASSWORD": "",
}


def tracker_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    env = os.environ if environ is None else environ
    return {key: env.get(key, default) for key, default in TRACKER_DB_DEFAULTS.items()}


def tracker_database_url(environ: Mapping[str, str] | None = None) -> str:
    """SQLAlchemy URL of the conversations' database (BOT_TRACKER_DB_*)."""
    env = tracker_settings(environ)
    try:
        port = int(env["BOT_TRACKER_DB_PORT"])
    except ValueError:
        raise ConfigError(f"BOT_TRACKER_DB_PORT : port invalide « {env['BOT_TRACKER_DB_PORT']} »") from None
    return URL.create(
        "postgresql",
        username=env["BOT_TRACKER_DB_USER"],
        password=env["BOT_TRACKER_DB_PASSWORD"] or None,
        host=env["BOT_TRACKER_DB_HOST"],
        port=port,
        database=env["BOT_TRACKER_DB_NAME"],
    ).render_as_string(hide_password=False)
