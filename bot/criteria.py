"""The criteria people search with beyond job, town and radius: start window, alternance,
teaching mode, length, funding, working time, access for disabled people.

One value (Criteria) for the chat, the counselor page and the command line; the search applies
it in SQL (bot/catalog/search.py) by the rules of docs/contrat.md (« Critères de recherche »).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import dateparser
import yaml

from bot.config import REFERENCE_DIR
from bot.contract import STATUTS
from bot.text import fold, unsms

FINANCEURS_PATH = REFERENCE_DIR / "financeurs.yml"
MODALITES = ("presentiel", "mixte", "distanciel")
TEMPS = ("plein", "partiel", "soir")
# The order in which criteria are shown, relaxed and offered.
NAMES = (
    "debut_apres",
    "debut_avant",
    "alternance",
    "modalite",
    "heures_max",
    "finance_pour",
    "financeur",
    "temps",
    "handicap",
)


# Criteria people name, set and drop together ("peu importe la date" drops both bounds).
GROUPS = {
    "date": ("debut_apres", "debut_avant"),
    "alternance": ("alternance",),
    "modalite": ("modalite",),
    "duree": ("heures_max",),
    "financement": ("finance_pour", "financeur"),
    "temps": ("temps",),
    "handicap": ("handicap",),
}


@dataclass(frozen=True)
class Financeur:
    code: str
    libelle: str
    pour: tuple[str, ...]  # statuts


@functools.cache
def financeurs(path: Path = FINANCEURS_PATH) -> dict[str, Financeur]:
    """The LHEO funder codes and whom each pays for (data/reference/financeurs.yml)."""
    with path.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)["financeurs"]
    found = {}
    for entry in entries:
        unknown = set(entry["pour"]) - set(STATUTS)
        if unknown:
            raise ValueError(f"{path.name} : code {entry['code']} : statut inconnu {', '.join(sorted(unknown))}")
        found[str(entry["code"])] = Financeur(str(entry["code"]), entry["libelle"], tuple(entry["pour"]))
    return found


def funder_codes(statut: str) -> list[str]:
    """The funder codes that pay for people of `statut`, in code order."""
    return sorted((f.code for f in financeurs().values() if statut in f.pour), key=int)


def slot_value(value: object) -> object:
    """A criterion as a slot holds it: a date as YYYY-MM-DD, anything else as it is."""
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass(frozen=True)
class Criteria:
    """What a search is restricted to; None: no restriction. debut_apres and debut_avant are
    inclusive days; alternance and handicap are True or None."""

    debut_apres: dt.date | None = None
    debut_avant: dt.date | None = None
    alternance: bool | None = None
    modalite: str | None = None  # presentiel | mixte | distanciel
    heures_max: int | None = None
    finance_pour: str | None = None  # a statut
    financeur: str | None = None  # an LHEO funder code
    temps: str | None = None  # plein | partiel | soir
    handicap: bool | None = None

    def __post_init__(self) -> None:
        if self.modalite is not None and self.modalite not in MODALITES:
            raise ValueError(f"modalité inconnue « {self.modalite} »")
        if self.temps is not None and self.temps not in TEMPS:
            raise ValueError(f"rythme inconnu « {self.temps} »")
        if self.finance_pour is not None and self.finance_pour not in STATUTS:
            raise ValueError(f"statut inconnu « {self.finance_pour} »")
        if self.financeur is not None and self.financeur not in financeurs():
            raise ValueError(f"code financeur inconnu « {self.financeur} »")
        if self.heures_max is not None and self.heures_max < 1:
            raise ValueError(f"durée maximale invalide « {self.heures_max} »")

    def active(self) -> list[str]:
        """The names of the criteria set, in NAMES order."""
        return [name for name in NAMES if getattr(self, name) is not None]

    def without(self, *names: str) -> Criteria:
        return replace(self, **dict.fromkeys(names))

    def groups(self) -> list[str]:
        """The groups (GROUPS) of the criteria set, in GROUPS order."""
        active = set(self.active())
        return [group for group, names in GROUPS.items() if active & set(names)]

    def without_group(self, group: str) -> Criteria:
        return self.without(*GROUPS[group])

    def __bool__(self) -> bool:
        return bool(self.active())

    def as_slots(self) -> dict[str, object]:
        """Every criterion as a slot value: dates as YYYY-MM-DD, None when not set."""
        return {f.name: slot_value(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_slots(cls, values: dict[str, object]) -> Criteria:
        """The criteria of slot values (as as_slots writes them); unreadable values are dropped."""
        found: dict[str, Any] = {}
        for name in NAMES:
            value: Any = values.get(name)
            if value in (None, ""):
                continue
            try:
                if name.startswith("debut_"):
                    value = dt.date.fromisoformat(str(value))
                elif name == "heures_max":
                    value = int(float(str(value)))
                elif name in ("alternance", "handicap"):
                    value = True if value in (True, "true", "True") else None
                else:
                    value = str(value)
                cls(**{name: value})  # checks the value
            except ValueError:
                continue
            found[name] = value
        return cls(**found)


# -- criteria read from what people say -----------------------------------------------------------
#
# The rules below read folded text (bot.text.fold: lower case, no accents, no punctuation). Each
# change is a group of criteria (GROUPS) and its new values, None to drop a criterion; a later
# mention in the message wins over an earlier one.

Change = dict[str, dict[str, Any]]  # group -> {criterion: value or None}

MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
# Seasons (astronomical, as people mean them): first month and day, last month and day.
SEASONS = {
    "printemps": ((3, 20), (6, 20)),
    "ete": ((6, 21), (9, 22)),
    "automne": ((9, 23), (12, 20)),
    "hiver": ((12, 21), (3, 19)),
}
NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
}  # fmt: skip
SOON_DAYS = 30  # "le plus tôt possible": sessions starting within a month
HOURS_PER_DAY, HOURS_PER_WEEK = 7, 35
HOURS_PER_MONTH = HOURS_PER_WEEK * 52 / 12  # 151.67 hours

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMBER = r"\d+|" + "|".join(NUMBER_WORDS)
_ANCHORS = re.compile(
    "|".join(
        (
            rf"(?P<day>\b(?:1er|\d{{1,2}}) (?P<day_month>{_MONTH})(?: (?P<day_year>20\d\d))?\b)",
            rf"(?P<relative>\b(?:dans|d ici) (?P<rel_n>{_NUMBER}) (?P<rel_unit>jours?|semaines?|mois|ans?|annees?)\b)",
            rf"(?P<month>\b(?:(?P<part>debut|mi|fin|courant) (?:de |d )?)?(?P<month_name>{_MONTH})"
            r"(?: (?P<month_year>20\d\d))?(?: prochain)?\b)",
            r"(?P<season>\b(?:l|cet|en|cette|le|au|d) (?P<season_name>ete|automne|hiver|printemps)(?: prochain)?\b)",
            r"(?P<rentree>\brentree(?: (?P<rentree_year>20\d\d))?\b)",
            r"(?P<noel>\bnoel\b)",
            r"(?P<year_end>\bfin (?:de l |d )annee\b)",
            r"(?P<next_year>\b(?:l annee prochaine|l an prochain)\b)",
            r"(?P<next_month>\bmois prochain\b)",
            r"(?P<next_week>\bsemaine prochaine\b)",
        )
    )
)
_AFTER_OPS = (
    r"a partir de|a partir du|a partir d|a compter de|a compter du|des|pas avant|au plus tot|libre|dispo|disponible"
)
_OPERATOR = re.compile(
    rf"\b(?:(?P<from>{_AFTER_OPS})|(?P<after>apres)|(?P<by>au plus tard|d ici|d ici a|jusqu a|jusqu en|jusqu au)"
    r"|(?P<before>avant|pas apres)|(?P<between>entre)|(?P<and>et))"
    r"(?: (?:le|la|l|les|de|du|d|en|a|au|mi|fin|debut))*\s*$"
)
_SOON = re.compile(
    r"\b(?:le plus tot possible|au plus tot|au plus vite|le plus vite possible|des que possible|asap|tout de suite"
    r"|immediatement|rapidement|des maintenant)\b"
)

# Setting phrases: (group, criterion, value, pattern).
_SETTINGS = [
    ("alternance", "alternance", True, r"alternance|en alternant|contrat d apprentissage"
     r"|contrat de professionnalisation|contrat pro|en apprentissage|apprentissage"),
    ("modalite", "modalite", "mixte", r"mixte|hybride|en partie a distance|moitie a distance"),
    ("modalite", "modalite", "distanciel", r"a distance|en ligne|distanciel|depuis chez moi|de chez moi|en visio"
     r"|e learning|elearning|en teletravail"),
    ("modalite", "modalite", "presentiel", r"en presentiel|presentiel|sur place|en salle|en centre"),
    ("temps", "temps", "soir", r"le soir|en soiree|cours du soir|les soirs|apres le travail|apres mon travail"
     r"|apres le boulot|apres mon boulot"),
    ("temps", "temps", "partiel", r"a temps partiel|temps partiel|a mi temps|mi temps"),
    ("temps", "temps", "plein", r"a temps plein|temps plein|a plein temps|temps complet"),
    ("handicap", "handicap", True, r"accessible aux personnes handicapees|personnes handicapees|handicape|handicapee"
     r"|en situation de handicap|handicap|rqth|fauteuil roulant|pmr"),
]  # fmt: skip
_FUNDERS = [
    ("2", r"la region|region hauts de france|conseil regional"),
    ("4", r"france travail|pole emploi"),
    ("5", r"mon entreprise|mon employeur|l entreprise|mon patron"),
    ("16", r"opco|mon opco"),
    ("3", r"fse|fonds social europeen"),
]
_PAID = r"(?:payee?s?|financee?s?|prise?s? en charge|remboursee?s?|paye|finance) (?:par|avec) "
_FUNDED_FOR = {
    "demandeur_emploi": r"demandeurs? d emploi|chomeurs?|personnes sans emploi",
    "salarie": r"salaries?",
    "lyceen": r"lyceens?",
    "collegien": r"collegiens?",
    "etudiant": r"etudiants?",
}
_FOR = r"(?:payee?s?|financee?s?|prise?s? en charge|gratuite?s?) pour (?:les |des )?"
_DURATION = re.compile(
    r"\b(?:pas plus de|pas plus d|moins de|moins d|maximum|max|au maximum|au max|au plus|pas au dela de"
    r"|qui dure moins de"
    r"|qui ne dure pas plus de|d au plus|de moins de|n excedant pas|inferieure? a|limitee? a|courte de)"
    rf" (?P<n>{_NUMBER}) (?P<unit>heures?|h|jours?|semaines?|mois)\b"
)
# Dropping a group: "peu importe la date", "pas forcément en alternance", "alternance ou pas".
_DROP_LEAD = (
    r"peu importe|n importe|pas forcement|pas obligatoirement|pas besoin|pas oblige|sans contrainte|sans la contrainte"
    r"|oubliez|oublie|enlevez|enleve|retirez|retire|supprimez|supprime|laissez tomber|laisse tomber|quelle que soit"
    r"|quel que soit|pas d importance pour|pas de preference pour|tant pis pour"
)
_GROUP_WORDS = {
    "date": r"date|dates|quand|debut|moment|periode|la date de debut",
    "alternance": r"alternance|apprentissage|contrat",
    "modalite": r"distance|presentiel|sur place|modalite|en ligne|lieu de cours",
    "duree": r"duree|longueur|nombre d heures|la longueur",
    "financement": r"financement|financeur|qui paie|qui paye|region|france travail|prise en charge",
    "temps": r"rythme|horaire|horaires|soir|temps partiel|temps plein|emploi du temps",
    "handicap": r"accessibilite|handicap",
}
_FILLER = r"(?: (?:de|d|la|le|l|les|du|des|en|a|au|sur|par|pour|que|ce|soit|etre|faire))*"
_DROP_ALL = re.compile(
    r"\b(?:sans (?:aucun )?(?:critere|filtre)s?|(?:enlevez|enleve|retirez|retire|supprimez|supprime|oubliez|oublie)"
    r" (?:tous )?(?:les|mes) (?:criteres|filtres)|peu importe le reste|tous les criteres)\b"
)


_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/((?:20)?\d\d))?(?![\d/])")
# The full name of each month: the first name MONTHS gives it.
_MONTH_NAMES = [next(name for name, number in MONTHS.items() if number == month) for month in range(1, 13)]


def _month_words(match: re.Match[str]) -> str:
    """ "15/03/2027" → "15 mars 2027" (an impossible month is left as written)."""
    day, month, year = match.group(1), int(match.group(2)), match.group(3)
    if not 1 <= month <= 12:
        return match.group(0)
    year = f" 20{year[-2:]}" if year else ""
    return f"{day} {_MONTH_NAMES[month - 1]}{year}"


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _parse_day(text: str, today: dt.date) -> dt.date | None:
    """An explicit or relative day, read by dateparser relative to `today`."""
    settings = {
        "RELATIVE_BASE": dt.datetime.combine(today, dt.time()),
        "PREFER_DATES_FROM": "future",
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
    }
    found = dateparser.parse(text, languages=["fr"], settings=settings)
    return found.date() if found else None


def _window(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, bool] | None:
    """(first day, last day, is a single day) of a date anchor."""
    groups = match.groupdict()
    if groups["day"]:
        day_text = groups["day"].replace("1er", "1")
        day = _parse_day(day_text, today)
        return (day, day, True) if day else None
    if groups["relative"]:
        n, unit = _number(groups["rel_n"]), groups["rel_unit"]
        unit = {"jour": "jours", "semaine": "semaines", "an": "ans", "annee": "ans", "annees": "ans"}.get(unit, unit)
        day = _parse_day(f"dans {n} {unit}", today)
        return (day, day, True) if day else None
    if groups["month"]:
        month = MONTHS[groups["month_name"]]
        year = int(groups["month_year"]) if groups["month_year"] else today.year + (month < today.month)
        first, last = dt.date(year, month, 1), _last_day(year, month)
        part = groups["part"]
        if part == "debut":
            last = dt.date(year, month, 10)
        elif part == "mi":
            first, last = dt.date(year, month, 11), dt.date(year, month, 20)
        elif part == "fin":
            first = dt.date(year, month, 21)
        return first, last, False
    if groups["season"]:
        (m1, d1), (m2, d2) = SEASONS[groups["season_name"]]
        year = today.year
        first = dt.date(year, m1, d1)
        last = dt.date(year + (m2 < m1), m2, d2)
        if last < today:
            first, last = dt.date(year + 1, m1, d1), dt.date(year + 1 + (m2 < m1), m2, d2)
        elif m2 < m1 and dt.date(year, m2, d2) >= today:  # the winter that began last December
            first, last = dt.date(year - 1, m1, d1), dt.date(year, m2, d2)
        return first, last, False
    if groups["rentree"]:
        year = (
            int(groups["rentree_year"]) if groups["rentree_year"] else today.year + (today > dt.date(today.year, 9, 30))
        )
        return dt.date(year, 9, 1), dt.date(year, 9, 30), False
    if groups["noel"]:
        year = today.year + (today > dt.date(today.year, 12, 25))
        return dt.date(year, 12, 25), dt.date(year, 12, 25), True
    if groups["year_end"]:
        return dt.date(today.year, 12, 1), dt.date(today.year, 12, 31), False
    if groups["next_year"]:
        return dt.date(today.year + 1, 1, 1), dt.date(today.year + 1, 12, 31), False
    if groups["next_month"]:
        first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return first, _last_day(first.year, first.month), False
    if groups["next_week"]:
        monday = today + dt.timedelta(days=7 - today.weekday())
        return monday, monday + dt.timedelta(days=6), False
    return None


def _dates(said: str, today: dt.date) -> list[tuple[int, dict[str, Any]]]:
    """(position, {debut_apres, debut_avant}) of each date mention, in text order."""
    found: list[tuple[int, dict[str, Any]]] = []
    between_open = False
    for match in _ANCHORS.finditer(said):
        window = _window(match, today)
        if window is None:
            continue
        first, last, single = window
        before = said[max(0, match.start() - 40) : match.start()]
        operator = _OPERATOR.search(before)
        op = "by" if match.group(0).startswith("d ici") else operator.lastgroup if operator else None
        ends_with_fin = bool(match.groupdict().get("part") == "fin" or match.groupdict().get("year_end"))
        if op == "from":
            bounds = {"debut_apres": first}
        elif op == "after":
            bounds = {"debut_apres": last + dt.timedelta(days=1)}
        elif op == "by":
            bounds = {"debut_avant": last}
        elif op == "before":
            bounds = {"debut_avant": last if ends_with_fin else first - dt.timedelta(days=1)}
        elif op == "between":
            bounds, between_open = {"debut_apres": first}, True
            found.append((match.start(), bounds))
            continue
        elif op == "and" and between_open:
            bounds = {"debut_avant": last}
            found[-1][1].update(bounds)
            between_open = False
            continue
        elif single:
            bounds = {"debut_apres": first}
        else:
            bounds = {"debut_apres": first, "debut_avant": last}
        between_open = False
        found.append((match.start(), bounds))
    soon = _SOON.search(said)
    if soon and not any(pos > soon.start() and pos - soon.end() < 20 for pos, _ in found):
        found.append((soon.start(), {"debut_avant": today + dt.timedelta(days=SOON_DAYS)}))
    return found


def _hours(n: int, unit: str) -> int:
    if unit.startswith("h"):
        return n
    if unit.startswith("jour"):
        return n * HOURS_PER_DAY
    if unit.startswith("semaine"):
        return n * HOURS_PER_WEEK
    return round(n * HOURS_PER_MONTH)


def _denied(said: str, start: int) -> bool:
    """A setting phrase right after a denial ("pas en alternance", "je ne veux pas à distance")."""
    return bool(
        re.search(
            r"\b(?:pas|sans|ni|jamais|plus)(?: (?:de|d|en|a|la|le|l|forcement|besoin|du|une|un))*\s*$", said[:start]
        )
    )


def read_criteria(text: str, today: dt.date) -> Change:
    """The criteria a message sets or drops, by group (the later mention of a group wins)."""
    said = unsms(fold(_NUMERIC_DATE.sub(_month_words, text or "")))
    if not said:
        return {}
    events: list[tuple[int, str, dict[str, Any]]] = []
    for position, bounds in _dates(said, today):
        events.append(
            (position, "date", {"debut_apres": bounds.get("debut_apres"), "debut_avant": bounds.get("debut_avant")})
        )
    for group, name, value, pattern in _SETTINGS:
        for match in re.finditer(rf"\b(?:{pattern})\b", said):
            events.append((match.start(), group, {name: None if _denied(said, match.start()) else value}))
    for code, pattern in _FUNDERS:
        for match in re.finditer(rf"\b{_PAID}(?:{pattern})\b", said):
            events.append((match.start(), "financement", {"financeur": code, "finance_pour": None}))
    for statut, pattern in _FUNDED_FOR.items():
        for match in re.finditer(rf"\b{_FOR}(?:{pattern})\b", said):
            events.append((match.start(), "financement", {"finance_pour": statut, "financeur": None}))
    for match in _DURATION.finditer(said):
        hours = _hours(_number(match.group("n")), match.group("unit"))
        events.append((match.start(), "duree", {"heures_max": hours if hours >= 1 else None}))
    for group, words in _GROUP_WORDS.items():
        drop = rf"\b(?:(?:{_DROP_LEAD}){_FILLER} (?:{words})|(?:{words}) ou (?:pas|non|sur place|a distance|autre))\b"
        for match in re.finditer(drop, said):
            # A drop comes after the setting words it contains ("pas forcément en alternance").
            events.append((match.end(), group, dict.fromkeys(GROUPS[group])))
    every = _DROP_ALL.search(said)
    if every:
        events += [(every.end(), group, dict.fromkeys(names)) for group, names in GROUPS.items()]
    change: Change = {}
    for _, group, values in sorted(events, key=lambda event: event[0]):
        change[group] = {**dict.fromkeys(GROUPS[group]), **values}
    return change


def apply(criteria: Criteria, change: Change) -> Criteria:
    """The criteria after a change (bot.criteria.read_criteria)."""
    values: dict[str, Any] = {}
    for group, names in change.items():
        values.update({name: names.get(name) for name in GROUPS[group]})
    return replace(criteria, **values)
