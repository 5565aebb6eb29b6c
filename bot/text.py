"""What people type: the one size limit of a message and its cleaning before anything reads it
(every channel of the Rasa server, addons/message_limits.py, and the /chat relay), and the
normalisation shared by the town and job resolvers."""

from __future__ import annotations

import json
import re

from unidecode import unidecode

# One message, on every channel: at most this many characters, counted in code points (an emoji
# is one character, whatever its UTF-16 or UTF-8 length).
MESSAGE_MAX_CHARS = 2000
# Half of a UTF-16 pair alone (a cut emoji: "\ud83d") cannot be encoded and crashes spaCy.
_LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Control characters other than the tab and the line feed.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# The ids the widget makes (a conversation's, a message's): lowercase UUIDs.
WIDGET_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
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


def widget_id(value: object) -> bool:
    """Whether `value` is an id in the widget's format (a conversation's or a message's)."""
    return isinstance(value, str) and WIDGET_ID.fullmatch(value) is not None


def clean_message(text: str) -> str:
    """The message without lone surrogates, its control characters turned into spaces."""
    return _CONTROLS.sub(" ", _LONE_SURROGATES.sub("", text))


def too_long(text: str) -> bool:
    return len(text) > MESSAGE_MAX_CHARS


def unsms(folded: str) -> str:
    """A folded text with its SMS words written out: "g pa de diplome" → "j ai pas de diplome"."""
    return " ".join(_SMS.get(word, word) for word in folded.split())


def fold(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces: accents, case, hyphens,
    apostrophes and punctuation do not matter ("Hénin-Beaumont" -> "henin beaumont")."""
    words = _NON_WORD.sub(" ", unidecode(text or "").lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def json_object(body: bytes) -> dict | str:
    """The JSON object of an HTTP body, or what is wrong with it, in French (for the error answer)."""
    try:
        value = json.loads(body or b"null")
    except (ValueError, RecursionError):
        return "corps JSON invalide"
    return value if isinstance(value, dict) else "un objet JSON est attendu"
