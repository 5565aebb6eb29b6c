"""The CLI against a plain reading of the contract, on random LHEO files it has never seen.

The oracle below reads the XML with lxml and applies docs/contrat.md's search
semantics literally, without the catalog database; both must give the same sessions in
the same order.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import subprocess
import sys

import pytest
from lxml import etree

from bot.catalog import lheo_writer as w
from bot.geo import gazetteer

pytestmark = pytest.mark.slow  # three imports and thirty searches, each a fresh process

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOWNS = ["62498", "59178", "59350", "59183", "62041", "62427", "62160", "59606", "62119", "80021", "60057"]
ROMES = ["H2705", "H2703", "I1304"]


def random_date(rng, around: dt.date) -> str:
    roll = rng.random()
    if roll < 0.05:
        return "00000000"
    return (around + dt.timedelta(days=rng.randrange(-120, 400))).strftime("%Y%m%d")


def random_place(rng):
    commune = gazetteer().by_insee(rng.choice(TOWNS))
    kind = rng.choice(["geo", "insee", "cp"])
    if kind == "geo":
        return w.lieu(
            insee=commune.insee,
            lat=round(commune.lat + rng.uniform(-0.1, 0.1), 5),
            lon=round(commune.lon + rng.uniform(-0.1, 0.1), 5),
        )
    if kind == "insee":
        return w.lieu(insee=commune.insee, codepostal=commune.codes_postaux[0], ville=commune.nom.upper())
    return w.lieu(codepostal=commune.codes_postaux[0], ville=commune.nom.upper())


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
        formations.append(w.formation(f"F{fi:02d}", actions, romes=tuple(rng.sample(ROMES, rng.randrange(1, 3)))))
    return formations


def haversine(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2, dp, dl = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def oracle(path, rome: str, origin, radius: float, today: dt.date) -> list[tuple[str, float | None]]:
    """(session_id, distance_km) of the eligible sessions, in contract order."""
    ns = {"l": w.NS_23}
    found = []
    for formation in etree.parse(str(path)).iterfind(".//l:formation", ns):
        if rome not in [c.text for c in formation.iterfind("l:domaine-formation/l:code-ROME", ns)]:
            continue
        for action in formation.iterfind("l:action", ns):
            remote = action.findtext("l:modalites-enseignement", namespaces=ns) == "2"
            permanent = action.findtext("l:modalites-entrees-sorties", namespaces=ns) == "1"
            points = []
            for address in action.iterfind("l:lieu-de-formation/l:coordonnees/l:adresse", ns):
                if address.find("l:geolocalisation", ns) is not None:
                    points.append(
                        (
                            float(address.findtext("l:geolocalisation/l:latitude", namespaces=ns)),
                            float(address.findtext("l:geolocalisation/l:longitude", namespaces=ns)),
                        )
                    )
                    continue
                insee = address.findtext("l:code-INSEE-commune", namespaces=ns)
                commune = (
                    gazetteer().by_insee(insee)
                    if insee
                    else gazetteer().locate(
                        postcode=address.findtext("l:codepostal", namespaces=ns),
                        ville=address.findtext("l:ville", namespaces=ns),
                    )
                )
                if commune:
                    points.append((commune.lat, commune.lon))
            distance = min((haversine(origin, p) for p in points), default=None)
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
                if remote:
                    found.append((debut, math.inf, session.get("numero"), None))
                elif distance is not None and distance <= radius:
                    found.append((debut, distance, session.get("numero"), round(distance, 1)))
    return [(sid, km) for _, _, sid, km in sorted(found)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cli_search_equals_the_contract_on_an_unseen_catalog(tmp_path, seed):
    rng = random.Random(seed)
    today = dt.date(2027, 3, 1)
    path = w.write(tmp_path / f"inconnu-{seed}.xml", random_catalog(rng, today))
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"}
    subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    compared = 0
    for rome in ROMES:
        for insee, radius in (("62498", 15), ("59350", 40), ("80021", 25)):
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bot",
                    "catalog",
                    "search",
                    "--rome",
                    rome,
                    "--insee",
                    insee,
                    "--rayon",
                    str(radius),
                    "--today",
                    today.isoformat(),
                    "--json",
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            got = [(s["session_id"], s["distance_km"]) for s in json.loads(result.stdout)]
            town = gazetteer().by_insee(insee)
            assert got == oracle(path, rome, (town.lat, town.lon), radius, today), (rome, insee, radius)
            compared += len(got)
    assert compared > 20  # the random catalogs do exercise the search
