"""Load benchmark through the load balancer: the production topology with 1, then 2 Rasa replicas.

Starts PostgreSQL and Redis of its own (scripts/local_services.py), imports the demo catalog,
then for each replica count starts `serve.production` (nginx in front, one action server) and
drives the same simulated conversations as scripts/bench_assistant.py through nginx. Prints
throughput, p95 and the scaling ratio; asserts nothing about time.

    python scripts/bench_scale.py [--replicas 1 2] [--workers 1] [--conversations 20] [--rounds 3]
                                  [--json FILE] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench_assistant import TODAY, MemorySampler, drive
from scripts.benchlib import import_demo_catalog, machine, percentile
from scripts.local_services import LocalPostgres, LocalRedis, ensure_nginx, production_environment
from serve.production import Production
from serve.servers import DEFAULT_MODEL, free_port


def measure(replicas: int, workers: int, env: dict, folder: Path, conversations: int, rounds: int) -> dict:
    production = Production(
        model=DEFAULT_MODEL,
        replicas=replicas,
        workers=workers,
        actions=1,
        port=free_port(),
        web_port=None,
        env=dict(env),
        log_dir=folder / f"replicas-{replicas}",
    )
    production.start()
    sampler = MemorySampler({name: process.pid for name, process, _ in production.processes if name.startswith("rasa")})
    sampler.start()
    try:
        load, seconds = asyncio.run(drive(production.url, conversations, rounds, 900))
    finally:
        sampler.done.set()
        sampler.join()
        production.stop()
    return {
        "replicas": replicas,
        "workers_per_replica": workers,
        "turns": load.turns,
        "errors": sum(load.errors.values()),
        "complete_conversations": load.complete,
        "conversations": load.conversations,
        "messages_per_s": round(load.turns / seconds, 1),
        "turn_p50_ms": round(percentile(load.latencies_ms, 50)),
        "turn_p95_ms": round(percentile(load.latencies_ms, 95)),
        "rasa_peak_rss_mb": round(sum(sampler.peak_mb.values())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workers", type=int, default=1, help="Sanic workers per replica (default 1)")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    ensure_nginx()
    postgres = LocalPostgres().start()
    redis_server = None
    runs = []
    try:
        redis_server = LocalRedis().start()
        env = {**production_environment(postgres, redis_server), "BOT_TODAY": TODAY}
        with tempfile.TemporaryDirectory() as tmp:
            Production.prepare_databases(env)
            import_demo_catalog(env)
            for replicas in args.replicas:
                print(f"{replicas} réplique(s)…", flush=True)
                runs.append(measure(replicas, args.workers, env, Path(tmp), args.conversations, args.rounds))
    finally:
        if redis_server:
            redis_server.stop()
        postgres.stop()
    base = runs[0]["messages_per_s"]
    for run in runs:
        run["scaling_ratio"] = round(run["messages_per_s"] / base, 2) if base else None
    header = (
        f"Machine : {machine()} ; {dt.date.today().isoformat()} ; {args.conversations} conversations simultanées × "
        f"{args.rounds}, à travers nginx ; {args.workers} worker(s) Sanic par réplique.\n\n"
    )
    table = (
        header + "| répliques Rasa | messages | erreurs | débit (messages/s) | p50 | p95 "
        "| rapport au débit d'une réplique | mémoire Rasa max |\n"
        "|---|---|---|---|---|---|---|---|\n"
        + "\n".join(
            f"| {r['replicas']} | {r['turns']} | {r['errors']} | {r['messages_per_s']} | {r['turn_p50_ms']} ms | "
            f"{r['turn_p95_ms']} ms | {r['scaling_ratio']} | {r['rasa_peak_rss_mb']} Mo |"
            for r in runs
        )
        + "\n"
    )
    print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"machine": machine(), "runs": runs}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table, encoding="utf-8")
    return 1 if any(r["errors"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
