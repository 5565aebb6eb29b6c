"""The production topology on one machine: nginx in front of several Rasa replicas.

    python -m serve.production [--replicas 2] [--workers 2] [--actions 1] [--port 8080]
                             [--catalog FILE.xml] [--model models/model.tar.gz]

- nginx (Debian package) listens on --port and shares the REST and socket.io channels among
  the Rasa replicas in turn, with no sticky session; every other path goes to the web pages;
- each Rasa replica runs SANIC_WORKERS=--workers workers; any of them may take any turn of a
  conversation, because conversations are locked in Redis and stored in PostgreSQL
  (endpoints.production.yml);
- the action server(s): with more than one, nginx shares them too (an internal port);
- the web pages relay /chat to nginx.

Every address and password comes from the environment (README, « Mise en production »);
for a machine running PostgreSQL and Redis locally, the defaults below need none. The
catalog (BOT_DATABASE_URL) defaults to the conversations' database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ROOT, ConfigError
from serve.servers import (
    ACTIONS_SECRET_ENV,
    DEFAULT_MODEL,
    StartupError,
    Supervisor,
    action_server_command,
    default_actions_secret,
    default_token,
    free_port,
    rasa_server_command,
    require_model,
    web_command,
)
from serve.settings import tracker_database_url, tracker_settings

REDIS_DEFAULTS = {
    "BOT_REDIS_HOST": "127.0.0.1",
    "BOT_REDIS_PORT": "6379",
    "BOT_REDIS_PASSWORD": "",
    "BOT_REDIS_DB": "1",
}
# A turn takes well under a second; a replica that dies holding a conversation's lock must
# not block that conversation for Rasa's default 60 s.
TICKET_LOCK_LIFETIME_S = "15"
NGINX = "/usr/sbin/nginx"
NGINX_TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")  # temporary folders, kept in the run's folder


def production_env(environ: dict | None = None) -> dict:
    """The production variables: the environment's, local defaults for the others."""
    environ = dict(os.environ if environ is None else environ)
    env = {**tracker_settings(environ), **{key: environ.get(key, default) for key, default in REDIS_DEFAULTS.items()}}
    env["BOT_DATABASE_URL"] = environ.get("BOT_DATABASE_URL") or tracker_database_url(env)
    return env


def ensure_database(url: str) -> None:
    """Creates the PostgreSQL database of `url` when it does not exist yet."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    except SQLAlchemyError as error:
        raise StartupError(
            f"PostgreSQL injoignable ({target.host}:{target.port}) : {error.__class__.__name__}"
        ) from error
    finally:
        admin.dispose()


def nginx_conf(
    folder: Path, port: int, rasa_ports: list[int], web_port: int | None, actions: tuple[int, list[int]] | None
) -> str:
    """Round robin over the replicas. A replica that refuses the connection is skipped and the
    turn goes to the next one; nginx never replays a turn already sent, so a replica that dies
    while handling it answers 502 and the relay sends it again with the same message id (a
    replica that finds it stored answers it without handling it twice: addons/replay.py). A slow
    turn does not put a replica out of the rotation."""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"  {kind}_temp_path {folder / 'tmp' / kind};" for kind in NGINX_TEMP_KINDS)
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in rasa_ports)
    web = f"""  upstream web {{ server 127.0.0.1:{web_port}; }}""" if web_port else ""
    web_location = """    location / { proxy_pass http://web; proxy_set_header Host $host; }""" if web_port else ""
    actions_block = ""
    if actions:
        action_servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in actions[1])
        actions_block = f"""  upstream actions {{
{action_servers}
  }}
  server {{
    listen 127.0.0.1:{actions[0]};
    location / {{ proxy_pass http://actions; proxy_next_upstream error http_502; }}
  }}"""
    return f"""# Written by serve/production.py for this run; see deploy/ for real infrastructure.
{user}worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
  # The default access log holds no request body: no message text reaches it.
  access_log {folder / "nginx-access.log"};
{temp}
  client_max_body_size 64k;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  upstream rasa {{
{servers}
    keepalive 32;
  }}
{web}
{actions_block}
  server {{
    listen 127.0.0.1:{port};
    location /webhooks/ {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error http_502;
      proxy_read_timeout 60s;
    }}
    location /socket.io/ {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
    }}
{web_location}
  }}
}}
"""


@dataclass
class Production(Supervisor):
    model: Path = DEFAULT_MODEL
    replicas: int = 2
    workers: int = 2
    actions: int = 1
    port: int = 8080
    web_port: int | None = 8000
    rasa_ports: list = field(default_factory=list)
    actions_ports: list = field(default_factory=list)
    actions_lb_port: int | None = None
    token: str = field(default_factory=default_token)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Production:
        require_model(self.model)
        if not Path(NGINX).is_file():
            raise StartupError(f"nginx introuvable ({NGINX}) : installez le paquet Debian nginx")
        self.rasa_ports = self.rasa_ports or [free_port() for _ in range(self.replicas)]
        self.actions_ports = self.actions_ports or [free_port() for _ in range(self.actions)]
        if self.actions > 1 and not self.actions_lb_port:
            self.actions_lb_port = free_port()
        action_url = f"http://127.0.0.1:{self.actions_lb_port or self.actions_ports[0]}/webhook"
        self.prepare_databases(self.env)
        self.env.setdefault("BOT_RASA_URL", self.url)
        self.env.setdefault(ACTIONS_SECRET_ENV, default_actions_secret())
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for kind in NGINX_TEMP_KINDS:
            (self.log_dir / "tmp" / kind).mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.log_dir / "tmp" / kind, "nobody")
        conf = self.log_dir / "nginx.conf"
        conf.write_text(
            nginx_conf(
                self.log_dir,
                self.port,
                self.rasa_ports,
                self.web_port,
                (self.actions_lb_port, self.actions_ports) if self.actions_lb_port else None,
            ),
            encoding="utf-8",
        )
        for i, port in enumerate(self.actions_ports, start=1):
            self._add(
                f"actions-{i}", action_server_command(port), f"http://127.0.0.1:{port}/health", f"serveur d'actions {i}"
            )
        for i, port in enumerate(self.rasa_ports, start=1):
            self._add(
                f"rasa-{i}",
                rasa_server_command(port, self.token, self.model, ROOT / "endpoints.production.yml"),
                f"http://127.0.0.1:{port}/status?token={self.token}",
                f"réplique Rasa {i}",
                {
                    "SANIC_WORKERS": str(self.workers),
                    "BOT_ACTION_URL": action_url,
                    "TICKET_LOCK_LIFETIME": TICKET_LOCK_LIFETIME_S,
                },
            )
        if self.web_port:
            self._add("web", web_command(self.web_port), f"http://127.0.0.1:{self.web_port}/kiosque", "pages web")
        self._add(
            "nginx",
            [NGINX, "-e", str(self.log_dir / "nginx-error.log"), "-c", str(conf), "-g", "daemon off;"],
            f"{self.url}/webhooks/guard/",
            "nginx",
        )
        self.launch()
        return self

    @staticmethod
    def prepare_databases(env: dict) -> None:
        """Creates the conversations' and the catalog's PostgreSQL databases if missing."""
        ensure_database(tracker_database_url(env))
        if env["BOT_DATABASE_URL"].startswith("postgresql"):
            ensure_database(env["BOT_DATABASE_URL"])

    def _add(self, name: str, command: list[str], health: str, label: str, env: dict | None = None) -> None:
        self.commands[name], self.health[name], self.labels[name] = command, health, label
        if env:
            self.process_env[name] = env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serve.production", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="répliques du serveur Rasa (2)")
    parser.add_argument("--workers", type=int, default=2, help="workers Sanic par réplique (2)")
    parser.add_argument("--actions", type=int, default=1, help="serveurs d'actions (1)")
    parser.add_argument("--port", type=int, default=8080, help="port de nginx (8080)")
    parser.add_argument("--web-port", type=int, default=8000, help="port des pages web (8000)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--catalog", type=Path, help="fichier LHEO à importer d'abord dans le catalogue")
    args = parser.parse_args(argv)
    if not (1 <= args.replicas <= 8 and 1 <= args.workers <= 8 and 1 <= args.actions <= 8):
        parser.error("--replicas, --workers et --actions : de 1 à 8")
    try:
        env = production_env()
    except ConfigError as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 1
    production = Production(
        model=args.model,
        replicas=args.replicas,
        workers=args.workers,
        actions=args.actions,
        port=args.port,
        web_port=args.web_port,
        env=env,
        log_dir=ROOT / "var" / "production",
    )
    started = time.monotonic()
    try:
        if args.catalog:
            Production.prepare_databases(env)
            if subprocess.run(
                [sys.executable, "-m", "bot", "catalog", "import", str(args.catalog)],
                cwd=ROOT,
                env={**os.environ, **env},
            ).returncode:
                return 1
        print(
            f"Démarrage : {args.replicas} répliques Rasa × {args.workers} workers, {args.actions} serveur(s) "
            "d'actions, nginx…",
            flush=True,
        )
        production.start()
    except StartupError as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 1
    print(f"Prêt en {time.monotonic() - started:.0f} s.")
    print(f"  Répartiteur nginx : {production.url}/  (canal REST : {production.url}/webhooks/rest/webhook)")
    print(
        f"  Conversations     : PostgreSQL {env['BOT_TRACKER_DB_HOST']}:{env['BOT_TRACKER_DB_PORT']}/"
        f"{env['BOT_TRACKER_DB_NAME']} ; verrous : Redis {env['BOT_REDIS_HOST']}:{env['BOT_REDIS_PORT']}"
    )
    print(f"  Journaux          : {production.log_dir}")
    production.serve_until_stopped()
    return 0


if __name__ == "__main__":
    sys.exit(main())
