"""Command line: `python -m bot catalog import|search|parcours` (see docs/contrat.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot import config
from bot.catalog.db import engine
from bot.catalog.lheo import ROME_CODE, ImportFault, import_file
from bot.catalog.queries import learning_path
from bot.catalog.search import search_sessions
from bot.geo import Commune, gazetteer
from bot.jobs import vocabulary
from bot.results import MAX_RADIUS_KM, MIN_RADIUS_KM


class UsageError(Exception):
    """Wrong arguments: shown as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line instead of argparse's usage block
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m bot", description="Assistant Electro'Mob : catalogue des formations.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    catalog = commands.add_parser("catalog", help="catalogue des formations (LHEO)")
    actions = catalog.add_subparsers(dest="action", required=True, parser_class=Parser)

    importing = actions.add_parser("import", help="importe des fichiers LHEO 2.2 ou 2.3")
    importing.add_argument("files", nargs="+", metavar="FILE")

    search = actions.add_parser("search", help="sessions à venir pour un métier autour d'une commune")
    search.add_argument("--rome", required=True, help="code ROME, par ex. H2705")
    where = search.add_mutually_exclusive_group(required=True)
    where.add_argument("--commune", help="nom de commune ou code postal, tel qu'on le tape")
    where.add_argument("--insee", help="code INSEE de la commune")
    search.add_argument("--rayon", required=True, type=float, help="rayon en km")
    search.add_argument("--today", help="date du jour AAAA-MM-JJ (par défaut BOT_TODAY ou la date réelle)")
    search.add_argument("--json", action="store_true", help="liste JSON des sessions, et rien d'autre")

    path = actions.add_parser("parcours", help="étapes de formation vers un métier, dans le catalogue chargé")
    path.add_argument("--rome", required=True, help="code ROME, par ex. H2705")
    path.add_argument("--json", action="store_true", help="les étapes en JSON, et rien d'autre")

    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.action == "import":
            return _import(args.files)
        if args.action == "parcours":
            return _path(args)
        return _search(args)
    except UsageError as error:
        print(f"python -m bot : {error}", file=sys.stderr)
        return 2
    except (config.ConfigError, ImportFault) as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 1
    except (OperationalError, ArgumentError) as error:
        print(f"erreur : base de données inaccessible ({_database_name()}) : {first_line(error)}", file=sys.stderr)
        return 1


def _import(files: list[str]) -> int:
    failed = 0
    for path in files:
        try:
            print(import_file(engine(), path).summary())
        except ImportFault as fault:
            print(f"erreur : {fault}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def _rome(text: str) -> str:
    rome = text.strip().upper()
    if not ROME_CODE.match(rome):
        raise UsageError(f"code ROME invalide « {text} » (attendu une lettre et 4 chiffres, par ex. H2705)")
    return rome


def _path(args: argparse.Namespace) -> int:
    rome = _rome(args.rome)
    steps = learning_path(engine(), rome)
    if args.json:
        json.dump([step.as_payload() for step in steps], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    metier = vocabulary().by_rome(rome)
    print(f"Parcours vers {metier.titre if metier else rome} ({rome}) : {len(steps)} étape(s)")
    for number, step in enumerate(steps, 1):
        hours = f", {step.heures} h" if step.heures else ""
        print(f"  {number}. {step.intitule} ({step.formation_id}{hours}) — {step.pourquoi}")
    return 0


def _search(args: argparse.Namespace) -> int:
    rome = _rome(args.rome)
    if not MIN_RADIUS_KM <= args.rayon <= MAX_RADIUS_KM:
        raise UsageError(f"rayon invalide « {args.rayon:g} » (attendu entre {MIN_RADIUS_KM:g} et {MAX_RADIUS_KM:g} km)")
    today = config.parse_day(args.today, "--today") if args.today else config.today()
    commune = _commune(args)
    hits = search_sessions(engine(), rome, commune.lat, commune.lon, args.rayon, today)
    if args.json:
        json.dump([hit.as_json() for hit in hits], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    metier = vocabulary().by_rome(rome)
    label = f"{metier.titre} ({rome})" if metier else rome
    print(
        f"{label} — à {args.rayon:g} km de {commune.nom} ({commune.insee}), "
        f"au {today:%d/%m/%Y} : {len(hits)} session(s)"
    )
    for hit in hits:
        session = hit.as_json()
        distance = "à distance" if session["distance_km"] is None else f"{session['distance_km']:.1f} km"
        places = f", {session['places']} places" if session["places"] is not None else ""
        print(
            f"  {session['debut']} → {session['fin'] or '?'}  {distance:>10}  {session['ville'] or '-'} : "
            f"{session['intitule']} — {session['organisme']} [{session['modalite']}{places}] ({session['session_id']})"
        )
    return 0


def _commune(args: argparse.Namespace) -> Commune:
    gaz = gazetteer()
    if args.insee:
        commune = gaz.by_insee(args.insee.strip())
        if commune is None:
            raise UsageError(f"code INSEE inconnu « {args.insee} »")
        return commune
    resolution = gaz.resolve(args.commune)
    if resolution.commune is None:
        hint = ", ".join(c.nom for c in resolution.alternatives[:3])
        raise UsageError(f"commune inconnue « {args.commune} »" + (f" (vouliez-vous dire : {hint} ?)" if hint else ""))
    if resolution.status == "ambiguous":
        others = ", ".join(f"{c.nom} ({c.insee})" for c in resolution.alternatives)
        print(
            f"« {args.commune} » : commune retenue {resolution.commune.nom} ({resolution.commune.insee}) ; "
            f"autres : {others}",
            file=sys.stderr,
        )
    return resolution.commune


def _database_name() -> str:
    try:
        return make_url(config.database_url()).render_as_string(hide_password=True)
    except ArgumentError:
        return "BOT_DATABASE_URL"


def first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
