"""French communes: lookup by INSEE code, postal code or name as people and catalogs write it.

Data: data/reference/communes.tsv.gz, built by scripts/build_gazetteer.py (see its PROVENANCE).
"""

from __future__ import annotations

import bisect
import csv
import functools
import gzip
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.config import REFERENCE_DIR
from bot.text import fold

DATA_FILE = REFERENCE_DIR / "communes.tsv.gz"
HAUTS_DE_FRANCE = "32"
EARTH_RADIUS_KM = 6371.0
MAX_ALTERNATIVES = 8
# rapidfuzz ratio (0-100) between squeezed names: below FUZZY_MIN a name is not a suggestion;
# a typo is taken for a commune (status "ok") when it scores FUZZY_OK or more and no other
# name comes within FUZZY_MARGIN of it.
FUZZY_MIN = 75
FUZZY_OK = 80
FUZZY_MARGIN = 5
FUZZY_LIMIT = 12
LOCATE_FUZZY_MIN = 75  # a catalog's misspelt town name, among the communes of its postal code
MIN_KEY = 3  # shorter names are only looked up exactly

_ARTICLES = {"le", "la", "les", "l", "aux", "las", "los"}
_ARRONDISSEMENT = re.compile(r"^(.+) (\d+)(?:er|e) arrondissement$")
_CEDEX = re.compile(r"\bcedex\b.*$")
_POSTCODE = re.compile(r"^\d{5}$")
_DEPARTEMENT = re.compile(r"^(?:\d{2}|2[ab]|97\d)$")


@dataclass(frozen=True)
class Commune:
    insee: str
    nom: str
    codes_postaux: tuple[str, ...]
    departement: str
    region: str
    population: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Resolution:
    status: str  # "ok" | "ambiguous" | "unknown"
    commune: Commune | None
    alternatives: tuple[Commune, ...]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (R = 6371.0 km)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def _squeeze(folded: str) -> str:
    """Lookup key: folded words glued together, so "heninbeaumont" = "henin beaumont"."""
    return folded.replace(" ", "")


def _preference(commune: Commune) -> tuple:
    """Hauts-de-France first, then larger population."""
    return commune.region != HAUTS_DE_FRANCE, -commune.population, commune.insee


def _ranked(communes: Iterable[Commune]) -> list[Commune]:
    """Distinct communes in preference order."""
    if isinstance(communes, list) and len(communes) < 2:
        return communes
    return sorted({c.insee: c for c in communes}.values(), key=_preference)


def _unique(communes: Iterable[Commune]) -> list[Commune]:
    return list({c.insee: c for c in communes}.values())


def _variants(folded: str) -> list[str]:
    """Other ways to write an official name: without its article ("touquet paris plage");
    for an arrondissement, in short ("paris 15", "paris 15e", "paris 15eme") and the city's
    name alone (catalogs write "PARIS" + 75015 for the 15th)."""
    words = folded.split()
    names = [" ".join(words[1:])] if words[0] in _ARTICLES and len(words) > 1 else []
    arrondissement = _ARRONDISSEMENT.match(folded)
    if arrondissement:
        city, number = arrondissement.groups()
        suffixes = ("", "e", "eme", "er") if number == "1" else ("", "e", "eme")
        names += [city] + [f"{city} {number}{suffix}" for suffix in suffixes]
    return names


def _resolution(communes: list[Commune], others: tuple | list[Commune] = ()) -> Resolution:
    """ "ok" for one commune, "ambiguous" for several or when others are worth proposing."""
    if len(communes) == 1 and not others:
        return Resolution("ok", communes[0], ())
    everyone = _unique([*communes, *others])
    return Resolution("ambiguous", everyone[0], tuple(everyone[1 : MAX_ALTERNATIVES + 1]))


UNKNOWN = Resolution("unknown", None, ())


def prefer_region(resolution: Resolution, region: str = HAUTS_DE_FRANCE) -> Resolution:
    """A name shared by several communes of which exactly one is in `region`: that one, with
    the others as alternatives (status "ok": the person may still choose another)."""
    if resolution.status != "ambiguous" or resolution.commune is None:
        return resolution
    candidates = [resolution.commune, *resolution.alternatives]
    inside = [c for c in candidates if c.region == region]
    if len(inside) != 1:
        return resolution
    return Resolution("ok", inside[0], tuple(c for c in candidates if c is not inside[0]))


class Gazetteer:
    """Every commune (and Paris/Lyon/Marseille arrondissement) of the shipped data file."""

    def __init__(self, path: Path = DATA_FILE):
        self._by_insee: dict[str, Commune] = {}
        self._former_insee: dict[str, Commune] = {}
        self._departements: dict[str, str] = {}
        # Name indexes, by squeezed folded name: official names, other spellings of them,
        # names of former communes (merged into a current one).
        names: dict[str, dict[str, list[Commune]]] = {
            "official": defaultdict(list),
            "variant": defaultdict(list),
            "former": defaultdict(list),
        }
        spaced: dict[str, set[str]] = {"official": set(), "variant": set(), "former": set()}
        folded_names: dict[str, str] = {}
        arrondissement_cities: set[tuple[str, str]] = set()
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows)  # header
            for insee, nom, postcodes, dep, dep_nom, region, _region_nom, population, lat, lon, _point, former in rows:
                commune = Commune(
                    insee, nom, tuple(postcodes.split()), dep, region, int(population), float(lat), float(lon)
                )
                self._by_insee[insee] = commune
                self._departements[dep] = dep_nom
                folded = folded_names[insee] = fold(nom)
                entries = [("official", folded)] + [("variant", v) for v in _variants(folded)]
                arrondissement = _ARRONDISSEMENT.match(folded)
                if arrondissement:
                    arrondissement_cities.add((dep, arrondissement.group(1)))
                for entry in filter(None, former.split("|")):
                    code, _, name = entry.partition(":")
                    self._former_insee.setdefault(code, commune)
                    entries.append(("former", fold(name)))
                for kind, name in entries:
                    names[kind][_squeeze(name)].append(commune)
                    spaced[kind].add(name)
        by_postcode: dict[str, list[Commune]] = defaultdict(list)
        by_zone: dict[str, set[str]] = defaultdict(set)
        for commune in self._by_insee.values():
            for code in commune.codes_postaux:
                by_zone[self._zone(code)].add(commune.insee)
            # Paris, Lyon and Marseille list their arrondissements' postal codes, but a postal
            # code stands for the arrondissement.
            if (commune.departement, folded_names[commune.insee]) not in arrondissement_cities:
                for code in commune.codes_postaux:
                    by_postcode[code].append(commune)
        self._by_postcode = {code: _ranked(found) for code, found in by_postcode.items()}
        self._by_zone = dict(by_zone)
        self._official, self._variant, self._former = (
            {key: _ranked(found) for key, found in names[kind].items()} for kind in ("official", "variant", "former")
        )
        # Sorted names with their spaces, for prefix search.
        self._spaced = sorted(spaced["official"] | spaced["variant"])
        self._spaced_former = sorted(spaced["former"])
        self._keys = sorted(self._official.keys() | self._variant.keys() | self._former.keys())

    def communes(self) -> list[Commune]:
        """Every commune and arrondissement, by INSEE code."""
        return list(self._by_insee.values())

    # -- lookups by code -------------------------------------------------------------
    def by_insee(self, code: str) -> Commune | None:
        """The commune with this INSEE code; a former commune's code gives the current one."""
        code = (code or "").strip().upper()
        return self._by_insee.get(code) or self._former_insee.get(code)

    def by_postcode(self, code: str) -> list[Commune]:
        """Communes served by this postal code, Hauts-de-France first then by population."""
        return list(self._by_postcode.get((code or "").strip(), ()))

    @staticmethod
    def _zone(postcode: str) -> str:
        """Postal area: the first two digits, three overseas ("971")."""
        return postcode[:3] if postcode.startswith("97") else postcode[:2]

    def _in_area(self, commune: Commune, postcode: str) -> bool:
        """Whether the commune lies in the postal area (département) of a postal code."""
        zone = self._zone(postcode)
        return commune.departement == zone or commune.insee in self._by_zone.get(zone, ())

    # -- lookups by name -------------------------------------------------------------
    def _named(self, folded: str) -> list[list[Commune]]:
        """Communes with this name, best evidence first: official name, other spelling, name
        starting with these words ("Boulogne" -> Boulogne-sur-Mer), former commune, former
        commune starting with these words."""
        key = _squeeze(folded)
        current = self._prefixed(self._spaced, folded, (self._official, self._variant))
        former = self._prefixed(self._spaced_former, folded, (self._former,))
        return [self._official.get(key, []), self._variant.get(key, []), current, self._former.get(key, []), former]

    @staticmethod
    def _prefixed(spaced: list[str], folded: str, indexes: Iterable[dict[str, list[Commune]]]) -> list[Commune]:
        """Communes of the names that start with the words of folded."""
        if len(folded) < MIN_KEY:
            return []
        start = bisect.bisect_left(spaced, folded + " ")
        stop = bisect.bisect_left(spaced, folded + "!")  # "!" sorts right after " "
        return _ranked(c for name in spaced[start:stop] for index in indexes for c in index.get(_squeeze(name), ()))

    def named_exactly(self, text: str) -> list[Commune]:
        """Communes whose official name (or a spelling of it) is exactly `text`, in any case
        and with or without accents; preference order."""
        key = _squeeze(fold(text))
        return _ranked(self._official.get(key, []) + self._variant.get(key, []))

    def _all_named(self, key: str) -> list[Commune]:
        return self._official.get(key, []) + self._variant.get(key, []) + self._former.get(key, [])

    def _fuzzy(self, key: str) -> list[tuple[float, list[Commune]]]:
        """(score, communes) of the names closest to a misspelt key, best first."""
        matches = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, limit=FUZZY_LIMIT)
        return [(score, _ranked(self._all_named(name))) for name, score, _ in matches]

    # -- the catalog importer --------------------------------------------------------
    def locate(self, insee: str | None = None, postcode: str | None = None, ville: str | None = None) -> Commune | None:
        """The commune of a catalog address: its INSEE code if known, else postal code + town
        name as catalogs write it ("QUIMPERLÉ", "LENS CEDEX", "Saint Omer"). None when unsure."""
        if insee and (found := self.by_insee(insee)):
            return found
        postcode = (postcode or "").strip()
        folded = _CEDEX.sub("", fold(ville)).strip()
        served = self.by_postcode(postcode)
        if not folded:
            return served[0] if len(served) == 1 else None
        if not postcode:  # a name alone must be unambiguous
            key = _squeeze(folded)
            for index in (self._official, self._variant, self._former):
                if key in index:
                    return index[key][0] if len(index[key]) == 1 else None
            return None
        served_codes = {c.insee for c in served}
        tiers = self._named(folded)
        for tier in tiers:
            hits = [c for c in tier if c.insee in served_codes]
            if hits:  # same name and same postal code: indistinguishable, take the first
                return hits[0]
        # CEDEX and outdated postal codes: the same name in the same postal area.
        for tier in tiers:
            hits = [c for c in tier if self._in_area(c, postcode)]
            if hits:
                return hits[0] if len(hits) == 1 else None
        # A misspelt name among the communes of that postal code.
        choices = {c.insee: _squeeze(fold(c.nom)) for c in served}
        best = process.extractOne(_squeeze(folded), choices, scorer=fuzz.ratio, score_cutoff=LOCATE_FUZZY_MIN)
        return self._by_insee[best[2]] if best else None

    # -- what people type ------------------------------------------------------------
    def resolve(self, text: str) -> Resolution:
        """The commune someone means: name in any spelling (accents, case, hyphens, "St",
        abbreviations, small typos), postal code, or both ("Lens 62300", "Beaumont 63")."""
        words = fold(text).split()
        postcodes = [w for w in words if _POSTCODE.match(w)]
        words = [w for w in words if not _POSTCODE.match(w)]
        if len(postcodes) > 1:
            return UNKNOWN
        postcode = postcodes[0] if postcodes else None
        served = self.by_postcode(postcode) if postcode else []
        served_codes = {c.insee for c in served}
        if not words:
            return _resolution(served) if served else UNKNOWN

        departement = None
        tiers = self._named(" ".join(words))
        if not any(tiers) and len(words) > 1 and _DEPARTEMENT.match(words[-1]):
            departement, words = words[-1].upper(), words[:-1]
            tiers = self._named(" ".join(words))

        def fits(commune: Commune) -> bool:
            if departement and commune.departement != departement:
                return False
            return postcode is None or commune.insee in served_codes

        for tier in tiers:
            kept = [c for c in tier if fits(c)]
            if kept:
                return _resolution(kept)
        named = _ranked(c for tier in tiers for c in tier)
        if named:  # the name exists, but not with that postal code or département
            return _resolution(named, served)

        key = _squeeze(" ".join(w for w in words if not w.isdigit()))
        if len(key) < MIN_KEY:
            return Resolution("unknown", None, tuple(served[:MAX_ALTERNATIVES]))
        scored = [(score, [c for c in found if fits(c)]) for score, found in self._fuzzy(key)]
        scored = [(score, found) for score, found in scored if found]
        if scored and scored[0][0] >= FUZZY_OK:
            best = scored[0][0]
            return _resolution(_ranked(c for score, found in scored if score > best - FUZZY_MARGIN for c in found))
        suggestions = _unique([c for _, found in scored for c in found] + served)
        return Resolution("unknown", None, tuple(suggestions[:MAX_ALTERNATIVES]))

    # -- labels ----------------------------------------------------------------------
    def departement_nom(self, commune: Commune) -> str:
        """Name of the commune's département ("Pas-de-Calais"), to tell homonyms apart."""
        return self._departements[commune.departement]


@functools.cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once."""
    return Gazetteer()
