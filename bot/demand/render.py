"""The report as one self-contained HTML file (tables, charts, map; printable on A4), as CSV or
as JSON. Hidden figures are printed as the report's protection says ("< 5", "s")."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path

import matplotlib
from jinja2 import Environment, FileSystemLoader, select_autoescape

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from bot.demand.events import retention_months
from bot.demand.report import Report, Row
from bot.demand.secret import THRESHOLD, Cell
from bot.results import NEAREST_SEARCH_KM
from bot.territoires import territoires

# Unmet searches per EPCI: the upper bound of each colour class, and its colour (light to dark).
CLASSES = ((9, "#fde0c5"), (19, "#facba6"), (49, "#f59e72"), (99, "#ea7150"), (math.inf, "#c0392b"))
HIDDEN_COLOUR = "#d9d9d9"
MAP_WIDTH = 640


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# -- CSV and JSON ------------------------------------------------------------------------------
def _rows(report: Report) -> Iterator[tuple[str, Row]]:
    yield "total", report.total
    for name in ("metiers", "statuts", "niveaux", "semaines"):
        for row in getattr(report, name):
            yield name, row
    for row in report.territoires:
        yield "territoires", row
        for child in row.children:
            yield "epci", child
    for row in report.borne_metiers:
        yield "borne", row


def _figures(row: Row, table: str) -> dict[str, str]:
    if table == "borne":
        return {"consultations": row.recherches.text()}
    figures = {"recherches": row.recherches.text(), "sans_session": row.sans_session.text()}
    if row.conseiller is not None:
        figures["conseiller"] = row.conseiller.text()
    if row.distance_mediane is not None:
        figures["distance_mediane_km"] = str(row.distance_mediane)
    return figures


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tableau", "cle", "libelle", "mesure", "valeur"])
    for table, row in _rows(report):
        for measure, value in _figures(row, table).items():
            writer.writerow([table, row.key, row.label, measure, value])
    for gap in report.ecarts:
        writer.writerow(
            [
                "ecarts",
                f"{gap.rome}|{gap.epci}",
                f"{gap.metier} — {gap.territoire}",
                "sans_session",
                gap.sans_session.text(),
            ]
        )
    return out.getvalue()


def as_json(report: Report) -> str:
    tables: dict[str, list] = {}
    for table, row in _rows(report):
        tables.setdefault(table, []).append({"cle": row.key, "libelle": row.label, **_figures(row, table)})
    document = {
        "du": report.du.isoformat(),
        "au": report.au.isoformat(),
        "donnees_simulees": report.simule,
        "seuil_secret": THRESHOLD,
        "tableaux": tables,
        "ecarts": [
            {
                "rome": gap.rome,
                "metier": gap.metier,
                "epci": gap.epci,
                "territoire": gap.territoire,
                "sans_session": gap.sans_session.text(),
                "distance_mediane_km": gap.distance_mediane,
            }
            for gap in report.ecarts
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


# -- HTML --------------------------------------------------------------------------------------
def _colour(cell: Cell | None) -> str:
    if cell is None or cell.hidden:
        return HIDDEN_COLOUR
    return next(colour for bound, colour in CLASSES if cell.value <= bound)


def map_svg(report: Report) -> str:
    """Hauts-de-France by EPCI, coloured by unmet demand: one <path class="epci"> per EPCI."""
    epcis = territoires().regional()
    points = [pt for e in epcis for polygon in e.contour for ring in polygon for pt in ring]
    lat0 = math.radians(sum(p[1] for p in points) / len(points))
    xs = [p[0] * math.cos(lat0) for p in points]
    ys = [-p[1] for p in points]
    left, top, cos0 = min(xs), min(ys), math.cos(lat0)
    scale = MAP_WIDTH / (max(xs) - left)
    height = (max(ys) - top) * scale

    def project(lon: float, lat: float) -> str:
        return f"{(lon * cos0 - left) * scale:.1f},{(-lat - top) * scale:.1f}"

    paths = []
    for epci in epcis:
        cell = report.carte.get(epci.code)
        figure = cell.text() if cell is not None else f"< {THRESHOLD}"
        d = " ".join(
            "M" + " L".join(project(lon, lat) for lon, lat in ring) + " Z"
            for polygon in epci.contour
            for ring in polygon
        )
        title = html.escape(f"{epci.nom} : {figure} recherche(s) sans session dans le rayon")
        paths.append(
            f'<path class="epci" data-epci="{epci.code}" fill="{_colour(cell)}" d="{d}"><title>{title}</title></path>'
        )
    return (
        f'<svg class="carte" viewBox="0 0 {MAP_WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="carte-titre"><title id="carte-titre">Carte des Hauts-de-France par EPCI : recherches '
        f"sans session dans le rayon</title>{''.join(paths)}</svg>"
    )


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = out.getvalue()
    return text[text.index("<svg") :]


def trend_chart(report: Report) -> str:
    weeks = report.semaines
    figure, axis = plt.subplots(figsize=(7.5, 2.6))
    positions = range(len(weeks))
    for attribute, label, colour in (
        ("recherches", "recherches", "#1f5f8b"),
        ("sans_session", "sans session", "#c0392b"),
    ):
        values = [math.nan if getattr(w, attribute).hidden else getattr(w, attribute).value for w in weeks]
        axis.plot(positions, values, marker="o", markersize=2.5, label=label, color=colour)
    ticks = list(positions)[:: max(1, len(weeks) // 8)]
    axis.set_xticks(ticks, [weeks[i].key[8:10] + "/" + weeks[i].key[5:7] for i in ticks], fontsize=8)
    axis.set_ylabel("par semaine", fontsize=8)
    axis.legend(fontsize=8, frameon=False)
    axis.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def jobs_chart(report: Report) -> str:
    rows = [r for r in report.metiers if not r.recherches.hidden][:10][::-1]
    figure, axis = plt.subplots(figsize=(7.5, 0.3 * len(rows) + 0.6))
    labels = [r.label if len(r.label) <= 55 else r.label[:52] + "…" for r in rows]
    axis.barh(labels, [r.recherches.value for r in rows], color="#1f5f8b", label="recherches")
    axis.barh(
        labels,
        [0 if r.sans_session.hidden else r.sans_session.value for r in rows],
        color="#c0392b",
        label="sans session",
    )
    axis.tick_params(labelsize=7)
    axis.legend(fontsize=8, frameon=False)
    axis.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html"]), trim_blocks=True
)


def _legend() -> list[tuple[str, str]]:
    items, low = [], THRESHOLD
    for bound, colour in CLASSES:
        items.append((colour, f"{low} et plus" if math.isinf(bound) else f"{low} à {int(bound)}"))
        low = int(bound) + 1 if not math.isinf(bound) else low
    items.append((HIDDEN_COLOUR, f"moins de {THRESHOLD}, ou secret"))
    return items


def as_html(report: Report, controls: dict | None = None) -> str:
    """The report; `controls` (action, csv: URLs) adds the period form of the /region page."""
    return _TEMPLATES.get_template("rapport.html").render(
        rapport=report,
        periode=f"du {_day(report.du)} au {_day(report.au)}",
        du_iso=report.du.isoformat(),
        au_iso=report.au.isoformat(),
        controles=controls,
        carte=map_svg(report),
        legende=_legend(),
        tendance=trend_chart(report),
        metiers=jobs_chart(report),
        seuil=THRESHOLD,
        proche_km=NEAREST_SEARCH_KM,
        retention=retention_months(),
    )


def render(report: Report, format: str) -> str:
    return {"html": as_html, "csv": as_csv, "json": as_json}[format](report)
