"""A button's label typed by hand acts as the button: "Peu importe", "saint omer (pas de calais)",
"Qui recrute". Case, accents, punctuation and small typos do not matter."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from bot.text import fold

_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.DOTALL)
# In the parse of a message that was a button's typed label: the button's title.
BUTTON_KEY = "bouton"


def is_pressed(parse_data: dict) -> bool:
    """Whether a message is a button: clicked (its payload) or typed (its label)."""
    return str(parse_data.get("text") or "").startswith("/") or bool(parse_data.get(BUTTON_KEY))


@dataclass(frozen=True)
class Pressed:
    """The button a message stands for: its title, intent and entities."""

    title: str
    payload: str
    intent: str
    entities: dict[str, str]


def _typo_budget(title: str) -> int:
    return 0 if len(title) < 5 else 1 if len(title) < 12 else 2


def parse_payload(payload: str) -> tuple[str, dict[str, str]] | None:
    """ "/inform{"rayon_km": "30"}" → ("inform", {"rayon_km": "30"}); None for other payloads."""
    match = _PAYLOAD.match((payload or "").strip())
    if not match:
        return None
    try:
        entities = json.loads(match.group(2)) if match.group(2) else {}
    except ValueError:
        return None
    if not isinstance(entities, dict):
        return None
    return match.group(1), {str(k): str(v) for k, v in entities.items()}


def typed_button(text: str, offered: Sequence[dict]) -> Pressed | None:
    """The one offered button whose title the message is: exactly once folded, else within a
    typo or two. None when no button, or more than one, fits."""
    typed = fold(text)
    if not typed:
        return None
    candidates = []
    for offer in offered:
        parsed = parse_payload(str(offer.get("payload") or ""))
        title = fold(str(offer.get("title") or ""))
        if parsed and title:
            candidates.append((title, offer, parsed))
    exact = [c for c in candidates if c[0] == typed]
    if not exact:
        # Typos in words, never in numbers: "20 km" is not "10 km".
        numbers = re.findall(r"\d+", typed)
        distances = [
            (Levenshtein.distance(typed, title), title, offer, parsed)
            for title, offer, parsed in candidates
            if re.findall(r"\d+", title) == numbers
        ]
        exact = [(title, offer, parsed) for d, title, offer, parsed in distances if d <= _typo_budget(title)]
    titles = {title for title, _, _ in exact}
    if len(titles) != 1:
        return None
    _, offer, (intent, entities) = exact[0]
    return Pressed(str(offer["title"]), str(offer["payload"]).strip(), intent, entities)
