"""Streaming import of LHEO 2.2 / 2.3 training offers into the catalog.

One file is one transaction: a fault anywhere rolls the whole file back and is reported as
one `ImportFault` naming the file and the line. Formations are parsed one by one with
lxml's iterparse and cleared once stored, so memory stays bounded on feeds of any size.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from lxml import etree, html
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection, Engine

from bot.catalog import models as m
from bot.geo import Gazetteer, gazetteer

NAMESPACES = {None, "http://www.lheo.org/2.2", "http://lheo.gouv.fr/2.3"}
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
OPEN_ENDED = dt.date.max  # LHEO "99999999": end date not known yet
BATCH = 300  # formations per flush
PROGRESS_MIN_BYTES = 5_000_000
PROGRESS_EVERY_S = 2.0
_BLOCK_TAGS = {"p", "div", "ul", "ol", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
_CHUNK = 500  # ids per IN (...) clause


class ImportFault(Exception):
    """A file that cannot be imported; str() is the one line shown to the user."""


@dataclass
class ImportReport:
    file: str
    formations: int = 0
    actions: int = 0
    sessions: int = 0
    lieux: int = 0
    lieux_non_localises: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        text = (
            f"{self.file} : {self.formations} formations, {self.actions} actions, "
            f"{self.sessions} sessions importées en {self.seconds:.1f} s"
        )
        if self.lieux_non_localises:
            text += f" ({self.lieux_non_localises} lieux sur {self.lieux} non localisés)"
        return text


@dataclass
class _Rows:
    """Rows of a batch of formations, ready for insertion."""

    organismes: dict[str, dict] = field(default_factory=dict)
    formations: list[dict] = field(default_factory=list)
    romes: list[dict] = field(default_factory=list)
    formacodes: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    financeurs: list[dict] = field(default_factory=list)
    lieux: list[dict] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)


def import_file(engine: Engine, path: str | os.PathLike, *, progress: TextIO | None = sys.stderr) -> ImportReport:
    path = Path(path)
    if not path.is_file():
        raise ImportFault(f"{path} : fichier introuvable")
    parser = _Parser(path, gazetteer())
    started = time.monotonic()
    with engine.begin() as conn:  # rolled back as a whole on any exception
        parser.run(lambda rows: _store(conn, rows), progress)
        _new_version(conn)
    parser.report.seconds = time.monotonic() - started
    return parser.report


class _Parser:
    def __init__(self, path: Path, gaz: Gazetteer):
        self.path = path
        self.gaz = gaz
        self.ns: str | None = None
        self.report = ImportReport(file=path.name)
        self.seen: dict[str, set[str]] = {"formation": set(), "action": set(), "session": set()}

    # -- helpers -----------------------------------------------------------------------
    def fault(self, element: etree._Element | None, message: str) -> ImportFault:
        line = getattr(element, "sourceline", None)
        where = f", ligne {line}" if line else ""
        return ImportFault(f"{self.path}{where} : {message}")

    def q(self, path: str) -> str:
        if not self.ns:
            return path
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def text(self, element: etree._Element | None, path: str) -> str | None:
        if element is None:
            return None
        value = element.findtext(self.q(path))
        value = value.strip() if value else ""
        return value or None

    def all_texts(self, element: etree._Element | None, path: str) -> list[str]:
        if element is None:
            return []
        return [t.strip() for t in (e.text for e in element.iterfind(self.q(path))) if t and t.strip()]

    def integer(self, element: etree._Element, path: str, allowed: Iterable[int] | None = None) -> int | None:
        value = self.text(element, path)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise self.fault(element.find(self.q(path)), f"<{path}> n'est pas un nombre entier : « {value} »") from None
        if allowed is not None and number not in allowed:
            raise self.fault(element.find(self.q(path)), f"<{path}> a une valeur inconnue : « {value} »")
        return number

    def decimal(self, element: etree._Element, path: str) -> float | None:
        value = self.text(element, path)
        if value is None:
            return None
        try:
            return float(value.replace(",", "."))
        except ValueError:
            raise self.fault(element.find(self.q(path)), f"<{path}> n'est pas un nombre : « {value} »") from None

    def ident(self, element: etree._Element, kind: str) -> str:
        numero = (element.get("numero") or "").strip()
        if not numero:
            raise self.fault(element, f"<{kind}> sans attribut numero")
        if numero in self.seen[kind]:
            raise self.fault(element, f"<{kind}> numero « {numero} » en double dans le fichier")
        self.seen[kind].add(numero)
        return numero

    def date(self, element: etree._Element, path: str, *, end: bool) -> dt.date | None:
        node = element.find(self.q(path))
        value = (node.text or "").strip() if node is not None else ""
        if not re.fullmatch(r"\d{8}", value):
            raise self.fault(
                node if node is not None else element, f"date <{path}> invalide : « {value} » (attendu AAAAMMJJ)"
            )
        if value == "00000000":
            return None
        if value == "99999999":
            return OPEN_ENDED if end else None
        year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
        try:
            if month == 0 and day == 0:  # year only
                return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
            if day == 0:  # month only
                return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
            return dt.date(year, month, day)
        except ValueError:
            raise self.fault(node, f"date <{path}> invalide : « {value} »") from None

    # -- document ------------------------------------------------------------------------
    def run(self, store: Callable[[_Rows], None], progress: TextIO | None) -> None:
        size = self.path.stat().st_size
        show_progress = progress is not None and size >= PROGRESS_MIN_BYTES
        last_shown = time.monotonic()
        rows = _Rows()
        pending = 0
        with open(self.path, "rb") as stream:
            events = etree.iterparse(
                stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
            )
            depth = 0
            try:
                for event, element in events:
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            self._check_root(element)
                        elif depth == 2 and etree.QName(element).localname not in ("offres", "extras"):
                            raise self.fault(
                                element,
                                f"élément <{etree.QName(element).localname}> inattendu sous <lheo> (attendu <offres>)",
                            )
                        continue
                    depth -= 1
                    if depth == 2 and etree.QName(element).localname == "formation":
                        self._formation(element, rows)
                        pending += 1
                        element.clear(keep_tail=False)
                        parent = element.getparent()
                        while parent is not None and element.getprevious() is not None:
                            del parent[0]
                        if pending >= BATCH:
                            store(rows)
                            rows, pending = _Rows(), 0
                        if show_progress and time.monotonic() - last_shown >= PROGRESS_EVERY_S:
                            last_shown = time.monotonic()
                            percent = 100 * stream.tell() / size
                            print(
                                f"{self.path.name} : {percent:3.0f} % ({self.report.formations} formations)",
                                file=progress,
                                flush=True,
                            )
            except etree.XMLSyntaxError as error:
                line, column = error.position
                raise ImportFault(
                    f"{self.path}, ligne {line}, colonne {column} : XML mal formé ({error.msg})"
                ) from None
        if self.report.formations == 0:
            raise ImportFault(f"{self.path} : aucune <formation> dans <offres>")
        store(rows)

    def _check_root(self, element: etree._Element) -> None:
        name = etree.QName(element)
        if name.localname != "lheo":
            raise self.fault(element, f"racine <{name.localname}> au lieu de <lheo> : ce n'est pas un fichier LHEO")
        if name.namespace not in NAMESPACES:
            raise self.fault(element, f"espace de noms LHEO inconnu « {name.namespace} »")
        self.ns = name.namespace

    def _formation(self, element: etree._Element, rows: _Rows) -> None:
        formation_id = self.ident(element, "formation")
        intitule = self.text(element, "intitule-formation")
        if not intitule:
            raise self.fault(element, f"<formation> « {formation_id} » sans <intitule-formation>")
        romes = self.all_texts(element, "domaine-formation/code-ROME")
        for code in romes:
            if not ROME_CODE.match(code.upper()):
                raise self.fault(element.find(self.q("domaine-formation")), f"code ROME invalide « {code} »")
        organisme_id = self._organisme(element, formation_id, rows)
        actions = element.findall(self.q("action"))
        if not actions:
            raise self.fault(element, f"<formation> « {formation_id} » sans <action>")
        hours = [self._action(a, formation_id, rows) for a in actions]
        known_hours = [h for h in hours if h is not None]
        rows.formations.append(
            {
                "id": formation_id,
                "organisme_id": organisme_id,
                "intitule": _plain(intitule),
                "objectif": _plain(self.text(element, "objectif-formation")),
                "contenu": _plain(self.text(element, "contenu-formation")),
                "resultats": _plain(self.text(element, "resultats-attendus")),
                "certifiante": self.integer(element, "certifiante", (0, 1)) == 1,
                "niveau_entree": self.integer(element, "code-niveau-entree"),
                "niveau_sortie": self.integer(element, "code-niveau-sortie"),
                "heures": max(known_hours) if known_hours else None,
                "rncp": self.text(element, "certification/code-RNCP"),
                "source": self.path.name,
            }
        )
        rows.romes.extend(
            {"formation_id": formation_id, "code": code} for code in dict.fromkeys(c.upper() for c in romes)
        )
        formacodes = dict.fromkeys(self.all_texts(element, "domaine-formation/code-FORMACODE"))
        rows.formacodes.extend({"formation_id": formation_id, "code": code} for code in formacodes)
        self.report.formations += 1

    def _organisme(self, formation: etree._Element, formation_id: str, rows: _Rows) -> str:
        element = formation.find(self.q("organisme-formation-responsable"))
        if element is None:
            raise self.fault(formation, f"<formation> « {formation_id} » sans <organisme-formation-responsable>")
        nom = self.text(element, "nom-organisme") or self.text(element, "raison-sociale")
        if not nom:
            raise self.fault(element, "<organisme-formation-responsable> sans <nom-organisme>")
        siret = self.text(element, "SIRET-organisme-formation/SIRET")
        key = siret or self.text(element, "numero-activite") or nom
        key = key[:64]
        coordonnees = element.find(self.q("coordonnees-organisme/coordonnees"))
        contact = coordonnees if coordonnees is not None else element.find(self.q("contact-organisme/coordonnees"))
        address = None if contact is None else contact.find(self.q("adresse"))
        rows.organismes[key] = {
            "id": key,
            "nom": nom,
            "siret": siret,
            "telephone": self.text(contact, "telfixe/numtel") or self.text(contact, "portable/numtel"),
            "courriel": self.text(contact, "courriel"),
            "web": self.text(contact, "web/urlweb"),
            "adresse": ", ".join(self.all_texts(address, "ligne")) or None,
            "code_postal": self.text(address, "codepostal"),
            "ville": self.text(address, "ville"),
        }
        return key

    def _action(self, element: etree._Element, formation_id: str, rows: _Rows) -> int | None:
        action_id = self.ident(element, "action")
        hours = self.integer(element, "nombre-heures-total")
        if hours is None:
            parts = [self.integer(element, "nombre-heures-centre"), self.integer(element, "nombre-heures-entreprise")]
            hours = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
        rows.actions.append(
            {
                "id": action_id,
                "formation_id": formation_id,
                "modalite_enseignement": self.integer(element, "modalites-enseignement", (0, 1, 2)) or 0,
                "entrees_sorties_permanentes": self.integer(element, "modalites-entrees-sorties", (0, 1)) == 1,
                "heures": hours,
                "prix_total_ttc": self.decimal(element, "prix-total-TTC"),
                "conditions": _plain(self.text(element, "conditions-specifiques")),
                "rythme": _plain(self.text(element, "rythme-formation")),
            }
        )
        financeurs = {}
        for financeur in element.iterfind(self.q("organisme-financeur")):
            code = self.text(financeur, "code-financeur")
            if code:
                financeurs[code] = {
                    "action_id": action_id,
                    "code": code,
                    "places": self.integer(financeur, "nb-places-financees"),
                }
        rows.financeurs.extend(financeurs.values())
        for place in element.iterfind(self.q("lieu-de-formation")):
            rows.lieux.append(self._lieu(place, action_id))
        rows.sessions.extend(self._session(s, action_id) for s in element.iterfind(self.q("session")))
        self.report.actions += 1
        return hours

    def _lieu(self, element: etree._Element, action_id: str) -> dict:
        coordonnees = element.find(self.q("coordonnees"))
        address = coordonnees.find(self.q("adresse")) if coordonnees is not None else None
        if address is None:
            raise self.fault(element, "<lieu-de-formation> sans <coordonnees>/<adresse>")
        insee = self.text(address, "code-INSEE-commune")
        postcode = self.text(address, "codepostal")
        ville = self.text(address, "ville")
        lat = self.decimal(address, "geolocalisation/latitude")
        lon = self.decimal(address, "geolocalisation/longitude")
        in_bounds = lat is None or lon is None or (-90 <= lat <= 90 and -180 <= lon <= 180)
        if (lat is None) != (lon is None) or not in_bounds:
            raise self.fault(address.find(self.q("geolocalisation")), "<geolocalisation> incomplète ou hors limites")
        commune = self.gaz.by_insee(insee) if insee else None
        source = "insee" if commune else None
        if commune is None:
            commune = self.gaz.locate(postcode=postcode, ville=ville)
            source = "codepostal" if commune else None
        if lat is not None:
            source = "geolocalisation"
        elif commune is not None:
            lat, lon = commune.lat, commune.lon
        self.report.lieux += 1
        if source is None:
            self.report.lieux_non_localises += 1
        return {
            "action_id": action_id,
            "nom": self.text(address, "denomination")
            or self.text(coordonnees, "nom")
            or next(iter(self.all_texts(coordonnees, "ligne")), None),
            "adresse": ", ".join(self.all_texts(address, "ligne")) or None,
            "code_postal": postcode,
            "ville": ville or (commune.nom if commune else None),
            "insee": insee or (commune.insee if commune else None),
            "lat": lat,
            "lon": lon,
            "point_source": source,
        }

    def _session(self, element: etree._Element, action_id: str) -> dict:
        session_id = self.ident(element, "session")
        if element.find(self.q("periode")) is None:
            raise self.fault(element, f"<session> « {session_id} » sans <periode>")
        seats = [self.integer(r, "nb-places") for r in element.iterfind(self.q("recrutement"))]
        seats = [s for s in seats if s is not None]
        self.report.sessions += 1
        return {
            "id": session_id,
            "action_id": action_id,
            "debut": self.date(element, "periode/debut", end=False),
            "fin": self.date(element, "periode/fin", end=True),
            "etat_recrutement": self.integer(element, "etat-recrutement", (1, 2, 3)),
            "places": sum(seats) if seats else None,
        }


def _plain(text: str | None) -> str | None:
    """Text of a field that may hold (already unescaped) HTML markup and entities."""
    if not text:
        return text
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    try:
        root = html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(text.split())
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag == "li":
            node.text = "- " + (node.text or "")
        if node.tag in _BLOCK_TAGS:
            node.tail = "\n" + (node.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line) or None


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _store(conn: Connection, rows: _Rows) -> None:
    """Replace what the catalog holds under the batch's identifiers by the batch."""
    if not rows.formations:
        return
    formation_ids = [r["id"] for r in rows.formations]
    action_ids = {r["id"] for r in rows.actions}
    for chunk in _chunks(formation_ids):
        action_ids.update(conn.scalars(select(m.action.c.id).where(m.action.c.formation_id.in_(chunk))))
    action_list = sorted(action_ids)
    for chunk in _chunks(action_list):
        conn.execute(delete(m.session).where(m.session.c.action_id.in_(chunk)))
        conn.execute(delete(m.lieu).where(m.lieu.c.action_id.in_(chunk)))
        conn.execute(delete(m.action_financeur).where(m.action_financeur.c.action_id.in_(chunk)))
    for chunk in _chunks([r["id"] for r in rows.sessions]):
        conn.execute(delete(m.session).where(m.session.c.id.in_(chunk)))
    for chunk in _chunks(action_list):
        conn.execute(delete(m.action).where(m.action.c.id.in_(chunk)))
    for chunk in _chunks(formation_ids):
        conn.execute(delete(m.formation_rome).where(m.formation_rome.c.formation_id.in_(chunk)))
        conn.execute(delete(m.formation_formacode).where(m.formation_formacode.c.formation_id.in_(chunk)))
        conn.execute(delete(m.formation).where(m.formation.c.id.in_(chunk)))
    _upsert_organismes(conn, list(rows.organismes.values()))
    for table, values in (
        (m.formation, rows.formations),
        (m.formation_rome, rows.romes),
        (m.formation_formacode, rows.formacodes),
        (m.action, rows.actions),
        (m.action_financeur, rows.financeurs),
        (m.lieu, rows.lieux),
        (m.session, rows.sessions),
    ):
        if values:
            conn.execute(table.insert(), values)


def _new_version(conn: Connection) -> None:
    """Marks the catalog as changed, so that caches of it are renewed."""
    version = uuid.uuid4().hex
    updated = conn.execute(update(m.catalog_meta).where(m.catalog_meta.c.key == "version").values(value=version))
    if updated.rowcount == 0:
        conn.execute(m.catalog_meta.insert().values(key="version", value=version))


def _upsert_organismes(conn: Connection, values: list[dict]) -> None:
    existing: set[str] = set()
    for chunk in _chunks([v["id"] for v in values]):
        existing.update(conn.scalars(select(m.organisme.c.id).where(m.organisme.c.id.in_(chunk))))
    new = [v for v in values if v["id"] not in existing]
    old = [{**v, "key": v["id"]} for v in values if v["id"] in existing]
    if new:
        conn.execute(m.organisme.insert(), new)
    if old:
        columns = {c: bindparam(c) for c in values[0] if c != "id"}
        conn.execute(update(m.organisme).where(m.organisme.c.id == bindparam("key")).values(**columns), old)
