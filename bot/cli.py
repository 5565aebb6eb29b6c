"""Command line: `python -m bot catalog import|refresh|sources|remove|report|formacodes|search|parcours`
(see docs/contrat.md and docs/catalogue.md) and `python -m bot demande rapport|simuler` (bot/demand)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot import config
from bot.catalog import store
from bot.catalog.db import engine
from bot.catalog.lheo import DEFAULT_TOLERANCE, ROME_CODE, ImportFault, ImportReport, import_source, source_name
from bot.catalog.queries import learning_path
from bot.catalog.refresh import left_behind, refresh
from bot.catalog.search import BY_FORMACODE, search_sessions
from bot.catalog.store import plural
from bot.contract import STATUTS
from bot.criteria import MODALITES, TEMPS, Criteria, financeurs
from bot.demand import cli as demand_cli
from bot.geo import Commune, gazetteer
from bot.jobs import vocabulary
from bot.messages import criteria_text
from bot.results import MAX_RADIUS_KM, MIN_RADIUS_KM

SEARCH_LIMIT = 50  # sessions shown by default
REPORT_LINES = 20  # lines of an import report printed after the import


class UsageError(Exception):
    """Wrong arguments: shown as one line, exit code 2."""


class Failure(Exception):
    """A command that cannot do what was asked: shown as one line, exit code 1."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line instead of argparse's usage block
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m bot", description="Assistant Electro'Mob : catalogue des formations, demande.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    catalog = commands.add_parser("catalog", help="catalogue des formations (LHEO)")
    actions = catalog.add_subparsers(dest="action", required=True, parser_class=Parser)

    importing = actions.add_parser("import", help="importe des fichiers LHEO 2.2 ou 2.3, chacun dans sa source")
    importing.add_argument("files", nargs="+", metavar="FILE")
    importing.add_argument("--source", help="source des fichiers (par défaut le nom de chaque fichier sans extension)")
    _tolerance_option(importing)
    importing.add_argument(
        "--dry-run", action="store_true", help="lit et vérifie tout, affiche le rapport, ne change rien"
    )

    refreshing = actions.add_parser("refresh", help="importe chaque fichier LHEO d'un dossier comme sa propre source")
    refreshing.add_argument("folder", metavar="DIR")
    _tolerance_option(refreshing)

    actions.add_parser("sources", help="liste les sources du catalogue")
    removing = actions.add_parser("remove", help="retire une source et toutes ses offres")
    removing.add_argument("name", metavar="NAME")
    reporting = actions.add_parser("report", help="rapport du dernier import d'une source")
    reporting.add_argument("name", metavar="NAME")
    formacodes = actions.add_parser("formacodes", help="codes Formacode du référentiel pour un métier")
    formacodes.add_argument("rome", metavar="ROME")

    search = actions.add_parser("search", help="sessions à venir pour un métier autour d'une commune")
    search.add_argument("--rome", required=True, help="code ROME, par ex. H2705")
    where = search.add_mutually_exclusive_group(required=True)
    where.add_argument("--commune", help="nom de commune ou code postal, tel qu'on le tape")
    where.add_argument("--insee", help="code INSEE de la commune")
    search.add_argument("--rayon", required=True, type=float, help="rayon en km")
    search.add_argument("--today", help="date du jour AAAA-MM-JJ (par défaut BOT_TODAY ou la date réelle)")
    search.add_argument(
        "--limit", type=int, default=SEARCH_LIMIT, help=f"sessions affichées (par défaut {SEARCH_LIMIT})"
    )
    search.add_argument("--json", action="store_true", help="liste JSON des sessions, et rien d'autre")
    search.add_argument("--debut-apres", metavar="AAAA-MM-JJ", help="sessions où l'on peut entrer ce jour-là ou après")
    search.add_argument("--debut-avant", metavar="AAAA-MM-JJ", help="sessions qui commencent au plus tard ce jour-là")
    search.add_argument("--alternance", action="store_true", help="sessions en alternance seulement")
    search.add_argument("--modalite", choices=MODALITES, help="présentiel, mixte ou à distance")
    search.add_argument("--heures-max", type=int, metavar="N", help="durée de l'action au plus N heures")
    search.add_argument("--finance-pour", choices=STATUTS, metavar="STATUT", help="financée pour ce statut")
    search.add_argument("--financeur", metavar="CODE", help="code financeur LHEO (2 : Région, 4 : France Travail…)")
    search.add_argument("--temps", choices=TEMPS, help="plein, partiel ou soir")
    search.add_argument("--handicap", action="store_true", help="accueil des personnes handicapées décrit")

    path = actions.add_parser("parcours", help="étapes de formation vers un métier, dans le catalogue chargé")
    path.add_argument("--rome", required=True, help="code ROME, par ex. H2705")
    path.add_argument("--json", action="store_true", help="les étapes en JSON, et rien d'autre")

    demand_cli.add_commands(commands, Parser)
    return parser


def _tolerance_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE * 100,
        metavar="POURCENT",
        help="part (en %%) d'enregistrements illisibles au-delà de laquelle un fichier est refusé "
        f"(par défaut {DEFAULT_TOLERANCE * 100:g})",
    )


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        commands = {
            "import": _import,
            "refresh": _refresh,
            "sources": _sources,
            "remove": _remove,
            "report": _report,
            "formacodes": _formacodes,
            "parcours": _path,
            "search": _search,
            **demand_cli.COMMANDS,
        }
        return commands[args.action](args)
    except UsageError as error:
        print(f"python -m bot : {error}", file=sys.stderr)
        return 2
    except (config.ConfigError, ImportFault, Failure) as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 1
    except (OperationalError, ArgumentError) as error:
        print(f"erreur : base de données inaccessible ({_database_name()}) : {first_line(error)}", file=sys.stderr)
        return 1


def _tolerance(args: argparse.Namespace) -> float:
    if not 0 <= args.tolerance <= 100:
        raise UsageError(f"tolérance invalide « {args.tolerance:g} » (attendu un pourcentage entre 0 et 100)")
    return args.tolerance / 100


def _import(args: argparse.Namespace) -> int:
    tolerance = _tolerance(args)
    sources: dict[str, list[str]] = {}
    for path in args.files:
        sources.setdefault(args.source or source_name(path), []).append(path)
    failed = 0
    for name, paths in sources.items():
        try:
            report = import_source(engine(), paths, name, tolerance=tolerance, dry_run=args.dry_run)
            _print_report(report, limit=None if args.dry_run else REPORT_LINES, dry_run=args.dry_run)
        except ImportFault as fault:
            if args.dry_run and fault.report is not None:
                _print_report(fault.report, limit=None, dry_run=True)
            print(f"erreur : {fault}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def _print_report(report: ImportReport, *, limit: int | None, dry_run: bool = False) -> None:
    print(("essai, rien n'a été changé : " if dry_run else "") + report.summary())
    _print_notes(report.notes, report.source, limit)


def _print_notes(notes: list[store.Note], source: str, limit: int | None) -> None:
    shown = notes if limit is None else notes[:limit]
    for note in shown:
        print(f"  {note}")
    if len(notes) > len(shown):
        others = plural(len(notes) - len(shown), "autre ligne", "autres lignes")
        print(f"  … et {others} : python -m bot catalog report {source}")


def _refresh(args: argparse.Namespace) -> int:
    tolerance = _tolerance(args)
    folder = Path(args.folder)
    outcomes = refresh(engine(), folder, tolerance=tolerance)
    for outcome in outcomes:
        if outcome.report is not None:
            _print_report(outcome.report, limit=REPORT_LINES)
        else:
            print(f"erreur : source « {outcome.source} » inchangée : {outcome.fault}", file=sys.stderr)
    for name in left_behind(engine(), folder, outcomes):
        print(
            f"source « {name} » : son fichier n'est plus dans {folder} ; elle reste dans le catalogue "
            f"(python -m bot catalog remove {name} pour la retirer)"
        )
    failed = sum(outcome.fault is not None for outcome in outcomes)
    print(f"{plural(len(outcomes) - failed, 'source à jour', 'sources à jour')}, {failed} en erreur")
    return 1 if failed else 0


def _sources(_args: argparse.Namespace) -> int:
    infos = store.sources(engine())
    if not infos:
        print("Aucune source : importez un flux (python -m bot catalog import FICHIER ou refresh DOSSIER).")
        return 0
    rows = [
        ("source", "importée le (UTC)", "formations", "actions", "sessions", "ignorés", "remarques", "fichiers"),
        *(
            (
                info.nom,
                f"{info.importe_le:%Y-%m-%d %H:%M}",
                *map(str, (info.formations, info.actions, info.sessions, info.ignores, info.remarques)),
                ", ".join(Path(f).name for f in info.fichiers),
            )
            for info in infos
        ),
    ]
    _print_table(rows, numeric=range(2, 7))
    return 0


def _print_table(rows: list[tuple[str, ...]], numeric: Iterable[int]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = set(numeric)
    for row in rows:
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())


def _known_source(name: str) -> store.SourceInfo:
    info = store.source(engine(), name)
    if info is None:
        known = ", ".join(i.nom for i in store.sources(engine())) or "aucune"
        raise Failure(f"source inconnue « {name} » (sources : {known})")
    return info


def _remove(args: argparse.Namespace) -> int:
    info = _known_source(args.name)
    store.remove(engine(), info.nom)
    print(f"source « {info.nom} » retirée : {plural(info.formations, 'formation')}, {plural(info.sessions, 'session')}")
    return 0


def _report(args: argparse.Namespace) -> int:
    info = _known_source(args.name)
    print(f"{info.summary()} (le {info.importe_le:%Y-%m-%d à %H:%M} UTC)")
    _print_notes(store.notes(engine(), info.nom), info.nom, None)
    return 0


def _formacodes(args: argparse.Namespace) -> int:
    rome = _rome(args.rome)
    metier = vocabulary().by_rome(rome)
    if metier is None:
        raise ImportFault(
            f"métier « {rome} » absent du référentiel des métiers : pas de Formacode, seul le code ROME compte"
        )
    print(f"{metier.titre} ({rome}) : {plural(len(metier.formacodes), 'code')} Formacode")
    for formacode in metier.formacodes:
        print(f"  {formacode.code}  {formacode.libelle}")
    if metier.formacodes_source:
        print(f"Source : {metier.formacodes_source}")
    print("Une formation qui ne porte aucun code ROME correspond à ce métier si elle porte l'un de ces codes.")
    return 0


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
    if args.limit < 1:
        raise UsageError(f"limite invalide « {args.limit} » (attendu au moins 1)")
    today = config.parse_day(args.today, "--today") if args.today else config.today()
    commune = _commune(args)
    criteria = _criteria(args)
    hits = search_sessions(engine(), rome, commune.lat, commune.lon, args.rayon, today, criteria=criteria)
    shown = hits[: args.limit]
    if args.json:
        json.dump([hit.as_json() for hit in shown], sys.stdout, ensure_ascii=False, indent=2)
        print()
        if len(shown) < len(hits):
            print(f"{len(shown)} sessions sur {len(hits)} (--limit {args.limit})", file=sys.stderr)
        return 0
    metier = vocabulary().by_rome(rome)
    label = f"{metier.titre} ({rome})" if metier else rome
    described = criteria_text(criteria)
    print(
        f"{label} — à {args.rayon:g} km de {commune.nom} ({commune.insee})"
        + (f", {described}" if described else "")
        + f", au {today:%d/%m/%Y} : {plural(len(hits), 'session')}"
    )
    for hit in shown:
        session = hit.as_json()
        distance = "à distance" if session["distance_km"] is None else f"{session['distance_km']:.1f} km"
        places = f", {session['places']} places" if session["places"] is not None else ""
        par = ", par Formacode" if hit.par == BY_FORMACODE else ""
        print(
            f"  {session['debut']} → {session['fin'] or '?'}  {distance:>10}  {session['ville'] or '-'} : "
            f"{session['intitule']} — {session['organisme']} [{session['modalite']}{places}{par}] "
            f"({session['session_id']}, source {hit.source})"
        )
    if len(shown) < len(hits):
        print(f"  … et {plural(len(hits) - len(shown), 'autre')} : --limit {len(hits)} pour tout voir")
    return 0


def _criteria(args: argparse.Namespace) -> Criteria:
    if args.heures_max is not None and args.heures_max < 1:
        raise UsageError(f"durée maximale invalide « {args.heures_max} » (attendu au moins 1 heure)")
    if args.financeur is not None and args.financeur not in financeurs():
        raise UsageError(f"code financeur inconnu « {args.financeur} » (codes : {', '.join(financeurs())})")
    return Criteria(
        debut_apres=config.parse_day(args.debut_apres, "--debut-apres") if args.debut_apres else None,
        debut_avant=config.parse_day(args.debut_avant, "--debut-avant") if args.debut_avant else None,
        alternance=True if args.alternance else None,
        modalite=args.modalite,
        heures_max=args.heures_max,
        finance_pour=args.finance_pour,
        financeur=args.financeur,
        temps=args.temps,
        handicap=True if args.handicap else None,
    )


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
