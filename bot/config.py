"""Settings read from the environment (see docs/contrat.md, "Environnement")."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEFAULT_DATABASE_PATH = ROOT / "var" / "catalog.sqlite3"


class ConfigError(ValueError):
    """A setting has a value the program cannot use."""


def database_url() -> str:
    url = os.environ.get("BOT_DATABASE_URL", "").strip()
    if url:
        return url
    DEFAULT_DATABASE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DATABASE_PATH}"


def parse_day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"{what} : date invalide « {text} » (format attendu AAAA-MM-JJ)") from None


def today() -> dt.date:
    value = os.environ.get("BOT_TODAY", "").strip()
    return parse_day(value, "BOT_TODAY") if value else dt.date.today()


DEFAULT_ORIGINS = "http://localhost:8000,http://127.0.0.1:8000"


def allowed_origins() -> set[str]:
    """Origins from which browsers may talk to the assistant (BOT_ALLOWED_ORIGINS, comma-separated)."""
    value = os.environ.get("BOT_ALLOWED_ORIGINS", DEFAULT_ORIGINS)
    return {origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()}
