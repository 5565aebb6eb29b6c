"""Streaming import of LHEO 2.2 / 2.3 feeds into the catalog, one source at a time.

A source (one feed, one or more files) is replaced as a whole in one transaction: searches
running meanwhile see the old offers or the new ones, never a mix. A record (formation, action,
session) that cannot be read is skipped and reported, with what it holds; the file fails as a
whole, leaving the catalog as it was, when it is not well-formed XML or when the share of
skipped records passes the tolerance. Formations are parsed one by one with lxml's iterparse
and cleared once stored: memory holds one batch of formations, plus the identifiers already
seen in the source (to refuse duplicates) and the report, which grow with the feed (docs/benchmarks.md).

The rules are those of docs/contrat.md (`python -m bot catalog import`, « Précisions sur la ligne de
commande et la recherche »).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from lxml import etree, html
from sqlalchemy.engine import Engine

from bot.catalog import store
from bot.catalog.models import OPEN_ENDED
from bot.catalog.search import index_source
from bot.catalog.store import IGNORE, LIEU, REMARQUE, Note, Rows, SourceInfo, percent, plural
from bot.geo import Commune, Gazetteer, gazetteer, haversine_km
from bot.text import fold

NAMESPACES = {None, "http://www.lheo.org/2.2", "http://lheo.gouv.fr/2.3"}
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
FORMACODE_CODE = re.compile(r"^\d{5}$")
DEFAULT_TOLERANCE = 0.05  # share of records that may be skipped before a file is refused
PLACE_CHECK_KM = 20.0  # farthest a geolocalisation may be from its commune's reference point
BATCH = 300  # formations per flush
# Planner statistics refreshed after these batches: PostgreSQL checks the foreign keys of a new,
# never analysed catalog five times slower (measured: 129 s against 25 s for 60,000 sessions).
ANALYZE_AFTER_BATCHES = (1, 10)
PROGRESS_MIN_BYTES = 5_000_000
PROGRESS_EVERY_S = 2.0
_BLOCK_TAGS = {"p", "div", "ul", "ol", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}


# kind ("formation", "action", "session", "organisme") -> numero or key -> (file, line) of the
# record holding it
Seen = dict[str, dict[str, tuple[str, int | None]]]


class ImportFault(Exception):
    """A file or a source that cannot be imported; str() is the one line shown to the user.
    `report`: what had been read when the import stopped, if anything."""

    report: ImportReport | None = None


class _RecordFault(Exception):
    """A formation, action or session that cannot be read: skipped, with what it holds."""

    def __init__(self, element: etree._Element | None, reason: str) -> None:
        super().__init__(reason)
        self.line = getattr(element, "sourceline", None)
        self.reason = reason


@dataclass
class ImportReport:
    """What an import did: counts, skipped records and corrections (in file order)."""

    source: str
    fichiers: list[str]  # resolved paths
    formations: int = 0
    actions: int = 0
    sessions: int = 0
    lieux: int = 0
    lieux_non_localises: int = 0
    enregistrements: int = 0  # formations, actions and sessions met
    ignores: int = 0  # of which skipped, with those under a skipped one
    notes: list[Note] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def remarques(self) -> int:
        return sum(note.genre == REMARQUE for note in self.notes)

    def summary(self) -> str:
        return self.info().summary()

    def info(self) -> SourceInfo:
        return SourceInfo(
            nom=self.source,
            fichiers=tuple(self.fichiers),
            importe_le=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            formations=self.formations,
            actions=self.actions,
            sessions=self.sessions,
            lieux=self.lieux,
            lieux_non_localises=self.lieux_non_localises,
            enregistrements=self.enregistrements,
            ignores=self.ignores,
            remarques=self.remarques,
            duree_s=round(self.seconds, 3),
        )


def source_name(path: str | os.PathLike) -> str:
    """The default source of a file: its name without its extension (".xml", ".lheo.xml")."""
    name = Path(path).name
    for extension in (".xml", ".lheo"):
        if name.lower().endswith(extension) and len(name) > len(extension):
            name = name[: -len(extension)]
    return name


def import_file(
    engine: Engine,
    path: str | os.PathLike,
    *,
    source: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    progress: TextIO | None = sys.stderr,
    dry_run: bool = False,
) -> ImportReport:
    """Imports one LHEO file as source `source` (by default the file's name without extension)."""
    return import_source(
        engine, [path], source or source_name(path), tolerance=tolerance, progress=progress, dry_run=dry_run
    )


def import_source(
    engine: Engine,
    paths: Sequence[str | os.PathLike],
    source: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    progress: TextIO | None = sys.stderr,
    dry_run: bool = False,
) -> ImportReport:
    """Replaces everything source `source` holds by the offers of `paths`, in one transaction.
    With dry_run, reads and checks everything and changes nothing. Raises ImportFault."""
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise ImportFault(f"{path} : fichier introuvable")
    name = source.strip()
    if not name or len(name) > 255 or "\n" in name:
        raise ImportFault(f"nom de source invalide « {source} »")
    report = ImportReport(source=name, fichiers=[str(p.resolve()) for p in files])
    seen: Seen = {"formation": {}, "action": {}, "session": {}, "organisme": {}}
    started = time.monotonic()
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            source_id = store.open_source(conn, name)
            batches = 0

            def store_rows(rows: Rows) -> None:
                nonlocal batches
                store.insert(conn, source_id, rows)
                batches += 1
                if batches in ANALYZE_AFTER_BATCHES:
                    store.analyze(conn)

            for path in files:
                parser = _Parser(path, gazetteer(), report, seen)
                parser.run(store_rows, progress)
                parser.check(tolerance)
            index_source(conn, source_id)
            report.seconds = time.monotonic() - started
            store.close_source(conn, source_id, report.info(), report.notes)
        except ImportFault as fault:
            transaction.rollback()
            fault.report = report
            raise
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    return report


class _Parser:
    """Reads one file of a source into rows, adding to the source's report and identifiers."""

    def __init__(self, path: Path, gaz: Gazetteer, report: ImportReport, seen: Seen) -> None:
        self.path = path
        self.gaz = gaz
        self.ns: str | None = None
        self._paths: dict[str, str] = {}
        self.report = report
        self.seen = seen  # shared by the files of the source
        self.records = 0  # of this file
        self.skipped = 0
        self.first_skip: Note | None = None
        self.formations = 0
        self.where: tuple[str, str | None] = ("formation", None)  # record being read, for remarks

    # -- the report ----------------------------------------------------------------------
    def _note(self, genre: str, line: int | None, element: str, numero: str | None, reason: str) -> Note:
        note = Note(genre, self.path.name, line, element, numero, reason)
        self.report.notes.append(note)
        return note

    def remark(self, element: etree._Element | None, reason: str) -> None:
        """A correction made while reading the current record."""
        kind, numero = self.where
        self._note(REMARQUE, getattr(element, "sourceline", None), kind, numero, reason)

    def skip(self, kind: str, numero: str | None, fault: _RecordFault, records: int) -> None:
        """Record `kind` skipped, with the `records` - 1 records under it."""
        note = self._note(IGNORE, fault.line, kind, numero or None, fault.reason)
        self.first_skip = self.first_skip or note
        self.skipped += records
        self.report.ignores += records

    def check(self, tolerance: float) -> None:
        """Refuses the file when its share of skipped records passes the tolerance."""
        first = self.first_skip
        if self.records and self.skipped / self.records > tolerance and first is not None:
            raise ImportFault(
                f"{self.path} : {plural(self.skipped, 'enregistrement illisible', 'enregistrements illisibles')} "
                f"sur {self.records} "
                f"({percent(self.skipped, self.records)}), au-delà de la limite de {percent(tolerance, 1)} ; "
                f"le premier, ligne {first.ligne} : <{first.element}> : {first.raison}"
            )

    # -- fields --------------------------------------------------------------------------
    def q(self, path: str) -> str:
        """`path` in the document's namespace (built once per path)."""
        qualified = self._paths.get(path)
        if qualified is None:
            qualified = self._paths[path] = (
                "/".join(f"{{{self.ns}}}{part}" for part in path.split("/")) if self.ns else path
            )
        return qualified

    def _content(self, node: etree._Element) -> str:
        """The text of an element: entity references (never expanded) are dropped and
        reported, the text around them kept; markup written unescaped is kept as text."""
        parts = [node.text or ""]
        for child in node:
            if isinstance(child, etree._Entity):
                self.remark(child, f"entité {child.text} non développée (les entités ne sont pas lues) : ignorée")
            elif isinstance(child.tag, str):
                parts.append(self._content(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def text(self, element: etree._Element | None, path: str) -> str | None:
        node = None if element is None else element.find(self.q(path))
        if node is None:
            return None
        return self._content(node).strip() or None

    def all_texts(self, element: etree._Element | None, path: str) -> list[tuple[etree._Element, str]]:
        """(element, text) of every non-empty `path` under element."""
        if element is None:
            return []
        found = ((node, self._content(node).strip()) for node in element.iterfind(self.q(path)))
        return [(node, text) for node, text in found if text]

    def integer(self, element: etree._Element, path: str, allowed: Iterable[int] | None = None) -> int | None:
        value = self.text(element, path)
        if value is None:
            return None
        node = element.find(self.q(path))
        try:
            number = int(value)
        except ValueError:
            raise _RecordFault(node, f"<{path}> n'est pas un nombre entier : « {value} »") from None
        if allowed is not None and number not in allowed:
            raise _RecordFault(node, f"<{path}> a une valeur inconnue : « {value} »")
        return number

    def decimal(self, element: etree._Element, path: str) -> float | None:
        value = self.text(element, path)
        if value is None:
            return None
        try:
            return float(value.replace(",", "."))
        except ValueError:
            raise _RecordFault(element.find(self.q(path)), f"<{path}> n'est pas un nombre : « {value} »") from None

    def ident(self, element: etree._Element, kind: str) -> str:
        """The numero of a record, new in the source (not registered yet: see register)."""
        numero = (element.get("numero") or "").strip()
        if not numero:
            raise _RecordFault(element, f"<{kind}> sans attribut numero")
        if numero in self.seen[kind]:
            file, line = self.seen[kind][numero]
            raise _RecordFault(element, f"numero « {numero} » déjà pris dans la source ({file}, ligne {line})")
        return numero

    def register(self, element: etree._Element, kind: str, numero: str) -> None:
        self.seen[kind][numero] = (self.path.name, element.sourceline)

    def date(self, element: etree._Element, path: str, *, end: bool) -> dt.date | None:
        node = element.find(self.q(path))
        value = self._content(node).strip() if node is not None else ""
        if not re.fullmatch(r"\d{8}", value):
            raise _RecordFault(
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
            raise _RecordFault(node, f"date <{path}> invalide : « {value} »") from None

    # -- document ------------------------------------------------------------------------
    def run(self, store_rows: Callable[[Rows], None], progress: TextIO | None) -> None:
        size = self.path.stat().st_size
        show_progress = progress is not None and size >= PROGRESS_MIN_BYTES
        last_shown = time.monotonic()
        rows = Rows()
        with open(self.path, "rb") as stream:
            events = etree.iterparse(
                stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
            )
            depth, line = 0, None
            try:
                for event, element in events:
                    if event == "start":
                        depth += 1
                        line = element.sourceline
                        if depth == 1:
                            self._check_root(element)
                        elif depth == 2 and etree.QName(element).localname not in ("offres", "extras"):
                            raise ImportFault(
                                f"{self.path}, ligne {line} : élément <{etree.QName(element).localname}> "
                                "inattendu sous <lheo> (attendu <offres>)"
                            )
                        continue
                    depth -= 1
                    if depth == 2 and etree.QName(element).localname == "formation":
                        self.formations += 1
                        rows.extend(self._formation(element))
                        element.clear(keep_tail=False)
                        parent = element.getparent()
                        while parent is not None and element.getprevious() is not None:
                            del parent[0]
                        if len(rows) >= BATCH:
                            store_rows(rows)
                            rows = Rows()
                        if show_progress and time.monotonic() - last_shown >= PROGRESS_EVERY_S:
                            last_shown = time.monotonic()
                            percent = 100 * stream.tell() / size
                            print(
                                f"{self.path.name} : {percent:3.0f} % ({self.report.formations} formations)",
                                file=progress,
                                flush=True,
                            )
            except etree.XMLSyntaxError as error:
                raise self._syntax_fault(error, events.error_log, line) from None
        if self.formations == 0:
            raise ImportFault(f"{self.path} : aucune <formation> dans <offres>")
        store_rows(rows)

    def _syntax_fault(
        self, error: etree.XMLSyntaxError, log: etree._ListErrorLog, last_line: int | None
    ) -> ImportFault:
        """One line placing a well-formedness error. libxml2 places an error inside the text of
        an entity relative to that text ("line 1"): it is placed at the element being read."""
        entries = [entry for entry in log if entry.level >= etree.ErrorLevels.ERROR]
        if not entries:
            line, column = error.position
            return ImportFault(f"{self.path}, ligne {line}, colonne {column} : XML mal formé ({error.msg})")
        entry = entries[-1]
        if entry.filename and Path(entry.filename) != self.path.resolve() and last_line:
            return ImportFault(
                f"{self.path}, ligne {last_line} : XML mal formé dans le développement d'une entité ({entry.message})"
            )
        return ImportFault(f"{self.path}, ligne {entry.line}, colonne {entry.column} : XML mal formé ({entry.message})")

    def _check_root(self, element: etree._Element) -> None:
        name = etree.QName(element)
        if name.localname == "lheo-index":
            raise ImportFault(
                f"{self.path}, ligne {element.sourceline} : c'est un index LHEO (<lheo-index>, résumés d'offres "
                "sans actions ni lieux de formation) : importez l'export complet des offres (racine <lheo>) "
                "du même diffuseur"
            )
        if name.localname != "lheo":
            raise ImportFault(
                f"{self.path}, ligne {element.sourceline} : racine <{name.localname}> au lieu de <lheo> : "
                "ce n'est pas un fichier LHEO"
            )
        if name.namespace not in NAMESPACES:
            raise ImportFault(
                f"{self.path}, ligne {element.sourceline} : espace de noms LHEO inconnu « {name.namespace} »"
            )
        self.ns = name.namespace

    # -- records -------------------------------------------------------------------------
    def _formation(self, element: etree._Element) -> Rows:
        """The rows of a formation and of what it holds that can be read; none if the formation
        itself cannot be."""
        rows = Rows()
        actions = element.findall(self.q("action"))
        sessions = {id(a): len(a.findall(self.q("session"))) for a in actions}
        held = 1 + len(actions) + sum(sessions.values())
        self.records += held
        self.report.enregistrements += held
        numero = (element.get("numero") or "").strip()
        self.where = ("formation", numero or None)
        try:
            numero = self.ident(element, "formation")
            intitule = self.text(element, "intitule-formation")
            if not intitule:
                raise _RecordFault(element, "sans <intitule-formation>")
            if not actions:
                raise _RecordFault(element, "sans <action>")
            organisme = self._organisme(element)
            formation = {
                "id": numero,
                "organisme_id": organisme["id"],
                "intitule": _plain(intitule),
                "objectif": _plain(self.text(element, "objectif-formation")),
                "contenu": _plain(self.text(element, "contenu-formation")),
                "resultats": _plain(self.text(element, "resultats-attendus")),
                "certifiante": self.integer(element, "certifiante", (0, 1)) == 1,
                "niveau_entree": self.integer(element, "code-niveau-entree"),
                "niveau_sortie": self.integer(element, "code-niveau-sortie"),
                "rncp": self.text(element, "certification/code-RNCP"),
            }
        except _RecordFault as fault:
            self.skip("formation", numero, fault, held)
            return Rows()
        self.register(element, "formation", numero)
        romes = self._codes(element, "code-ROME", ROME_CODE, "une lettre et 4 chiffres")
        formacodes = self._codes(element, "code-FORMACODE", FORMACODE_CODE, "5 chiffres")
        if organisme["id"] not in self.seen["organisme"]:
            self.register(element, "organisme", organisme["id"])
            rows.organismes.append(organisme)
        hours = []
        for action in actions:
            hours.append(self._action(action, numero, rows, 1 + sessions[id(action)]))
        known_hours = [h for h in hours if h is not None]
        heures = max(known_hours) if known_hours else None
        rows.formations.append({**formation, "heures": heures, "a_rome": bool(romes)})
        rows.romes.extend({"formation_id": numero, "code": code} for code in romes)
        rows.formacodes.extend({"formation_id": numero, "code": code} for code in formacodes)
        self.report.formations += 1
        return rows

    def _codes(self, element: etree._Element, tag: str, shape: re.Pattern, expected: str) -> list[str]:
        """The distinct codes <tag> of the formation's domaine-formation, spaces removed and in
        capitals; an unreadable code is ignored and reported."""
        codes = []
        for node, text in self.all_texts(element, f"domaine-formation/{tag}"):
            code = re.sub(r"\s+", "", text).upper()
            if shape.match(code):
                codes.append(code)
            else:
                self.remark(node, f"<{tag}> « {text} » illisible (attendu {expected}) : ignoré")
        return list(dict.fromkeys(codes))

    def _organisme(self, formation: etree._Element) -> dict:
        element = formation.find(self.q("organisme-formation-responsable"))
        if element is None:
            raise _RecordFault(formation, "sans <organisme-formation-responsable>")
        nom = self.text(element, "nom-organisme") or self.text(element, "raison-sociale")
        if not nom:
            raise _RecordFault(element, "<organisme-formation-responsable> sans <nom-organisme>")
        siret = self.text(element, "SIRET-organisme-formation/SIRET")
        key = (siret or self.text(element, "numero-activite") or nom)[:64]
        coordonnees = element.find(self.q("coordonnees-organisme/coordonnees"))
        contact = coordonnees if coordonnees is not None else element.find(self.q("contact-organisme/coordonnees"))
        address = None if contact is None else contact.find(self.q("adresse"))
        return {
            "id": key,
            "nom": nom,
            "siret": siret,
            "telephone": self.text(contact, "telfixe/numtel") or self.text(contact, "portable/numtel"),
            "courriel": self.text(contact, "courriel"),
            "web": self.text(contact, "web/urlweb"),
            "adresse": ", ".join(text for _, text in self.all_texts(address, "ligne")) or None,
            "code_postal": self.text(address, "codepostal"),
            "ville": self.text(address, "ville"),
        }

    def _action(self, element: etree._Element, formation_id: str, rows: Rows, held: int) -> int | None:
        """Adds the action's rows; its hours, or None (also when it is skipped)."""
        numero = (element.get("numero") or "").strip()
        self.where = ("action", numero or None)
        try:
            numero = self.ident(element, "action")
            hours = self.integer(element, "nombre-heures-total")
            if hours is None:
                hours = _add(
                    self.integer(element, "nombre-heures-centre"), self.integer(element, "nombre-heures-entreprise")
                )
            rythme = _plain(self.text(element, "rythme-formation"))
            publics = {re.sub(r"\s+", "", text) for _, text in self.all_texts(element, "code-public-vise")}
            pedagogie = {re.sub(r"\s+", "", text) for _, text in self.all_texts(element, "code-modalite-pedagogique")}
            action = {
                "id": numero,
                "formation_id": formation_id,
                "modalite_enseignement": self.integer(element, "modalites-enseignement", (0, 1, 2)) or 0,
                "entrees_sorties_permanentes": self.integer(element, "modalites-entrees-sorties", (0, 1)) == 1,
                "heures": hours,
                "prix_total_ttc": self.decimal(element, "prix-total-TTC"),
                "conditions": _plain(self.text(element, "conditions-specifiques")),
                "rythme": rythme,
                "alternance": is_alternance(publics, pedagogie, self.text(element, "modalites-alternance")),
                "temps": working_time(rythme, pedagogie),
                "acces_handicapes": _plain(self.text(element, "acces-handicapes")),
            }
            financeurs: dict[str, int | None] = {}
            for financeur in element.iterfind(self.q("organisme-financeur")):
                code = self.text(financeur, "code-financeur")
                if code:
                    financeurs[code] = _add(financeurs.get(code), self.integer(financeur, "nb-places-financees"))
        except _RecordFault as fault:
            self.skip("action", numero, fault, held)
            return None
        self.register(element, "action", numero)
        rows.actions.append(action)
        rows.financeurs.extend({"action_id": numero, "code": code, "places": n} for code, n in financeurs.items())
        funded = [n for n in financeurs.values() if n is not None]
        for place in element.iterfind(self.q("lieu-de-formation")):
            rows.lieux.append(self._lieu(place, numero))
        for session in element.iterfind(self.q("session")):
            row = self._session(session, numero, sum(funded) if funded else None)
            if row is not None:
                rows.sessions.append(row)
        self.report.actions += 1
        return hours

    def _lieu(self, element: etree._Element, action_id: str) -> dict:
        """A place, located by its geolocalisation when it is readable and near its commune,
        else by its commune (INSEE code, else postal code and town)."""
        self.where = (LIEU, action_id)
        coordonnees = element.find(self.q("coordonnees"))
        address = coordonnees.find(self.q("adresse")) if coordonnees is not None else None
        insee = self.text(address, "code-INSEE-commune")
        postcode = self.text(address, "codepostal")
        ville = self.text(address, "ville")
        commune = self.gaz.by_insee(insee) if insee else None
        source = "insee" if commune else None
        if commune is None:
            commune = self.gaz.locate(postcode=postcode, ville=ville)
            source = "codepostal" if commune else None
        point = self._geolocalisation(address, commune)
        if point is not None:
            source = "geolocalisation"
        elif commune is not None:
            point = (commune.lat, commune.lon)
        self.report.lieux += 1
        if source is None:
            self.report.lieux_non_localises += 1
            given = ", ".join(filter(None, (f"INSEE « {insee} »" if insee else None, postcode, ville)))
            self.remark(
                address if address is not None else element,
                f"ni géolocalisation, ni commune reconnue ({given or 'aucune adresse'}) : lieu non localisé",
            )
        lines = [text for _, text in self.all_texts(address, "ligne")]
        first_line = next((text for _, text in self.all_texts(coordonnees, "ligne")), None)
        return {
            "action_id": action_id,
            "nom": self.text(address, "denomination") or self.text(coordonnees, "nom") or first_line,
            "adresse": ", ".join(lines) or None,
            "code_postal": postcode,
            "ville": ville or (commune.nom if commune else None),
            "insee": insee or (commune.insee if commune else None),
            "lat": point[0] if point else None,
            "lon": point[1] if point else None,
            "point_source": source,
        }

    def _geolocalisation(self, address: etree._Element | None, commune: Commune | None) -> tuple[float, float] | None:
        """The place's geolocalisation when present, readable and, if its commune is known,
        within PLACE_CHECK_KM of the commune's reference point; otherwise None, reported."""
        node = None if address is None else address.find(self.q("geolocalisation"))
        if node is None:
            return None
        lat_text, lon_text = self.text(node, "latitude"), self.text(node, "longitude")
        fallback = f"point de {commune.nom} ({commune.insee}) retenu" if commune else "lieu non localisé"
        try:
            lat, lon = float((lat_text or "").replace(",", ".")), float((lon_text or "").replace(",", "."))
            readable = -90 <= lat <= 90 and -180 <= lon <= 180
        except ValueError:
            readable = False
        if not readable:
            given = f"latitude « {lat_text} », longitude « {lon_text} »"
            self.remark(node, f"<geolocalisation> illisible ({given}) : {fallback}")
            return None
        if commune is not None:
            distance = haversine_km(lat, lon, commune.lat, commune.lon)
            if distance > PLACE_CHECK_KM:
                self.remark(
                    node,
                    f"<geolocalisation> ({lat}, {lon}) à {distance:.0f} km de {commune.nom} ({commune.insee}), "
                    f"plus de {PLACE_CHECK_KM:.0f} km : {fallback}",
                )
                return None
        return lat, lon

    def _session(self, element: etree._Element, action_id: str, funded: int | None) -> dict | None:
        """A session's row, or None when it cannot be read (skipped)."""
        numero = (element.get("numero") or "").strip()
        self.where = ("session", numero or None)
        try:
            numero = self.ident(element, "session")
            if element.find(self.q("periode")) is None:
                raise _RecordFault(element, "sans <periode>")
            given = [self.integer(r, "nb-places") for r in element.iterfind(self.q("recrutement"))]
            seats = [n for n in given if n is not None]
            row = {
                "id": numero,
                "action_id": action_id,
                "debut": self.date(element, "periode/debut", end=False),
                "fin": self.date(element, "periode/fin", end=True),
                "etat_recrutement": self.integer(element, "etat-recrutement", (1, 2, 3)),
                "places": sum(seats) if seats else funded,
            }
        except _RecordFault as fault:
            self.skip("session", numero, fault, 1)
            return None
        self.register(element, "session", numero)
        self.report.sessions += 1
        return row


# Formacode codes (LHEO tables dict-public-vise-formacode and dict-modalites-pedagogiques-formacodes,
# version 10): publics in a contrat d'apprentissage / de professionnalisation; "en alternance";
# "cours du soir".
ALTERNANCE_PUBLICS = {"82027", "82029"}
ALTERNANCE_PEDAGOGIE = "96142"
EVENING_PEDAGOGIE = "96411"
_ALTERNANCE_WORDS = re.compile(r"apprenti|professionnalisation|alternance")
_NEGATION = re.compile(r"^(sans|pas|non|aucune?|neant)\b")
FULL_DAY_HOURS = 6  # "7 heures par jour": full time


def is_alternance(publics: set[str], pedagogie: set[str], modalites: str | None) -> bool:
    """An action is in alternance when it is for publics in an apprenticeship or
    professionalisation contract, or its teaching mode is "en alternance", or its
    modalites-alternance names such a contract or the alternance without saying "sans"."""
    if publics & ALTERNANCE_PUBLICS or ALTERNANCE_PEDAGOGIE in pedagogie:
        return True
    text = fold(modalites or "")
    return bool(_ALTERNANCE_WORDS.search(text)) and not _NEGATION.match(text)


def working_time(rythme: str | None, pedagogie: set[str]) -> str | None:
    """ "soir", "partiel" or "plein" as the rythme-formation says it (evening first), else None."""
    text = fold(rythme or "")
    if EVENING_PEDAGOGIE in pedagogie or re.search(r"\b(soir|soirs|soiree|soirees)\b", text):
        return "soir"
    if re.search(r"\b(temps partiel|mi temps|partiel)\b", text):
        return "partiel"
    if re.search(r"\b(temps plein|temps complet|plein temps)\b", text):
        return "plein"
    daily = re.search(r"\b(\d+) ?h(?:eures?)? par jour\b", text)
    if daily and int(daily.group(1)) >= FULL_DAY_HOURS:
        return "plein"
    return None


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None and b is None else (a or 0) + (b or 0)


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
