"""What a message says about the person's profile: status, level, target job, town, radius, and
what the search still needs.

The NLU gives entities; this module turns them, and the whole text (which it always reads, the
NLU often misses part of a long message), into canonical values: a status and a level from the
contract's lists, a ROME code, an INSEE code, a radius in km. A fact that is denied ("je n'ai pas
le bac") does not count; when a message says the same thing twice, the later words win ("bac,
enfin non, CAP"). No Rasa here: the actions call it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot import config
from bot.contract import NIVEAUX, PUPILS, STATUTS
from bot.criteria import Change, read_criteria
from bot.geo import HAUTS_DE_FRANCE, Commune, Resolution, gazetteer, prefer_region
from bot.jobs import JobResolution, vocabulary
from bot.reconversion import ACTUEL, CIBLE, Trade, read_job_mentions
from bot.results import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, MIN_RADIUS_KM
from bot.text import fold, unsms

INSEE_PREFIX = "insee:"  # button payloads name a commune by its code: "insee:62498"
INTEREST_PREFIX = "gout:"  # the discovery's buttons name what the person likes: "gout:machines"
PROFILE_SLOTS = ("statut", "metier", "commune", "rayon_km", "niveau")


def _table(entries: Mapping[str, str]) -> list[tuple[str, str]]:
    """(folded phrase, value) pairs from {value: "phrase | phrase | …"}, longest phrases first."""
    pairs = {(fold(phrase), value) for value, phrases in entries.items() for phrase in phrases.split("|")}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair))


_STATUTS = _table(
    {
        "demandeur_emploi": "demandeur d emploi | demandeuse d emploi | demandeur emploi | chomage | chomeur | chomeuse"
        " | sans emploi | sans travail | au rsa | rsa | inscrit a france travail | inscrite a france travail"
        " | inscrit a pole emploi | inscrite a pole emploi | en recherche d emploi | je cherche du travail"
        " | je cherche un emploi | reconversion | en reconversion | licencie | licenciee | fin de contrat"
        " | mission locale | a la mission locale",
        "etudiant": "etudiant | etudiante | etudiants | a la fac | en bts | en but | en licence | en master | en dut"
        " | en fac",
        "lyceen": "lyceen | lyceenne | au lycee | en seconde | en 2nde | en 2de | en premiere | en 1ere | en terminale"
        " | en tle | en bac pro | en cap | lycee pro | je suis en apprentissage | apprenti | apprentie",
        "collegien": "collegien | collegienne | au college | en 3e | en 3eme | en troisieme | en 4e | en 4eme"
        " | en quatrieme",
        "salarie": "salarie | salariee | en cdi | en cdd | en interim | interimaire | j ai un emploi | je travaille"
        " | ouvrier | ouvriere | employe | employee | en poste",
    }
)
# Diplomas, and the classes a pupil or a student is in (the level is the highest diploma held:
# a pupil in terminale has none yet, a student in BTS has the bac).
_NIVEAUX = _table(
    {
        "sans_diplome": "sans diplome | pas de diplome | aucun diplome | pas diplome | j ai pas de diplome | brevet"
        " | brevet des colleges | dnb | sans niveau | niveau 3e | en 3e | en 3eme | en troisieme | en 4e | en 4eme"
        " | en quatrieme | au college | en seconde | en 2nde | en 2de | en premiere | en 1ere | en terminale | en tle"
        " | en cap | en bac pro | lycee pro | au lycee",
        "cap": "cap | bep | cap bep | niveau cap | titre pro niveau 3",
        "bac": "bac | bac pro | bac techno | bac general | baccalaureat | bac s | bac es | bac stmg | bac sti2d"
        " | niveau bac | en bts | en but | en dut | en licence | a la fac | en fac",
        "bac+2": "bac 2 | bac+2 | bts | dut | deug | niveau bac 2",
        "bac+3": "bac 3 | bac+3 | licence | licence pro | bachelor | niveau bac 3 | en master",
        "bac+5": "bac 5 | bac+5 | master | ingenieur | diplome d ingenieur | bac 4 | doctorat | mba",
    }
)
# Words that only mean a level when the level was asked ("mon but", "je comprends rien").
_NIVEAUX_ASKED = sorted(
    {*_NIVEAUX, *_table({"sans_diplome": "rien | aucun | non | pas", "bac+3": "but", "bac": "bp"})},
    key=lambda pair: (-len(pair[0]), pair),
)
# A fact is denied when these words come right before it ("je n'ai pas le bac", "non pas Lens")…
_DENIED_BEFORE = re.compile(
    r"(?:^| )(?:pas|plus|sans|ni|jamais|rate|loupe|echoue|etais|ete|ancien|ancienne|ex)"
    r"(?: (?:le|la|les|l|de|d|du|des|un|une|mon|ma|encore|eu|obtenu|eu le|a|au|en|dans|vers|chez|suis))* $"
)
# … or right after it ("je ne travaille plus").
# (neither the Pas-de-Calais nor a criterion that follows: "à Lens pas plus de trois mois", "pas avant mars")
_DENIED_AFTER = re.compile(r"^ (?:plus|pas)\b(?! de calais)(?! plus d)(?! avant)(?! apres)(?! forcement)(?! besoin)")
_CORRECTION = re.compile(r"\b(?:enfin|non|plutot|pardon|en fait|finalement|je me suis trompe|je voulais dire)\b")
# "DE" (demandeur d'emploi) is only told from the preposition "de" by its capitals.
_DE = re.compile(r"(?<![\w'])DE(?![\w'])")
_NO_PREFERENCE = _table(
    {
        "x": "peu importe | m importe | pas de limite | n importe | je sais pas | sais pas | comme vous voulez"
        " | comme tu veux | egal | pas d importance | aucune importance | indifferent | par defaut",
    }
)
# "Je ne sais pas" when asked which job: the assistant helps to choose.
_DONT_KNOW = _table(
    {
        "x": "je sais pas | je ne sais pas | sais pas | j sais pas | chais pas | jsais pas | aucune idee"
        " | pas d idee | aucune id | j hesite | je ne sais pas trop | pas encore | je sais pas quoi | rien de precis"
        " | je connais pas les metiers | je ne connais pas les metiers | aidez moi a choisir | conseillez moi"
        " | vous me conseillez quoi | tu me conseilles quoi | n importe | peu importe | tout m interesse"
        " | pas de preference | je suis ouvert | je suis ouverte",
    }
)
# Words that make a job named in a question the job the person wants ("je voudrais devenir…").
_TARGET_CUES = re.compile(
    r"\b(?:devenir|formation|former|me former|travailler comme|bosser comme|travailler en tant que|"
    r"j aimerais etre|je voudrais etre|je veux etre|veux faire|voudrais faire|aimerais faire|postuler|"
    r"interesse par|interessee par|finalement|plutot)\b"
)
_RADIUS = re.compile(r"(\d{1,4}(?:[.,]\d+)?)\s*(?:km|kms|kilometres?|kilo|bornes)\b")
_NUMBER_ONLY = re.compile(r"^\D{0,20}?(\d{1,4}(?:[.,]\d+)?)\D{0,20}$")
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
# What people put around a town name when they answer "où habitez-vous ?".
_TOWN_LEAD = re.compile(
    r"^(?:(?:et|ou|alors|plutot|plutôt|moi|euh|bah|ben|oui|non|je|j|jsuis|jhabite|suis|habite|habites|vis|vit|reside|"
    r"sur|a|au|aux|vers|pres|de|du|des|cote|la|le|les|ville|commune|region|secteur|coin|dans|en|c|est|chez)\s+)+"
)
_TOWN_TAIL = re.compile(r"\s+(?:svp|stp|merci|please|plz|svpl)$")


@dataclass(frozen=True)
class Entity:
    """An entity of the NLU, with its place in the text when known."""

    name: str
    value: str
    start: int | None = None
    end: int | None = None


def _said(text: str) -> str:
    """The words of a message, folded, SMS written out."""
    return unsms(fold(text))


def _denied(before: str, after: str) -> bool:
    """Whether the folded words before and after a mention deny it."""
    return bool(_DENIED_BEFORE.search(f" {before.strip()} ") or _DENIED_AFTER.match(f" {after.strip()} "))


def _mentions(folded: str, phrases: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """(position, value) of every phrase in the text, the longest first where they overlap,
    denied ones left out, in the order of the text."""
    padded = f" {folded} "
    taken = [False] * len(padded)
    found = []
    for phrase, value in phrases:
        for match in re.finditer(rf"(?<= ){re.escape(phrase)}(?= )", padded):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            if not _denied(padded[:start], padded[end:]):
                found.append((start, value))
    return sorted(found)


def _find_phrase(folded: str, phrases: list[tuple[str, str]]) -> str | None:
    found = _mentions(folded, phrases)
    return found[-1][1] if found else None


def _from_entities(
    text: str, entities: Sequence[Entity], values: tuple[str, ...], phrases: list[tuple[str, str]]
) -> str | None:
    """The last entity that is, or says, one of `values`, unless the text denies it."""
    for entity in reversed(entities):
        placed = entity.start is not None and entity.end is not None
        if placed and _denied(fold(text[: entity.start]), fold(text[entity.end :])):
            continue
        if entity.value in values:
            return entity.value
        found = _find_phrase(fold(entity.value), phrases)
        if found:
            return found
    return None


def statut_phrases() -> list[str]:
    """Every phrase that states a status (folded)."""
    return sorted({phrase for phrase, _ in _STATUTS})


def read_statut(text: str, entities: Sequence[Entity] = ()) -> str | None:
    """A canonical status from the words of the message (the later wins), else from the NLU."""
    if _DE.search(text):
        return "demandeur_emploi"
    return _find_phrase(_said(text), _STATUTS) or _from_entities(text, entities, STATUTS, _STATUTS)


def read_niveau(text: str, entities: Sequence[Entity] = (), asked: bool = False) -> str | None:
    """A canonical level ("bac+2"…): the highest diploma the message names, or the last one when
    it corrects itself ("bac, enfin non, CAP"); else from the NLU."""
    folded = _said(text)
    phrases = _NIVEAUX_ASKED if asked else _NIVEAUX
    found = [value for _, value in _mentions(folded, phrases)]
    if found:
        return found[-1] if _CORRECTION.search(folded) else max(found, key=NIVEAUX.index)
    return _from_entities(text, entities, NIVEAUX, phrases)


@dataclass(frozen=True)
class Radius:
    """A radius answer: a number of km within bounds, and whether it was capped or defaulted."""

    km: float
    note: str | None = None  # "defaut" | "plafond" | "plancher"


def read_radius(text: str, entities: Sequence[Entity] = (), asked: bool = False) -> Radius | None:
    """The radius in km: "30 km" (the last one said), an NLU entity, a bare number when the
    question was asked, or the default when the person does not mind."""
    said = _RADIUS.findall(text.lower())
    raw = said[-1] if said else None
    if raw is None:
        raw = next((e.value for e in reversed(entities) if re.fullmatch(r"\d{1,4}(?:[.,]\d+)?", e.value.strip())), None)
    if raw is None and asked:
        match = _NUMBER_ONLY.match(text.strip())
        raw = match.group(1) if match and not _POSTCODE.search(text) else None
        if raw is None and _find_phrase(_said(text), _NO_PREFERENCE):
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
    """What the message says about the town: a resolution of the gazetteer, and what was typed.
    A resolution "ok" with alternatives took the only commune of the region among homonyms."""

    typed: str
    resolution: Resolution


# Towns of the region whose names are also common words or first names: found in a sentence
# only through the NLU or when the question was asked.
_TOWN_WORDS = frozenset(
    "albert remy ham rue croix hem avion salome guise erre hermes marle bury mouy anor bachy long".split()
) | {"lens de"}
SCAN_MIN_POPULATION = 1500
SCAN_MAX_WORDS = 5


def scan_town(text: str) -> Commune | None:
    """A town of Hauts-de-France (of some size) written out in a sentence: "DE bac Lens
    H2705 30km", "formation cariste a henin beaumont". Longest names first; a denied town
    ("pas Lens, Liévin") does not count; the last one said wins."""
    folded = fold(text)
    words = folded.split()
    gaz = gazetteer()
    taken = [False] * len(words)
    found: list[tuple[int, Commune]] = []
    for size in range(min(SCAN_MAX_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            name = " ".join(words[start : start + size])
            if len(name) < 3 or name in _TOWN_WORDS or any(taken[start : start + size]):
                continue
            communes = [
                c
                for c in gaz.named_exactly(name)
                if c.region == HAUTS_DE_FRANCE and c.population >= SCAN_MIN_POPULATION
            ]
            if not communes:
                continue
            taken[start : start + size] = [True] * size
            if not _denied(" ".join(words[:start]), " ".join(words[start + size :])):
                found.append((start, communes[0]))
    return max(found, key=lambda item: item[0])[1] if found else None


def read_town(
    text: str, communes: Sequence[str] = (), postcodes: Sequence[str] = (), asked: bool = False
) -> TownAnswer | None:
    """The commune named in the message: a button's "insee:CODE", a town of the region written
    out, an NLU entity, a postal code, or — when the question was asked — the whole answer. Among
    homonyms, the only one in Hauts-de-France is taken. None when nothing is said."""
    gaz = gazetteer()
    for value in communes:
        value = str(value).strip()
        if value.startswith(INSEE_PREFIX):
            commune = gaz.by_insee(value[len(INSEE_PREFIX) :])
            if commune:
                return TownAnswer(commune.nom, Resolution("ok", commune, ()))
    scanned = scan_town(text)
    if scanned:
        # Homonyms are told apart by their département: "Saint-Omer (Calvados)".
        said = f" {fold(text)} "
        namesakes = gaz.named_exactly(scanned.nom)
        chosen = [c for c in namesakes if f" {fold(gaz.departement_nom(c))} " in said or f" {c.departement} " in said]
        if len(chosen) == 1:
            return TownAnswer(chosen[0].nom, Resolution("ok", chosen[0], ()))
        homonyms = tuple(c for c in namesakes if c.insee != scanned.insee)
        return TownAnswer(scanned.nom, Resolution("ok", scanned, homonyms))
    candidates = [str(v) for v in reversed(communes) if str(v).strip()]
    candidates += [str(v) for v in postcodes if str(v).strip()]
    if not candidates:
        candidates += _POSTCODE.findall(text)[-1:]
    if asked and not candidates:
        words = _TOWN_TAIL.sub("", _TOWN_LEAD.sub("", fold(text))).strip()
        if words:
            candidates.append(_as_typed(text, len(words.split())))
    best: TownAnswer | None = None
    for typed in candidates:
        resolution = prefer_region(gaz.resolve(typed))
        if resolution.status == "ambiguous" and _POSTCODE.fullmatch(typed.strip()) and resolution.commune:
            # A postal code shared by several communes: the main one, the others to choose from.
            resolution = Resolution("ok", resolution.commune, resolution.alternatives)
        answer = TownAnswer(typed.strip(), resolution)
        if resolution.status == "ok":
            return answer
        if best is None or (best.resolution.status == "unknown" and resolution.status == "ambiguous"):
            best = answer
    return best


def read_job(text: str, metiers: Sequence[str] = (), asked: bool = False, search: bool = False) -> JobResolution | None:
    """The job (ROME) the message names. The whole message is read first: its longest job
    phrase is more telling than an entity the NLU cut out of it ("technicienne de
    maintenance des batteries" is not any "technicienne de maintenance"). Then the NLU
    entities; a choice between jobs when the question was asked or training is sought.
    None when nothing is said."""
    vocab = vocabulary()
    in_text = vocab.resolve(text)
    if in_text.status == "ok":
        return in_text
    from_entities = [vocab.resolve(str(value)) for value in metiers if not str(value).startswith(INTEREST_PREFIX)]
    for resolution in from_entities:
        if resolution.status == "ok":
            return resolution
    if in_text.status == "ambiguous" and (asked or search or from_entities):
        return in_text
    for resolution in from_entities:
        if resolution.status == "ambiguous":
            return resolution
    if asked and fold(text):
        return in_text  # unknown: the dialogue offers the battery jobs
    return None


def read_interest(metiers: Sequence[str]) -> str | None:
    """What the person likes, from a discovery button ("gout:machines")."""
    return next((v[len(INTEREST_PREFIX) :] for v in metiers if str(v).startswith(INTEREST_PREFIX)), None)


def says_dont_know(text: str) -> bool:
    """ "je ne sais pas", "aucune idée"…"""
    return bool(_mentions(_said(text), _DONT_KNOW))


def names_a_target(text: str) -> bool:
    """Whether the message says which job the person wants ("devenir", "formation de"…), as
    opposed to asking about a job."""
    return bool(_TARGET_CUES.search(_said(text)))


@dataclass(frozen=True)
class Facts:
    """Everything a message says about the person and the search."""

    statut: str | None = None
    niveau: str | None = None
    radius: Radius | None = None
    town: TownAnswer | None = None
    job: JobResolution | None = None
    interest: str | None = None
    dont_know_job: bool = False
    trade: Trade | None = None  # the job the person has or had ("je suis soudeur")
    found: tuple[str, ...] = field(default=())  # the profile slots with a usable new value, in order
    # The search criteria set or dropped, by group (bot.criteria.read_criteria).
    criteria: Change = field(default_factory=dict)

    def any(self) -> bool:
        return bool(
            self.found or self.town or self.job or self.interest or self.dont_know_job or self.trade or self.criteria
        )

    @property
    def complete_request(self) -> bool:
        """A job and a town in one message: the search can start at once."""
        return "metier" in self.found and "commune" in self.found


def read_facts(
    text: str,
    entities: Sequence[Entity],
    asked: str | None = None,
    target: bool = True,
    today: dt.date | None = None,
) -> Facts:
    """What a message says. `asked` is the profile question pending, if any: its answer may be
    a bare word ("30", "Lens", "aucun"), and when nothing else is said, a word that cannot be
    used is reported (unknown town or job). `target`: a job named is the job wanted (not a
    question about a job). Dates are read relative to `today` (by default BOT_TODAY)."""
    by_name: dict[str, list[Entity]] = {}
    for entity in entities:
        by_name.setdefault(entity.name, []).append(entity)

    def values(name: str) -> list[str]:
        return [e.value for e in by_name.get(name, [])]

    # The job the person has or had is not the job they want: "je suis cariste" names a trade.
    mentions = read_job_mentions(text)
    trade = next((m.trade for m in mentions if m.role == ACTUEL), None)
    wanted = {m.trade.rome for m in mentions if m.role == CIBLE}
    statut = read_statut(text, by_name.get("statut", []))
    niveau = read_niveau(text, by_name.get("niveau", []))
    radius = read_radius(text, by_name.get("rayon_km", []))
    town = read_town(text, values("commune"), values("code_postal"))
    job = read_job(text, values("metier"), search=target) if target or asked == "metier" else None
    if (
        job
        and job.metier
        and job.status == "ok"
        and trade
        and job.metier.rome == trade.rome
        and trade.rome not in wanted
    ):
        job = None
    interest = read_interest(values("metier"))
    dont_know = asked == "metier" and says_dont_know(text) and not (job and job.status == "ok")
    if dont_know:
        job = None
    usable = {
        "statut": statut,
        "niveau": niveau,
        "rayon_km": radius,
        "commune": town if town and town.resolution.status == "ok" else None,
        "metier": job if job and job.status == "ok" else None,
    }
    # The pending question, read with its own leniency, when the message did not already answer it.
    if asked in PROFILE_SLOTS and not usable[asked] and not dont_know and not interest:
        something_else = any(usable.values())
        if asked == "niveau":
            niveau = read_niveau(text, by_name.get("niveau", []), asked=True)
            usable["niveau"] = niveau
        elif asked == "rayon_km":
            radius = read_radius(text, by_name.get("rayon_km", []), asked=True)
            usable["rayon_km"] = radius
        elif asked == "commune" and not something_else:
            town = read_town(text, values("commune"), values("code_postal"), asked=True)
            usable["commune"] = town if town and town.resolution.status == "ok" else None
        elif asked == "metier":
            asked_job = read_job(text, values("metier"), asked=True)
            if asked_job and (asked_job.status == "ok" or not something_else):
                job = asked_job
                usable["metier"] = job if job.status == "ok" else None
    if job is not None and job.status != "ok" and any(v for k, v in usable.items() if k != "metier"):
        job = None  # "j'habite à Liévin" answers another question: no "je ne connais pas ce métier"
    return Facts(
        statut=statut,
        niveau=niveau,
        radius=radius,
        town=town,
        job=job,
        interest=interest,
        dont_know_job=dont_know,
        trade=trade,
        found=tuple(slot for slot in PROFILE_SLOTS if usable[slot]),
        criteria=read_criteria(text, today or config.today()),
    )


@dataclass(frozen=True)
class Profile:
    """What the search knows about the person (the slots of the conversation)."""

    statut: str | None = None
    metier: str | None = None
    commune: str | None = None
    rayon_km: float | None = None
    niveau: str | None = None
    trade: str | None = None  # ROME code of the job the person has or had
    complete_request: bool = False  # job and town came together: nothing else is asked first
    school_paths_shown: bool = False  # a pupil has seen the school paths to the job

    @property
    def pupil(self) -> bool:
        return self.statut in PUPILS


def next_question(profile: Profile) -> str | None:
    """The profile question to ask next, or None when the results can be shown.

    The search needs a job and a town. When the assistant leads (the person only said they
    look for a training), it asks the situation first and, before the results, the distance and
    the diploma too; a job and a town given together bring the results at once (30 km unless
    said otherwise). A pupil sees the school paths to the job before anything else is asked."""
    if profile.statut is None and profile.metier is None and profile.commune is None and profile.trade is None:
        return "statut"
    if profile.metier is None:
        return "metier"
    if profile.pupil and not profile.school_paths_shown:
        return None
    if profile.commune is None:
        return "commune"
    if profile.complete_request:
        return None
    if profile.rayon_km is None:
        return "rayon_km"
    if profile.niveau is None and not profile.pupil:
        return "niveau"
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
