"""Normalisation of what people type, shared by the town and job resolvers."""

from __future__ import annotations

import re

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")
# "St"/"Ste" and their dotted forms stand for Saint/Sainte in French place names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


# How people write in a hurry, word by word (folded), and what they mean.
_SMS = {
    "jsui": "je suis", "jsuis": "je suis", "chui": "je suis", "chuis": "je suis", "sui": "suis",
    "jveu": "je veux", "jveux": "je veux", "veu": "veux", "jvoudrais": "je voudrais", "jaimerais": "j aimerais",
    "jhabite": "j habite", "jbosse": "je bosse", "jtravaille": "je travaille", "jai": "j ai", "g": "j ai",
    "jen": "j en", "jsais": "je sais", "chais": "je sais", "jcherche": "je cherche", "pa": "pas", "o": "au",
    "ke": "que", "kel": "quel", "kelle": "quelle", "koi": "quoi", "ds": "dans", "pr": "pour", "tt": "tout",
    "bcp": "beaucoup", "c": "c est", "ct": "c etait", "ya": "il y a", "pk": "pourquoi", "pkoi": "pourquoi",
    "mnt": "maintenant", "dip": "diplome", "dipl": "diplome", "diplom": "diplome",
}  # fmt: skip


def unsms(folded: str) -> str:
    """A folded text with its SMS words written out: "g pa de diplome" → "j ai pas de diplome"."""
    return " ".join(_SMS.get(word, word) for word in folded.split())


def fold(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces: accents, case, hyphens,
    apostrophes and punctuation do not matter ("Hénin-Beaumont" -> "henin beaumont")."""
    words = _NON_WORD.sub(" ", unidecode(text or "").lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)
