"""LHEO import: every flavour, sources replaced as a whole, odd records skipped or corrected
and reported, faulty files refused leaving the catalog as it was."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, select

from bot.catalog import lheo as importer
from bot.catalog import lheo_writer as f
from bot.catalog import models as m
from bot.catalog import store
from bot.catalog.db import engine as catalog_engine
from bot.catalog.lheo import ImportFault, import_file, import_source
from bot.catalog.search import search_sessions
from bot.geo import gazetteer, haversine_km

LENS, DOUAI, LILLE = "62498", "59178", "59350"
TODAY = dt.date(2027, 1, 10)


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every catalog table, without generated keys and times, sorted."""
    skipped = {("lieu", "id"), ("search_entry", "lieu_id"), ("source", "importe_le"), ("source", "duree_s")}
    tables = {}
    with engine.connect() as conn:
        for table in m.metadata.sorted_tables:
            if table in (m.catalog_meta, m.contact_request):  # the version changes with every import, by design
                continue
            columns = [c for c in table.c if (table.name, c.name) not in skipped]
            tables[table.name] = sorted(tuple(map(repr, row)) for row in conn.execute(select(*columns)))
    return tables


def rows(engine, table, *columns) -> set[tuple]:
    with engine.connect() as conn:
        return set(conn.execute(select(*(table.c[c] for c in columns))).all())


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


def good_formations(count: int, prefix: str = "G") -> list[str]:
    """`count` readable formations of one action and one session each (3 records each)."""
    return [
        f.formation(f"{prefix}F{i}", [f.action(f"{prefix}A{i}", [f.session(f"{prefix}S{i}")])]) for i in range(count)
    ]


# -- every flavour, counts, identifiers --------------------------------------------------------


@pytest.mark.parametrize("namespace", [f.NS_23, f.NS_22, None], ids=["lheo-2.3", "lheo-2.2", "sans-namespace"])
def test_imports_every_lheo_flavour(engine, tmp_path, namespace):
    report = import_file(
        engine, f.write(tmp_path / "offre.xml", [f.formation("F1", [f.action("A1", [f.session("S1")])])], namespace)
    )
    assert (report.formations, report.actions, report.sessions, report.ignores) == (1, 1, 1, 0)
    with engine.connect() as conn:
        assert conn.scalar(select(m.session.c.id)) == "S1"
        assert conn.scalar(select(m.formation_rome.c.code)) == "H2705"


def test_import_counts_identifiers_and_source(engine, tmp_path):
    report = import_file(engine, sample(tmp_path / "offre.xml"))
    assert (report.formations, report.actions, report.sessions, report.lieux) == (2, 3, 4, 3)
    assert report.source == "offre" and report.enregistrements == 9
    assert rows(engine, m.session, "id", "action_id") == {("S1", "A1"), ("S2", "A1"), ("S3", "A2"), ("S4", "A3")}
    assert rows(engine, m.formation_rome, "formation_id", "code") == {
        ("F1", "H2705"),
        ("F1", "H2701"),
        ("F2", "I1304"),
    }
    (info,) = store.sources(engine)
    assert (info.nom, info.formations, info.actions, info.sessions, info.ignores) == ("offre", 2, 3, 4, 0)
    assert [p.rsplit("/", 1)[-1] for p in info.fichiers] == ["offre.xml"]


@pytest.mark.parametrize(
    "name,expected", [("offres-hdf.xml", "offres-hdf"), ("demo.lheo.xml", "demo"), ("FLUX.XML", "FLUX")]
)
def test_default_source_is_the_file_name_without_extension(name, expected):
    assert importer.source_name(f"/srv/lheo/{name}") == expected


def test_importing_the_same_file_twice_gives_the_same_catalog(engine, tmp_path):
    path = sample(tmp_path / "offre.xml")
    import_file(engine, path)
    first = snapshot(engine)
    import_file(engine, path)
    assert snapshot(engine) == first


# -- a source is replaced as a whole -----------------------------------------------------------


def test_reimporting_a_source_withdraws_the_offers_absent_from_the_new_file(engine, tmp_path):
    import_file(engine, sample(tmp_path / "offre.xml"))
    updated = f.write(
        tmp_path / "offre.xml", [f.formation("F1", [f.action("A1", [f.session("S9")], [f.lieu(insee=LENS)])])]
    )
    import_file(engine, updated)
    assert rows(engine, m.session, "id") == {("S9",)}  # F2 and its session S4 were withdrawn
    assert rows(engine, m.action, "id") == {("A1",)}
    assert rows(engine, m.formation, "id") == {("F1",)}
    assert rows(engine, m.formation_rome, "code") == {("H2705",)}
    assert len(rows(engine, m.lieu, "id")) == 1


def test_same_numbers_in_two_sources_are_two_offers(engine, tmp_path):
    lens, douai = gazetteer().by_insee(LENS), gazetteer().by_insee(DOUAI)
    artois = [f.formation("114782", [f.action("114782", [f.session("114782")], [f.lieu(insee=LENS)])])]
    douaisis = [f.formation("114782", [f.action("114782", [f.session("114782")], [f.lieu(insee=DOUAI)])])]
    import_file(engine, f.write(tmp_path / "artois.xml", artois))
    import_file(engine, f.write(tmp_path / "douaisis.xml", douaisis))
    hits = search_sessions(engine, "H2705", lens.lat, lens.lon, 30, TODAY)
    assert [(h.session_id, h.source, h.commune) for h in hits] == [
        ("114782", "artois", LENS),
        ("114782", "douaisis", DOUAI),
    ]
    assert hits[1].distance == pytest.approx(haversine_km(lens.lat, lens.lon, douai.lat, douai.lon))
    assert [h.as_json()["session_id"] for h in hits] == ["114782", "114782"]
    # Importing one source again leaves the other alone; removing it too.
    import_file(engine, f.write(tmp_path / "artois.xml", good_formations(1)))
    assert rows(engine, m.session, "id") == {("GS0",), ("114782",)}
    assert store.remove(engine, "artois") and not store.remove(engine, "artois")
    assert rows(engine, m.session, "id") == {("114782",)}
    assert [s.nom for s in store.sources(engine)] == ["douaisis"]


def test_several_files_can_make_one_source(engine, tmp_path):
    first = f.write(tmp_path / "partie-1.xml", good_formations(2, "P1"))
    second = f.write(tmp_path / "partie-2.xml", [*good_formations(20, "P2"), *good_formations(1, "P1")])
    report = import_source(engine, [first, second], "region")
    assert (report.formations, report.ignores) == (22, 3)  # P1F0 again, with its action and session
    assert report.notes[0].raison == "numero « P1F0 » déjà pris dans la source (partie-1.xml, ligne 2)"
    assert report.notes[0].fichier == "partie-2.xml"
    assert rows(engine, m.formation, "id") == {("P1F0",), ("P1F1",)} | {(f"P2F{i}",) for i in range(20)}


def test_searches_see_the_old_or_the_new_source_never_a_mix(engine, tmp_path):
    lens = gazetteer().by_insee(LENS)

    def version(marker: str, count: int):
        sessions = [f.session(f"{marker}-{i}") for i in range(count)]
        action = f.action(f"{marker}-A", sessions, [f.lieu(insee=LENS)])
        return f.write(tmp_path / f"{marker}.xml", [f.formation(f"{marker}-F", [action])])

    old, new = version("AVANT", 5), version("APRES", 1500)
    import_file(engine, old, source="flux")
    seen, done = set(), threading.Event()

    def search():
        while not done.is_set():
            hits = search_sessions(engine, "H2705", lens.lat, lens.lon, 30, TODAY)
            seen.add((tuple(sorted({h.session_id.split("-")[0] for h in hits})), len(hits)))

    searcher = threading.Thread(target=search)
    searcher.start()
    try:
        for path in (new, old, new):
            import_file(engine, path, source="flux", progress=None)
    finally:
        done.set()
        searcher.join()
    assert seen <= {(("AVANT",), 5), (("APRES",), 1500)}, seen
    assert (("APRES",), 1500) in seen


def test_dry_run_reads_everything_and_changes_nothing(engine, tmp_path):
    import_file(engine, sample(tmp_path / "offre.xml"))
    before = snapshot(engine)
    report = import_file(engine, f.write(tmp_path / "offre.xml", good_formations(3)), dry_run=True)
    assert report.formations == 3
    assert snapshot(engine) == before


# -- odd records: skipped or corrected, and reported -------------------------------------------

SKIPPED = {
    "date-invalide": (
        f.formation("X1", [f.action("XA", [f.session("XS", debut="20271345")])]),
        ("session", "XS", "date <periode/debut> invalide"),
    ),
    "date-texte": (
        f.formation("X1", [f.action("XA", [f.session("XS", fin="bientôt")])]),
        ("session", "XS", "date <periode/fin> invalide"),
    ),
    "session-sans-numero": (
        f.formation("X1", [f.action("XA", [f.session("")])]),
        ("session", None, "<session> sans attribut numero"),
    ),
    "etat-inconnu": (
        f.formation("X1", [f.action("XA", [f.session("XS", etat=7)])]),
        ("session", "XS", "<etat-recrutement> a une valeur inconnue : « 7 »"),
    ),
    "session-en-double": (
        f.formation("X1", [f.action("XA", [f.session("GS0")])]),
        ("session", "GS0", "numero « GS0 » déjà pris dans la source"),
    ),
    "modalite-inconnue": (
        f.formation("X1", [f.action("XA", [f.session("XS")], modalite=5)]),
        ("action", "XA", "<modalites-enseignement> a une valeur inconnue"),
    ),
    "places-financees-texte": (
        f.formation("X1", [f.action("XA", [f.session("XS")], financeurs=(("2", "dix"),))]),
        ("action", "XA", "<nb-places-financees> n'est pas un nombre entier : « dix »"),
    ),
    "formation-sans-numero": (
        f.formation("", [f.action("XA", [f.session("XS")])]),
        ("formation", None, "<formation> sans attribut numero"),
    ),
    "formation-sans-intitule": (
        f.formation("X1", [f.action("XA", [f.session("XS")])], intitule=""),
        ("formation", "X1", "sans <intitule-formation>"),
    ),
}


@pytest.mark.parametrize("name", SKIPPED)
def test_an_unreadable_record_is_skipped_with_what_it_holds_and_reported(engine, tmp_path, name):
    odd, (kind, numero, reason) = SKIPPED[name]
    # 30 readable formations (90 records) around the odd one: under the 5 % limit.
    content = f.document([*good_formations(15), odd, *good_formations(15, "H")])
    path = tmp_path / "flux.xml"
    path.write_text(content, encoding="utf-8")
    report = import_file(engine, path)
    (note,) = [n for n in report.notes if n.genre == store.IGNORE]
    assert (note.element, note.numero) == (kind, numero) and reason in note.raison
    assert note.fichier == "flux.xml"
    assert note.ligne == 2  # f.document writes every record on line 2
    held = {"formation": 3, "action": 2, "session": 1}[kind]
    assert (report.enregistrements, report.ignores) == (93, held)
    sessions = rows(engine, m.session, "id")
    assert {(f"GS{i}",) for i in range(15)} | {(f"HS{i}",) for i in range(15)} <= sessions
    assert ("XS",) not in sessions
    assert store.notes(engine, "flux") == report.notes
    assert store.source(engine, "flux").ignores == held


def test_skip_notes_give_the_line_of_the_record(engine, tmp_path):
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>',
        *good_formations(30),
        f.formation("X1", [f.action("XA", [f.session("XS", etat=7)])]).replace("<session ", "\n<session ", 1),
        "</offres></lheo>",
    ]
    path = tmp_path / "flux.xml"
    path.write_text("\n".join(lines), encoding="utf-8")
    (note,) = import_file(engine, path).notes
    assert note.ligne == 34  # the line of <etat-recrutement>, in the session starting on line 34
    assert str(note).startswith("flux.xml, ligne 34 : <session> « XS » ignorée : <etat-recrutement>")


def test_schema_valid_odd_places_are_kept_located_as_well_as_possible_and_reported(engine, tmp_path):
    lens, lille = gazetteer().by_insee(LENS), gazetteer().by_insee(LILLE)
    places = {
        "SANS-ADRESSE": f.lieu(adresse=False),
        "NC": f.lieu(insee=LENS, lat="NC", lon="NC"),
        "NC-SANS-COMMUNE": f.lieu(lat="NC", lon="NC"),
        "LOIN": f.lieu(insee=LENS, lat=lille.lat + 2.5, lon=lille.lon),  # about 300 km from Lens
        "PRES": f.lieu(insee=LENS, lat=lens.lat + 0.1, lon=lens.lon),  # 11 km: kept
        "LOIN-SANS-COMMUNE": f.lieu(lat=48.85, lon=2.35),  # nothing to check it against: kept
        "CP-LOIN": f.lieu(codepostal="59000", ville="LILLE", lat=lens.lat, lon=lens.lon),  # 30 km from Lille
    }
    formations = [
        f.formation(f"F-{name}", [f.action(name, [f.session(f"S-{name}")], [place])]) for name, place in places.items()
    ]
    report = import_file(engine, f.write(tmp_path / "lieux.xml", formations))
    assert report.ignores == 0 and report.sessions == len(places)
    points = {r.action_id: (r.lat, r.lon, r.point_source) for r in _lieux(engine)}
    assert points["SANS-ADRESSE"] == (None, None, None)
    assert points["NC"] == (lens.lat, lens.lon, "insee")
    assert points["NC-SANS-COMMUNE"] == (None, None, None)
    assert points["LOIN"] == (lens.lat, lens.lon, "insee")
    assert points["PRES"] == (pytest.approx(lens.lat + 0.1), lens.lon, "geolocalisation")
    assert points["LOIN-SANS-COMMUNE"] == (48.85, 2.35, "geolocalisation")
    assert points["CP-LOIN"] == (lille.lat, lille.lon, "codepostal")
    remarks = {n.numero: n.raison for n in report.notes}
    assert all(n.genre == store.REMARQUE and n.element == store.LIEU for n in report.notes)
    assert set(remarks) == {"SANS-ADRESSE", "NC", "NC-SANS-COMMUNE", "LOIN", "CP-LOIN"}
    assert "illisible (latitude « NC », longitude « NC ») : point de Lens (62498) retenu" in remarks["NC"]
    assert "lieu non localisé" in remarks["NC-SANS-COMMUNE"] and "lieu non localisé" in remarks["SANS-ADRESSE"]
    assert "km de Lens (62498), plus de 20 km : point de Lens (62498) retenu" in remarks["LOIN"]
    assert "km de Lille (59350), plus de 20 km" in remarks["CP-LOIN"]
    assert report.lieux_non_localises == 2 and "2 lieux sur 7 non localisés" in report.summary()


def _lieux(engine):
    with engine.connect() as conn:
        return conn.execute(select(m.lieu)).all()


def test_unreadable_codes_are_normalised_or_ignored_and_reported(engine, tmp_path):
    path = f.write(
        tmp_path / "codes.xml",
        [
            f.formation("F1", [f.action("A1", [f.session("S1")])], romes=("h 2705", "Pilote", "H2705")),
            f.formation("F2", [f.action("A2", [f.session("S2")])], romes=("N1O11",), formacodes=("31768", "CACES")),
        ],
    )
    report = import_file(engine, path)
    assert report.ignores == 0
    assert rows(engine, m.formation_rome, "formation_id", "code") == {("F1", "H2705")}
    assert rows(engine, m.formation, "id", "a_rome") == {("F1", True), ("F2", False)}
    assert rows(engine, m.formation_formacode, "formation_id", "code") == {("F1", "24049"), ("F2", "31768")}
    assert [(n.numero, n.raison) for n in report.notes] == [
        ("F1", "<code-ROME> « Pilote » illisible (attendu une lettre et 4 chiffres) : ignoré"),
        ("F2", "<code-ROME> « N1O11 » illisible (attendu une lettre et 4 chiffres) : ignoré"),
        ("F2", "<code-FORMACODE> « CACES » illisible (attendu 5 chiffres) : ignoré"),
    ]


def test_places_come_from_nb_places_then_from_funded_places(engine, tmp_path):
    path = f.write(
        tmp_path / "places.xml",
        [
            f.formation(
                "F1",
                [
                    f.action("FUNDED", [f.session("S-FUNDED")], financeurs=(("2", 5), ("4", 3), ("10", None))),
                    f.action("BOTH", [f.session("S-BOTH", places=12)], financeurs=(("2", 5),)),
                    f.action("NONE", [f.session("S-NONE")], financeurs=(("2", None),)),
                ],
            )
        ],
        namespace=f.NS_22,
    )
    import_file(engine, path)
    assert rows(engine, m.session, "id", "places") == {("S-FUNDED", 8), ("S-BOTH", 12), ("S-NONE", None)}
    assert rows(engine, m.action_financeur, "action_id", "code", "places") >= {
        ("FUNDED", "2", 5),
        ("FUNDED", "10", None),
    }


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


def test_entities_are_never_expanded_and_the_text_after_them_is_kept(engine, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    document = f.document([f.formation("F1", [f.action("A1", [f.session("S1")])], intitule="Avant @XXE@ après")])
    document = document.replace("@XXE@", "&xxe;").replace(
        "<lheo ", f'<!DOCTYPE lheo [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<lheo ', 1
    )
    path = tmp_path / "xxe.xml"
    path.write_text(document, encoding="utf-8")
    report = import_file(engine, path)
    with engine.connect() as conn:
        assert conn.scalar(select(m.formation.c.intitule)) == "Avant après"
    (note,) = report.notes
    assert (note.genre, note.element, note.numero, note.ligne) == (store.REMARQUE, "formation", "F1", 3)
    assert note.raison == "entité &xxe; non développée (les entités ne sont pas lues) : ignorée"


def test_large_file_prints_progress(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "PROGRESS_EVERY_S", 0.0)
    stream = io.StringIO()
    import_file(engine, sample(tmp_path / "offre.xml"), progress=stream)
    assert "offre.xml : " in stream.getvalue() and "formations)" in stream.getvalue()


# -- files refused as a whole ------------------------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lheo [\n<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'
    + "".join(f'<!ENTITY {n} "{f"&{p};" * 16}">\n' for p, n in zip("abcdef", "bcdefg", strict=True))
    + ']>\n<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>\n'
    + f.formation("X1", [f.action("XA", [f.session("XS")])], intitule="@").replace("@", "&g;")
    + "\n</offres></lheo>\n"
)
FAULTS = {
    "tronque": (
        '<?xml version="1.0"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="X1"><intitule',
        ", ligne 2, colonne ",
        "XML mal formé",
    ),
    "entite-inconnue": (
        f.document([f.formation("X1", [f.action("XA", [f.session("XS")])], intitule="@")]).replace("@", "&eacute;"),
        ", ligne 2, colonne ",
        "XML mal formé (Entity 'eacute' not defined)",
    ),
    "bombe-d-entites": (LAUGHS, ", ligne 12 :", "XML mal formé dans le développement d'une entité"),
    "mauvaise-racine": ('<?xml version="1.0"?><catalogue><offres/></catalogue>', ", ligne 1 :", "racine <catalogue>"),
    "namespace-inconnu": (
        '<?xml version="1.0"?><lheo xmlns="http://example.org/lheo"><offres/></lheo>',
        ", ligne 1 :",
        "espace de noms",
    ),
    "index": (
        '<?xml version="1.0"?>\n<lheo-index xmlns="http://lheo.gouv.fr/2.3"><resumes-offres/></lheo-index>',
        ", ligne 2 :",
        "c'est un index LHEO (<lheo-index>, résumés d'offres sans actions ni lieux de formation) : "
        "importez l'export complet des offres (racine <lheo>)",
    ),
    "vide": ('<?xml version="1.0"?><lheo><offres></offres></lheo>', "", "aucune <formation>"),
    "trop-d-illisibles": (
        f.document([*good_formations(9), f.formation("X1", [f.action("XA", [f.session("XS", etat=7)])])]),
        " : 1 enregistrement illisible sur 30 (3,3 %), au-delà de la limite de 2,0 %",
        "; le premier, ligne 2 : <session> : <etat-recrutement> a une valeur inconnue : « 7 »",
    ),
}


@pytest.mark.parametrize("name", FAULTS)
def test_faulty_file_is_refused_in_one_line_and_leaves_the_catalog_as_it_was(engine, tmp_path, name):
    import_file(engine, sample(tmp_path / "bon.xml"), source="flux")
    before = snapshot(engine)
    content, where, expected = FAULTS[name]
    bad = tmp_path / f"{name}.xml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFault) as fault:
        import_file(engine, bad, source="flux", tolerance=0.02)
    message = str(fault.value)
    assert message.startswith(f"{bad}{where}") and expected in message, message
    assert "\n" not in message
    assert snapshot(engine) == before


def test_the_share_of_skipped_records_is_checked_against_the_tolerance(engine, tmp_path):
    # 2 formations without numero, of 3 records each, out of 60 records: 10 %.
    formations = [*good_formations(18), *(f.formation("", [f.action(f"XA{i}", [f.session(f"XS{i}")])]) for i in (1, 2))]
    path = f.write(tmp_path / "flux.xml", formations)
    with pytest.raises(ImportFault) as fault:
        import_file(engine, path)
    assert str(fault.value) == (
        f"{path} : 6 enregistrements illisibles sur 60 (10,0 %), au-delà de la limite de 5,0 % ; "
        "le premier, ligne 2 : <formation> : <formation> sans attribut numero"
    )
    assert rows(engine, m.source, "nom") == set()
    report = import_file(engine, path, tolerance=0.15)
    assert (report.formations, report.sessions, report.ignores, report.enregistrements) == (18, 18, 6, 60)


# -- an older database ---------------------------------------------------------------------------


def test_a_catalog_of_the_former_schema_is_rebuilt_and_contact_requests_kept(tmp_path):
    path = tmp_path / "ancien.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE formation (id TEXT PRIMARY KEY, intitule TEXT);"
            "INSERT INTO formation VALUES ('F1', 'ancienne');"
            "CREATE TABLE contact_request (id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL,"
            " contact TEXT NOT NULL, statut TEXT, metier TEXT, commune TEXT, created_at DATETIME NOT NULL);"
            "INSERT INTO contact_request VALUES (1, 'c1', '06 00 00 00 00', NULL, NULL, NULL, '2026-11-30');"
        )
    engine = catalog_engine(f"sqlite:///{path}")
    import_file(engine, sample(tmp_path / "offre.xml"))
    assert rows(engine, m.formation, "id") == {("F1",), ("F2",)}
    assert rows(engine, m.contact_request, "conversation_id") == {("c1",)}


def _action_row(engine, tmp_path, **options):
    """The stored action of a one-action feed written with `options`."""
    session = f.session("S1")
    import_file(engine, f.write(tmp_path / "criteres.xml", [f.formation("F1", [f.action("A1", [session], **options)])]))
    with engine.connect() as conn:
        action = conn.execute(select(m.action)).one()
        codes = sorted(conn.execute(select(m.action_financeur.c.code)).scalars())
    return action, codes


@pytest.mark.parametrize(
    "options, alternance",
    [
        ({}, False),
        ({"alternance": "Sans objet."}, False),
        ({"alternance": "Pas d'alternance."}, False),
        ({"alternance": "stage en entreprise de juin à août"}, False),
        ({"alternance": "Contrat d'apprentissage ou de professionnalisation."}, True),
        ({"alternance": "En ALTERNANCE : 2 semaines en centre, 2 en entreprise"}, True),
        ({"publics": ("82027",)}, True),  # public in a contrat d'apprentissage
        ({"publics": ("83056", "82029")}, True),  # … in a contrat de professionnalisation
        ({"pedagogie": ("96142",)}, True),  # modalité pédagogique "en alternance"
    ],
)
def test_alternance_is_derived_from_publics_teaching_mode_or_the_alternance_text(engine, tmp_path, options, alternance):
    action, _ = _action_row(engine, tmp_path, **options)
    assert action.alternance is alternance


@pytest.mark.parametrize(
    "rythme, pedagogie, temps",
    [
        ("Temps plein, du lundi au vendredi.", (), "plein"),
        ("En journée, 7 heures par jour.", (), "plein"),
        ("3 h par jour", (), None),
        ("Temps partiel : deux jours par semaine", (), "partiel"),
        ("À mi-temps", (), "partiel"),
        ("Cours du soir, de 18 h à 21 h", (), "soir"),
        ("Deux soirées par semaine", (), "soir"),
        ("À votre rythme", (), None),
        ("À votre rythme", ("96411",), "soir"),  # modalité pédagogique "cours du soir"
    ],
)
def test_working_time_is_derived_from_the_rythme(engine, tmp_path, rythme, pedagogie, temps):
    action, _ = _action_row(engine, tmp_path, rythme=rythme, pedagogie=pedagogie)
    assert action.temps == temps


def test_hours_funders_and_disabled_access_are_stored(engine, tmp_path):
    action, codes = _action_row(
        engine,
        tmp_path,
        heures=None,
        heures_centre=280,
        heures_entreprise=70,
        financeurs=(("4", 6), ("16", None), ("4", 2)),
        handicap="Locaux accessibles ; référent handicap.",
    )
    assert action.heures == 350  # no nombre-heures-total: centre + entreprise
    assert codes == ["16", "4"]  # distinct codes
    assert action.acces_handicapes == "Locaux accessibles ; référent handicap."
    bare, _ = _action_row(engine, tmp_path, heures=None)
    assert bare.heures is None and bare.acces_handicapes is None


def test_a_catalog_of_an_older_schema_is_rebuilt(tmp_path):
    """A catalog whose action table lacks a column of the current schema is dropped and made
    again (its offers come back with the next import); the contact requests are kept."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE action (source_id INTEGER, id TEXT, formation_id TEXT)")
        conn.execute("CREATE TABLE contact_request (id INTEGER PRIMARY KEY, conversation_id TEXT, contact TEXT)")
        conn.execute("INSERT INTO contact_request VALUES (1, 'c1', 'x')")
    catalog = catalog_engine(f"sqlite:///{path}")
    import_file(catalog, sample(tmp_path / "offre.xml"))
    assert rows(catalog, m.action, "id") == {("A1",), ("A2",), ("A3",)}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM contact_request").fetchone() == (1,)


def test_a_catalog_imported_before_the_search_rows_gets_them_from_its_offers(tmp_path):
    """The search rows (models.search_entry) are written from the offers when the catalog is
    first opened: no import is needed for the search to find the sessions."""
    url = f"sqlite:///{tmp_path / 'avant.sqlite3'}"
    before = create_engine(url, future=True)
    m.metadata.create_all(before)
    import_file(before, sample(tmp_path / "offre.xml"))
    with before.begin() as conn:
        conn.exec_driver_sql("DROP TABLE search_entry")
    before.dispose()
    lens = gazetteer().by_insee("62498")
    hits = search_sessions(catalog_engine(url), "H2705", lens.lat, lens.lon, 30, TODAY)
    assert [h.session_id for h in hits] == ["S1", "S3", "S2"]
