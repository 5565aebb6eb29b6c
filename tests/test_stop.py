"""Stopping is certain (serve/servers.py Supervisor): SIGTERM sent twice to the supervisor's
process group, as a service manager or an impatient Ctrl-C would, or SIGKILL to the supervisor
itself; afterwards no server is left and every port is free, 20 times in a row. The action
server and the web pages stand for the servers here (the Rasa server, slow to start, is stopped
the same way in tests/test_e2e.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.config import ROOT
from tests.conftest import free_port

pytestmark = pytest.mark.slow  # 20 starts of two servers

RUNS = 20
SUPERVISOR = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from serve.servers import Supervisor, action_server_command, web_command

    actions, web, log_dir = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    supervisor = Supervisor(
        log_dir=log_dir,
        env={"BOT_ACTIONS_SECRET": "secret-de-test", "BOT_DATABASE_URL": f"sqlite:///{log_dir / 'c.sqlite3'}"},
        commands={"actions": action_server_command(actions), "web": web_command(web)},
        health={"actions": f"http://127.0.0.1:{actions}/health", "web": f"http://127.0.0.1:{web}/kiosque"},
    )
    supervisor.launch()
    print("pids", *(process.pid for _, process, _ in supervisor.processes), flush=True)
    supervisor.serve_until_stopped()
    """
)


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its status has stopped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def start(tmp_path: Path) -> tuple[subprocess.Popen, list[int], list[int]]:
    """The supervisor in a process group of its own (as `make run` in a terminal), its servers'
    pids and ports, once both answer."""
    ports = [free_port(), free_port()]
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, *map(str, ports), str(tmp_path)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    pids: list[int] = []
    for line in supervisor.stdout:
        if line.startswith("pids "):
            pids = [int(p) for p in line.split()[1:]]
        if "Ctrl-C" in line:
            break
    assert len(pids) == 2 and all(map(port_taken, ports)), "both servers answer"
    return supervisor, pids, ports


@pytest.mark.parametrize("run", range(RUNS))
def test_no_server_outlives_its_supervisor(tmp_path, run):
    supervisor, pids, ports = start(tmp_path)
    try:
        if run % 2 == 0:  # SIGTERM to the group, then again while the servers are stopping
            os.killpg(supervisor.pid, signal.SIGTERM)
            time.sleep(0.2)
            os.killpg(supervisor.pid, signal.SIGTERM)
            assert supervisor.wait(timeout=60) == 0, "the second signal did not abort the stop"
        else:  # the supervisor killed outright: its servers go with it
            supervisor.kill()
            supervisor.wait(timeout=10)
        assert wait_until(lambda: not any(map(alive, pids))), "a server outlived its supervisor"
        assert wait_until(lambda: not any(map(port_taken, ports))), "a port is still taken"
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        for pid in pids:
            if alive(pid):
                os.killpg(pid, signal.SIGKILL)
