"""Every custom action on many generated trackers (every intent, random entities including none,
ambiguous and unknown values, every slot state, the site and the kiosk): no exception, every text
sent in the wording of data/textes.yml (its own words, or the values of the reference files placed
by a line without words of its own), and nothing addressed with « vous » at the kiosk or to a pupil."""

from __future__ import annotations

import asyncio
import os
import random
import re

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions  # noqa: F401  (imports every action module)
from bot import config
from bot.catalog.db import engine as catalog_engine
from bot.catalog.lheo import import_file
from bot.config import REFERENCE_DIR
from bot.contract import NIVEAUX, PUPILS, STATUTS
from bot.wording import line_patterns

pytestmark = pytest.mark.slow  # a thousand trackers per action

TRACKERS_PER_ACTION = 1000
DEMO = os.path.join(config.ROOT, "data", "catalog", "demo-electromob.lheo.xml")
DOMAIN = yaml.safe_load((config.ROOT / "domain.yml").read_text(encoding="utf-8"))
INTENTS = [*DOMAIN["intents"], "nlu_fallback"]


def _concrete_actions(base: type = Action) -> dict[str, Action]:
    found = {}
    for cls in base.__subclasses__():
        found.update(_concrete_actions(cls))
        if cls.__module__.startswith("actions.") and not getattr(cls, "__abstractmethods__", None):
            action = cls()
            found[action.name()] = action
    return found


ACTIONS = _concrete_actions()

TEXTS = [
    "",
    "bonjour",
    "Bonjour, alors voilà, je suis au chômage depuis six mois, j'habite Dunkerque et j'aimerais devenir pilote "
    "de ligne de production de batteries. Je peux me déplacer à 25 km maximum, j'ai le bac. Vous avez des formations ?",
    "ah non pardon, je me suis trompé, j'habite à béthune",
    "j'habite à Liévin",
    "Peu importe",
    "Saint-Omer (Pas-de-Calais)",
    "je suis une femme, est-ce que je peux travailler dans une usine de batteries ?",
    "est-ce que c'est dangereux de travailler avec des batteries ?",
    "je suis soudeur et je veux changer de métier",
    "je suis en 3ème",
    "St Omer",
    "DE bac Lens H2705 30km",
    "jsui o chomage jhabite lens jveu etre cariste",
    "je sais pas",
    "non, plutôt Arras",
    "en fait 50 km",
    "finalement cariste",
    "je n'ai pas le bac, j'ai un CAP",
    "62300",
    "99999",
    "qui recrute a Douai ?",
    "voir plus",
    "06 12 34 56 78",
    "prenom.nom@exemple.fr",
    "what jobs are there",
    "🙂🙂",
    "?!",
    "a" * 3000,
    "<script>alert(1)</script>",
    "Qui recrute ?",
    "Découvrir les métiers",
    "technicien",
    "boulanger",
    "Beaumont",
    "Zzzville",
]
ENTITY_VALUES = {
    "statut": [*STATUTS, "soudeur", "DE", "de", ""],
    "commune": ["Lens", "lens", "Beaumont", "Saint-Omer", "St Omer", "Zzzville", "insee:62498", "insee:99999", "de"],
    "code_postal": ["62300", "59000", "00000", "999"],
    "rayon_km": ["30", "0", "5000", "abc", "2,5"],
    "niveau": [*NIVEAUX, "bac pro", "rien", "zz"],
    "metier": ["H2705", "N1101", "Z9999", "technicien", "boulanger", "cariste", "gout:machines", "gout:?", "gout:zz"],
    "formation": ["CACES R489", "formation inconnue", "habilitation électrique"],
    "employeur": ["ACC", "Verkor", "Envision", "Tesla"],
}
REQUESTABLE = [None, "statut", "metier", "commune", "rayon_km", "niveau", "contact"]


def _slot_states(rng: random.Random) -> dict:
    problem = rng.choice(
        [
            None,
            {"slot": "commune", "kind": "ambiguous", "typed": "Beaumont", "options": ["60057", "62099"]},
            {"slot": "commune", "kind": "unknown", "typed": "Zzzville", "options": []},
            {"slot": "commune", "kind": "unknown", "typed": "Lenss", "options": ["62498"]},
            {"slot": "metier", "kind": "ambiguous", "typed": "technicien", "options": ["H2703", "I1304"]},
            {"slot": "metier", "kind": "unknown", "typed": "boulanger", "options": []},
        ]
    )
    return {
        "statut": rng.choice([None, *STATUTS]),
        "metier": rng.choice([None, "H2705", "N1101", "H2704", "H1503"]),
        "commune": rng.choice([None, "62498", "59183", "80021", "62765"]),
        "rayon_km": rng.choice([None, 1.0, 10.0, 30.0, 200.0, 1000.0]),
        "niveau": rng.choice([None, *NIVEAUX]),
        "mode": rng.choice([None, "site", "kiosque"]),
        "probleme": problem,
        "echecs": rng.choice([0, 1, 2, 5]),
        "profil_complet": rng.choice([False, True]),
        "page": rng.choice([0, 1, 2, 9]),
        "parcours_montre": rng.choice([None, "H2705", "N1101"]),
        "derniere_formation": rng.choice([None, "inconnue", "EM-F01"]),
        "consentement_demande": rng.choice([False, True]),
        "contact": rng.choice([None, "0612345678"]),
        "suite": rng.choice([None, "chercher", "repondre_et_chercher"]),
        "demande_complete": rng.choice([None, True]),
        "parcours_eleve": rng.choice([None, "H2705"]),
        "decouverte": rng.choice([None, "?", "machines", "logistique", "zz"]),
        "requested_slot": rng.choice(REQUESTABLE),
    }


def _tracker(rng: random.Random) -> Tracker:
    text = rng.choice(TEXTS)
    entities = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        name = rng.choice(list(ENTITY_VALUES))
        value = rng.choice(ENTITY_VALUES[name])
        start = rng.randrange(0, max(1, len(text)))
        entities.append({"entity": name, "value": value, "start": start, "end": min(len(text), start + len(value))})
    intent = rng.choice(INTENTS)
    metadata = {"mode": rng.choice(["site", "kiosque"])} if rng.random() < 0.7 else {}
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": rng.random()},
        "entities": entities,
        "metadata": metadata,
    }
    offered = rng.choice(
        [
            [],
            [{"title": "Peu importe", "payload": '/inform{"rayon_km": "30"}'}],
            [{"title": "Qui recrute ?", "payload": "/ask_employers"}],
        ]
    )
    events = [
        {"event": "user", "text": "avant"},
        {"event": "bot", "text": "question", "data": {"buttons": offered}},
        {"event": "user", "text": text, "parse_data": message},
    ]
    slots = _slot_states(rng)
    loop = rng.choice([None, "profile_form", "contact_form"])
    return Tracker("fuzz", slots, message, events, False, None, {"name": loop} if loop else {}, "action_listen")


def _reference_values() -> set[str]:
    values: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            values.add(" ".join(node.split()))

    for path in REFERENCE_DIR.glob("*.yml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return values


PATTERNS = line_patterns()
REFERENCE_VALUES = _reference_values()
_VOUS = re.compile(
    r"\b(?:vous|votre|vos|dites|choisissez|répondez|écrivez|pouvez|voulez|souhaitez|êtes|avez)\b", re.IGNORECASE
)


def wording_of(line: str) -> str | None:
    """The assistant's own words in a line (the line without the values it places), or None when
    the line comes neither from data/textes.yml nor from the reference files."""
    for pattern, has_words in PATTERNS:
        match = pattern.fullmatch(line)
        if match and (has_words or all(v.isdigit() or v in REFERENCE_VALUES for v in match.groups())):
            own, last = [], 0
            for number in range(1, len(match.groups()) + 1):
                own.append(line[last : match.start(number)])
                last = match.end(number)
            return " ".join([*own, line[last:]])
    return None


@pytest.fixture(scope="module", autouse=True)
def demo_catalog(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('catalog') / 'demo.sqlite3'}"
    import_file(catalog_engine(url), DEMO, progress=None)
    previous = {key: os.environ.get(key) for key in ("BOT_DATABASE_URL", "BOT_TODAY")}
    os.environ.update(BOT_DATABASE_URL=url, BOT_TODAY="2027-01-01")
    yield url
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_every_action_of_the_domain_is_implemented():
    custom = {a for a in DOMAIN["actions"] if a.startswith(("action_", "validate_"))}
    assert custom <= set(ACTIONS), sorted(custom - set(ACTIONS))


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_on_generated_trackers(name):
    action = ACTIONS[name]
    rng = random.Random(name)
    problems = []
    for number in range(TRACKERS_PER_ACTION):
        state = _tracker(rng)
        dispatcher = CollectingDispatcher()
        try:
            asyncio.run(action.run(dispatcher, state, DOMAIN))
        except Exception as error:
            problems.append(
                f"tracker {number}: {type(error).__name__}: {error} ({state.latest_message['text'][:60]!r})"
            )
            continue
        kiosk = ((state.latest_message.get("metadata") or {}).get("mode") or state.get_slot("mode")) == "kiosque"
        pupil = state.get_slot("statut") in PUPILS
        for message in dispatcher.messages:
            for line in (message.get("text") or "").split("\n") if message.get("text") else []:
                own = wording_of(line)
                if own is None:
                    problems.append(f"tracker {number}: line not from data/textes.yml: {line[:100]!r}")
                elif (kiosk or pupil) and _VOUS.search(own):
                    problems.append(f"tracker {number}: « vous » to a pupil: {line[:100]!r}")
    assert not problems, "\n".join(problems[:20])
