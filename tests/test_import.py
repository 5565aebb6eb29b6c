"""LHEO import: good files in every flavour, faulty files that leave the catalog untouched."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from bot.catalog import lheo as importer
from bot.catalog import lheo_writer as f
from bot.catalog import models as m
from bot.catalog.lheo import ImportFault, import_file
from bot.geo import gazetteer

LENS, DOUAI = "62498", "59178"


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every catalog table, without generated keys, sorted."""
    tables = {}
    with engine.connect() as conn:
        for table in m.metadata.sorted_tables:
            if table is m.catalog_meta:  # the version changes with every import, by design
                continue
            columns = [c for c in table.c if c.name != "id" or table is not m.lieu]
            tables[table.name] = sorted(tuple(map(repr, row)) for row in conn.execute(select(*columns)))
    return tables


def sample(path):
    return f.write(
        path,
        [
            f.formation(
                "F1",
                [
                    f.action(
                        "A1",
                        [f.session("S1"), f.session("S2", debut="20270301", fin="20270601", places=12)],
                        [f.lieu(insee=LENS)],
                    ),
                    f.action(
                        "A2",
                        [f.session("S3")],
                        [f.lieu(codepostal="59500", ville="DOUAI"), f.lieu(lat=50.3, lon=3.0)],
                        modalite=1,
                    ),
                ],
                romes=("H2705", "H2701"),
            ),
            f.formation(
                "F2",
                [f.action("A3", [f.session("S4", debut="00000000", fin="00000000")], modalite=2)],
                romes=("I1304",),
            ),
        ],
    )


@pytest.mark.parametrize("namespace", [f.NS_23, f.NS_22, None], ids=["lheo-2.3", "lheo-2.2", "sans-namespace"])
def test_imports_every_lheo_flavour(engine, tmp_path, namespace):
    report = import_file(
        engine, f.write(tmp_path / "offre.xml", [f.formation("F1", [f.action("A1", [f.session("S1")])])], namespace)
    )
    assert (report.formations, report.actions, report.sessions) == (1, 1, 1)
    with engine.connect() as conn:
        assert conn.scalar(select(m.session.c.id)) == "S1"
        assert conn.scalar(select(m.formation_rome.c.code)) == "H2705"


def test_import_counts_and_identifiers(engine, tmp_path):
    report = import_file(engine, sample(tmp_path / "offre.xml"))
    assert (report.formations, report.actions, report.sessions, report.lieux) == (2, 3, 4, 3)
    with engine.connect() as conn:
        sessions = dict(conn.execute(select(m.session.c.id, m.session.c.action_id)).all())
        romes = set(conn.execute(select(m.formation_rome.c.formation_id, m.formation_rome.c.code)).all())
    assert sessions == {"S1": "A1", "S2": "A1", "S3": "A2", "S4": "A3"}
    assert romes == {("F1", "H2705"), ("F1", "H2701"), ("F2", "I1304")}


def test_importing_the_same_file_twice_gives_the_same_catalog(engine, tmp_path):
    path = sample(tmp_path / "offre.xml")
    import_file(engine, path)
    first = snapshot(engine)
    import_file(engine, path)
    assert snapshot(engine) == first


def test_a_new_version_of_an_offer_replaces_the_old_one(engine, tmp_path):
    import_file(engine, sample(tmp_path / "offre.xml"))
    updated = f.write(
        tmp_path / "maj.xml", [f.formation("F1", [f.action("A1", [f.session("S9")], [f.lieu(insee=LENS)])])]
    )
    import_file(engine, updated)
    with engine.connect() as conn:
        sessions = set(conn.scalars(select(m.session.c.id)))
        actions = set(conn.scalars(select(m.action.c.id)))
    assert sessions == {"S9", "S4"}  # F1's old sessions and action A2 are gone, F2 untouched
    assert actions == {"A1", "A3"}


def test_places_are_located_by_geolocalisation_then_insee_then_postcode(engine, tmp_path):
    import_file(engine, sample(tmp_path / "offre.xml"))
    with engine.connect() as conn:
        rows = {r.point_source: r for r in conn.execute(select(m.lieu))}
    lens, douai = gazetteer().by_insee(LENS), gazetteer().by_insee(DOUAI)
    assert (rows["insee"].lat, rows["insee"].lon) == (lens.lat, lens.lon)
    assert (rows["codepostal"].lat, rows["codepostal"].lon, rows["codepostal"].insee) == (douai.lat, douai.lon, DOUAI)
    assert (rows["geolocalisation"].lat, rows["geolocalisation"].lon) == (50.3, 3.0)


def test_unlocatable_place_is_kept_and_reported(engine, tmp_path):
    path = f.write(
        tmp_path / "offre.xml",
        [f.formation("F1", [f.action("A1", [f.session("S1")], [f.lieu(codepostal="00000", ville="NULLEPART")])])],
    )
    report = import_file(engine, path)
    assert report.lieux_non_localises == 1
    assert "1 lieux sur 1 non localisés" in report.summary()


def test_unknown_and_partial_dates(engine, tmp_path):
    path = f.write(
        tmp_path / "offre.xml",
        [
            f.formation(
                "F1",
                [
                    f.action(
                        "A1",
                        [
                            f.session("S1", debut="00000000", fin="00000000"),
                            f.session("S2", debut="20270300", fin="99999999"),
                            f.session("S3", debut="20270000", fin="20270200"),
                        ],
                    )
                ],
            )
        ],
    )
    import_file(engine, path)
    with engine.connect() as conn:
        dates = {r.id: (r.debut, r.fin) for r in conn.execute(select(m.session))}
    assert dates["S1"] == (None, None)
    assert dates["S2"] == (dt.date(2027, 3, 1), importer.OPEN_ENDED)
    assert dates["S3"] == (dt.date(2027, 1, 1), dt.date(2027, 2, 28))


def test_markup_and_entities_in_text_fields_become_plain_text(engine, tmp_path):
    objectif = (
        "<p>Conduire &amp; surveiller une ligne&nbsp;:</p><ul><li>s&eacute;curit&eacute;</li><li>qualité</li></ul>"
    )
    path = f.write(
        tmp_path / "offre.xml",
        [f.formation("F1", [f.action("A1", [f.session("S1")])], intitule="Pilote &amp; régleur", objectif=objectif)],
    )
    import_file(engine, path)
    with engine.connect() as conn:
        row = conn.execute(select(m.formation.c.intitule, m.formation.c.objectif)).one()
    assert row.intitule == "Pilote & régleur"
    assert row.objectif == "Conduire & surveiller une ligne :\n- sécurité\n- qualité"


def test_large_file_prints_progress(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "PROGRESS_EVERY_S", 0.0)
    stream = io.StringIO()
    import_file(engine, sample(tmp_path / "offre.xml"), progress=stream)
    assert "offre.xml : " in stream.getvalue() and "formations)" in stream.getvalue()


FAULTS = {
    "tronque": (
        '<?xml version="1.0"?><lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="X1"><intitule',
        "XML mal formé",
    ),
    "mauvaise-racine": ('<?xml version="1.0"?><catalogue><offres/></catalogue>', "racine <catalogue>"),
    "namespace-inconnu": (
        '<?xml version="1.0"?><lheo xmlns="http://example.org/lheo"><offres/></lheo>',
        "espace de noms",
    ),
    "vide": ('<?xml version="1.0"?><lheo><offres></offres></lheo>', "aucune <formation>"),
    "date-invalide": (
        f.document([f.formation("X1", [f.action("XA", [f.session("XS", debut="20271345")])])]),
        "date <periode/debut> invalide",
    ),
    "date-texte": (
        f.document([f.formation("X1", [f.action("XA", [f.session("XS", fin="bientôt")])])]),
        "date <periode/fin> invalide",
    ),
    "session-sans-numero": (
        f.document([f.formation("X1", [f.action("XA", [f.session("")])])]),
        "<session> sans attribut numero",
    ),
    "formation-sans-numero": (
        f.document([f.formation("", [f.action("XA", [f.session("XS")])])]),
        "<formation> sans attribut numero",
    ),
    "numero-en-double": (
        f.document([f.formation("X1", [f.action("XA", [f.session("XS"), f.session("XS")])])]),
        "en double",
    ),
    "rome-invalide": (
        f.document([f.formation("X1", [f.action("XA", [f.session("XS")])], romes=("Pilote",))]),
        "code ROME invalide",
    ),
    "etat-inconnu": (
        f.document([f.formation("X1", [f.action("XA", [f.session("XS", etat=7)])])]),
        "<etat-recrutement> a une valeur inconnue",
    ),
}


@pytest.mark.parametrize("name", FAULTS)
def test_faulty_file_is_refused_and_leaves_the_catalog_as_it_was(engine, tmp_path, name):
    import_file(engine, sample(tmp_path / "bon.xml"))
    before = snapshot(engine)
    content, expected = FAULTS[name]
    # The fault comes after a valid formation that would otherwise replace F1.
    if content.count("<formation") and "X1" in content:
        content = content.replace("<offres>", "<offres>" + f.formation("F1", [f.action("A1", [f.session("NEW")])]), 1)
    bad = tmp_path / f"{name}.xml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFault) as fault:
        import_file(engine, bad)
    message = str(fault.value)
    assert message.startswith(str(bad)) and expected in message
    assert "\n" not in message
    if name != "vide":
        assert "ligne " in message
    assert snapshot(engine) == before
