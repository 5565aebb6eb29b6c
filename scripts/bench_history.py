"""Turn latency along one long conversation, before and after the tracker store keeps the
history short (addons/history.py), in memory and on PostgreSQL.

One person talks for --messages messages without pause (a search, "voir plus", changes of town
and radius, a funding question, thanks, in a loop). "Before" is Rasa's own behaviour
(BOT_HISTORY_MAX_EVENTS=0: the whole session is read, featurised and sent to the action server
on every turn); "after" is the project's. Prints the median and p95 turn latency per band of
20 messages. Asserts nothing about time.

    python scripts/bench_history.py [--messages 300] [--stores memory,postgresql]
                                    [--postgres-url URL] [--json FILE] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addons.http_guard import APOLOGY
from scripts.benchlib import DEMO_TODAY, import_demo_catalog, machine, percentile
from serve.production import ensure_database
from serve.servers import DEFAULT_MODEL, Servers, free_port

BAND = 20
LOOP = [
    "je cherche une formation de technicien de maintenance des batteries à Lens",
    "voir plus",
    "et à Arras ?",
    "50 km",
    "qui paie la formation ?",
    "voir plus",
    "en fait plutôt Douai",
    "30 km",
    "merci",
    "voir plus",
]
BENCH_DATABASE = "electromob_bench"
MODES = {"avant": "0", "après": ""}  # BOT_HISTORY_MAX_EVENTS: 0 = never shortened (Rasa's behaviour)


class BenchServers(Servers):
    """The assistant with the tracker store of the run (memory, or PostgreSQL at `postgres`)."""

    postgres: str | None = None

    def _endpoints(self) -> Path:
        path = super()._endpoints()
        if not self.postgres:
            return path
        url = make_url(self.postgres).set(database=BENCH_DATABASE)
        ensure_database(url.render_as_string(hide_password=False))
        target = self.log_dir / "endpoints-postgresql.yml"
        text = path.read_text(encoding="utf-8").split("tracker_store:")[0]
        target.write_text(
            text + "tracker_store:\n  type: addons.tracker_store.ErasingTrackerStore\n  dialect: postgresql\n"
            f"  url: {url.host}\n  port: {url.port or 5432}\n  db: {BENCH_DATABASE}\n"
            f"  username: {url.username}\n" + (f"  password: {url.password}\n" if url.password else ""),
            encoding="utf-8",
        )
        return target


def run(store: str, mode: str, messages: int, folder: Path, env: dict, postgres: str) -> list[float]:
    servers = BenchServers(
        model=DEFAULT_MODEL,
        rasa_port=free_port(),
        actions_port=free_port(),
        env={**env, "BOT_HISTORY_MAX_EVENTS": MODES[mode]},
        log_dir=folder / f"logs-{store}-{len(MODES[mode])}",
        with_web=False,
    )
    servers.postgres = postgres if store == "postgresql" else None
    servers.start()
    latencies = []
    sender = f"long-{uuid.uuid4().hex[:12]}"
    try:
        with httpx.Client(base_url=servers.rasa_url, timeout=120) as client:
            for index in range(messages):
                started = time.perf_counter()
                reply = client.post(
                    "/webhooks/rest/webhook", json={"sender": sender, "message": LOOP[index % len(LOOP)]}
                )
                reply.raise_for_status()
                if not reply.json() or any(m.get("text") == APOLOGY for m in reply.json()):
                    raise RuntimeError(f"message {index}: no real answer ({reply.json()})")
                latencies.append((time.perf_counter() - started) * 1000)
    finally:
        servers.stop()
    return latencies


def bands(latencies: list[float]) -> list[dict]:
    return [
        {
            "messages": f"{start}–{start + BAND - 1}",
            "median_ms": round(percentile(latencies[start : start + BAND], 50)),
            "p95_ms": round(percentile(latencies[start : start + BAND], 95)),
        }
        for start in range(0, len(latencies), BAND)
    ]


def markdown(figures: dict) -> str:
    runs = figures["runs"]
    heads = [f"{store}, {mode}" for store in runs for mode in runs[store]]
    lines = [
        f"Une conversation de {figures['messages']} messages sans pause ({figures['date']}, {figures['machine']}) : "
        "médiane / p95 du tour, en ms, par tranche de 20 messages.",
        "",
        "| messages | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(heads),
    ]
    columns = [runs[store][mode] for store in runs for mode in runs[store]]
    for index, band in enumerate(columns[0]):
        cells = [f"{c[index]['median_ms']} / {c[index]['p95_ms']}" for c in columns]
        lines.append(f"| {band['messages']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--stores", default="memory,postgresql")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    figures: dict = {"machine": machine(), "date": dt.date.today().isoformat(), "messages": args.messages, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {"BOT_DATABASE_URL": f"sqlite:///{folder / 'catalog.sqlite3'}", "BOT_TODAY": DEMO_TODAY}
        import_demo_catalog(env)
        for store in args.stores.split(","):
            for mode in MODES:
                latencies = run(store, mode, args.messages, folder, env, args.postgres_url)
                figures["runs"].setdefault(store, {})[mode] = bands(latencies)
                print(f"{store}, {mode} : {bands(latencies)[-1]}", flush=True)
    table = markdown(figures)
    print(table)
    for path, text in ((args.json, json.dumps(figures, ensure_ascii=False, indent=2) + "\n"), (args.markdown, table)):
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
