"""The CLI against a plain reading of the contract, on random LHEO feeds it has never seen.

The oracle below reads the XML files with lxml and the job reference with PyYAML, and applies
the search semantics of docs/contrat.md literally, without the catalog database: matching by
code-ROME or, for a formation without any, by the job's Formacode codes; places checked
against their commune; two sources whose numeros collide. Both must give the same sessions,
matched the same way, in the same order.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from lxml import etree

from bot.catalog import lheo_writer as w
from bot.cli import main
from bot.geo import gazetteer

pytestmark = pytest.mark.slow  # on SQLite and PostgreSQL: six imports, each a fresh process, and 54 searches

ROOT = Path(__file__).resolve().parent.parent
TOWNS = ["62498", "59178", "59350", "59183", "62041", "62427", "62160", "59606", "62119", "80021", "60057"]
ROMES = ["H2705", "H2703", "I1304"]
SOURCES = ["bassin-minier", "littoral"]


@functools.cache
def reference_formacodes(rome: str) -> frozenset[str]:
    """The Formacode codes of a job, read straight from the job reference."""
    entries = yaml.safe_load((ROOT / "data" / "reference" / "metiers.yml").read_text(encoding="utf-8"))["metiers"]
    (entry,) = [e for e in entries if e["rome"] == rome]
    return frozenset(str(item["code"]) for item in entry.get("formacodes", []))


def random_date(rng, around: dt.date) -> str:
    roll = rng.random()
    if roll < 0.05:
        return "00000000"
    return (around + dt.timedelta(days=rng.randrange(-120, 400))).strftime("%Y%m%d")


def random_place(rng):
    commune = gazetteer().by_insee(rng.choice(TOWNS))
    kind = rng.choice(["geo", "geo", "far", "nc", "insee", "cp", "none"])
    if kind in ("geo", "far"):
        spread = 0.1 if kind == "geo" else 0.6  # 0.6° is 40 to 70 km: beyond the 20 km check
        return w.lieu(
            insee=commune.insee if rng.random() < 0.7 else None,
            codepostal=commune.codes_postaux[0],
            ville=commune.nom.upper(),
            lat=round(commune.lat + rng.uniform(-spread, spread), 5),
            lon=round(commune.lon + rng.uniform(-spread, spread), 5),
        )
    if kind == "nc":
        return w.lieu(insee=commune.insee, lat="NC", lon="NC")
    if kind == "insee":
        return w.lieu(insee=commune.insee, codepostal=commune.codes_postaux[0], ville=commune.nom.upper())
    if kind == "cp":
        return w.lieu(codepostal=commune.codes_postaux[0], ville=commune.nom.upper())
    return w.lieu(adresse=False)


def random_domain(rng) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(code-ROME, code-FORMACODE) as feeds write them: a third of the formations have no
    code-ROME; some codes are written oddly or are unreadable."""
    formacodes = [*sorted({fc for rome in ROMES for fc in reference_formacodes(rome)}), "15093", "22403"]
    codes = tuple(rng.sample(formacodes, rng.randrange(0, 3)))
    roll = rng.random()
    if roll < 0.33:
        return (), codes
    romes = [
        rng.choice([rome, rome.lower(), f"{rome[0]} {rome[1:]}"]) for rome in rng.sample(ROMES, rng.randrange(1, 3))
    ]
    if roll < 0.4:
        romes.append("Pilote")
    return tuple(romes), codes


def random_action_details(rng) -> dict:
    """What the criteria read, written as feeds write it."""
    hours = rng.choice([None, 14, 35, 140, 400, 1200])
    return {
        "heures": hours if rng.random() < 0.7 else None,
        "heures_centre": rng.choice([None, 70, 300]),
        "heures_entreprise": rng.choice([None, None, 140]),
        "financeurs": tuple(
            (code, None) for code in rng.sample(["2", "3", "4", "5", "10", "12", "16", "7"], rng.randrange(0, 3))
        ),
        "publics": tuple(rng.sample(["83056", "82027", "82029", "82044"], rng.randrange(1, 3))),
        "alternance": rng.choice(
            ["-", "Sans objet", "Contrat de professionnalisation", "Pas d'alternance", "en alternance"]
        ),
        "pedagogie": tuple(rng.sample(["96142", "96411", "96128"], rng.randrange(0, 2))),
        "rythme": rng.choice(
            ["Temps plein", "temps partiel", "Cours du soir", "7 h par jour", "3 heures par jour", "-"]
        ),
        "handicap": rng.choice([None, "Locaux accessibles"]),
    }


def random_catalog(rng, today: dt.date) -> list[str]:
    formations = []
    for fi in range(40):
        actions = []
        for ai in range(rng.randrange(1, 3)):
            sessions = []
            for si in range(rng.randrange(1, 4)):
                debut = random_date(rng, today)
                fin = (
                    "00000000"
                    if debut == "00000000"
                    else (
                        dt.datetime.strptime(debut, "%Y%m%d").date() + dt.timedelta(days=rng.randrange(-10, 200))
                    ).strftime("%Y%m%d")
                )
                sessions.append(
                    w.session(
                        f"S{fi:02d}{ai}{si}",
                        debut,
                        fin,
                        etat=rng.choice([None, None, 1, 2, 3]),
                        places=rng.choice([None, 8, 12]),
                    )
                )
            places = [random_place(rng) for _ in range(rng.randrange(0 if rng.random() < 0.1 else 1, 3))]
            actions.append(
                w.action(
                    f"A{fi:02d}{ai}",
                    sessions,
                    places,
                    modalite=rng.choice([0, 0, 1, 2]),
                    permanent=int(rng.random() < 0.25),
                    **random_action_details(rng),
                )
            )
        romes, formacodes = random_domain(rng)
        formations.append(w.formation(f"F{fi:02d}", actions, romes=romes, formacodes=formacodes))
    return formations


def haversine(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2, dp, dl = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def how_it_matches(formation, ns, rome: str) -> str | None:
    """ "rome", "formacode" or None, by the contract's two rules."""
    romes = [
        re.sub(r"\s+", "", c.text or "").upper() for c in formation.iterfind("l:domaine-formation/l:code-ROME", ns)
    ]
    romes = [code for code in romes if re.fullmatch(r"[A-N]\d{4}", code)]
    if romes:
        return "rome" if rome in romes else None
    formacodes = {(c.text or "").strip() for c in formation.iterfind("l:domaine-formation/l:code-FORMACODE", ns)}
    return "formacode" if formacodes & reference_formacodes(rome) else None


def place_point(address, ns):
    """The point of a place: its readable geolocalisation within 20 km of its commune's point
    (when the commune is known), else the point of its commune."""
    if address is None:
        return None
    insee = address.findtext("l:code-INSEE-commune", namespaces=ns)
    commune = gazetteer().by_insee(insee) if insee else None
    if commune is None:
        commune = gazetteer().locate(
            postcode=address.findtext("l:codepostal", namespaces=ns), ville=address.findtext("l:ville", namespaces=ns)
        )
    reference = (commune.lat, commune.lon) if commune else None
    try:
        point = (
            float(address.findtext("l:geolocalisation/l:latitude", namespaces=ns)),
            float(address.findtext("l:geolocalisation/l:longitude", namespaces=ns)),
        )
    except (TypeError, ValueError):
        point = None
    if point is not None and (reference is None or haversine(point, reference) <= 20):
        return point
    return reference


def oracle(paths: dict[str, Path], rome: str, origin, radius: float, today: dt.date) -> list[tuple]:
    """(session_id, distance_km, par) of the eligible sessions, in contract order; the same
    session_id in two sources: by source name."""
    ns = {"l": w.NS_23}
    found = []
    for source, path in paths.items():
        for formation in etree.parse(str(path)).iterfind(".//l:formation", ns):
            par = how_it_matches(formation, ns, rome)
            if par is None:
                continue
            for action in formation.iterfind("l:action", ns):
                remote = action.findtext("l:modalites-enseignement", namespaces=ns) == "2"
                permanent = action.findtext("l:modalites-entrees-sorties", namespaces=ns) == "1"
                points = [
                    place_point(lieu.find("l:coordonnees/l:adresse", ns), ns)
                    for lieu in action.iterfind("l:lieu-de-formation", ns)
                ]
                distance = min((haversine(origin, p) for p in points if p is not None), default=None)
                for session in action.iterfind("l:session", ns):
                    etat = session.findtext("l:etat-recrutement", namespaces=ns)
                    debut, fin = (
                        session.findtext("l:periode/l:debut", namespaces=ns),
                        session.findtext("l:periode/l:fin", namespaces=ns),
                    )
                    if etat not in (None, "1") or debut == "00000000" or fin < f"{today:%Y%m%d}":
                        continue
                    if not (debut >= f"{today:%Y%m%d}" or permanent):
                        continue
                    key = session.get("numero")
                    if remote:
                        found.append((debut, math.inf, key, source, None, par))
                    elif distance is not None and distance <= radius:
                        found.append((debut, distance, key, source, round(distance, 1), par))
    return [(sid, km, par) for _, _, sid, _, km, par in sorted(found)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cli_search_equals_the_contract_on_unseen_feeds(tmp_path, seed, database_url, monkeypatch, capsys):
    """On SQLite and on PostgreSQL (the database_url fixture)."""
    today = dt.date(2027, 3, 1)
    # Two feeds drawn independently, but numbered alike: their numeros collide.
    paths = {
        source: w.write(tmp_path / f"{source}.xml", random_catalog(random.Random(seed * 10 + i), today))
        for i, source in enumerate(SOURCES)
    }
    url = database_url
    subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", *map(str, paths.values())],
        cwd=ROOT,
        env={**os.environ, "BOT_DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("BOT_DATABASE_URL", url)  # the searches: the CLI's main, in this process
    compared, by_formacode, collisions = 0, 0, 0
    for rome in ROMES:
        for insee, radius in (("62498", 15), ("59350", 40), ("80021", 25)):
            args = ["--rome", rome, "--insee", insee, "--rayon", str(radius), "--today", today.isoformat()]
            assert main(["catalog", "search", *args, "--limit", "1000", "--json"]) == 0
            got = [(s["session_id"], s["distance_km"], s["par"]) for s in json.loads(capsys.readouterr().out)]
            town = gazetteer().by_insee(insee)
            assert got == oracle(paths, rome, (town.lat, town.lon), radius, today), (rome, insee, radius)
            compared += len(got)
            by_formacode += sum(par == "formacode" for *_, par in got)
            collisions += len(got) - len({sid for sid, *_ in got})
    # The random feeds do exercise the search, both ways of matching and the colliding numeros.
    assert compared > 20 and by_formacode > 0 and collisions > 0


# -- the criteria, read literally from docs/contrat.md (« Critères de recherche ») ------------------

FUNDERS_FOR = {"demandeur_emploi": {"2", "3", "4"}, "salarie": {"5", "16", "17"}, "lyceen": {"12"}, "collegien": {"12"}}


def plain(text: str | None) -> str:
    folded = unicodedata.normalize("NFKD", (text or "").lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


def action_facts(action, ns) -> dict:
    def texts(tag):
        return [(e.text or "").strip() for e in action.iterfind(f"l:{tag}", ns)]

    def number(tag):
        value = action.findtext(f"l:{tag}", namespaces=ns)
        return int(value) if value else None

    hours = number("nombre-heures-total")
    if hours is None and (number("nombre-heures-centre") is not None or number("nombre-heures-entreprise") is not None):
        hours = (number("nombre-heures-centre") or 0) + (number("nombre-heures-entreprise") or 0)
    modalites = plain(action.findtext("l:modalites-alternance", namespaces=ns)).strip()
    words = any(w in modalites for w in ("apprenti", "professionnalisation", "alternance"))
    negated = modalites.split(" ")[0].strip(".,") in (
        "sans",
        "pas",
        "non",
        "aucun",
        "aucune",
        "neant",
    ) or modalites.startswith("pas d")
    rythme = plain(action.findtext("l:rythme-formation", namespaces=ns))
    daily = re.search(r"(\d+) ?h(eures?)? par jour", rythme)
    if "96411" in texts("code-modalite-pedagogique") or "soir" in rythme:
        temps = "soir"
    elif "partiel" in rythme or "mi-temps" in rythme:
        temps = "partiel"
    elif "temps plein" in rythme or "temps complet" in rythme or (daily and int(daily.group(1)) >= 6):
        temps = "plein"
    else:
        temps = None
    return {
        "heures": hours,
        "alternance": bool({"82027", "82029"} & set(texts("code-public-vise")))
        or "96142" in texts("code-modalite-pedagogique")
        or (words and not negated),
        "financeurs": set(texts("organisme-financeur/l:code-financeur")),
        "temps": temps,
        "handicap": bool(texts("acces-handicapes")),
        "modalite": {"0": "presentiel", "1": "mixte", "2": "distanciel"}[
            action.findtext("l:modalites-enseignement", namespaces=ns)
        ],
        "permanent": action.findtext("l:modalites-entrees-sorties", namespaces=ns) == "1",
    }


def meets(criteria: dict, facts: dict, debut: str, fin: str, today: dt.date) -> bool:
    for name, value in criteria.items():
        if name == "debut_apres" and not (debut >= value or (facts["permanent"] and fin >= value)):
            return False
        if name == "debut_avant" and not (debut <= value and value >= f"{today:%Y%m%d}"):
            return False
        if name == "alternance" and not facts["alternance"]:
            return False
        if name == "modalite" and facts["modalite"] != value:
            return False
        if name == "heures_max" and (facts["heures"] is None or facts["heures"] > value):
            return False
        if name == "finance_pour" and not facts["financeurs"] & FUNDERS_FOR.get(value, set()):
            return False
        if name == "temps" and facts["temps"] != value:
            return False
        if name == "handicap" and not facts["handicap"]:
            return False
    return True


CRITERIA = {
    "debut_apres": ("--debut-apres", "2027-06-01", "20270601"),
    "debut_avant": ("--debut-avant", "2027-09-30", "20270930"),
    "alternance": ("--alternance", None, True),
    "modalite": ("--modalite", "mixte", "mixte"),
    "heures_max": ("--heures-max", "400", 400),
    "finance_pour": ("--finance-pour", "demandeur_emploi", "demandeur_emploi"),
    "salarie": ("--finance-pour", "salarie", "salarie"),
    "temps": ("--temps", "soir", "soir"),
    "handicap": ("--handicap", None, True),
}
CRITERIA_SETS = [(name,) for name in CRITERIA] + [
    pair for pair in itertools.combinations(CRITERIA, 2) if set(pair) != {"finance_pour", "salarie"}
]


def test_cli_criteria_equal_the_contract_on_unseen_feeds(tmp_path, database_url, monkeypatch, capsys):
    """Each criterion and each pair of criteria, on SQLite and PostgreSQL, against a literal
    reading of the rules on the XML."""
    today = dt.date(2027, 3, 1)
    path = w.write(tmp_path / "criteres.xml", random_catalog(random.Random(7), today))
    subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", str(path)],
        cwd=ROOT,
        env={**os.environ, "BOT_DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("BOT_DATABASE_URL", database_url)
    ns = {"l": w.NS_23}
    facts = {
        action.get("numero"): action_facts(action, ns) for action in etree.parse(str(path)).iterfind(".//l:action", ns)
    }
    session_action = {
        session.get("numero"): action.get("numero")
        for action in etree.parse(str(path)).iterfind(".//l:action", ns)
        for session in action.iterfind("l:session", ns)
    }
    periods = {
        s.get("numero"): (s.findtext("l:periode/l:debut", namespaces=ns), s.findtext("l:periode/l:fin", namespaces=ns))
        for s in etree.parse(str(path)).iterfind(".//l:session", ns)
    }
    lens = gazetteer().by_insee("62498")
    base = oracle({"criteres": path}, "H2705", (lens.lat, lens.lon), 80, today)
    assert len(base) > 20
    sizes = []
    for names in CRITERIA_SETS:
        args, wanted = [], {}
        for name in names:
            option, text, value = CRITERIA[name]
            args += [option] + ([text] if text else [])
            wanted["finance_pour" if name == "salarie" else name] = value
        common = ["--rome", "H2705", "--insee", "62498", "--rayon", "80", "--today", today.isoformat()]
        assert main(["catalog", "search", *common, *args, "--limit", "1000", "--json"]) == 0
        got = [(s["session_id"], s["distance_km"], s["par"]) for s in json.loads(capsys.readouterr().out)]
        expected = [hit for hit in base if meets(wanted, facts[session_action[hit[0]]], *periods[hit[0]], today)]
        assert got == expected, names
        sizes.append(len(got))
    # Every criterion keeps some sessions and drops others: the comparison means something.
    singles = sizes[: len(CRITERIA)]
    assert all(0 < size < len(base) for size in singles), singles
