"""Catalog schema (SQLAlchemy Core tables, portable between SQLite and PostgreSQL).

Identifiers are the LHEO `numero` attributes of `formation`, `action` and `session`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

organisme = Table(
    "organisme",
    metadata,
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
    Column("id", String(255), primary_key=True),
    Column("organisme_id", String(255), ForeignKey("organisme.id"), nullable=False),
    Column("intitule", Text, nullable=False),
    Column("objectif", Text),
    Column("contenu", Text),
    Column("resultats", Text),
    Column("certifiante", Boolean, nullable=False, default=False),
    Column("niveau_entree", Integer),
    Column("niveau_sortie", Integer),
    Column("heures", Integer),
    Column("rncp", Text),
    Column("source", Text),  # file the formation was last imported from
)

formation_rome = Table(
    "formation_rome",
    metadata,
    Column("code", String(5), primary_key=True),
    Column("formation_id", String(255), ForeignKey("formation.id"), primary_key=True),
)

formation_formacode = Table(
    "formation_formacode",
    metadata,
    Column("formation_id", String(255), ForeignKey("formation.id"), primary_key=True),
    Column("code", Text, primary_key=True),
)

action = Table(
    "action",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("formation_id", String(255), ForeignKey("formation.id"), nullable=False, index=True),
    Column("modalite_enseignement", Integer, nullable=False, default=0),  # 0 présentiel, 1 mixte, 2 distance
    Column("entrees_sorties_permanentes", Boolean, nullable=False, default=False),
    Column("heures", Integer),
    Column("prix_total_ttc", Float),
    Column("conditions", Text),
    Column("rythme", Text),
)

action_financeur = Table(
    "action_financeur",
    metadata,
    Column("action_id", String(255), ForeignKey("action.id"), primary_key=True),
    Column("code", Text, primary_key=True),
    Column("places", Integer),
)

lieu = Table(
    "lieu",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action_id", String(255), ForeignKey("action.id"), nullable=False, index=True),
    Column("nom", Text),
    Column("adresse", Text),
    Column("code_postal", Text),
    Column("ville", Text),
    Column("insee", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("point_source", String(16)),  # geolocalisation | insee | codepostal | None
    Index("ix_lieu_lat_lon", "lat", "lon"),
)

session = Table(
    "session",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("action_id", String(255), ForeignKey("action.id"), nullable=False, index=True),
    Column("debut", Date),  # None: unknown (00000000)
    Column("fin", Date),  # None: unknown; date.max: open-ended (99999999)
    Column("etat_recrutement", Integer),
    Column("places", Integer),
    Index("ix_session_fin", "fin"),
)

catalog_meta = Table(
    "catalog_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),  # "version": changes with every committed import
)

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
