"""Career changers: the job a person has or had, read from a whole message ("soudeur depuis 10
ans", "j'étais aide-soignante", "je bossais chez Stellantis sur la ligne"), told apart from the
job they want ("je veux devenir cariste"), and the battery jobs closest to it, with the reason.

The jobs, their words and their links come from data/reference/reconversions.yml (built by
scripts/build_reconversions.py from ROME 4.0 open data). Words are compared as bot/jobs.py
compares them (bot.text.fold, bot.jobs.word_key, typo correction by bot.jobs.TypoCorrector).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import REFERENCE_DIR
from bot.jobs import IGNORED_WORDS, Metier, TypoCorrector, both_genders, vocabulary, word_key
from bot.text import fold

RECONVERSIONS_PATH = REFERENCE_DIR / "reconversions.yml"
ACTUEL = "actuel"  # the job the person has or had
CIBLE = "cible"  # the job the person wants
NEGATION = "negation"  # "je ne suis pas soudeur": neither
SAME_SHEET = "même fiche ROME"

# The words of bot.jobs that never name a job, except "usine" and "interim", which are part of
# current jobs ("ouvrier d'usine", "intérimaire en usine").
_IGNORED = IGNORED_WORDS - {"usine", "interim"}

# What, before a job, says whose job it is (folded words). The last cue before the job wins:
# "je suis cariste et je veux devenir soudeur" -> cariste is the current job, soudeur the target.
_CUES = {
    ACTUEL: (
        "suis, sui, jsuis, jsui, chui, chuis, etais, jetais, etait, ete, bosse, jbosse, bossais, jbossais,"
        " bossait, travaille, jtravaille, travaillais, jtravaillais, travaillait, taffe, taff, jtaffe, taffais,"
        " fais, faisais, fait, ancien, ancienne, anciennement, ex, actuellement, mon metier, mon job, mon poste,"
        " mon boulot, mon travail, ans, annees, experience, rester, quitter, quitte, suis plus, veux plus,"
        " voudrais plus, veut plus, veux plus etre, voudrais plus etre, veut plus etre, veux plus faire"
    ),
    CIBLE: (
        "devenir, deviendrai, etre, futur, future, veux, veut, veu, jveux, jveu, voudrais, voudrai, jvoudrais,"
        " aimerais, aimerai, jaimerais, souhaite, souhaiterais, envie, interesse, interessee, interesserait,"
        " attire, tente, plairait, formation, former, reconvertir, orienter, apprendre, passer, cherche,"
        " recherche, chercher, postuler, prepare, preparer, vise, objectif, projet, en cap, en bac, en bts,"
        " en apprentissage, en alternance"
    ),
    NEGATION: (
        "suis pas, etais pas, fais pas, suis jamais, veux pas, voudrais pas, veut pas, veux pas etre,"
        " voudrais pas etre, veut pas etre"
    ),
}
_CUE = {tuple(cue.split()): role for role, cues in _CUES.items() for cue in cues.split(", ")}
_CUE_LENGTH = max(map(len, _CUE))
# After a job with no cue before it: "soudeur depuis 10 ans", "électricien de formation".
_AFTER = {("depuis",), ("pendant",), ("ans",), ("annees",), ("experience",), ("de", "metier"), ("de", "formation")}
_AFTER_SPAN = 6  # words looked at after the job
# "Opérateur(trice)", "polyvalent(e)": the feminine endings of ROME's short appellations.
_ENDING = re.compile(r"(\w+)\((e|ne|le|fe|se|euse|trice|ère)\)")
# libyaml's safe loader when PyYAML has it: the table is read ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Passerelle:
    """A battery job close to a current job, why, and which ROME data says so."""

    rome: str
    raison: str
    mobilite_rome: int | None  # rank in the current job's ROME mobilities
    communs: tuple[str, ...]  # shared ROME items, "code label"
    same_sheet: bool  # the current job is itself a battery job


@dataclass(frozen=True)
class Trade:
    """A current (or former) job and the battery jobs closest to it, best first."""

    rome: str
    libelle: str
    secteur: str
    libelle_m: str
    libelle_f: str
    mots: tuple[str, ...]
    appellations: tuple[str, ...]
    proches: tuple[Passerelle, ...]

    @property
    def titre(self) -> str:
        """Both genders in one title: "soudeur / soudeuse"."""
        return both_genders(self.libelle_m, self.libelle_f)


@dataclass(frozen=True)
class Mention:
    """A job named in a message: whose job it is (ACTUEL, CIBLE, NEGATION, or None without a
    cue)."""

    trade: Trade
    role: str | None


def phrase_key(text: str) -> tuple[str, ...]:
    """The words of a phrase as this module compares them."""
    return tuple(key for key in (word_key(word, _IGNORED) for word in fold(text).split()) if key)


def appellation_forms(label: str) -> tuple[str, ...]:
    """The masculine and feminine forms of a ROME appellation: "Agent / Agente de quai" ->
    ("Agent de quai", "Agente de quai"); "Opérateur(trice) polyvalent(e)" -> ("Opérateur
    polyvalent", "Opératrice polyvalente")."""
    forms: tuple[str, ...]
    if " / " in label:
        left, right = label.split(" / ", 1)
        size = len(left.split())
        words = right.split()
        forms = (" ".join([*left.split(), *words[size:]]), " ".join(words))
    else:
        forms = (label,)
    out = []
    for form in forms:
        out.append(_ENDING.sub(lambda m: m.group(1), form))
        out.append(_ENDING.sub(lambda m: _feminine(m.group(1), m.group(2)), form))
    return tuple(dict.fromkeys(out))


def _feminine(word: str, ending: str) -> str:
    if ending == "euse" and word.endswith("eur"):
        return word[:-3] + ending
    if ending == "se" and word.endswith("eur"):
        return word[:-1] + ending
    if ending == "trice" and word.endswith("teur"):
        return word[:-4] + ending
    if ending == "ère" and word.endswith("er"):
        return word[:-2] + ending
    return word + ending


class Reconversions:
    """The current jobs of the table, and the reader of messages that name them."""

    def __init__(self, trades: list[Trade], where: str):
        self._trades = list(trades)
        self._by_rome = {t.rome: t for t in self._trades}
        # phrase -> job code. A job's own words win over another job's ROME appellation; an
        # appellation of two jobs names neither.
        owners: dict[tuple[str, ...], set[str]] = {}
        own: dict[tuple[str, ...], str] = {}
        for trade in self._trades:
            for phrase in (*trade.mots, trade.libelle_m, trade.libelle_f):
                key = phrase_key(phrase)
                if not key:
                    raise ValueError(f"{where} : {trade.rome} : « {phrase} » ne contient aucun mot utile")
                if own.get(key, trade.rome) != trade.rome:
                    raise ValueError(f"{where} : « {phrase} » est un mot de {own[key]} et de {trade.rome}")
                own[key] = trade.rome
            for label in trade.appellations:
                for form in appellation_forms(label):
                    owners.setdefault(phrase_key(form), set()).add(trade.rome)
        phrases = {key: next(iter(codes)) for key, codes in owners.items() if len(codes) == 1 and key}
        phrases |= own
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, code in sorted(phrases.items(), key=lambda item: (-len(item[0]), item[0])):
            self._phrases.setdefault(key[0], []).append((key, code))
        self._known = TypoCorrector(word for key in phrases for word in key)

    @classmethod
    def from_text(cls, text: str, where: str) -> Reconversions:
        """Read and check the table."""
        try:
            data = yaml.load(text, Loader=_YAML_LOADER)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f" (ligne {mark.line + 1})" if mark else ""
            raise ValueError(f"{where} : YAML illisible{line}") from None
        entries = data.get("metiers") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not entries:
            raise ValueError(f"{where} : clé « metiers » absente ou vide")
        trades = [_trade(entry, where) for entry in entries]
        codes = [t.rome for t in trades]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"{where} : codes ROME en double : {', '.join(twice)}")
        return cls(trades, where)

    @classmethod
    def from_yaml(cls, path: Path) -> Reconversions:
        return cls.from_text(path.read_text(encoding="utf-8"), str(path))

    def all(self) -> list[Trade]:
        return list(self._trades)

    def by_rome(self, code: str) -> Trade | None:
        return self._by_rome.get(re.sub(r"\s+", "", code or "").upper())

    def mentions(self, text: str) -> list[Mention]:
        """The jobs named in a message, in order, each with whose job it is."""
        tokens = fold(text).split()
        # (index in tokens, corrected word) for each word that may belong to a job's name
        typed = [(i, self._known(key)) for i, key in ((i, word_key(t, _IGNORED)) for i, t in enumerate(tokens)) if key]
        keys = tuple(key for _, key in typed)
        found = []
        position = 0
        while position < len(keys):
            match = self._match(keys, position)
            if match is None:
                position += 1
                continue
            size, code = match
            start, end = typed[position][0], typed[position + size - 1][0] + 1
            found.append(Mention(self._by_rome[code], _role(tokens, start, end)))
            position += size
        return found

    def _match(self, keys: tuple[str, ...], position: int) -> tuple[int, str] | None:
        """The longest phrase at keys[position:]: (its length, its job), or None."""
        for phrase, code in self._phrases.get(keys[position], ()):
            if keys[position : position + len(phrase)] == phrase:
                return len(phrase), code
        return None


def _role(tokens: list[str], start: int, end: int) -> str | None:
    """Whose job the words tokens[start:end] name: the last cue before them, else a cue just
    after them ("soudeur depuis 10 ans")."""
    role, position = None, 0
    while position < start:
        for size in range(min(_CUE_LENGTH, start - position), 0, -1):
            cue = tuple(tokens[position : position + size])
            if cue in _CUE:
                role = _CUE[cue]
                position += size
                break
        else:
            position += 1
    if role:
        return role
    after = tokens[end : end + _AFTER_SPAN]
    if any(tuple(after[i : i + len(cue)]) == cue for cue in _AFTER for i in range(len(after))):
        return ACTUEL
    return None


def _trade(entry: object, where: str) -> Trade:
    """One checked entry of the table."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where} : chaque métier doit être un dictionnaire")
    rome = str(entry.get("rome", ""))
    here = f"{where} : {rome or '(code manquant)'}"
    if not re.fullmatch(r"[A-N]\d{4}", rome):
        raise ValueError(f"{here} : code ROME invalide")
    missing = [k for k in ("libelle", "secteur", "libelle_m", "libelle_f", "mots", "proches") if not entry.get(k)]
    if missing:
        raise ValueError(f"{here} : champ(s) manquant(s) : {', '.join(missing)}")
    if not isinstance(entry["mots"], list) or not isinstance(entry.get("appellations", []), list):
        raise ValueError(f"{here} : « mots » et « appellations » doivent être des listes")
    proches = tuple(_passerelle(p, rome, here) for p in entry["proches"])
    if not 2 <= len(proches) <= 3:
        raise ValueError(f"{here} : il faut 2 ou 3 métiers proches, pas {len(proches)}")
    return Trade(
        rome=rome,
        libelle=str(entry["libelle"]),
        secteur=str(entry["secteur"]),
        libelle_m=str(entry["libelle_m"]),
        libelle_f=str(entry["libelle_f"]),
        mots=tuple(str(m) for m in entry["mots"]),
        appellations=tuple(str(a) for a in entry.get("appellations") or ()),
        proches=proches,
    )


def _passerelle(entry: object, trade: str, here: str) -> Passerelle:
    """One checked link: a job of metiers.yml, a reason, and its source."""
    if not isinstance(entry, dict):
        raise ValueError(f"{here} : chaque métier proche doit être un dictionnaire")
    rome = str(entry.get("rome", ""))
    metier = vocabulary().by_rome(rome)
    if metier is None or metier.rome != rome:
        raise ValueError(f"{here} : métier proche « {rome} » absent de metiers.yml")
    raison = str(entry.get("raison") or "").strip()
    if not raison:
        raise ValueError(f"{here} → {rome} : raison manquante")
    rank = entry.get("mobilite_rome")
    if rank is not None and (not isinstance(rank, int) or rank < 1):
        raise ValueError(f"{here} → {rome} : mobilite_rome invalide « {rank} »")
    communs = tuple(str(c) for c in entry.get("communs") or ())
    same_sheet = entry.get("source") == SAME_SHEET
    if same_sheet != (rome == trade):
        raise ValueError(f"{here} → {rome} : « source: {SAME_SHEET} » seulement pour le même code")
    if rank is None and not communs and not same_sheet:
        raise ValueError(f"{here} → {rome} : aucune source (mobilite_rome, communs ou source)")
    return Passerelle(rome, raison, rank, communs, same_sheet)


@functools.cache
def reconversions() -> Reconversions:
    """The project's table, read once from data/reference/reconversions.yml."""
    return Reconversions.from_yaml(RECONVERSIONS_PATH)


def read_job_mentions(text: str) -> list[Mention]:
    """The jobs of the table named in a message, in order, each with whose job it is:
    "je suis cariste et je veux devenir soudeur" -> [cariste (actuel), soudeur (cible)]."""
    return reconversions().mentions(text)


def read_current_job(text: str, asked: bool = False) -> Trade | None:
    """The job the person has or had, named in the message with a cue ("je suis", "j'étais",
    "ancien", "depuis 10 ans"…), or named alone when the question was their current job."""
    for mention in read_job_mentions(text):
        if mention.role == ACTUEL or (asked and mention.role is None):
            return mention.trade
    return None


def closest_battery_jobs(trade: Trade) -> list[tuple[Metier, str]]:
    """The battery jobs closest to a current job, best first, each with its reason."""
    jobs = vocabulary()
    return [(job, p.raison) for p in trade.proches if (job := jobs.by_rome(p.rome))]  # all known (checked on load)
