"""The school kiosk: the jobs of data/reference/kiosque.yml told to collégiens and lycéens
(what you do in a day, what you should like, what to know, the school paths), plus the
kiosk's greeting and its advice on whom to talk to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.config import REFERENCE_DIR
from bot.jobs import vocabulary

KIOSQUE_PATH = REFERENCE_DIR / "kiosque.yml"

_JOB_FIELDS = ("rome", "titre_eleve", "en_bref", "on_aime_si", "a_savoir", "voies", "sources")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class KioskJob:
    """One job as the kiosk shows it to pupils."""

    rome: str
    titre_eleve: str
    en_bref: str
    on_aime_si: tuple[str, ...]
    a_savoir: tuple[str, ...]
    voies: tuple[str, ...]  # the school steps, in order, from the end of collège to the job
    sources: tuple[str, ...]  # the pages the entry's facts come from


@dataclass(frozen=True)
class _Kiosque:
    accueil: str
    conseil: str
    jobs: tuple[KioskJob, ...]


def kiosk_jobs() -> list[KioskJob]:
    """The kiosk's jobs, in the file's order."""
    return list(_load(KIOSQUE_PATH).jobs)


def kiosk_job(rome: str) -> KioskJob | None:
    """The kiosk's job for a ROME code ("h2705", "H 2705"…), or None."""
    code = re.sub(r"\s+", "", rome or "").upper()
    return next((job for job in _load(KIOSQUE_PATH).jobs if job.rome == code), None)


def accueil() -> str:
    """The kiosk's greeting."""
    return _load(KIOSQUE_PATH).accueil


def conseil() -> str:
    """Whom to talk to about one's orientation (the kiosk itself contacts nobody)."""
    return _load(KIOSQUE_PATH).conseil


@cache
def _load(path: Path) -> _Kiosque:
    """Reads and checks kiosque.yml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} : le fichier doit contenir un dictionnaire")
    texts = {key: _text(data.get(key), f"{path} : « {key} »") for key in ("accueil", "conseil")}
    entries = data.get("metiers")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path} : clé « metiers » absente ou vide")
    jobs = tuple(_job(path, number, raw) for number, raw in enumerate(entries, 1))
    codes = [job.rome for job in jobs]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"{path} : codes ROME en double : {', '.join(duplicates)}")
    return _Kiosque(texts["accueil"], texts["conseil"], jobs)


def _job(path: Path, number: int, raw: object) -> KioskJob:
    """One checked entry of the `metiers` list."""
    if not isinstance(raw, dict):
        raise ValueError(f"{path} : métier n° {number} : une entrée doit être un dictionnaire")
    rome = str(raw.get("rome") or "").strip()
    where = f"{path} : métier n° {number} ({rome or 'code ROME manquant'})"
    unknown = sorted(set(map(str, raw)) - set(_JOB_FIELDS))
    if unknown:
        raise ValueError(f"{where} : clé(s) inconnue(s) : {', '.join(unknown)}")
    missing = [key for key in _JOB_FIELDS if raw.get(key) in (None, "", [], {})]
    if missing:
        raise ValueError(f"{where} : champ(s) manquant(s) : {', '.join(missing)}")
    metier = vocabulary().by_rome(rome)
    if metier is None or metier.rome != rome:
        raise ValueError(f"{where} : code ROME inconnu de data/reference/metiers.yml")
    voies = raw["voies"]
    if not isinstance(voies, list):
        raise ValueError(f"{where} : « voies » doit être une liste d'étapes")
    steps = []
    for step_number, step in enumerate(voies, 1):
        if not isinstance(step, dict) or set(step) != {"etape"}:
            raise ValueError(f"{where} : voie n° {step_number} : seule la clé « etape » est attendue")
        steps.append(_text(step["etape"], f"{where} : voie n° {step_number}"))
    sources = _texts(raw["sources"], f"{where} : « sources »")
    bad = [url for url in sources if not _URL.fullmatch(url)]
    if bad:
        raise ValueError(f"{where} : adresse(s) invalide(s) : {', '.join(bad)}")
    return KioskJob(
        rome=rome,
        titre_eleve=_text(raw["titre_eleve"], f"{where} : « titre_eleve »"),
        en_bref=_text(raw["en_bref"], f"{where} : « en_bref »"),
        on_aime_si=_texts(raw["on_aime_si"], f"{where} : « on_aime_si »"),
        a_savoir=_texts(raw["a_savoir"], f"{where} : « a_savoir »"),
        voies=tuple(steps),
        sources=sources,
    )


def _text(value: object, where: str) -> str:
    """A non-empty text, its white space collapsed (YAML folded blocks end with a newline)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} : texte manquant ou vide")
    return " ".join(value.split())


def _texts(value: object, where: str) -> tuple[str, ...]:
    """A non-empty list of non-empty texts."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where} : liste manquante ou vide")
    return tuple(_text(item, f"{where}, élément {number}") for number, item in enumerate(value, 1))
