"""Starts the action server, the Rasa server and the web pages, waits until all answer,
stops them together.

    python -m serve.servers [--model models/model.tar.gz] [--rasa-port 5005] [--actions-port 5055] [--web-port 8000]

Used by `make run` and by the end-to-end tests. The Rasa HTTP API is protected by a token:
BOT_RASA_TOKEN, or a random one made for this run (printed). The REST and socket.io
channels need none.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import ROOT

DEFAULT_MODEL = ROOT / "models" / "model.tar.gz"
STARTUP_TIMEOUT_S = 300


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StartupError(RuntimeError):
    """A server did not come up; str() says which and why."""


def rasa_command() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def default_token() -> str:
    """BOT_RASA_TOKEN, else a random one; hexadecimal, since a token starting with "-" (as
    token_urlsafe may draw) is taken by `rasa run` for an option and the server does not start."""
    return os.environ.get("BOT_RASA_TOKEN") or secrets.token_hex(24)


def require_model(model: Path) -> None:
    if not model.is_file():
        raise StartupError(f"modèle introuvable : {model} (lancez « make train »)")


def action_server_command(port: int) -> list[str]:
    return [rasa_command(), "run", "actions", "--actions", "actions", "--port", str(port)]


def rasa_server_command(port: int, token: str, model: Path, endpoints: Path) -> list[str]:
    return [
        rasa_command(),
        "run",
        "--enable-api",
        "--auth-token",
        token,
        "--port",
        str(port),
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "credentials.yml"),
    ]


def web_command(port: int) -> list[str]:
    return [sys.executable, "-m", "serve.web", "--port", str(port)]


@dataclass
class Supervisor:
    """Named server processes, each in its own process group, logging to log_dir/NAME.log.

    Subclasses fill `commands` (name → argv) and `health` (name → URL answering 200 once the
    server is ready), and may give a process its own environment in `process_env`."""

    log_dir: Path = ROOT / "var" / "log"
    env: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)
    commands: dict = field(default_factory=dict)
    health: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    process_env: dict = field(default_factory=dict)

    def launch(self) -> None:
        """Starts every command and returns once all answer; raises StartupError otherwise."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in self.commands:
            self._spawn(name)
        try:
            for name in self.commands:
                self._wait(name)
        except StartupError:
            self.stop()
            raise

    def pid(self, name: str) -> int:
        return next(process.pid for n, process, _ in self.processes if n == name)

    def kill(self, name: str) -> None:
        """Stops one server as a crash would (its whole process group)."""
        for entry in [e for e in self.processes if e[0] == name]:
            _, process, log = entry
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
            self.processes.remove(entry)

    def restart(self, name: str) -> None:
        """Starts one server again and waits until it answers."""
        self.kill(name)
        self._spawn(name)
        self._wait(name)

    def _spawn(self, name: str) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 (closed by stop() with its process)
        process = subprocess.Popen(
            self.commands[name],
            cwd=ROOT,
            env={**os.environ, **self.env, **self.process_env.get(name, {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process, log))

    def _wait(self, name: str) -> None:
        url, label = self.health[name], self.labels.get(name, name)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            for other, process, _ in self.processes:
                if process.poll() is not None:
                    raise StartupError(
                        f"{label} : le processus « {other} » s'est arrêté (voir {self.log_dir / (other + '.log')})"
                    )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise StartupError(f"{label} : pas de réponse après {STARTUP_TIMEOUT_S} s sur {url}")

    def serve_until_stopped(self) -> None:
        """Keeps the servers running until Ctrl-C or SIGTERM (a service manager, `kill`), then
        stops them all: none is left running behind."""
        print("Ctrl-C pour arrêter.", flush=True)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            while True:
                signal.pause()
        except KeyboardInterrupt:
            pass
        finally:
            print("Arrêt…")
            self.stop()

    def stop(self) -> None:
        for _, process, log in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            log.close()
        self.processes.clear()


@dataclass
class Servers(Supervisor):
    """The assistant on one machine: action server, Rasa server, web pages."""

    model: Path = DEFAULT_MODEL
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8000
    token: str = field(default_factory=default_token)
    with_web: bool = True

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://localhost:{self.actions_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.web_port}"

    def start(self) -> Servers:
        """Starts the servers and returns once they answer; raises StartupError otherwise."""
        require_model(self.model)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.commands = {
            "actions": action_server_command(self.actions_port),
            "rasa": rasa_server_command(self.rasa_port, self.token, self.model, self._endpoints()),
        }
        self.health = {"actions": f"{self.actions_url}/health", "rasa": f"{self.rasa_url}/status?token={self.token}"}
        self.labels = {"actions": "serveur d'actions", "rasa": "serveur Rasa", "web": "pages web"}
        if self.with_web:
            self.commands["web"] = web_command(self.web_port)
            self.health["web"] = f"{self.web_url}/kiosque"
        self.env.setdefault("BOT_RASA_URL", self.rasa_url)
        self.launch()
        return self

    def _endpoints(self) -> Path:
        """endpoints.yml, pointed at this run's action server port."""
        source = ROOT / "endpoints.yml"
        if self.actions_port == 5055:
            return source
        target = self.log_dir / f"endpoints-{self.actions_port}.yml"
        target.write_text(
            source.read_text(encoding="utf-8").replace("localhost:5055", f"localhost:{self.actions_port}"),
            encoding="utf-8",
        )
        return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serve.servers", description="Démarre l'assistant Electro'Mob.")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--web-port", type=int, default=8000)
    args = parser.parse_args(argv)
    servers = Servers(
        model=args.model, rasa_port=args.rasa_port, actions_port=args.actions_port, web_port=args.web_port
    )
    started = time.monotonic()
    print("Démarrage du serveur d'actions et du serveur Rasa…", flush=True)
    try:
        servers.start()
    except StartupError as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 1
    secret = (
        "code d'accès : BOT_CONSEILLER_SECRET"
        if os.environ.get("BOT_CONSEILLER_SECRET")
        else "fermé : définissez BOT_CONSEILLER_SECRET pour l'ouvrir"
    )
    print(f"L'assistant est prêt ({time.monotonic() - started:.0f} s).")
    print(f"  Site de démonstration : {servers.web_url}/  (le widget de discussion en bas à droite)")
    print(f"  Espace conseiller     : {servers.web_url}/conseiller  ({secret})")
    print(f"  Borne des collèges    : {servers.web_url}/kiosque")
    print(
        f"  Canal REST            : POST {servers.rasa_url}/webhooks/rest/webhook  "
        '{"sender": "moi", "message": "bonjour"}'
    )
    print(f"  Canal socket.io       : {servers.rasa_url}/socket.io")
    print(f"  API HTTP Rasa         : {servers.rasa_url}  (jeton : {servers.token})")
    print(f"  Journaux              : {servers.log_dir}")
    servers.serve_until_stopped()
    return 0


if __name__ == "__main__":
    sys.exit(main())
