"""Normalisation of what people type, shared by the town and job resolvers."""

from __future__ import annotations

import re

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")
# "St"/"Ste" and their dotted forms stand for Saint/Sainte in French place names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: accents, case, hyphens,
    apostrophes and punctuation do not matter ("Hénin-Beaumont" -> "henin beaumont")."""
    words = _NON_WORD.sub(" ", unidecode(text or "").lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)
