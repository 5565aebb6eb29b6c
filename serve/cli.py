"""Command line of the serving side: `python -m serve conversations purge --older-than-days N`
(retention of the conversations stored by the production profile, and of the anonymous demand
events of the catalog database, kept BOT_DEMANDE_RETENTION_MOIS months)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot import config
from bot.catalog.db import engine
from bot.cli import Parser, UsageError, first_line
from bot.demand.events import purge as purge_demand
from bot.demand.events import retention_months
from serve.retention import purge
from serve.settings import tracker_database_url


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m serve", description="Assistant Electro'Mob : exploitation.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    conversations = commands.add_parser("conversations", help="conversations gardées par le profil de production")
    kept = conversations.add_subparsers(dest="action", required=True, parser_class=Parser)
    purging = kept.add_parser(
        "purge",
        help="efface les conversations inactives depuis plus de N jours, et les recherches anonymes (rapport de la "
        "demande) plus anciennes que BOT_DEMANDE_RETENTION_MOIS mois (24 par défaut)",
    )
    purging.add_argument(
        "--older-than-days",
        type=float,
        required=True,
        metavar="N",
        help="durée de conservation en jours après le dernier message",
    )
    purging.add_argument("--database-url", help="base des conversations (par défaut d'après BOT_TRACKER_DB_*)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _purge(build_parser().parse_args(argv))
    except UsageError as error:
        print(f"python -m serve : {error}", file=sys.stderr)
        return 2
    except config.ConfigError as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 1


def _purge(args: argparse.Namespace) -> int:
    if not args.older_than_days > 0:
        raise UsageError(f"durée invalide « {args.older_than_days:g} » (attendu un nombre de jours positif)")
    url = args.database_url or tracker_database_url()
    try:
        done = purge(url, args.older_than_days)
    except (OperationalError, ArgumentError) as error:
        shown = make_url(url).render_as_string(hide_password=True) if "://" in url else url
        print(f"erreur : base des conversations inaccessible ({shown}) : {first_line(error)}", file=sys.stderr)
        return 1
    print(
        f"{done.conversations} conversation(s) effacée(s) ({done.events} événements), "
        f"inactives depuis plus de {args.older_than_days:g} jours."
    )
    months = retention_months()
    try:
        searches = purge_demand(engine(), config.today(), months)
    except (OperationalError, ArgumentError) as error:
        print(f"erreur : base du catalogue inaccessible : {first_line(error)}", file=sys.stderr)
        return 1
    print(f"{searches} recherche(s) anonyme(s) de plus de {months} mois effacée(s).")
    return 0
