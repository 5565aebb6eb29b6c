"""The web pages: the regional site's demo with the chat widget, the counselor view, the kiosk.

    python -m serve.web [--host 127.0.0.1] [--port 8000]

- `/` demo page of the regional website embedding the widget (one `<script>` tag);
- `/static/…` the widget and the pages' assets, served locally (no CDN);
- `/chat` relays the widget's messages to the Rasa REST channel (BOT_RASA_URL), for the
  origins of BOT_ALLOWED_ORIGINS only;
- `/conseiller` search and printable summary for France Travail counselors, behind the
  secret BOT_CONSEILLER_SECRET;
- `/kiosque` the school kiosk: the widget full screen, buttons only;
- `/region` the report of demand and unmet demand for the Région's staff (and its CSV), behind
  the secret BOT_REGION_SECRET.

Every text is escaped by Jinja2's autoescape; the widget builds its DOM with textContent.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hmac
import json
import logging
import math
import os
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import aiohttp
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse

from bot import config, kiosk
from bot.catalog.db import engine
from bot.catalog.queries import formation_details, learning_path
from bot.config import allowed_origins
from bot.contract import STATUTS
from bot.criteria import Criteria
from bot.demand.cli import period
from bot.demand.events import load, record_search
from bot.demand.report import build
from bot.geo import gazetteer
from bot.jobs import vocabulary
from bot.messages import criteria_labels, french_date, km, modalite_label, too_long_answer
from bot.results import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    MIN_RADIUS_KM,
    count_sessions,
    find_sessions,
    nearest_session,
    reach_km,
    relaxations,
    wider_radii,
)
from bot.text import clean_message, too_long, widget_id
from bot.wording import say
from privacy import logs

logger = logging.getLogger(__name__)
WEB_DIR = config.ROOT / "web"
SUMMARY_SESSIONS = 12
RELAY_RETRY_S = 1.0
SESSION_S = 8 * 3600
LOGIN_TRIES = 5
LOGIN_WINDOW_S = 60
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'"

templates = Environment(loader=FileSystemLoader(WEB_DIR / "templates"), autoescape=select_autoescape(["html"]))
templates.filters.update(
    date_fr=french_date, km=km, modalite=modalite_label, statut=lambda value: say(f"statuts.{value}")
)
templates.globals.update(rayon_min=MIN_RADIUS_KM, rayon_max=MAX_RADIUS_KM, kiosque=kiosk.KIOSK, statuts=STATUTS)
# The words the widget writes on session cards (web/static/electromob-chat.js asks /chat/libelles).
WIDGET_LABELS = {
    "mois": [say(f"mois.{number}") for number in range(1, 13)],
    "modalites": {code: modalite_label(code) for code in ("presentiel", "mixte", "distanciel")},
}


def rasa_url() -> str:
    return os.environ.get("BOT_RASA_URL", "http://localhost:5005").rstrip("/")


async def relay(payload: dict) -> list | None:
    """The assistant's answer to one message, or None. A 502 from the load balancer means the
    replica handling the message died before answering: the message is sent once more."""
    for attempt in range(2):
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
                session.post(f"{rasa_url()}/webhooks/rest/webhook", json=payload) as reply,
            ):
                if reply.status == 200:
                    return await reply.json()
                if reply.status != 502 or attempt:
                    return None
        except (aiohttp.ClientError, TimeoutError):
            return None
        await asyncio.sleep(RELAY_RETRY_S)
    return None


class StaffSessions:
    """Sessions of one staff space, kept by this server: a random id per sign-in, valid
    SESSION_S, revoked by signing out (or by restarting the server)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._expiry: dict[str, float] = {}

    def open(self) -> str:
        now = self.clock()
        self._expiry = {sid: end for sid, end in self._expiry.items() if end > now}
        session_id = secrets.token_urlsafe(32)
        self._expiry[session_id] = now + SESSION_S
        return session_id

    def valid(self, session_id: str) -> bool:
        end = self._expiry.get(session_id)
        return end is not None and end > self.clock()

    def revoke(self, session_id: str) -> None:
        self._expiry.pop(session_id, None)


class LoginAttempts:
    """At most LOGIN_TRIES failed sign-ins per client within LOGIN_WINDOW_S; beyond, every try
    (even with the right code) waits until the oldest failure leaves the window."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[str, list[float]] = {}

    def wait_s(self, client: str) -> int:
        """Seconds this client must wait before trying again (0: it may try now)."""
        now = self.clock()
        recent = [t for t in self._failures.get(client, []) if t > now - LOGIN_WINDOW_S]
        if recent:
            self._failures[client] = recent
        else:
            self._failures.pop(client, None)
        return math.ceil(recent[0] + LOGIN_WINDOW_S - now) if len(recent) >= LOGIN_TRIES else 0

    def failed(self, client: str) -> None:
        self._failures.setdefault(client, []).append(self.clock())


def is_https(request: Request) -> bool:
    """Served over HTTPS, directly or behind the proxy (deploy/nginx sets X-Forwarded-Proto)."""
    return request.scheme == "https" or request.headers.get("x-forwarded-proto", "").split(",")[0].strip() == "https"


def same_origin(request: Request) -> bool:
    """A browser's POST comes from this site (or an allowed origin); requests without Origin
    do not come from another site's page."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    own = {f"{scheme}://{request.host}" for scheme in ("http", "https")}
    return origin.rstrip("/") in own | allowed_origins()


@dataclass(frozen=True)
class Space:
    """Pages reserved to staff (the counselors, the Région): each has its own access code, in
    an environment variable, and its own cookie, valid under its path only, holding a random
    session id this server keeps (8 h, revocable); sign-ins are rate limited per client and
    refused from another site's page."""

    path: str
    secret_variable: str
    cookie: str
    title: str  # "Espace conseiller"
    code_label: str  # "Code d'accès conseiller"
    sessions: StaffSessions = field(default_factory=StaffSessions, compare=False, repr=False)
    attempts: LoginAttempts = field(default_factory=LoginAttempts, compare=False, repr=False)

    def secret(self) -> str | None:
        return os.environ.get(self.secret_variable) or None

    def gate(self, request: Request) -> HTTPResponse | None:
        """None when the person is signed in; else the page to show instead."""
        if self.secret() is None:
            return page("espace_ferme.html", status=503, espace=self)
        if not self.sessions.valid(request.cookies.get(self.cookie, "")):
            return page("espace_connexion.html", status=401, espace=self, erreur=None)
        return None

    def login(self, request: Request) -> HTTPResponse:
        secret = self.secret()
        if secret is None:
            return page("espace_ferme.html", status=503, espace=self)
        if not same_origin(request):
            return page("espace_erreur.html", status=403, espace=self, erreur=say("page_conseiller.origine_refusee"))
        client = request.remote_addr or request.ip
        wait = self.attempts.wait_s(client)
        if wait:
            erreur = say("page_conseiller.trop_d_essais", secondes=wait)
            reply = page("espace_connexion.html", status=429, espace=self, erreur=erreur)
            reply.headers["Retry-After"] = str(wait)
            return reply
        typed = request.form.get("secret", "") if request.form else ""
        if not hmac.compare_digest(typed.encode(), secret.encode()):
            self.attempts.failed(client)
            return page("espace_connexion.html", status=401, espace=self, erreur=say("page_conseiller.code_incorrect"))
        reply = response.redirect(self.path)
        reply.cookies[self.cookie] = self.sessions.open()
        cookie = reply.cookies[self.cookie]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = self.path
        cookie["max-age"] = SESSION_S
        if is_https(request):
            cookie["secure"] = True
        return reply

    def logout(self, request: Request) -> HTTPResponse:
        if not same_origin(request):
            return page("espace_erreur.html", status=403, espace=self, erreur=say("page_conseiller.origine_refusee"))
        self.sessions.revoke(request.cookies.get(self.cookie, ""))
        reply = response.redirect(self.path)
        reply.cookies[self.cookie] = ""
        reply.cookies[self.cookie]["path"] = self.path
        reply.cookies[self.cookie]["max-age"] = 0
        return reply


COUNSELORS = Space(
    "/conseiller", "BOT_CONSEILLER_SECRET", "electromob_conseiller", "Espace conseiller", "Code d'accès conseiller"
)
REGION = Space("/region", "BOT_REGION_SECRET", "electromob_region", "Espace Région", "Code d'accès de la Région")


def page(name: str, status: int = 200, **context: object) -> HTTPResponse:
    return response.html(templates.get_template(name).render(static="/static", **context), status=status)


def create_app() -> Sanic:
    app = Sanic("electromob_web")
    app.config.REQUEST_MAX_SIZE = 100_000
    app.static("/static", str(WEB_DIR / "static"))

    @app.middleware("response")
    async def security_headers(request: Request, reply: HTTPResponse) -> None:
        reply.headers.setdefault("X-Content-Type-Options", "nosniff")
        reply.headers.setdefault("Referrer-Policy", "same-origin")
        if reply.content_type and reply.content_type.startswith("text/html"):
            reply.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; "
                "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'",
            )

    @app.exception(Exception)
    async def error(request: Request, exception: Exception) -> HTTPResponse:
        # A short French answer, never a trace: HTML for the pages, JSON for /chat.
        if isinstance(exception, SanicException):
            status = exception.status_code
        elif request.path.startswith("/static") and isinstance(exception, (OSError, ValueError)):
            status = 404  # /static/, a folder under it, a name with a null byte
        else:
            logger.error("Erreur des pages web : %s", type(exception).__name__)
            status = 500
        key = {404: "introuvable", 405: "methode", 413: "trop_gros"}.get(
            status, "invalide" if status < 500 else "erreur"
        )
        if request.path.startswith("/chat"):
            return response.json({"erreur": say(f"page_web.{key}")}, status=status)
        return page("erreur.html", status=status, message=say(f"page_web.{key}"))

    @app.get("/")
    async def demo(_request: Request) -> HTTPResponse:
        return page("demo.html")

    @app.get("/kiosque")
    async def kiosk_page(request: Request) -> HTTPResponse:
        # ?inactivite=N: seconds of inactivity before the kiosk starts over (bounds in bot/kiosk.py)
        return page("kiosque.html", idle=kiosk.idle_seconds(request.args.get("inactivite", kiosk.IDLE_S)))

    @app.get("/chat/libelles")
    async def labels(request: Request) -> HTTPResponse:
        # The words the widget puts on the session cards, from data/textes.yml.
        origin = request.headers.get("origin")
        cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin in allowed_origins() else {}
        return response.json(WIDGET_LABELS, headers={**cors, "Cache-Control": "max-age=3600"})

    @app.route("/chat", methods=["POST", "OPTIONS"])
    async def chat(request: Request) -> HTTPResponse:
        origin = request.headers.get("origin")
        if origin and origin.rstrip("/") not in allowed_origins():
            return response.json({"erreur": "origine non autorisée"}, status=403)
        cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}
        if request.method == "OPTIONS":
            return response.empty(
                headers={
                    **cors,
                    "Access-Control-Allow-Methods": "POST",
                    "Access-Control-Allow-Headers": "Content-Type",
                    "Access-Control-Max-Age": "600",
                }
            )
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            return response.json({"erreur": say("page_web.invalide")}, status=400, headers=cors)
        body = body if isinstance(body, dict) else {}
        sender, message = body.get("sender"), body.get("message")
        if not widget_id(sender):
            # The id is the only key to a conversation: one the widget did not make is refused,
            # never cut or altered (two ids would otherwise share one conversation).
            return response.json({"erreur": say("page_web.identifiant_invalide")}, status=400, headers=cors)
        if not isinstance(message, str):
            return response.json({"erreur": "message manquant"}, status=400, headers=cors)
        given = body.get("metadata")
        given = given if isinstance(given, dict) else {}
        # The message's id (addons/replay.py): the same on the relay's second sending, so that a
        # message a dying replica had already handled is answered, not handled twice.
        message_id = given.get("message_id") if widget_id(given.get("message_id")) else str(uuid.uuid4())
        metadata = {"mode": str(given.get("mode", "site"))[:20], "message_id": message_id}
        message = clean_message(message)
        if too_long(message):
            return response.json([{"recipient_id": sender, "text": too_long_answer(metadata)}], headers=cors)
        payload = {"sender": sender, "message": message, "metadata": metadata}
        messages = await relay(payload)
        if messages is None:
            return response.json({"erreur": "assistant indisponible"}, status=502, headers=cors)
        return response.json(messages, headers=cors)

    @app.get("/conseiller")
    async def counselor(request: Request) -> HTTPResponse:
        return await _counselor_page(request, summary=False)

    @app.get("/conseiller/synthese")
    async def summary(request: Request) -> HTTPResponse:
        return await _counselor_page(request, summary=True)

    @app.post("/conseiller/connexion")
    async def login(request: Request) -> HTTPResponse:
        return COUNSELORS.login(request)

    @app.get("/region")
    async def region(request: Request) -> HTTPResponse:
        return REGION.gate(request) or await region_report(request, "html")

    @app.get("/region/demande.csv")
    async def region_csv(request: Request) -> HTTPResponse:
        return REGION.gate(request) or await region_report(request, "csv")

    @app.post("/region/connexion")
    async def region_login(request: Request) -> HTTPResponse:
        return REGION.login(request)

    @app.post("/conseiller/deconnexion")
    async def logout(request: Request) -> HTTPResponse:
        return COUNSELORS.logout(request)

    @app.post("/region/deconnexion")
    async def region_logout(request: Request) -> HTTPResponse:
        return REGION.logout(request)

    return app


async def _counselor_page(request: Request, summary: bool) -> HTTPResponse:
    """The search page, or the printable summary of the same search."""
    denied = COUNSELORS.gate(request)
    if denied:
        return denied
    query = _CounselorQuery(request.args)
    result = await asyncio.to_thread(query.run) if summary or query.submitted else None
    if result and "sessions" in result and not summary:  # (printing the summary is not a new search)
        await asyncio.to_thread(
            record_search,
            engine(),
            "conseiller",
            result["metier"].rome,
            result["commune"].insee,
            result["rayon"],
            len(result["sessions"]),
            result["plus_proche"] or result["plus_proche_montree"],
            config.today(),
        )
    if summary and result and not result.get("erreur"):
        return page("synthese.html", q=query, result=result, today=config.today())
    return page("conseiller.html", status=400 if summary else 200, q=query, result=result)


async def region_report(request: Request, format: str) -> HTTPResponse:
    """The demand report of the chosen period (by default the last year), or its CSV."""
    try:
        start, end = period(request.args.get("du"), request.args.get("au"))
    except config.ConfigError as error:
        return page("espace_erreur.html", status=400, espace=REGION, erreur=str(error))
    from bot.demand.render import as_csv, as_html  # matplotlib: loaded on the first report only

    events = await asyncio.to_thread(load, engine(), start, end)
    report = await asyncio.to_thread(build, events, start, end)
    if format == "csv":
        name = f"demande-{start.isoformat()}-{end.isoformat()}.csv"
        return response.text(
            as_csv(report),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    query = urlencode({"du": start.isoformat(), "au": end.isoformat()})
    text = await asyncio.to_thread(as_html, report, {"action": "/region", "csv": f"/region/demande.csv?{query}"})
    # The report is one self-contained file: its styles are inline, and it runs no script at all.
    return response.html(text, headers={"Content-Security-Policy": REPORT_CSP})


# The form fields of each group of criteria (bot.criteria.GROUPS).
_CRITERIA_FIELDS = {
    "date": ("du", "au"),
    "alternance": ("alternance",),
    "modalite": ("modalite",),
    "duree": ("heures_max",),
    "financement": ("finance_pour",),
    "temps": ("temps",),
    "handicap": ("handicap",),
}
_FIELDS = ("metier", "commune", "rayon", *(name for names in _CRITERIA_FIELDS.values() for name in names))


class _CounselorQuery:
    """The counselor's search form: job in words or ROME code, town or postal code, radius, and
    the search criteria (dates, alternance, mode, length, funding, working time, access)."""

    def __init__(self, args: RequestParameters) -> None:
        self.metier = (args.get("metier") or "").strip()[:200]
        self.commune = (args.get("commune") or "").strip()[:200]
        self.rayon = (args.get("rayon") or f"{DEFAULT_RADIUS_KM:g}").strip()[:6]
        self.du = (args.get("du") or "").strip()[:10]
        self.au = (args.get("au") or "").strip()[:10]
        self.alternance = "1" if args.get("alternance") else ""
        self.modalite = (args.get("modalite") or "").strip()[:12]
        self.heures_max = (args.get("heures_max") or "").strip()[:6]
        self.finance_pour = (args.get("finance_pour") or "").strip()[:20]
        self.temps = (args.get("temps") or "").strip()[:8]
        self.handicap = "1" if args.get("handicap") else ""
        self.submitted = bool(self.metier or self.commune)

    def link(self, **changes: str) -> str:
        """The query string of this search, with some fields changed (empty ones left out)."""
        fields = {name: getattr(self, name) for name in _FIELDS}
        return urlencode({name: value for name, value in {**fields, **changes}.items() if value})

    def without(self, group: str) -> str:
        """The query string of this search without a group of criteria."""
        return self.link(**dict.fromkeys(_CRITERIA_FIELDS[group], ""))

    def criteria(self) -> Criteria:
        """The criteria of the form; ValueError when a field cannot be read."""
        return Criteria(
            debut_apres=dt.date.fromisoformat(self.du) if self.du else None,
            debut_avant=dt.date.fromisoformat(self.au) if self.au else None,
            alternance=True if self.alternance else None,
            modalite=self.modalite or None,
            heures_max=int(self.heures_max) if self.heures_max else None,
            finance_pour=self.finance_pour or None,
            temps=self.temps or None,
            handicap=True if self.handicap else None,
        )

    def run(self) -> dict:
        job = vocabulary().resolve(self.metier)
        if job.status != "ok" or job.metier is None:
            choices = [job.metier, *job.alternatives] if job.metier else vocabulary().battery()
            return {"erreur": say("page_conseiller.metier_inconnu", metier=self.metier), "choix_metiers": choices}
        town = gazetteer().resolve(self.commune)
        if town.status != "ok" or town.commune is None:
            communes = ([town.commune] if town.commune else []) + list(town.alternatives)
            key = "commune_ambigue" if town.status == "ambiguous" else "commune_inconnue"
            error = say(f"page_conseiller.{key}", commune=self.commune)
            return {"erreur": error, "choix_communes": communes, "metier": job.metier}
        try:
            radius = float(self.rayon.replace(",", "."))
            criteria = self.criteria()
        except ValueError:
            return {"erreur": say("page_conseiller.saisie_invalide")}
        if not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
            bounds = {"min": f"{MIN_RADIUS_KM:g}", "max": f"{MAX_RADIUS_KM:g}"}
            return {"erreur": say("page_conseiller.rayon_hors_bornes", **bounds)}
        catalog = engine()
        commune = town.commune
        today = config.today()
        rome = job.metier.rome
        sessions = find_sessions(catalog, rome, commune, radius, today, criteria)
        within = len(sessions) if not criteria else count_sessions(catalog, rome, commune, radius, today)
        providers = {}
        for session in sessions[:SUMMARY_SESSIONS]:
            if session["organisme"] not in providers:
                details = formation_details(catalog, session["formation_id"]) or {}
                providers[session["organisme"]] = {k: details.get(k) for k in ("telephone", "courriel", "web")}
        # Criteria that empty the list: what dropping each would give.
        relaxed = relaxations(catalog, rome, commune, radius, today, criteria) if criteria and not sessions else []
        # Nothing within the radius, whatever the criteria: the nearest session and wider radii.
        nearest = None if within else nearest_session(catalog, rome, commune, today)
        located = [s for s in sessions if s["distance_km"] is not None]
        return {
            "metier": job.metier,
            "commune": commune,
            "rayon": radius,
            "sessions": sessions,
            "criteres": criteria_labels(criteria),
            "relaches": [
                {"nom": say(f"criteres.nom.{group}"), "nombre": count, "lien": self.without(group)}
                for group, count in relaxed
            ],
            "parcours": learning_path(catalog, rome),
            "organismes": providers,
            "resume": sessions[:SUMMARY_SESSIONS],
            "plus_proche": nearest,
            "plus_proche_montree": min(located, key=lambda s: s["distance_km"], default=None),  # of those shown
            "rayons": [] if within else wider_radii(radius),
            "rayon_plus_proche": reach_km(nearest) if nearest else None,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serve.web", description="Pages web de l'assistant Electro'Mob.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    app = create_app()
    logs.install()  # on the handlers Sanic has just configured
    app.run(host=args.host, port=args.port, access_log=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
