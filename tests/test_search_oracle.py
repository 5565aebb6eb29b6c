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
import json
import math
import os
import random
import re
import subprocess
import sys
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
