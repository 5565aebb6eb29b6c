"""The school kiosk, and whom the assistant talks to.

- The audience of a conversation: the regional site (vous) or the school kiosk (tu, buttons,
  nothing personal asked or kept), and pupils on the site (tu). Everything that differs between
  them is decided here; the actions and the web pages ask.
- The jobs of data/reference/kiosque.yml told to collégiens and lycéens (what you do in a day,
  what you should like, what to know, the school paths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.config import REFERENCE_DIR
from bot.contract import PUPILS
from bot.jobs import vocabulary
from bot.wording import TU, VOUS

KIOSQUE_PATH = REFERENCE_DIR / "kiosque.yml"
# The `mode` of the channel's metadata (the widget's data-mode).
SITE, KIOSK = "site", "kiosque"
# The kiosk starts over after this many seconds without a touch (the page may ask for another
# value within the bounds).
IDLE_S, IDLE_MIN_S, IDLE_MAX_S = 90, 2, 600
# Buttons: (key of the label in data/textes.yml, intent). No kiosk button leads to a question
# about the person.
KIOSK_MENU = (
    ("bouton.decouvrir_metiers", "ask_jobs"),
    ("bouton.qui_recrute", "ask_employers"),
    ("bouton.cout_formation", "ask_funding"),
)
SITE_MENU = (
    ("bouton.decouvrir_metiers", "ask_jobs"),
    ("bouton.trouver_formation", "search_training"),
    ("bouton.qui_paie", "ask_funding"),
    ("bouton.conseiller", "request_counselor"),
)


@dataclass(frozen=True)
class Audience:
    """Whom the assistant talks to in a conversation."""

    kiosk: bool = False
    pupil: bool = False

    @property
    def register(self) -> str:
        """ "tu" for pupils and at the kiosk, else "vous"."""
        return TU if self.kiosk or self.pupil else VOUS

    @property
    def reads_profile(self) -> bool:
        """The kiosk reads nothing personal in what is typed or touched."""
        return not self.kiosk

    def menu(self) -> tuple[tuple[str, str], ...]:
        """The buttons that say what the assistant can do."""
        return KIOSK_MENU if self.kiosk else SITE_MENU


def audience(mode: str | None, statut: str | None = None) -> Audience:
    """The audience of a channel `mode` ("site", "kiosque") and a person's status."""
    return Audience(kiosk=mode == KIOSK, pupil=statut in PUPILS)


def idle_seconds(asked: object) -> int:
    """The kiosk's inactivity delay asked by a page, within bounds (default IDLE_S)."""
    try:
        return min(max(int(str(asked)), IDLE_MIN_S), IDLE_MAX_S)
    except ValueError:
        return IDLE_S


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
    jobs: tuple[KioskJob, ...]


def kiosk_jobs() -> list[KioskJob]:
    """The kiosk's jobs, in the file's order."""
    return list(_load(KIOSQUE_PATH).jobs)


def kiosk_job(rome: str) -> KioskJob | None:
    """The kiosk's job for a ROME code ("h2705", "H 2705"…), or None."""
    code = re.sub(r"\s+", "", rome or "").upper()
    return next((job for job in _load(KIOSQUE_PATH).jobs if job.rome == code), None)


@cache
def _load(path: Path) -> _Kiosque:
    """Reads and checks kiosque.yml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} : le fichier doit contenir un dictionnaire")
    entries = data.get("metiers")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path} : clé « metiers » absente ou vide")
    jobs = tuple(_job(path, number, raw) for number, raw in enumerate(entries, 1))
    codes = [job.rome for job in jobs]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"{path} : codes ROME en double : {', '.join(duplicates)}")
    return _Kiosque(jobs)


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
