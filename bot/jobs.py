"""The job vocabulary: the ROME sheets of data/reference/metiers.yml and a resolver that turns
what people type ("H2705", "technicienne qualite", "maintenence batteries") into one of them."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from bot.config import REFERENCE_DIR
from bot.contract import NIVEAUX
from bot.text import fold

METIERS_PATH = REFERENCE_DIR / "metiers.yml"

# French function words, ignored in typed text and in `mots` alike:
# "technicien de maintenance" = "technicien maintenance".
FUNCTION_WORDS = frozenset(
    "a au aux avec c ca ce ces cet cette chez d dans de des du en et il ils elle elles j je l la le"
    " les leur leurs lui m ma me mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa"
    " se ses son sous sur t ta te tes toi ton tu un une vos votre vous y".split()
)
# Chat words that never name a job ("je cherche un poste de…"); no `mots` phrase may use them.
FILLER_WORDS = frozenset(
    "ai aime aimerais alors alternance apprentissage as aussi autre avez avoir avons bcp besoin"
    " bien bjr bonjour bosse bosser boulot car cc cdd cdi cherche chercher chomeur chomeuse chui"
    " collegien collegienne combien comment conseiller conseillere deja demandeur demandeuse"
    " devenir domaine donc ds emploi entreprise envie es est etre etudiant etudiante faire fais"
    " fait faut formation g genre hello idee info information inscrit inscrite interesse"
    " interessee interim jai job jsui jsuis jveu jveux ke kel kelle ki koi lyceen lyceenne mais"
    " merci metier non ok okay oui peut peux plus plutot poste pourrais pr quand quel quelle"
    " quelles quels recherche renseignement salarie salariee salut secteur session slt societe"
    " sont souhaite souhaiterais stage stp suis svp taf travail travaille travailler tres trouver"
    " usine veu veut veux voudrais voudrait vx".split()
)
# Short forms typed for a whole word.
SHORT_FORMS = {
    "batt": "batterie",
    "inge": "ingenieur",
    "ing": "ingenieur",
    "maint": "maintenance",
    "ope": "operateur",
    "prod": "production",
    "resp": "responsable",
    "respo": "responsable",
    "tech": "technicien",
    "techn": "technicien",
}
IGNORED_WORDS = FUNCTION_WORDS | FILLER_WORDS
_CODE = re.compile(r"\b([a-n]) ?(\d{4})\b")
_ROME = re.compile(r"^[A-N]\d{4}$")
_FORMACODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Formacode:
    """A descriptor of the Formacode thesaurus (Centre Inffo): its code and its label."""

    code: str
    libelle: str


@dataclass(frozen=True)
class Metier:
    """One ROME sheet, with the words people use for it."""

    rome: str
    libelle: str
    libelle_f: str
    libelle_m: str
    description: str
    niveaux: tuple[str, ...]
    mots: tuple[str, ...]
    batterie: bool
    parent: str | None
    # Formacode descriptors of trainings towards this job (a formation without any code-ROME
    # matches the job by one of them), and where the choice comes from.
    formacodes: tuple[Formacode, ...] = ()
    formacodes_source: str | None = None

    @property
    def titre(self) -> str:
        """Both genders in one title: "technicien / technicienne de maintenance", or "cariste"."""
        return both_genders(self.libelle_m, self.libelle_f)

    @property
    def accroche(self) -> str:
        """The job in one line: the first sentence of its description."""
        return re.split(r"(?<=[.!?])\s", self.description, maxsplit=1)[0]

    @property
    def heading(self) -> str:
        """The title at the start of a sentence or on a button: "Technicien / technicienne…"."""
        return self.titre[0].upper() + self.titre[1:]


@dataclass(frozen=True)
class JobResolution:
    """What `Vocabulary.resolve` understood: one job, a choice between several, or nothing."""

    status: str  # "ok" | "ambiguous" | "unknown"
    metier: Metier | None
    alternatives: tuple[Metier, ...]


def both_genders(masculine: str, feminine: str) -> str:
    """One title for both genders, the shared words written once: "technicien / technicienne de
    maintenance", or "cariste" when both are the same."""
    if masculine == feminine:
        return masculine
    m, f = masculine.split(), feminine.split()
    shortest = min(len(m), len(f))
    head = 0
    while head < shortest - 1 and m[head] == f[head]:
        head += 1
    tail = 0
    while tail < shortest - head - 1 and m[-1 - tail] == f[-1 - tail]:
        tail += 1
    middle = " ".join(m[head : len(m) - tail]) + " / " + " ".join(f[head : len(f) - tail])
    return " ".join([*m[:head], middle, *m[len(m) - tail :]])


def word_key(word: str, ignored: frozenset[str] = IGNORED_WORDS) -> str | None:
    """One folded word as the resolvers compare it: short form expanded, plural "s" dropped;
    None for a word in `ignored`."""
    word = SHORT_FORMS.get(word, word)
    if word in ignored:
        return None
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def words(text: str) -> tuple[str, ...]:
    """The meaningful words of a text, folded, short forms expanded, plural "s" dropped."""
    return tuple(key for key in map(word_key, fold(text).split()) if key is not None)


def _typo_budget(word: str) -> int:
    """How many edits a typed word may be away from a known word."""
    if len(word) < 5 or any(ch.isdigit() for ch in word):
        return 0
    return 1 if len(word) < 10 else 2


class TypoCorrector:
    """Replaces a typed word by the nearest known word when it is unknown and close enough. On a
    tie, a missing or extra letter beats a wrong one ("monage" -> "montage", not "menage"), then
    the word found in more phrases wins ("ouvier" -> "ouvrier", not "bouvier")."""

    def __init__(self, known: Iterable[str]):
        """`known`: the words of every phrase, repeated as often as they occur."""
        self._uses = Counter(known)
        self._known = sorted(self._uses)
        self._known_set = frozenset(self._known)

    def __contains__(self, word: str) -> bool:
        return word in self._known_set

    def __call__(self, word: str) -> str:
        budget = _typo_budget(word)
        if budget and word not in self._known_set:
            matches = process.extract(word, self._known, scorer=Levenshtein.distance, score_cutoff=budget, limit=None)
            if matches:
                return min(matches, key=lambda m: (m[1], Indel.distance(word, m[0]), -self._uses[m[0]], m[0]))[0]
        return word


class Vocabulary:
    """The jobs of the reference file, looked up by ROME code or by free text."""

    def __init__(self, metiers: list[Metier]):
        self._metiers = sorted(metiers, key=lambda m: (not m.batterie, m.rome))
        self._by_rome = {m.rome: m for m in self._metiers}
        # (phrase words joined by spaces, number of words, ROME code), longest phrases first.
        phrases = set()
        for metier in self._metiers:
            for phrase in (*metier.mots, metier.libelle_f, metier.libelle_m):
                key = words(phrase)
                if not key:
                    raise ValueError(f"{metier.rome} : « {phrase} » ne contient aucun mot utile")
                phrases.add((" ".join(key), len(key), metier.rome))
        self._phrases = sorted(phrases, key=lambda p: (-p[1], p[0], p[2]))
        owners = Counter(phrase for phrase, _, _ in self._phrases)
        self._shared = frozenset(phrase for phrase, count in owners.items() if count > 1)
        # First words of the everyday titles: "technicien", "ingenieur", "chef"…
        self._title_heads = frozenset(words(title)[0] for m in self._metiers for title in (m.libelle_m, m.libelle_f))
        self._known = TypoCorrector(w for phrase, _, _ in self._phrases for w in phrase.split())

    @classmethod
    def from_yaml(cls, path: Path) -> Vocabulary:
        """Read and check a metiers.yml file."""
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))["metiers"]
        metiers = [_metier(entry, path) for entry in entries]
        codes = [m.rome for m in metiers]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"{path} : codes ROME en double : {', '.join(duplicates)}")
        return cls(metiers)

    def by_rome(self, code: str) -> Metier | None:
        """The job of a ROME code, whatever its case or spaces ("h2705", "H 2705")."""
        return self._by_rome.get(re.sub(r"\s+", "", code or "").upper())

    def all(self) -> list[Metier]:
        """Every job: battery-specific ones first, then by code."""
        return list(self._metiers)

    def battery(self) -> list[Metier]:
        """The battery-specific jobs, by code."""
        return [m for m in self._metiers if m.batterie]

    def resolve(self, text: str) -> JobResolution:
        """The job meant by `text`: a ROME code anywhere in it wins; otherwise, typos fixed, the
        job whose phrase is the longest found in the text (a phrase of one job beats one shared
        by several; then the job covering the most words wins), or failing that the jobs with a
        phrase starting with the known words typed ("technicien"). Several equally good jobs
        give "ambiguous", none "unknown"."""
        codes = [self._by_rome.get(f"{letter}{digits}".upper()) for letter, digits in _CODE.findall(fold(text))]
        if any(codes):
            return self._result(list(dict.fromkeys(m for m in codes if m)))
        typed = self._correct(words(text))
        return self._result(self._best_phrases(typed) or self._phrase_starts(typed))

    def _best_phrases(self, typed: tuple[str, ...]) -> list[Metier]:
        """Jobs whose best phrase found in the typed words is longest and least shared, then
        whose phrases cover the most typed words."""
        text = f" {' '.join(typed)} "
        strongest: dict[str, tuple[int, bool]] = {}
        covered: dict[str, set[int]] = {}
        for phrase, size, rome in self._phrases:
            if f" {phrase} " not in text:
                continue
            strength = (size, phrase not in self._shared)
            strongest[rome] = max(strongest.get(rome, (0, False)), strength)
            target = tuple(phrase.split())
            for start in range(len(typed) - size + 1):
                if typed[start : start + size] == target:
                    covered.setdefault(rome, set()).update(range(start, start + size))
        score = {rome: (*strongest[rome], len(covered[rome])) for rome in strongest}
        best = max(score.values(), default=None)
        return [self._by_rome[rome] for rome in score if score[rome] == best]

    def _correct(self, typed: tuple[str, ...]) -> tuple[str, ...]:
        """The typed words with each unknown word replaced by the nearest known one, if close."""
        return tuple(map(self._known, typed))

    def _phrase_starts(self, typed: tuple[str, ...]) -> list[Metier]:
        """Jobs with a phrase that starts with the known typed words, when these start like a
        job title ("technicien", "chef", but not "seconde")."""
        known = [w for w in typed if w in self._known]
        if not known or known[0] not in self._title_heads:
            return []
        start = " ".join(known) + " "
        return list(
            dict.fromkeys(self._by_rome[rome] for phrase, _, rome in self._phrases if f"{phrase} ".startswith(start))
        )

    def _result(self, found: list[Metier]) -> JobResolution:
        """ok for one job, ambiguous (alternatives in `all()` order) for several, else unknown."""
        if not found:
            return JobResolution("unknown", None, ())
        if len(found) == 1:
            return JobResolution("ok", found[0], ())
        return JobResolution("ambiguous", None, tuple(m for m in self._metiers if m in found))


def _metier(entry: dict, path: Path) -> Metier:
    """One checked entry of metiers.yml."""
    rome = str(entry.get("rome", ""))
    where = f"{path} : {rome or '(code manquant)'}"
    if not _ROME.match(rome):
        raise ValueError(f"{where} : code ROME invalide")
    missing = [k for k in ("libelle", "libelle_f", "libelle_m", "description", "niveaux", "mots") if not entry.get(k)]
    if missing:
        raise ValueError(f"{where} : champ(s) manquant(s) : {', '.join(missing)}")
    wrong = [n for n in entry["niveaux"] if n not in NIVEAUX]
    if wrong:
        raise ValueError(f"{where} : niveau(x) inconnu(s) : {', '.join(map(str, wrong))}")
    parent = entry.get("parent")
    if parent is not None and not _ROME.match(str(parent)):
        raise ValueError(f"{where} : parent invalide « {parent} »")
    formacodes = tuple(
        Formacode(str(f.get("code", "")), str(f.get("libelle", ""))) for f in entry.get("formacodes") or []
    )
    wrong = [f.code for f in formacodes if not _FORMACODE.match(f.code) or not f.libelle]
    if wrong:
        raise ValueError(f"{where} : Formacode(s) invalide(s) ou sans libellé : {', '.join(wrong)}")
    if formacodes and not entry.get("formacodes_source"):
        raise ValueError(f"{where} : formacodes sans formacodes_source")
    return Metier(
        rome=rome,
        libelle=str(entry["libelle"]),
        libelle_f=str(entry["libelle_f"]),
        libelle_m=str(entry["libelle_m"]),
        description=" ".join(str(entry["description"]).split()),
        niveaux=tuple(entry["niveaux"]),
        mots=tuple(str(m) for m in entry["mots"]),
        batterie=bool(entry.get("batterie", False)),
        parent=str(parent) if parent is not None else None,
        formacodes=formacodes,
        formacodes_source=" ".join(str(entry["formacodes_source"]).split()) if formacodes else None,
    )


@functools.cache
def vocabulary() -> Vocabulary:
    """The project's job vocabulary, read once from data/reference/metiers.yml."""
    return Vocabulary.from_yaml(METIERS_PATH)
