"""What a message says about the person's profile: status, level, job, town, radius.

The NLU gives entities; this module turns them, and the raw text when the NLU missed
something, into canonical slot values: a status and a level from the contract's lists, a
ROME code, an INSEE code, a radius in km. No Rasa here: the actions call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.geo import HAUTS_DE_FRANCE, Commune, Resolution, gazetteer
from bot.jobs import JobResolution, vocabulary
from bot.text import fold

STATUTS = ("demandeur_emploi", "etudiant", "lyceen", "collegien", "salarie")
NIVEAUX = ("sans_diplome", "cap", "bac", "bac+2", "bac+3", "bac+5")
DEFAULT_RADIUS_KM = 30.0
MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 200.0
INSEE_PREFIX = "insee:"  # button payloads name a commune by its code: "insee:62498"

# Folded phrases → canonical value, tried longest first.
_STATUT_WORDS = {
    "demandeur_emploi": [
        "demandeur d emploi",
        "demandeuse d emploi",
        "demandeur emploi",
        "chomage",
        "chomeur",
        "chomeuse",
        "sans emploi",
        "sans travail",
        "au rsa",
        "rsa",
        "inscrit a france travail",
        "inscrite a france travail",
        "inscrit a pole emploi",
        "inscrite a pole emploi",
        "en recherche d emploi",
        "je cherche du travail",
        "je cherche un emploi",
        "reconversion",
        "en reconversion",
        "licencie",
        "licenciee",
        "fin de contrat",
    ],
    "etudiant": [
        "etudiant",
        "etudiante",
        "etudiants",
        "a la fac",
        "en bts",
        "en but",
        "en licence",
        "en master",
        "en dut",
    ],
    "lyceen": [
        "lyceen",
        "lyceenne",
        "au lycee",
        "en seconde",
        "en 2nde",
        "en premiere",
        "en 1ere",
        "en terminale",
        "en tle",
        "en bac pro",
        "en cap",
        "lycee pro",
        "en apprentissage",
    ],
    "collegien": [
        "collegien",
        "collegienne",
        "au college",
        "en 3e",
        "en 3eme",
        "en troisieme",
        "en 4e",
        "en 4eme",
        "en quatrieme",
    ],
    "salarie": [
        "salarie",
        "salariee",
        "en cdi",
        "en cdd",
        "en interim",
        "interimaire",
        "j ai un emploi",
        "je travaille",
        "ouvrier",
        "ouvriere",
        "employe",
        "employee",
        "en poste",
    ],
}
_NIVEAU_WORDS = {
    "sans_diplome": [
        "sans diplome",
        "pas de diplome",
        "aucun diplome",
        "pas diplome",
        "j ai pas de diplome",
        "brevet",
        "brevet des colleges",
        "dnb",
        "sans niveau",
        "niveau 3e",
    ],
    "cap": ["cap", "bep", "cap bep", "niveau cap", "titre pro niveau 3"],
    "bac": [
        "bac",
        "bac pro",
        "bac techno",
        "bac general",
        "baccalaureat",
        "bac s",
        "bac es",
        "bac stmg",
        "bac sti2d",
        "niveau bac",
    ],
    "bac+2": ["bac 2", "bac+2", "bts", "dut", "deug", "niveau bac 2"],
    "bac+3": ["bac 3", "bac+3", "licence", "licence pro", "bachelor", "niveau bac 3"],
    "bac+5": ["bac 5", "bac+5", "master", "ingenieur", "diplome d ingenieur", "bac 4", "doctorat", "mba"],
}
# Words that only mean a level when the level was asked ("mon but", "je comprends rien").
_NIVEAU_WHEN_ASKED = {"sans_diplome": ["rien", "aucun", "non", "pas"], "bac+3": ["but"], "bac": ["bp"]}
# "DE" (demandeur d'emploi) is only told from the preposition "de" by its capitals.
_DE = re.compile(r"(?<![\w'])DE(?![\w'])")
_NO_PREFERENCE = [
    "peu importe",
    "m importe",
    "pas de limite",
    "n importe",
    "je sais pas",
    "sais pas",
    "comme vous voulez",
    "comme tu veux",
    "egal",
    "pas d importance",
    "aucune importance",
    "indifferent",
    "par defaut",
]
_RADIUS = re.compile(r"(\d{1,4}(?:[.,]\d+)?)\s*(?:km|kms|kilometres?|kilo|bornes)\b")
_NUMBER_ONLY = re.compile(r"^\D{0,20}?(\d{1,4}(?:[.,]\d+)?)\D{0,20}$")
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
# What people put around a town name when they answer "où habitez-vous ?".
_TOWN_LEAD = re.compile(
    r"^(?:(?:et|ou|alors|plutot|plutôt|moi|euh|bah|ben|oui|non|je|j|jsuis|jhabite|suis|habite|habites|vis|vit|reside|"
    r"sur|a|au|aux|vers|pres|de|du|des|cote|la|le|les|ville|commune|region|secteur|coin|dans|en|c|est|chez)\s+)+"
)
_TOWN_TAIL = re.compile(r"\s+(?:svp|stp|merci|please|plz|svpl)$")


def _phrases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    pairs = [(fold(phrase), value) for value, phrases in table.items() for phrase in phrases]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_STATUTS = _phrases(_STATUT_WORDS)
_NIVEAUX = _phrases(_NIVEAU_WORDS)
_NIVEAUX_ASKED = _phrases({**_NIVEAU_WORDS, **{k: _NIVEAU_WORDS[k] + v for k, v in _NIVEAU_WHEN_ASKED.items()}})


def _find_phrase(folded: str, phrases: list[tuple[str, str]]) -> str | None:
    padded = f" {folded} "
    for phrase, value in phrases:
        if f" {phrase} " in padded:
            return value
    return None


def _from_entities(entities: list[str], values: tuple[str, ...], phrases: list[tuple[str, str]]) -> str | None:
    """The first NLU entity value that is, or says, one of `values`."""
    for value in entities:
        if value in values:
            return value
        found = _find_phrase(fold(value), phrases)
        if found:
            return found
    return None


def read_statut(text: str, entities: list[str] = ()) -> str | None:
    """A canonical status from NLU entity values, else from the words of the message."""
    found = _from_entities(entities, STATUTS, _STATUTS)
    if found:
        return found
    if _DE.search(text):
        return "demandeur_emploi"
    return _find_phrase(fold(text), _STATUTS)


def read_niveau(text: str, entities: list[str] = (), asked: bool = False) -> str | None:
    """A canonical level ("bac+2"…) from NLU entity values, else from the message."""
    phrases = _NIVEAUX_ASKED if asked else _NIVEAUX
    return _from_entities(entities, NIVEAUX, phrases) or _find_phrase(fold(text), phrases)


@dataclass(frozen=True)
class Radius:
    """A radius answer: a number of km within bounds, and whether it was capped or defaulted."""

    km: float
    note: str | None = None  # "defaut" | "plafond" | "plancher"


def read_radius(text: str, entities: list[str] = (), asked: bool = False) -> Radius | None:
    """The radius in km: "30 km", an NLU entity, a bare number when the question was asked,
    or the default when the person does not mind."""
    folded = fold(text)
    raw = next((v for v in entities if re.fullmatch(r"\d{1,4}(?:[.,]\d+)?", str(v).strip())), None)
    if raw is None:
        match = _RADIUS.search(text.lower())
        raw = match.group(1) if match else None
    if raw is None and asked:
        match = _NUMBER_ONLY.match(text.strip())
        raw = match.group(1) if match and not _POSTCODE.search(text) else None
        if raw is None and _find_phrase(folded, [(fold(p), "x") for p in _NO_PREFERENCE]):
            return Radius(DEFAULT_RADIUS_KM, "defaut")
    if raw is None:
        return None
    km = float(str(raw).replace(",", "."))
    if km > MAX_RADIUS_KM:
        return Radius(MAX_RADIUS_KM, "plafond")
    if km < MIN_RADIUS_KM:
        return Radius(MIN_RADIUS_KM, "plancher")
    return Radius(km)


@dataclass(frozen=True)
class TownAnswer:
    """What the message says about the town: a resolution of the gazetteer, and what was typed."""

    typed: str
    resolution: Resolution


# Towns of the region whose names are also common words or first names: found in a sentence
# only through the NLU or when the question was asked.
_TOWN_WORDS = frozenset(
    {
        "albert",
        "remy",
        "ham",
        "rue",
        "croix",
        "hem",
        "avion",
        "salome",
        "guise",
        "erre",
        "hermes",
        "marle",
        "bury",
        "mouy",
        "anor",
        "bachy",
        "lens de",
        "long",
    }
)
SCAN_MIN_POPULATION = 1500
SCAN_MAX_WORDS = 5


def scan_town(text: str) -> Commune | None:
    """A town of Hauts-de-France (of some size) written out in a sentence: "DE bac Lens
    H2705 30km", "formation cariste a henin beaumont". Longest names first."""
    words = fold(text).split()
    gaz = gazetteer()
    for size in range(min(SCAN_MAX_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            name = " ".join(words[start : start + size])
            if len(name) < 3 or name in _TOWN_WORDS:
                continue
            found = [
                c
                for c in gaz.named_exactly(name)
                if c.region == HAUTS_DE_FRANCE and c.population >= SCAN_MIN_POPULATION
            ]
            if found:
                return found[0]
    return None


def read_town(text: str, communes: list[str] = (), postcodes: list[str] = (), asked: bool = False) -> TownAnswer | None:
    """The commune named in the message: a button's "insee:CODE", an NLU entity, a postal
    code, a town of the region written out, or — when the question was asked — the whole
    answer. None when nothing is said."""
    gaz = gazetteer()
    for value in communes:
        value = str(value).strip()
        if value.startswith(INSEE_PREFIX):
            commune = gaz.by_insee(value[len(INSEE_PREFIX) :])
            if commune:
                return TownAnswer(commune.nom, Resolution("ok", commune, ()))
    candidates = [str(v) for v in communes if str(v).strip()]
    candidates += [str(v) for v in postcodes if str(v).strip()]
    if not candidates:
        postcode = _POSTCODE.search(text)
        if postcode:
            candidates.append(postcode.group(1))
    if not candidates:
        scanned = scan_town(text)
        if scanned:
            return TownAnswer(scanned.nom, Resolution("ok", scanned, ()))
    if asked and not candidates:
        answer = _TOWN_TAIL.sub("", _TOWN_LEAD.sub("", fold(text))).strip()
        if answer:
            candidates.append(_as_typed(text, len(answer.split())))
    best: TownAnswer | None = None
    for typed in candidates:
        resolution = gaz.resolve(typed)
        answer = TownAnswer(typed.strip(), resolution)
        if resolution.status == "ok":
            return answer
        if best is None or (best.resolution.status == "unknown" and resolution.status == "ambiguous"):
            best = answer
    return best


def read_job(text: str, metiers: list[str] = (), asked: bool = False, search: bool = False) -> JobResolution | None:
    """The job (ROME) the message names. The whole message is read first: its longest job
    phrase is more telling than an entity the NLU cut out of it ("technicienne de
    maintenance des batteries" is not any "technicienne de maintenance"). Then the NLU
    entities; a choice between jobs when the question was asked or training is sought.
    None when nothing is said."""
    vocab = vocabulary()
    in_text = vocab.resolve(text)
    if in_text.status == "ok":
        return in_text
    from_entities = [vocab.resolve(str(value)) for value in metiers]
    for resolution in from_entities:
        if resolution.status == "ok":
            return resolution
    if in_text.status == "ambiguous" and (asked or search or metiers):
        return in_text
    for resolution in from_entities:
        if resolution.status == "ambiguous":
            return resolution
    if asked and fold(text):
        return in_text  # unknown: the dialogue offers the battery jobs
    return None


def _as_typed(text: str, words: int) -> str:
    """The last `words` words of what was typed, without polite endings or punctuation:
    the town as the person wrote it ("j'habite à St Omer svp" → "St Omer")."""
    typed = re.split(r"[\s']+", re.sub(r"[\s?!.,;]+$", "", text.strip()))
    while typed and _TOWN_TAIL.match(" " + fold(typed[-1])):
        typed.pop()
    return " ".join(typed[-words:])


def commune_label(commune: Commune) -> str:
    """ "Lens (Pas-de-Calais)": a town name people recognise, with its département."""
    return f"{commune.nom} ({gazetteer().departement_nom(commune)})"
