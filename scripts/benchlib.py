"""What the benchmark scripts (and the scale tests) share: the machine they ran on, percentiles,
and the demo catalog in a database of their own."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_CATALOG = ROOT / "data" / "catalog" / "demo-electromob.lheo.xml"
DEMO_TODAY = "2026-12-01"  # the demo sessions start in January 2027


def import_demo_catalog(env: dict[str, str]) -> None:
    """Imports the demo catalog into the database of env's BOT_DATABASE_URL."""
    subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", str(DEMO_CATALOG)],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def machine() -> str:
    """Processor model, cores, memory and Python of this machine."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        platform.machine(),
    )
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cores = len(os.sched_getaffinity(0))
    return f"{model}, {cores} cœurs, {memory_gib:.0f} Gio, Python {platform.python_version()}, {platform.system()}"
