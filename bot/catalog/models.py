"""Catalog schema (SQLAlchemy Core tables, portable between SQLite and PostgreSQL).

Every offer belongs to a source (one LHEO feed). Identifiers are the LHEO `numero` attributes
of `formation`, `action` and `session`, unique within a source only: keys are (source_id,
numero). Every foreign key has an index on its referencing columns, so that replacing a
source (delete, then insert) stays linear on PostgreSQL too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

OPEN_ENDED = dt.date.max  # session.fin for LHEO "99999999": end date not known yet

source = Table(
    "source",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nom", String(255), nullable=False, unique=True),
    Column("fichiers", Text, nullable=False),  # the files of the last import, one per line
    Column("importe_le", DateTime, nullable=False),  # UTC
    Column("formations", Integer, nullable=False),
    Column("actions", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("lieux", Integer, nullable=False),
    Column("lieux_non_localises", Integer, nullable=False),
    Column("enregistrements", Integer, nullable=False),  # formations, actions and sessions read
    Column("ignores", Integer, nullable=False),  # of which skipped (with those under a skipped one)
    Column("remarques", Integer, nullable=False),
    Column("duree_s", Float, nullable=False),
)

# The report of a source's last import: skipped records and corrections, in file order.
import_note = Table(
    "import_note",
    metadata,
    Column("source_id", Integer, ForeignKey("source.id"), primary_key=True),
    Column("rang", Integer, primary_key=True),
    Column("genre", String(16), nullable=False),  # ignore | remarque
    Column("fichier", Text, nullable=False),
    Column("ligne", Integer),
    Column("element", String(32), nullable=False),  # formation | action | session | lieu
    Column("numero", Text),
    Column("raison", Text, nullable=False),
)

organisme = Table(
    "organisme",
    metadata,
    Column("source_id", Integer, ForeignKey("source.id"), primary_key=True),
    Column("id", String(255), primary_key=True),  # SIRET, else numero-activite, else name
    Column("nom", Text, nullable=False),
    Column("siret", Text),
    Column("telephone", Text),
    Column("courriel", Text),
    Column("web", Text),
    Column("adresse", Text),
    Column("code_postal", Text),
    Column("ville", Text),
)

formation = Table(
    "formation",
    metadata,
    Column("source_id", Integer, primary_key=True),
    Column("id", String(255), primary_key=True),
    Column("organisme_id", String(255), nullable=False),
    Column("intitule", Text, nullable=False),
    Column("objectif", Text),
    Column("contenu", Text),
    Column("resultats", Text),
    Column("certifiante", Boolean, nullable=False, default=False),
    Column("niveau_entree", Integer),
    Column("niveau_sortie", Integer),
    Column("heures", Integer),
    Column("rncp", Text),
    Column("a_rome", Boolean, nullable=False),  # lists at least one readable code-ROME
    ForeignKeyConstraint(["source_id", "organisme_id"], ["organisme.source_id", "organisme.id"]),
    Index("ix_formation_organisme", "source_id", "organisme_id"),
)

formation_rome = Table(
    "formation_rome",
    metadata,
    Column("source_id", Integer, primary_key=True),
    Column("formation_id", String(255), primary_key=True),
    Column("code", String(5), primary_key=True),
    ForeignKeyConstraint(["source_id", "formation_id"], ["formation.source_id", "formation.id"]),
    Index("ix_formation_rome_code", "code"),
)

formation_formacode = Table(
    "formation_formacode",
    metadata,
    Column("source_id", Integer, primary_key=True),
    Column("formation_id", String(255), primary_key=True),
    Column("code", String(5), primary_key=True),
    ForeignKeyConstraint(["source_id", "formation_id"], ["formation.source_id", "formation.id"]),
    Index("ix_formation_formacode_code", "code"),
)

action = Table(
    "action",
    metadata,
    Column("source_id", Integer, primary_key=True),
    Column("id", String(255), primary_key=True),
    Column("formation_id", String(255), nullable=False),
    Column("modalite_enseignement", Integer, nullable=False, default=0),  # 0 présentiel, 1 mixte, 2 distance
    Column("entrees_sorties_permanentes", Boolean, nullable=False, default=False),
    Column("heures", Integer),
    Column("prix_total_ttc", Float),
    Column("conditions", Text),
    Column("rythme", Text),
    # Derived at import (docs/contrat.md, « Critères de recherche ») from the action's LHEO fields.
    Column("alternance", Boolean, nullable=False, default=False),
    Column("temps", String(8)),  # plein | partiel | soir | None (not derivable from rythme-formation)
    Column("acces_handicapes", Text),  # None: no specific arrangement (LHEO: element empty or absent)
    ForeignKeyConstraint(["source_id", "formation_id"], ["formation.source_id", "formation.id"]),
    Index("ix_action_formation", "source_id", "formation_id"),
)

action_financeur = Table(
    "action_financeur",
    metadata,
    Column("source_id", Integer, primary_key=True),
    Column("action_id", String(255), primary_key=True),
    Column("code", Text, primary_key=True),
    Column("places", Integer),
    ForeignKeyConstraint(["source_id", "action_id"], ["action.source_id", "action.id"]),
)

lieu = Table(
    "lieu",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", Integer, nullable=False),
    Column("action_id", String(255), nullable=False),
    Column("nom", Text),
    Column("adresse", Text),
    Column("code_postal", Text),
    Column("ville", Text),
    Column("insee", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("point_source", String(16)),  # geolocalisation | insee | codepostal | None
    ForeignKeyConstraint(["source_id", "action_id"], ["action.source_id", "action.id"]),
    Index("ix_lieu_action", "source_id", "action_id"),
    Index("ix_lieu_lat_lon", "lat", "lon"),
)

session = Table(
    "session",
    metadata,
    Column("source_id", Integer, primary_key=True),
    Column("id", String(255), primary_key=True),
    Column("action_id", String(255), nullable=False),
    Column("debut", Date),  # None: unknown (00000000)
    Column("fin", Date),  # None: unknown; OPEN_ENDED (99999999)
    Column("etat_recrutement", Integer),
    Column("places", Integer),  # nb-places of its recrutement, else nb-places-financees of its action
    ForeignKeyConstraint(["source_id", "action_id"], ["action.source_id", "action.id"]),
    Index("ix_session_action", "source_id", "action_id"),
    Index("ix_session_fin", "fin"),
)

# What the search reads (bot/catalog/search.py), written with the offers of a source, in the same
# transaction (search.index_source): one row per candidate session (recruiting, dated), key of its
# formation and place of its action. The key is the formation's code-ROME, or, for a formation that
# lists none, its code-FORMACODE: the search asks for the job's code and the job's Formacode codes.
# `cellule` places the point on a grid of latitude bands (bot/catalog/search.py, cell); the rows of a
# fully remote action have no point and the cell REMOTE_CELL. The primary key leads with (cle,
# cellule), so that the search reads the rows of a job within the strips of a circle by index ranges;
# SQLite keeps the rows in that order (WITHOUT ROWID), PostgreSQL receives them in it. Choices and
# measures: docs/benchmarks.md (« Catalogue »).
search_entry = Table(
    "search_entry",
    metadata,
    Column("cle", String(5), primary_key=True),
    Column("cellule", Integer, primary_key=True),
    Column("source_id", Integer, primary_key=True),
    Column("session_id", String(255), primary_key=True),
    Column("lieu_id", Integer, primary_key=True),  # 0: a remote action without a place
    # What every search reads first, in the order it reads it.
    Column("debut", Date, nullable=False),
    Column("fin", Date, nullable=False),
    Column("permanente", Boolean, nullable=False),  # entrées et sorties permanentes
    # The point on the unit sphere: the distance test without trigonometry (bot/catalog/search.py).
    Column("x", Float),
    Column("y", Float),
    Column("z", Float),
    # The only row of its session that a search can find: counted without telling sessions apart.
    Column("seule", Boolean, nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("action_id", String(255), nullable=False),
    # The action's fields that the criteria read (docs/contrat.md, « Critères de recherche »).
    Column("modalite_enseignement", Integer, nullable=False),
    Column("heures", Integer),
    Column("alternance", Boolean, nullable=False),
    Column("temps", String(8)),
    Column("handicap", Boolean, nullable=False),
    ForeignKeyConstraint(["source_id", "session_id"], ["session.source_id", "session.id"]),
    Index("ix_search_entry_session", "source_id", "session_id"),
    # The rows of a page, once the date it ends on is known: a few per key.
    Index("ix_search_entry_debut", "cle", "debut"),
    sqlite_with_rowid=False,
)

catalog_meta = Table(
    "catalog_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),  # "version": changes with every committed import
)

# The tables of the offers, children first: the order in which a source is emptied.
OFFER_TABLES = (
    search_entry,
    session,
    lieu,
    action_financeur,
    action,
    formation_formacode,
    formation_rome,
    formation,
    organisme,
)
CATALOG_TABLES = (*OFFER_TABLES, import_note, source, catalog_meta)

# Requests to be called back by a counselor, given with the person's consent. Deleted with
# the conversation when the person asks ("delete my data"); never written to logs.
contact_request = Table(
    "contact_request",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("contact", Text, nullable=False),
    Column("statut", String(40)),
    Column("metier", String(5)),
    Column("commune", String(10)),
    Column("created_at", DateTime, nullable=False),
)

# What the Région learns from the conversations (bot/demand): one row each time results (or
# "nothing found") are shown, anonymous from the start. No sender id, no free text, no contact,
# no commune: the person's EPCI and département only. The random `id` lets the conversation that
# recorded it add "then asked for a counselor"; once the conversation is gone (erased on request
# or by retention), nothing links the row to anyone. Purged after BOT_DEMANDE_RETENTION_MOIS.
demand_event = Table(
    "demand_event",
    metadata,
    Column("id", String(32), primary_key=True),  # uuid4 hex
    Column("jour", Date, nullable=False, index=True),
    Column("canal", String(12), nullable=False),  # site | conseiller | kiosque
    Column("rome", String(5)),  # the job searched for (on the kiosk: the job viewed)
    Column("epci", String(9)),  # SIREN of the person's EPCI
    Column("departement", String(3)),
    Column("rayon_km", Integer),
    Column("statut", String(20)),  # the statut category of the contract (docs/contrat.md)
    Column("niveau", String(20)),
    Column("sessions", Integer),  # sessions found within the radius
    Column("distance_km", Integer),  # to the nearest session, rounded; None when there is none
    Column("conseiller", Boolean, nullable=False, default=False),  # then asked for a counselor
    Column("simule", Boolean, nullable=False, default=False),  # generated demo data (make demo-demande)
)
