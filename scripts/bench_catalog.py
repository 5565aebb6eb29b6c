"""Catalog benchmark: import throughput and search latency on a generated catalog.

Generates a synthetic LHEO 2.3 feed (default 100,000 sessions, places spread over the
communes of Hauts-de-France), imports it into a fresh database and times searches for
random jobs, towns and radii. Prints figures; asserts nothing about time.

    python scripts/bench_catalog.py [--sessions N] [--queries N] [--database-url URL] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.catalog import lheo_writer as w
from bot.catalog import models as m
from bot.catalog.db import engine as make_engine
from bot.catalog.lheo import import_file
from bot.catalog.search import search_sessions
from bot.geo import gazetteer
from bot.jobs import vocabulary
from scripts.benchlib import machine, percentile

SESSIONS_PER_ACTION = 5
ACTIONS_PER_FORMATION = 2
HAUTS_DE_FRANCE = "32"


def generate(path: Path, sessions: int, rng: random.Random) -> None:
    romes = [job.rome for job in vocabulary().all()]
    towns = [c for c in gazetteer().communes() if c.region == HAUTS_DE_FRANCE]
    start = dt.date(2027, 1, 4)
    formations = max(1, sessions // (SESSIONS_PER_ACTION * ACTIONS_PER_FORMATION))
    with open(path, "w", encoding="utf-8") as out:
        out.write(w.document([]).split("</offres>")[0])
        for fi in range(formations):
            actions = []
            for ai in range(ACTIONS_PER_FORMATION):
                town = rng.choice(towns)
                remote = rng.random() < 0.03
                items = []
                for si in range(SESSIONS_PER_ACTION):
                    debut = start + dt.timedelta(days=rng.randrange(0, 700))
                    fin = debut + dt.timedelta(days=rng.randrange(5, 200))
                    items.append(
                        w.session(
                            f"S{fi}-{ai}-{si}",
                            f"{debut:%Y%m%d}",
                            f"{fin:%Y%m%d}",
                            etat=rng.choice([None, 1, 1, 1, 2]),
                            places=rng.randrange(6, 20),
                        )
                    )
                actions.append(
                    w.action(
                        f"A{fi}-{ai}",
                        items,
                        [w.lieu(insee=town.insee)],
                        modalite=2 if remote else rng.choice([0, 0, 1]),
                        permanent=int(rng.random() < 0.1),
                    )
                )
            out.write(
                w.formation(
                    f"F{fi}", actions, romes=tuple(rng.sample(romes, rng.randrange(1, 3))), intitule=f"Formation {fi}"
                )
            )
        out.write("</offres></lheo>\n")


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
        for text in texts * 50:
            t0 = time.perf_counter()
            resolve(text)
            times.append((time.perf_counter() - t0) * 1000)
        figures[f"{name}_resolve_p50_ms"] = round(statistics.median(times), 3)
        figures[f"{name}_resolve_p95_ms"] = round(percentile(times, 95), 3)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    rng = random.Random(2027)
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "bench.lheo.xml"
        started = time.perf_counter()
        generate(feed, args.sessions, rng)
        generated_s = time.perf_counter() - started
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        m.metadata.drop_all(engine)
        m.metadata.create_all(engine)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report = import_file(engine, feed)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        towns = [c for c in gazetteer().communes() if c.region == HAUTS_DE_FRANCE and c.population > 5000]
        romes = [job.rome for job in vocabulary().all()]
        latencies, found = [], []
        for _ in range(args.queries):
            town, rome, radius = rng.choice(towns), rng.choice(romes), rng.choice([10, 20, 30, 50, 100])
            t0 = time.perf_counter()
            hits = search_sessions(engine, rome, town.lat, town.lon, radius, dt.date(2027, 1, 1))
            latencies.append((time.perf_counter() - t0) * 1000)
            found.append(len(hits))
        figures = {
            "machine": machine(),
            "database": engine.dialect.name,
            "sessions": report.sessions,
            "formations": report.formations,
            "feed_mb": round(feed.stat().st_size / 1e6, 1),
            "generate_s": round(generated_s, 1),
            "import_s": round(report.seconds, 1),
            "import_sessions_per_s": round(report.sessions / report.seconds),
            "import_mb_per_s": round(feed.stat().st_size / 1e6 / report.seconds, 2),
            "import_peak_rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
            "peak_rss_mb": round(rss_after / 1024, 1),
            "search_queries": args.queries,
            "search_p50_ms": round(percentile(latencies, 50), 2),
            "search_p95_ms": round(percentile(latencies, 95), 2),
            "search_max_ms": round(max(latencies), 2),
            "search_mean_results": round(statistics.mean(found), 1),
            **resolver_figures(),
        }
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
