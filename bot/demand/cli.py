"""`python -m bot demande rapport|simuler` (wired into bot/cli.py)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from bot import config
from bot.catalog.db import engine
from bot.demand.events import load
from bot.demand.simulation import simulate


def add_commands(commands: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    demand = commands.add_parser("demande", help="la demande exprimée dans les conversations (rapport anonyme)")
    actions = demand.add_subparsers(dest="action", required=True, parser_class=parser_class)
    report = actions.add_parser("rapport", help="rapport de la demande et de la demande non satisfaite")
    report.add_argument("--du", help="premier jour (AAAA-MM-JJ ; par défaut il y a un an)")
    report.add_argument("--au", help="dernier jour (AAAA-MM-JJ ; par défaut hier)")
    report.add_argument(
        "--format", choices=("html", "csv", "json"), default="html", help="html (par défaut), csv ou json"
    )
    report.add_argument(
        "--sortie", type=Path, metavar="FICHIER", help="fichier écrit (par défaut demande-DU-AU.FORMAT)"
    )
    simulated = actions.add_parser("simuler", help="remplace les données simulées par une année de recherches simulées")
    simulated.add_argument("--jours", type=int, default=365, help="nombre de jours simulés (par défaut 365)")


def period(du: str | None, au: str | None) -> tuple[dt.date, dt.date]:
    """The report's days: by default the year that ends yesterday (BOT_TODAY)."""
    end = config.parse_day(au, "--au") if au else config.today() - dt.timedelta(days=1)
    start = config.parse_day(du, "--du") if du else end - dt.timedelta(days=364)
    if start > end:
        raise config.ConfigError(f"période vide : le {start.isoformat()} est après le {end.isoformat()}")
    return start, end


def report_command(args: argparse.Namespace) -> int:
    from bot.demand.render import render  # matplotlib: loaded only for a report
    from bot.demand.report import build

    start, end = period(args.du, args.au)
    text = render(build(load(engine(), start, end), start, end), args.format)
    out = args.sortie or Path(f"demande-{start.isoformat()}-{end.isoformat()}.{args.format}")
    out.write_text(text, encoding="utf-8")
    print(f"Rapport écrit : {out}")
    return 0


def simulate_command(args: argparse.Namespace) -> int:
    if not 1 <= args.jours <= 3660:
        raise config.ConfigError(f"nombre de jours invalide « {args.jours} » (de 1 à 3660)")
    count = simulate(engine(), config.today(), args.jours)
    print(f"{count} recherches simulées enregistrées (marquées comme simulées ; les vraies sont gardées).")
    return 0


COMMANDS = {"rapport": report_command, "simuler": simulate_command}
