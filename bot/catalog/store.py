"""Sources in the catalog database: replacing one within a transaction, listing, removing,
reading the report of its last import. Knows nothing of LHEO."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection, Engine, Row

from bot.catalog import models as m


@dataclass
class Rows:
    """Rows of a batch of formations, without their source, ready for insertion."""

    organismes: list[dict] = field(default_factory=list)
    formations: list[dict] = field(default_factory=list)
    romes: list[dict] = field(default_factory=list)
    formacodes: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    financeurs: list[dict] = field(default_factory=list)
    lieux: list[dict] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        for name in (f.name for f in fields(self)):
            getattr(self, name).extend(getattr(other, name))

    def __len__(self) -> int:
        return len(self.formations)


_INSERT_ORDER = (
    ("organismes", m.organisme),
    ("formations", m.formation),
    ("romes", m.formation_rome),
    ("formacodes", m.formation_formacode),
    ("actions", m.action),
    ("financeurs", m.action_financeur),
    ("lieux", m.lieu),
    ("sessions", m.session),
)


IGNORE, REMARQUE = "ignore", "remarque"
LIEU = "lieu-de-formation"
_IGNORED = {
    "formation": "ignorée, avec ses actions et sessions",
    "action": "ignorée, avec ses sessions",
    "session": "ignorée",
}


@dataclass(frozen=True)
class Note:
    """One line of an import report: a skipped record ("ignore") or a correction ("remarque")."""

    genre: str
    fichier: str
    ligne: int | None
    element: str  # formation | action | session | lieu-de-formation
    numero: str | None  # of the element; of its action for a lieu-de-formation
    raison: str

    def __str__(self) -> str:
        where = f"{self.fichier}, ligne {self.ligne}" if self.ligne else self.fichier
        if self.element == LIEU:
            what = f"<{LIEU}> de l'action « {self.numero} »"
        else:
            what = f"<{self.element}>" + (f" « {self.numero} »" if self.numero else "")
        if self.genre == IGNORE:
            what += " " + _IGNORED[self.element]
        return f"{where} : {what} : {self.raison}"


@dataclass(frozen=True)
class SourceInfo:
    """A source as `catalog sources` shows it."""

    nom: str
    fichiers: tuple[str, ...]
    importe_le: dt.datetime  # UTC
    formations: int
    actions: int
    sessions: int
    lieux: int
    lieux_non_localises: int
    enregistrements: int
    ignores: int
    remarques: int
    duree_s: float

    def summary(self) -> str:
        """One line: files, source, counts, skipped records, corrections."""
        files = ", ".join(Path(f).name for f in self.fichiers)
        seconds = f"{self.duree_s:.1f}".replace(".", ",")
        text = (
            f"{files} → source « {self.nom} » : {plural(self.formations, 'formation')}, "
            f"{plural(self.actions, 'action')}, {plural(self.sessions, 'session')} importées en {seconds} s"
        )
        if self.ignores:
            share = percent(self.ignores, self.enregistrements)
            text += f" ; {plural(self.ignores, 'enregistrement ignoré', 'enregistrements ignorés')}"
            text += f" sur {self.enregistrements} ({share})"
        if self.remarques:
            text += f" ; {plural(self.remarques, 'remarque')}"
        if self.lieux_non_localises:
            located = plural(self.lieux_non_localises, "lieu", "lieux")
            text += f" ; {located} sur {self.lieux} non localisé" + ("s" if self.lieux_non_localises > 1 else "")
        return text


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 formation", "0 formation", "2 formations" (French: plural from 2)."""
    return f"{count} {word if count < 2 else words or word + 's'}"


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %".replace(".", ",") if whole else "0 %"


def open_source(conn: Connection, name: str) -> int:
    """The id of source `name`, created if new, emptied of its offers and of its last report.
    Writes first, so that the transaction holds the source from here on."""
    source_id = conn.scalar(select(m.source.c.id).where(m.source.c.nom == name))
    placeholder = {f.name: 0 for f in fields(SourceInfo) if f.name not in ("nom", "fichiers", "importe_le")}
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if source_id is None:
        return conn.execute(
            m.source.insert().values(nom=name, fichiers="", importe_le=now, **placeholder)
        ).inserted_primary_key[0]
    conn.execute(update(m.source).where(m.source.c.id == source_id).values(importe_le=now))
    _empty(conn, source_id)
    return source_id


def _empty(conn: Connection, source_id: int) -> None:
    for table in (*m.OFFER_TABLES, m.import_note):
        conn.execute(delete(table).where(table.c.source_id == source_id))


def insert(conn: Connection, source_id: int, rows: Rows) -> None:
    for name, table in _INSERT_ORDER:
        values = getattr(rows, name)
        if values:
            conn.execute(table.insert(), [{"source_id": source_id, **value} for value in values])


def close_source(conn: Connection, source_id: int, info: SourceInfo, notes: Iterable[Note]) -> None:
    """Records the counts and the report of the import, and marks the catalog as changed."""
    values = {f.name: getattr(info, f.name) for f in fields(SourceInfo) if f.name != "nom"}
    values["fichiers"] = "\n".join(info.fichiers)
    conn.execute(update(m.source).where(m.source.c.id == source_id).values(**values))
    batch = []
    for rank, note in enumerate(notes):
        batch.append({"source_id": source_id, "rang": rank, **{f.name: getattr(note, f.name) for f in fields(Note)}})
        if len(batch) >= 1000:
            conn.execute(m.import_note.insert(), batch)
            batch = []
    if batch:
        conn.execute(m.import_note.insert(), batch)
    analyze(conn)
    new_version(conn)


def analyze(conn: Connection) -> None:
    """Refreshes the planner's statistics: without them, SQLite takes `source_id = ?` for a
    selective condition and joins a whole source's sessions to each formation, and PostgreSQL
    checks foreign keys slowly."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled: milliseconds on any size
        conn.exec_driver_sql("ANALYZE")
    else:
        for table in m.OFFER_TABLES:
            conn.exec_driver_sql(f"ANALYZE {table.name}")


def new_version(conn: Connection) -> None:
    """Marks the catalog as changed, so that caches of it are renewed."""
    version = uuid.uuid4().hex
    updated = conn.execute(update(m.catalog_meta).where(m.catalog_meta.c.key == "version").values(value=version))
    if updated.rowcount == 0:
        conn.execute(m.catalog_meta.insert().values(key="version", value=version))


def sources(engine: Engine) -> list[SourceInfo]:
    """Every source, by name."""
    with engine.connect() as conn:
        rows = conn.execute(select(m.source).order_by(m.source.c.nom)).all()
    return [_info(row) for row in rows]


def _info(row: Row) -> SourceInfo:
    values = {f.name: getattr(row, f.name) for f in fields(SourceInfo)}
    values["fichiers"] = tuple(filter(None, row.fichiers.split("\n")))
    return SourceInfo(**values)


def source(engine: Engine, name: str) -> SourceInfo | None:
    with engine.connect() as conn:
        row = conn.execute(select(m.source).where(m.source.c.nom == name)).first()
    return _info(row) if row else None


def notes(engine: Engine, name: str) -> list[Note]:
    """The report of the last import of source `name`, in file order."""
    n = m.import_note
    with engine.connect() as conn:
        rows = conn.execute(
            select(n).join(m.source, m.source.c.id == n.c.source_id).where(m.source.c.nom == name).order_by(n.c.rang)
        ).all()
    return [Note(**{f.name: getattr(row, f.name) for f in fields(Note)}) for row in rows]


def remove(engine: Engine, name: str) -> bool:
    """Removes source `name` and all its offers, in one transaction; False if there is none."""
    with engine.begin() as conn:
        source_id = conn.scalar(select(m.source.c.id).where(m.source.c.nom == name))
        if source_id is None:
            return False
        _empty(conn, source_id)
        conn.execute(delete(m.source).where(m.source.c.id == source_id))
        new_version(conn)
    return True
