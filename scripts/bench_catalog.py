"""Catalog benchmark: import and daily refresh of generated regional and national LHEO feeds.

For each size (default: a regional feed of 100,000 sessions and a national-size one of 600,000)
and each database (SQLite, PostgreSQL), generates the feed of day 1 and the feed of day 2 (3 %
of the offers withdrawn, 3 % new ones, the rest unchanged), then runs, as an operator would,
`python -m bot catalog import` of day 1 into a new database and `python -m bot catalog refresh`
of the folder holding day 2. Prints the wall time and the peak memory (resident set) of each
command, then times searches on the refreshed catalog: the first page (what the assistant shows)
and the whole list. The feeds carry what real feeds carry:
Formacode-only formations, a few unreadable sessions, unreadable or far-off geolocalisations.
Also times the town and job resolvers. Asserts nothing about time.

    python scripts/bench_catalog.py [--sessions N [N …]] [--databases sqlite postgresql]
        [--postgres-url URL] [--queries N] [--json FILE] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.catalog import lheo_writer as w
from bot.catalog.db import engine as make_engine
from bot.catalog.search import search_page, search_sessions
from bot.geo import gazetteer
from bot.jobs import vocabulary
from bot.results import PAGE_SIZE
from scripts.benchlib import machine, percentile

ROOT = Path(__file__).resolve().parent.parent
SESSIONS_PER_ACTION = 5
ACTIONS_PER_FORMATION = 2
HAUTS_DE_FRANCE = "32"
WITHDRAWN = NEW = 0.03  # share of formations withdrawn from, and added to, the feed of day 2
POSTGRES_URL = os.environ.get("BOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _formation(index: int, seed: int, romes: list[str], formacodes: list[str], towns: list) -> str:
    """Formation number `index`, the same on both days."""
    rng = random.Random(seed * 10_000_019 + index)
    start = dt.date(2027, 1, 4)
    actions = []
    for ai in range(ACTIONS_PER_FORMATION):
        town = rng.choice(towns)
        items = []
        for si in range(SESSIONS_PER_ACTION):
            debut = start + dt.timedelta(days=rng.randrange(0, 700))
            fin = debut + dt.timedelta(days=rng.randrange(5, 200))
            bad = rng.random() < 0.002  # an unreadable date, as in real feeds
            items.append(
                w.session(
                    f"S{index}-{ai}-{si}",
                    "2027-02-30" if bad else f"{debut:%Y%m%d}",
                    f"{fin:%Y%m%d}",
                    etat=rng.choice([None, 1, 1, 1, 2]),
                    places=rng.randrange(6, 20),
                )
            )
        roll = rng.random()
        if roll < 0.01:
            place = w.lieu(insee=town.insee, lat="NC", lon="NC")
        elif roll < 0.015:
            place = w.lieu(insee=town.insee, lat=round(town.lat + 2, 5), lon=town.lon)
        elif roll < 0.5:
            place = w.lieu(insee=town.insee, lat=round(town.lat + 0.01, 5), lon=round(town.lon - 0.01, 5))
        else:
            place = w.lieu(insee=town.insee)
        actions.append(
            w.action(
                f"A{index}-{ai}",
                items,
                [place],
                modalite=2 if rng.random() < 0.03 else rng.choice([0, 0, 1]),
                permanent=int(rng.random() < 0.1),
                financeurs=(("2", rng.randrange(4, 12)),),
            )
        )
    formation_only = rng.random() < 0.1
    return w.formation(
        f"F{index}",
        actions,
        romes=() if formation_only else tuple(rng.sample(romes, rng.randrange(1, 3))),
        formacodes=tuple(rng.sample(formacodes, 1)),
        intitule=f"Formation {index}",
    )


def generate(path: Path, sessions: int, day: int, seed: int = 2027) -> None:
    """The feed of day 1 or day 2 of `sessions` sessions (about: day 2 adds and withdraws)."""
    romes = [job.rome for job in vocabulary().all()]
    formacodes = sorted({fc.code for job in vocabulary().all() for fc in job.formacodes})
    towns = [c for c in gazetteer().communes() if c.region == HAUTS_DE_FRANCE]
    count = max(1, sessions // (SESSIONS_PER_ACTION * ACTIONS_PER_FORMATION))
    withdrawn = random.Random(seed + 1)
    with open(path, "w", encoding="utf-8") as out:
        out.write(w.document([]).split("</offres>")[0])
        for index in range(count + (round(count * NEW) if day == 2 else 0)):
            if day == 2 and withdrawn.random() < WITHDRAWN and index < count:
                continue
            out.write(_formation(index, seed, romes, formacodes, towns) + "\n")
        out.write("</offres></lheo>\n")


def run_measured(args: list[str], env: dict, folder: Path) -> tuple[float, float, float, str]:
    """(seconds, processor seconds, peak resident memory in MB, stdout) of `python -m bot …`.
    The processor time is the command's own, without the database server's."""
    out_path, err_path = folder / "stdout.txt", folder / "stderr.txt"
    with open(out_path, "w", encoding="utf-8") as out, open(err_path, "w", encoding="utf-8") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"python -m bot {' '.join(args)} : échec\n{err_path.read_text(encoding='utf-8')}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out_path.read_text(encoding="utf-8")


class Database:
    """A new, empty catalog database; dropped at the end for PostgreSQL."""

    def __init__(self, kind: str, folder: Path, postgres_url: str):
        self.kind, self.admin = kind, None
        if kind == "sqlite":
            self.url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.sqlite3'}"
            return
        self.admin = create_engine(postgres_url, future=True, isolation_level="AUTOCOMMIT")
        self.name = f"electromob_bench_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = make_url(postgres_url).set(database=self.name).render_as_string(hide_password=False)

    def close(self) -> None:
        if self.admin is not None:
            make_engine(self.url).dispose()
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()


def search_figures(url: str, queries: int, rng: random.Random) -> dict:
    """What a search costs: the first page the assistant shows (PAGE_SIZE sessions and the total,
    as actions/results.py asks bot.results.sessions_page), then the whole list (counselor page,
    command line). Processor time: this process's, plus, for a PostgreSQL on this machine, that
    of the server process that answered (its /proc/PID/schedstat, in nanoseconds)."""
    engine = make_engine(url)
    server = _server_clock(engine)
    towns = [c for c in gazetteer().communes() if c.region == HAUTS_DE_FRANCE and c.population > 5000]
    romes = [job.rome for job in vocabulary().all()]
    today = dt.date(2027, 1, 1)
    pages, pages_cpu, lists, found = [], [], [], []
    for _ in range(queries):
        town, rome, radius = rng.choice(towns), rng.choice(romes), rng.choice([10, 20, 30, 50, 100])
        t0, cpu0, server0 = time.perf_counter(), time.process_time(), server()
        page = search_page(engine, rome, town.lat, town.lon, radius, today, size=PAGE_SIZE)
        pages.append((time.perf_counter() - t0) * 1000)
        pages_cpu.append((time.process_time() - cpu0) * 1000 + server() - server0)
        t0 = time.perf_counter()
        hits = search_sessions(engine, rome, town.lat, town.lon, radius, today)
        lists.append((time.perf_counter() - t0) * 1000)
        assert page.total == len(hits) and page.hits == hits[:PAGE_SIZE]
        found.append(len(hits))
    return {
        "search_p50_ms": round(percentile(pages, 50), 1),
        "search_p95_ms": round(percentile(pages, 95), 1),
        "search_max_ms": round(max(pages), 1),
        # Processor time, the steadier figure on a shared machine: SQLite's work is this
        # process's; a PostgreSQL server's is added when it runs here (else: the client's only).
        "search_cpu_p50_ms": round(percentile(pages_cpu, 50), 1),
        "search_cpu_p95_ms": round(percentile(pages_cpu, 95), 1),
        "search_cpu_server": "compris" if engine.dialect.name == "sqlite" or server() else "non mesuré",
        "list_p50_ms": round(percentile(lists, 50), 1),
        "list_p95_ms": round(percentile(lists, 95), 1),
        "search_mean_results": round(statistics.mean(found), 1),
    }


def _server_clock(engine) -> Callable[[], float]:
    """Milliseconds of processor the PostgreSQL server process of the engine's connection has
    used (searches run one after the other: the pool hands them the same connection); 0 when
    there is none on this machine."""
    if engine.dialect.name != "postgresql":
        return lambda: 0.0
    with engine.connect() as conn:
        stat = Path(f"/proc/{conn.scalar(text('SELECT pg_backend_pid()'))}/schedstat")
    if not stat.exists():
        return lambda: 0.0
    return lambda: int(stat.read_text().split()[0]) / 1e6


def bench(sessions: int, kinds: list[str], args, folder: Path, rng: random.Random) -> list[dict]:
    day1, day2 = folder / f"jour1-{sessions}", folder / f"jour2-{sessions}"
    day1.mkdir()
    day2.mkdir()
    t0 = time.perf_counter()
    generate(day1 / "region.xml", sessions, 1)
    generate(day2 / "region.xml", sessions, 2)
    generated_s = time.perf_counter() - t0
    results = []
    for kind in kinds:
        try:
            database = Database(kind, folder, args.postgres_url)
        except OperationalError as error:
            print(f"{kind} : base injoignable ({error.orig}), mesure sautée", file=sys.stderr)
            continue
        try:
            env = {"BOT_DATABASE_URL": database.url}
            import_s, import_cpu, import_mb, import_out = run_measured(
                ["catalog", "import", str(day1 / "region.xml")], env, folder
            )
            refresh_s, refresh_cpu, refresh_mb, refresh_out = run_measured(
                ["catalog", "refresh", str(day2)], env, folder
            )
            figures = {
                "database": kind,
                "sessions_feed": sessions,
                "feed_mb": round((day1 / "region.xml").stat().st_size / 1e6, 1),
                "generate_s": round(generated_s, 1),
                "import_s": round(import_s, 1),
                "import_cpu_s": round(import_cpu, 1),
                "import_sessions_per_s": round(sessions / import_s),
                "import_peak_mb": round(import_mb),
                "import_report": import_out.splitlines()[0],
                "refresh_s": round(refresh_s, 1),
                "refresh_cpu_s": round(refresh_cpu, 1),
                "refresh_peak_mb": round(refresh_mb),
                "refresh_report": refresh_out.splitlines()[0],
                **search_figures(database.url, args.queries, rng),
            }
        finally:
            database.close()
        results.append(figures)
        for key, value in figures.items():
            print(f"  {key:<22} {value}")
        print(flush=True)
    return results


def resolver_figures() -> dict:
    """Load time of the gazetteer and median time of the town and job resolvers."""
    from bot.geo import Gazetteer

    t0 = time.perf_counter()
    Gazetteer()
    load_ms = (time.perf_counter() - t0) * 1000
    towns = ["Lens", "henin beaumont", "Henin Beaumon", "Valencienne", "Dunkerke", "62300", "St Omer", "zzzzzz"]
    jobs = ["DE bac Lens H2705 30km", "pilote de ligne", "technicienne maintenence batterie", "cariste", "boulanger"]
    figures = {"gazetteer_load_ms": round(load_ms)}
    for name, resolve, texts in (("town", gazetteer().resolve, towns), ("job", vocabulary().resolve, jobs)):
        times = []
        for typed in texts * 50:
            t0 = time.perf_counter()
            resolve(typed)
            times.append((time.perf_counter() - t0) * 1000)
        figures[f"{name}_resolve_p50_ms"] = round(statistics.median(times), 3)
        figures[f"{name}_resolve_p95_ms"] = round(percentile(times, 95), 3)
    return figures


def markdown(results: list[dict]) -> str:
    lines = [
        "| flux | base | taille | import (processeur de la commande) | pic mémoire | mise à jour (processeur) "
        "| pic mémoire | première page p50 / p95 / max (processeur p50 / p95) | liste entière p50 / p95 "
        "| sessions trouvées (moyenne) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['sessions_feed']:,} sessions | {r['database']} | {r['feed_mb']} Mo | {r['import_s']} s "
            f"({r['import_cpu_s']} s) | {r['import_peak_mb']} Mo | {r['refresh_s']} s ({r['refresh_cpu_s']} s) | "
            f"{r['refresh_peak_mb']} Mo | {r['search_p50_ms']} / {r['search_p95_ms']} / {r['search_max_ms']} ms "
            f"({r['search_cpu_p50_ms']} / {r['search_cpu_p95_ms']}) | "
            f"{r['list_p50_ms']} / {r['list_p95_ms']} ms | {r['search_mean_results']} |".replace(",", " ")
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100_000, 600_000])
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="a PostgreSQL where databases may be created")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    rng = random.Random(2027)
    print(f"machine : {machine()}")
    resolvers = resolver_figures()
    for key, value in resolvers.items():
        print(f"  {key:<22} {value}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for sessions in args.sessions:
            print(f"flux de {sessions} sessions")
            results += bench(sessions, args.databases, args, Path(tmp), rng)
    print(markdown(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {"machine": machine(), "resolvers": resolvers, "results": results}
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
