"""What people ask: the sourced answers of data/reference/savoirs.yml.

Each topic has an answer for adults (vous), optionally one for pupils on the school kiosk (tu),
the public pages its facts come from, and the facts of the sessions shown that an answer on it
must use when there are any (phase 2 of the FAQ answers reads `selon_sessions`).

The file is checked when it is read: unknown keys, missing sources, answers over 600 characters,
the wrong register, and euro amounts that no source of the topic states are all refused with a
French message naming the file and the topic.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import REFERENCE_DIR
from bot.text import fold

SAVOIRS_PATH = REFERENCE_DIR / "savoirs.yml"
MAX_CHARS = 600
REGISTRES = ("vous", "tu")
# What an answer can take from the sessions shown (see the header of savoirs.yml).
SESSION_FACTS = ("duree", "dates", "lieu", "places", "niveau", "conditions", "contact", "modalite", "rythme")
# What an answer may offer next (bot/faq.py turns it into a button): a search, the jobs, funding,
# the employers, a counselor.
SUITES = ("chercher", "metiers", "financement", "employeurs", "conseiller")

_TOPIC_KEYS = {"id", "titre", "vous", "tu", "selon_sessions", "suite", "sources"}
_REQUIRED_TOPIC_KEYS = ("id", "titre", "vous", "sources")
_SOURCE_KEYS = {"url", "verifie_le", "appuie", "montants"}
_ID = re.compile(r"[a-z][a-z0-9_]*")
_URL = re.compile(r"https?://[^\s/]+\S*")
# The words of one register that must not appear in the other ("t'aider" folds to "t aider").
_FORBIDDEN_WORDS = {
    "vous": {"tu", "te", "t", "toi", "ton", "ta", "tes"},
    "tu": {"vous", "votre", "vos"},
}
# A euro amount: "20 €", "1 350 €", "14,2 M€", "25 millions d'euros", "500 euros".
_AMOUNT = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:,(\d+))?[ \u00a0\u202f]*"
    r"(M€|k€|€|millions?\s+d['’]euros\b|euros?\b)",
    re.IGNORECASE,
)


class SavoirsError(ValueError):
    """The knowledge base file is not as it must be (the message, in French, says where)."""


@dataclass(frozen=True)
class Source:
    """A public page read for a topic, and what it supports."""

    url: str
    verifie_le: dt.date  # the day the stored copy was read
    appuie: str
    montants: tuple[str, ...]  # euro amounts this page states and an answer of the topic uses


@dataclass(frozen=True)
class Topic:
    """One thing people ask, with its sourced answers."""

    id: str
    titre: str
    vous: str
    tu: str | None  # the kiosk's answer for pupils; None when the topic is not for them
    selon_sessions: tuple[str, ...]  # facts to take from the sessions shown, in SESSION_FACTS
    sources: tuple[Source, ...]
    suite: str | None = None  # what the answer offers next, in SUITES

    def answer(self, registre: str = "vous") -> str | None:
        """The answer in a register; None for "tu" when the topic has no pupil version."""
        if registre not in REGISTRES:
            raise ValueError(f"registre inconnu « {registre} » (attendu : vous ou tu)")
        return self.vous if registre == "vous" else self.tu


def topics() -> list[Topic]:
    """Every topic, in the file's order."""
    return list(_default())


def topic(topic_id: str) -> Topic | None:
    """The topic with this id, or None."""
    return next((item for item in _default() if item.id == (topic_id or "").strip()), None)


def answer(topic_id: str, registre: str = "vous") -> str | None:
    """The answer to a topic in a register ("vous" for adults, "tu" on the kiosk); None when
    the topic is unknown or has no answer in that register."""
    if registre not in REGISTRES:
        raise ValueError(f"registre inconnu « {registre} » (attendu : vous ou tu)")
    found = topic(topic_id)
    return None if found is None else found.answer(registre)


def euro_amounts(text: str) -> list[str]:
    """The euro amounts of a text, normalised ("1 350 €" and "1350 €" give "1350 €",
    "25 millions d'euros" gives "25 M€")."""
    amounts = []
    for whole, decimals, unit in _AMOUNT.findall(text or ""):
        number = re.sub(r"[ \u00a0\u202f.]", "", whole) + (f",{decimals}" if decimals else "")
        unit = unit.lower()
        symbol = "M€" if unit.startswith(("m€", "million")) else "k€" if unit == "k€" else "€"
        amounts.append(f"{number} {symbol}")
    return amounts


@functools.cache
def _default() -> tuple[Topic, ...]:
    return load(SAVOIRS_PATH)


def load(path: Path) -> tuple[Topic, ...]:
    """Reads and checks a knowledge base file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SavoirsError(f"{path} : fichier YAML illisible ({error.__class__.__name__})") from None
    if not isinstance(data, dict) or set(data) != {"sujets"}:
        raise SavoirsError(f"{path} : le fichier doit contenir la seule clé « sujets »")
    entries = data["sujets"]
    if not isinstance(entries, list) or not entries:
        raise SavoirsError(f"{path} : « sujets » doit être une liste non vide")
    items = tuple(_topic(path, number, raw) for number, raw in enumerate(entries, 1))
    ids = [item.id for item in items]
    duplicates = sorted({value for value in ids if ids.count(value) > 1})
    if duplicates:
        raise SavoirsError(f"{path} : identifiants en double : {', '.join(duplicates)}")
    return items


def _topic(path: Path, number: int, raw: object) -> Topic:
    if not isinstance(raw, dict):
        raise SavoirsError(f"{path} : sujet n° {number} : un sujet doit être un dictionnaire")
    topic_id = str(raw.get("id") or "").strip()
    where = f"{path} : sujet n° {number} ({topic_id or 'sans identifiant'})"
    unknown = sorted(set(map(str, raw)) - _TOPIC_KEYS)
    if unknown:
        raise SavoirsError(f"{where} : clé(s) inconnue(s) : {', '.join(unknown)}")
    missing = [key for key in _REQUIRED_TOPIC_KEYS if raw.get(key) in (None, "", [])]
    if missing:
        raise SavoirsError(f"{where} : champ(s) manquant(s) : {', '.join(missing)}")
    if not _ID.fullmatch(topic_id):
        raise SavoirsError(f"{where} : identifiant invalide (minuscules, chiffres et « _ » seulement)")
    sources = raw["sources"]
    if not isinstance(sources, list):
        raise SavoirsError(f"{where} : « sources » doit être une liste")
    checked_sources = tuple(_source(f"{where}, source n° {n}", item) for n, item in enumerate(sources, 1))
    vous = _answer(where, "vous", raw["vous"])
    tu = None if raw.get("tu") is None else _answer(where, "tu", raw["tu"])
    stated = {amount for source in checked_sources for amount in source.montants}
    for registre, text in (("vous", vous), ("tu", tu)):
        unsourced = [amount for amount in euro_amounts(text or "") if amount not in stated]
        if unsourced:
            raise SavoirsError(
                f"{where} : réponse « {registre} » : montant(s) sans source : {', '.join(unsourced)} "
                "(ajoutez-les aux « montants » de la source qui les donne)"
            )
    return Topic(
        id=topic_id,
        titre=_text(raw["titre"], f"{where} : « titre »"),
        vous=vous,
        tu=tu,
        selon_sessions=_session_facts(where, raw.get("selon_sessions")),
        sources=checked_sources,
        suite=_suite(where, raw.get("suite")),
    )


def _answer(where: str, registre: str, value: object) -> str:
    text = _text(value, f"{where} : réponse « {registre} »")
    if len(text) > MAX_CHARS:
        raise SavoirsError(
            f"{where} : réponse « {registre} » trop longue ({len(text)} caractères, {MAX_CHARS} au plus)"
        )
    wrong = sorted(set(fold(text).split()) & _FORBIDDEN_WORDS[registre])
    if wrong:
        other = "tutoiement" if registre == "vous" else "vouvoiement"
        raise SavoirsError(f"{where} : réponse « {registre} » : {other} interdit ici ({', '.join(wrong)})")
    if "€" in _AMOUNT.sub("", text):
        raise SavoirsError(f"{where} : réponse « {registre} » : symbole € sans montant lisible")
    return text


def _session_facts(where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise SavoirsError(f"{where} : « selon_sessions » doit être une liste non vide")
    unknown = [str(item) for item in value if item not in SESSION_FACTS]
    if unknown:
        raise SavoirsError(
            f"{where} : « selon_sessions » : valeur(s) inconnue(s) : {', '.join(unknown)} "
            f"(attendu : {', '.join(SESSION_FACTS)})"
        )
    if len(set(value)) != len(value):
        raise SavoirsError(f"{where} : « selon_sessions » : valeur en double")
    return tuple(value)


def _suite(where: str, value: object) -> str | None:
    if value is None:
        return None
    if value not in SUITES:
        raise SavoirsError(f"{where} : « suite » inconnue : {value} (attendu : {', '.join(SUITES)})")
    return str(value)


def _source(where: str, raw: object) -> Source:
    if not isinstance(raw, dict):
        raise SavoirsError(f"{where} : une source doit être un dictionnaire")
    unknown = sorted(set(map(str, raw)) - _SOURCE_KEYS)
    if unknown:
        raise SavoirsError(f"{where} : clé(s) inconnue(s) : {', '.join(unknown)}")
    missing = [key for key in ("url", "verifie_le", "appuie") if raw.get(key) in (None, "")]
    if missing:
        raise SavoirsError(f"{where} : champ(s) manquant(s) : {', '.join(missing)}")
    url = str(raw["url"]).strip()
    if not _URL.fullmatch(url):
        raise SavoirsError(f"{where} : adresse invalide : {url}")
    checked = raw["verifie_le"]
    if isinstance(checked, str):
        try:
            checked = dt.date.fromisoformat(checked.strip())
        except ValueError:
            checked = None
    if not isinstance(checked, dt.date) or isinstance(checked, dt.datetime):
        raise SavoirsError(f"{where} : « verifie_le » doit être une date AAAA-MM-JJ")
    if checked > dt.date.today():
        raise SavoirsError(f"{where} : « verifie_le » est dans le futur ({checked.isoformat()})")
    montants = raw.get("montants") or []
    if not isinstance(montants, list):
        raise SavoirsError(f"{where} : « montants » doit être une liste")
    normalised = []
    for item in montants:
        found = euro_amounts(str(item))
        if len(found) != 1 or _AMOUNT.sub("", str(item)).strip():
            raise SavoirsError(f"{where} : montant illisible : « {item} » (exemple : « 1 350 € »)")
        normalised.append(found[0])
    return Source(
        url=url,
        verifie_le=checked,
        appuie=_text(raw["appuie"], f"{where} : « appuie »"),
        montants=tuple(normalised),
    )


def _text(value: object, where: str) -> str:
    """A non-empty text, its white space collapsed (YAML folded blocks end with a newline)."""
    if not isinstance(value, str) or not value.strip():
        raise SavoirsError(f"{where} : texte manquant ou vide")
    return " ".join(value.split())
