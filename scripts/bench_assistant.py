"""Load benchmark of the assistant: concurrent conversations over the REST channel.

Starts the action server and the Rasa server on loopback over the demo catalog (or drives a
running assistant given with --url), then runs N simulated people at once, each going
through the whole flow several times: greeting → wish → status → town → radius → level
(learning path and sessions) → "voir plus". Two phases:

- latency: the people pause --pause-s between their messages (as people do; without any
  pause, N people waiting on each other measure the queue, not a turn: latency = N / throughput);
- throughput: the same people with no pause at all, the most the assistant answers per second.

Both phases run --repeats times (3 by default) on the same servers: the figures are the worst
run's, with the median of the runs beside them. Prints turns, errors, turn latency percentiles,
throughput, resident memory of each process, cold start (launch to first answer) and, with
--train, the training time. Asserts nothing about time.

    python scripts/bench_assistant.py [--conversations 20] [--rounds 3] [--pause-s 1] [--max-seconds 600]
                                      [--repeats 3] [--train | --model models/model.tar.gz] [--url URL]
                                      [--json FILE] [--markdown FILE] [--label TEXT]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addons.http_guard import APOLOGY
from bot.config import ROOT
from scripts.benchlib import DEMO_TODAY, import_demo_catalog, machine, percentile
from serve.servers import DEFAULT_MODEL, Servers, free_port

TODAY = DEMO_TODAY
TURN_TIMEOUT_S = 30
JOBS = [
    "technicien de maintenance des batteries",
    "pilote de ligne de production",
    "cariste",
    "operateur de production",
    "technicienne de maintenance industrielle",
]
STATUSES = ["je suis demandeur d'emploi", "salarié", "je suis etudiante", "DE"]
TOWNS = ["Lens", "douai", "Béthune", "dunkerque", "Arras", "Valenciennes", "henin beaumont", "Calais"]
LEVELS = ["j'ai un bac pro", "cap", "sans diplome", "bac+2"]


def script(rng: random.Random) -> list[str]:
    """One person's messages, from hello to the second page of sessions."""
    return [
        "bonjour",
        f"je voudrais devenir {rng.choice(JOBS)}",
        rng.choice(STATUSES),
        f"j'habite a {rng.choice(TOWNS)}",
        "50 km",
        rng.choice(LEVELS),
        "voir plus",
    ]


@dataclass
class Load:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    turns: int = 0
    conversations: int = 0
    complete: int = 0  # conversations whose level turn brought the sessions

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def turn(client: httpx.AsyncClient, load: Load, sender: str, text: str) -> list[dict]:
    load.turns += 1
    started = time.perf_counter()
    try:
        response = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    except httpx.HTTPError as error:
        load.error(type(error).__name__)
        return []
    load.latencies_ms.append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        load.error(f"HTTP {response.status_code}")
        return []
    messages = response.json()
    if not messages:
        load.error("réponse vide")
    elif any(m.get("text") == APOLOGY for m in messages):
        load.error("excuse (serveur d'actions)")
    return messages


async def person(
    client: httpx.AsyncClient, load: Load, rounds: int, seed: int, deadline: float, pause_s: float
) -> None:
    rng = random.Random(seed)
    if pause_s:  # people arrive one after another, not all in the same millisecond
        await asyncio.sleep(rng.uniform(0, 2 * pause_s))
    for _ in range(rounds):
        if time.monotonic() > deadline:
            return
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        load.conversations += 1
        messages = script(rng)
        for index, text in enumerate(messages):
            answer = await turn(client, load, sender, text)
            if index == len(messages) - 2 and any((m.get("custom") or {}).get("type") == "sessions" for m in answer):
                load.complete += 1
            if pause_s:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * pause_s)


async def drive(
    url: str, conversations: int, rounds: int, max_seconds: float, pause_s: float = 0.0
) -> tuple[Load, float]:
    load = Load()
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    async with httpx.AsyncClient(base_url=url, timeout=TURN_TIMEOUT_S, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(person(client, load, rounds, seed, deadline, pause_s) for seed in range(conversations)))
        return load, time.perf_counter() - started


def group_rss_mb(leader: int) -> float:
    """Resident memory of a process and of every process of its group (Sanic workers)."""
    total_kb = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != leader:  # process group id
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total_kb / 1024


class MemorySampler(threading.Thread):
    """Peak resident memory of each server while the load runs."""

    def __init__(self, leaders: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.leaders, self.peak_mb = leaders, dict.fromkeys(leaders, 0.0)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.sample()

    def sample(self) -> None:
        for name, pid in self.leaders.items():
            self.peak_mb[name] = max(self.peak_mb[name], group_rss_mb(pid))


def train(folder: Path) -> tuple[Path, float]:
    """A model trained from scratch: Rasa's training cache is an empty folder of this run."""
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "train", "--fixed-model-name", "bench", "--out", str(folder)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "RASA_CACHE_DIRECTORY": str(folder / "cache")},
    )
    return folder / "bench.tar.gz", time.perf_counter() - started


def cold_start(servers: Servers) -> float:
    """Seconds from launching the servers to the first answer to "bonjour"."""
    started = time.perf_counter()
    servers.start()
    with httpx.Client(base_url=servers.rasa_url, timeout=TURN_TIMEOUT_S) as client:
        answer = client.post("/webhooks/rest/webhook", json={"sender": "bench-cold", "message": "bonjour"})
        answer.raise_for_status()
    return time.perf_counter() - started


def ms(latencies: list[float], q: float) -> int | None:
    return round(percentile(latencies, q)) if latencies else None


def summary(paced: Load, load: Load, seconds: float) -> dict:
    """The figures of one run: the paced phase, then the one without pauses."""
    errors = {kind: paced.errors.get(kind, 0) + load.errors.get(kind, 0) for kind in {*paced.errors, *load.errors}}
    return {
        "conversations": paced.conversations + load.conversations,
        "complete_conversations": paced.complete + load.complete,
        "turns": paced.turns + load.turns,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "turn_p50_ms": ms(paced.latencies_ms, 50),
        "turn_p95_ms": ms(paced.latencies_ms, 95),
        "turn_p99_ms": ms(paced.latencies_ms, 99),
        "messages_per_s": round(load.turns / seconds, 1),
        "saturated_p50_ms": ms(load.latencies_ms, 50),
        "saturated_p95_ms": ms(load.latencies_ms, 95),
    }


def markdown(figures: dict) -> str:
    rows = [
        ("machine", figures["machine"]),
        ("date", figures["date"]),
        ("étiquette", figures.get("label") or "—"),
        ("conversations simultanées × tours", f"{figures['concurrent_conversations']} × {figures['rounds']}"),
        (
            "conversations menées / parcours complets",
            f"{figures['conversations']} / {figures['complete_conversations']}",
        ),
        ("messages (tours)", figures["turns"]),
        ("erreurs", figures["errors"] or 0),
        (
            f"latence d'un tour p50 / p95 / p99 (pause de {figures['pause_s']:g} s en moyenne entre deux messages), "
            f"pire passe",
            f"{figures['turn_p50_ms']} / {figures['turn_p95_ms']} / {figures['turn_p99_ms']} ms",
        ),
        ("latence p95, médiane des passes", f"{figures['turn_p95_ms_median']} ms"),
        (
            "débit sans pause, pire passe / médiane",
            f"{figures['messages_per_s']} / {figures['messages_per_s_median']} messages/s",
        ),
        (
            "latence d'un tour p50 / p95 sans pause (file d'attente comprise), pire passe",
            f"{figures['saturated_p50_ms']} / {figures['saturated_p95_ms']} ms",
        ),
        (
            "passes (p95 ms ; messages/s)",
            " ; ".join(f"{r['turn_p95_ms']} ; {r['messages_per_s']}" for r in figures["runs"]),
        ),
    ]
    for name, mb in figures.get("peak_rss_mb", {}).items():
        rows.append((f"mémoire résidente max : {name}", f"{mb} Mo"))
    if figures.get("cold_start_s") is not None:
        rows.append(("démarrage à froid (lancement → première réponse)", f"{figures['cold_start_s']} s"))
    rows.append(
        ("entraînement", f"{figures['training_s']} s" if figures.get("training_s") else "non mesuré (sans --train)")
    )
    return "| mesure | valeur |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20, help="simulated people at once (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="conversations each person runs in a row (default 3)")
    parser.add_argument(
        "--pause-s", type=float, default=1.0, help="mean pause between a person's messages (default 1 s)"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=600, help="no new conversation after this, per phase (default 600)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of both phases on the same servers (default 3): worst and median"
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--train", action="store_true", help="train a fresh model first and time it")
    parser.add_argument("--url", help="drive a running assistant (load balancer…) instead of starting one")
    parser.add_argument("--label", default="", help="what this run measures (kept in the results)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown table to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.conversations <= 500 or not 1 <= args.rounds <= 100 or not 1 <= args.repeats <= 10:
        parser.error("--conversations : 1 à 500 ; --rounds : 1 à 100 ; --repeats : 1 à 10")
    figures: dict = {
        "machine": machine(),
        "date": dt.date.today().isoformat(),
        "label": args.label,
        "concurrent_conversations": args.conversations,
        "rounds": args.rounds,
        "pause_s": args.pause_s,
        "repeats": args.repeats,
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        servers, sampler = None, None
        try:
            if args.url:
                url = args.url
            else:
                model = args.model
                if args.train:
                    model, figures["training_s"] = train(folder)
                    figures["training_s"] = round(figures["training_s"], 1)
                    print(f"entraînement : {figures['training_s']} s", flush=True)
                env = {"BOT_DATABASE_URL": f"sqlite:///{folder / 'catalog.sqlite3'}", "BOT_TODAY": TODAY}
                import_demo_catalog(env)
                servers = Servers(
                    model=model,
                    rasa_port=free_port(),
                    actions_port=free_port(),
                    env=env,
                    log_dir=folder / "logs",
                    with_web=False,
                )
                figures["cold_start_s"] = round(cold_start(servers), 1)
                print(f"démarrage à froid : {figures['cold_start_s']} s", flush=True)
                url = servers.rasa_url
                sampler = MemorySampler({name: process.pid for name, process, _ in servers.processes})
                sampler.sample()
                figures["idle_rss_mb"] = {name: round(mb) for name, mb in sampler.peak_mb.items()}
                sampler.start()
            runs = []
            for number in range(args.repeats):
                paced, _ = asyncio.run(drive(url, args.conversations, args.rounds, args.max_seconds, args.pause_s))
                load, seconds = asyncio.run(drive(url, args.conversations, args.rounds, args.max_seconds))
                runs.append(summary(paced, load, seconds))
                print(f"passe {number + 1} : {runs[-1]}", flush=True)
        finally:
            if sampler:
                sampler.done.set()
                sampler.join()
            if servers:
                servers.stop()
    figures["runs"] = runs
    # The figures a target is read on: the worst of the runs, and their median beside it.
    worst = {"turn_p50_ms": max, "turn_p95_ms": max, "turn_p99_ms": max, "messages_per_s": min}
    worst |= {"saturated_p50_ms": max, "saturated_p95_ms": max}
    for key, pick in worst.items():
        values = [run[key] for run in runs if run[key] is not None]
        figures[key] = pick(values) if values else None
        figures[f"{key}_median"] = round(statistics.median(values), 1) if values else None
    for key in ("conversations", "complete_conversations", "turns", "errors"):
        figures[key] = sum(run[key] for run in runs)
    figures["error_kinds"] = {
        kind: sum(run["error_kinds"].get(kind, 0) for run in runs) for run in runs for kind in run["error_kinds"]
    }
    if sampler:
        figures["peak_rss_mb"] = {name: round(mb) for name, mb in sampler.peak_mb.items()}
    table = markdown(figures)
    print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table, encoding="utf-8")
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
