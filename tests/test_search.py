"""Session search: one test per rule of the contract's search semantics."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from bot.catalog import lheo_writer as f
from bot.catalog.lheo import import_file
from bot.catalog.search import cell, search_page, search_sessions, strips
from bot.criteria import Criteria
from bot.geo import gazetteer, haversine_km
from bot.jobs import vocabulary
from bot.results import find_sessions, relaxations

TODAY = dt.date(2027, 1, 10)
LENS, DOUAI, LILLE, DUNKERQUE, ARRAS = "62498", "59178", "59350", "59183", "62041"


def town(insee):
    return gazetteer().by_insee(insee)


def place(insee):
    return f.lieu(insee=insee)


def search(engine, tmp_path, formations, *, rome="H2705", near=LENS, radius=30.0, today=TODAY):
    import_file(engine, f.write(tmp_path / "offre.xml", formations))
    origin = town(near)
    return search_sessions(engine, rome, origin.lat, origin.lon, radius, today)


def ids(hits):
    return [h.session_id for h in hits]


def one_formation(*actions, romes=("H2705",), numero="F1", formacodes=("24049",)):
    return f.formation(numero, list(actions), romes=romes, formacodes=formacodes)


def test_matches_sessions_whose_formation_lists_the_rome_code(engine, tmp_path):
    hits = search(
        engine,
        tmp_path,
        [
            one_formation(f.action("A1", [f.session("S1")], [place(LENS)]), romes=("H2301", "H2705")),
            one_formation(f.action("A2", [f.session("S2")], [place(LENS)]), romes=("I1304",), numero="F2"),
        ],
    )
    assert ids(hits) == ["S1"]
    assert hits[0].par == "rome"


def test_a_formation_without_rome_code_matches_by_the_jobs_formacodes(engine, tmp_path):
    cariste = [fc.code for fc in vocabulary().by_rome("N1101").formacodes]
    assert cariste[0] == "31768"  # CARISTE, from Centre Inffo's ROME v2 correspondence
    formations = [
        one_formation(f.action("A1", [f.session("CACES")], [place(LENS)]), romes=(), formacodes=("31768",)),
        one_formation(
            f.action("A2", [f.session("BOTH")], [place(LENS)]), romes=(), formacodes=("99999", "31747"), numero="F2"
        ),
        # Lists a code-ROME (of another job): matches by ROME only, never by Formacode.
        one_formation(
            f.action("A3", [f.session("OTHER-JOB")], [place(LENS)]),
            romes=("N1110",),
            formacodes=("31768",),
            numero="F3",
        ),
        one_formation(f.action("A4", [f.session("UNRELATED")], [place(LENS)]), romes=(), numero="F4"),
        one_formation(
            f.action("A5", [f.session("BY-ROME")], [place(LENS)]), romes=("N1101",), formacodes=(), numero="F5"
        ),
    ]
    hits = search(engine, tmp_path, formations, rome="N1101")
    assert [(h.session_id, h.par) for h in sorted(hits, key=lambda h: h.session_id)] == [
        ("BOTH", "formacode"),
        ("BY-ROME", "rome"),
        ("CACES", "formacode"),
    ]
    assert {h.as_json()["par"] for h in hits} == {"rome", "formacode"}
    # A code-ROME written so badly that it is ignored leaves the formation without one.
    damaged = [
        one_formation(f.action("A1", [f.session("S1")], [place(LENS)]), romes=("CARISTE",), formacodes=("31768",))
    ]
    assert [(h.session_id, h.par) for h in search(engine, tmp_path, damaged, rome="N1101")] == [("S1", "formacode")]


def test_a_job_outside_the_reference_matches_by_rome_only(engine, tmp_path):
    formations = [
        one_formation(f.action("A1", [f.session("S1")], [place(LENS)]), romes=("K2111",)),
        one_formation(f.action("A2", [f.session("S2")], [place(LENS)]), romes=(), numero="F2"),
    ]
    assert vocabulary().by_rome("K2111") is None
    assert [(h.session_id, h.par) for h in search(engine, tmp_path, formations, rome="K2111")] == [("S1", "rome")]


@pytest.mark.parametrize("etat,eligible", [(None, True), (1, True), (2, False), (3, False)])
def test_recruitment_state_absent_or_open(engine, tmp_path, etat, eligible):
    hits = search(engine, tmp_path, [one_formation(f.action("A1", [f.session("S1", etat=etat)], [place(LENS)]))])
    assert ids(hits) == (["S1"] if eligible else [])


def test_unknown_start_date_is_not_eligible(engine, tmp_path):
    hits = search(
        engine,
        tmp_path,
        [
            one_formation(
                f.action(
                    "A1",
                    [f.session("S1", debut="00000000", fin="20270601"), f.session("S2")],
                    [place(LENS)],
                    permanent=1,
                )
            )
        ],
    )
    assert ids(hits) == ["S2"]


def test_session_ending_before_today_is_not_eligible(engine, tmp_path):
    hits = search(
        engine,
        tmp_path,
        [
            one_formation(
                f.action(
                    "A1",
                    [
                        f.session("PAST", debut="20261001", fin="20270109"),
                        f.session("ENDS-TODAY", debut="20261001", fin="20270110"),
                    ],
                    [place(LENS)],
                    permanent=1,
                )
            )
        ],
    )
    assert ids(hits) == ["ENDS-TODAY"]


def test_started_session_needs_permanent_entry(engine, tmp_path):
    hits = search(
        engine,
        tmp_path,
        [
            one_formation(
                f.action(
                    "FIXED",
                    [f.session("STARTED", debut="20261201"), f.session("STARTS-TODAY", debut="20270110")],
                    [place(LENS)],
                )
            ),
            one_formation(
                f.action("OPEN", [f.session("RUNNING", debut="20261201")], [place(LENS)], permanent=1), numero="F2"
            ),
        ],
    )
    assert ids(hits) == ["RUNNING", "STARTS-TODAY"]


def test_nearest_place_of_the_action_counts(engine, tmp_path):
    hits = search(
        engine,
        tmp_path,
        [one_formation(f.action("A1", [f.session("S1")], [place(DUNKERQUE), place(DOUAI)]))],
        radius=30,
    )
    assert len(hits) == 1
    assert hits[0].commune == DOUAI
    assert hits[0].distance == pytest.approx(
        haversine_km(town(LENS).lat, town(LENS).lon, town(DOUAI).lat, town(DOUAI).lon)
    )


def test_place_point_is_geolocalisation_then_insee_then_postcode(engine, tmp_path):
    lens = town(LENS)
    hits = search(
        engine,
        tmp_path,
        [
            one_formation(f.action("A1", [f.session("GEO")], [f.lieu(insee=LENS, lat=lens.lat + 0.05, lon=lens.lon)])),
            one_formation(
                f.action("A2", [f.session("INSEE")], [f.lieu(insee=DOUAI, codepostal="62000", ville="ARRAS")]),
                numero="F2",
            ),
            one_formation(f.action("A3", [f.session("CP")], [f.lieu(codepostal="62000", ville="ARRAS")]), numero="F3"),
        ],
        radius=100,
    )
    distances = {h.session_id: h.distance for h in hits}
    assert distances["GEO"] == pytest.approx(haversine_km(lens.lat, lens.lon, lens.lat + 0.05, lens.lon))
    assert distances["INSEE"] == pytest.approx(haversine_km(lens.lat, lens.lon, town(DOUAI).lat, town(DOUAI).lon))
    assert distances["CP"] == pytest.approx(haversine_km(lens.lat, lens.lon, town(ARRAS).lat, town(ARRAS).lon))


def test_radius_is_inclusive_and_exact(engine, tmp_path):
    lens = town(LENS)
    exact = haversine_km(lens.lat, lens.lon, town(DOUAI).lat, town(DOUAI).lon)
    formations = [one_formation(f.action("A1", [f.session("S1")], [place(DOUAI)]))]
    assert ids(search(engine, tmp_path, formations, radius=exact)) == ["S1"]
    assert ids(search(engine, tmp_path, formations, radius=exact - 0.01)) == []


def test_fully_remote_action_is_eligible_at_any_distance_without_distance(engine, tmp_path):
    hits = search(
        engine,
        tmp_path,
        [
            one_formation(f.action("REMOTE", [f.session("S1")], [place(DUNKERQUE)], modalite=2)),
            one_formation(f.action("REMOTE-NOPLACE", [f.session("S2")], modalite=2), numero="F2"),
            one_formation(f.action("MIXED", [f.session("S3")], [place(DUNKERQUE)], modalite=1), numero="F3"),
        ],
        radius=10,
    )
    assert ids(hits) == ["S1", "S2"]
    assert [h.as_json()["distance_km"] for h in hits] == [None, None]
    assert [h.as_json()["modalite"] for h in hits] == ["distanciel", "distanciel"]


def test_a_session_found_by_several_rows_is_counted_once_at_its_nearest_place_on_every_page(engine, tmp_path):
    """An action with several places, a formation listing two of the job's Formacodes, among
    sessions found once: the count and each page agree with the whole list."""
    codes = tuple(fc.code for fc in vocabulary().by_rome("H2703").formacodes)[:2]
    assert len(codes) == 2
    formations = [
        one_formation(
            f.action("PLACES", [f.session("S-PLACES", "20270120")], [place(ARRAS), place(LENS), place(DOUAI)]),
            f.action("ONE", [f.session(f"S-{day}", f"202701{day}") for day in range(11, 31, 2)], [place(DOUAI)]),
            romes=("H2703",),
        ),
        one_formation(
            f.action("CODES", [f.session("S-CODES", "20270120")], [place(LENS), place(ARRAS)]),
            romes=(),
            formacodes=codes,
            numero="F2",
        ),
    ]
    import_file(engine, f.write(tmp_path / "offre.xml", formations))
    lens = town(LENS)
    everything = search_sessions(engine, "H2703", lens.lat, lens.lon, 30, TODAY)
    assert ids(everything).count("S-PLACES") == 1 and ids(everything).count("S-CODES") == 1
    assert {h.session_id: h.distance for h in everything}["S-PLACES"] == 0.0  # Lens, the nearest
    assert {h.session_id: h.par for h in everything}["S-CODES"] == "formacode"
    for size in (1, 3, 5):
        for offset in range(0, len(everything) + size, size):
            page = search_page(engine, "H2703", lens.lat, lens.lon, 30, TODAY, offset=offset, size=size)
            assert (page.hits, page.total) == (everything[offset : offset + size], len(everything)), (offset, size)


def test_order_is_start_date_then_distance_nulls_last_then_id(engine, tmp_path):
    hits = search(
        engine,
        tmp_path,
        [
            one_formation(f.action("NEAR", [f.session("B-NEAR"), f.session("LATER", debut="20270201")], [place(LENS)])),
            one_formation(f.action("FAR", [f.session("A-FAR")], [place(DOUAI)]), numero="F2"),
            one_formation(f.action("REMOTE", [f.session("0-REMOTE")], modalite=2), numero="F3"),
            one_formation(f.action("NEAR2", [f.session("A-NEAR")], [place(LENS)]), numero="F4"),
        ],
    )
    assert ids(hits) == ["A-NEAR", "B-NEAR", "A-FAR", "0-REMOTE", "LATER"]


def test_session_object_fields(engine, tmp_path):
    hits = search(
        engine, tmp_path, [one_formation(f.action("A1", [f.session("S1", places=14)], [place(DOUAI)], modalite=1))]
    )
    session = hits[0].as_json()
    assert set(session) == {
        "session_id",
        "action_id",
        "formation_id",
        "intitule",
        "organisme",
        "debut",
        "fin",
        "distance_km",
        "commune",
        "ville",
        "modalite",
        "places",
        "par",
        "heures",
        "alternance",
        "financements",
        "temps",
        "handicap",
    }
    assert (session["heures"], session["alternance"], session["financements"]) == (35, False, ["2"])
    assert (session["temps"], session["handicap"]) == ("plein", False)
    assert session["debut"] == "2027-01-15" and session["fin"] == "2027-04-15"
    assert session["distance_km"] == round(session["distance_km"], 1)
    assert (session["commune"], session["modalite"], session["places"]) == (DOUAI, "mixte", 14)
    assert (session["formation_id"], session["action_id"], session["organisme"]) == (
        "F1",
        "A1",
        "Organisme fictif de test",
    )


@pytest.mark.parametrize(
    "lat,lon,radius", [(50.43, 2.83, 30), (50.43, 2.83, 1), (0.0, 2.83, 100), (-33.9, 179.9, 250), (89.5, 2.83, 500)]
)
def test_the_strips_hold_every_point_of_the_circle(lat, lon, radius):
    """Points on the circle and just inside, every 5°, across the antimeridian and near a pole."""
    ranges = strips(lat, lon, radius)
    for bearing in range(0, 360, 5):
        for distance in (radius, radius * 0.999, radius / 2):
            # Destination point at `distance` km along `bearing` (spherical earth).
            d, b, p1, l1 = distance / 6371.0, math.radians(bearing), math.radians(lat), math.radians(lon)
            p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
            l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
            point = cell(math.degrees(p2), (math.degrees(l2) + 180) % 360 - 180)
            assert any(first <= point <= last for first, last in ranges), (bearing, distance)
    if abs(lat) + math.degrees(radius / 6371.0) < 89:  # tight: a point a little beyond, east, is left out
        beyond = lon + math.degrees(1.1 * radius / 6371.0 / math.cos(math.radians(lat)))
        assert not any(first <= cell(lat, (beyond + 180) % 360 - 180) <= last for first, last in ranges)


def test_place_is_named_by_its_official_commune_name(engine, tmp_path):
    hits = search(
        engine,
        tmp_path,
        [one_formation(f.action("A1", [f.session("S1")], [f.lieu(codepostal="62110", ville="HENIN BEAUMONT CEDEX")]))],
    )
    assert (hits[0].commune, hits[0].ville) == ("62427", "Hénin-Beaumont")


def test_a_geolocalisation_far_from_its_commune_gives_way_to_the_commune(engine, tmp_path):
    """Lens typed as the place's commune, its point 300 km away: the session is found at Lens."""
    lens = town(LENS)
    formations = [
        one_formation(f.action("A1", [f.session("S1")], [f.lieu(insee=LENS, lat=lens.lat + 2.7, lon=lens.lon)]))
    ]
    hits = search(engine, tmp_path, formations, radius=5)
    assert [(h.session_id, h.distance) for h in hits] == [("S1", 0.0)]


def test_sessions_of_two_sources_with_the_same_numero_are_both_found_in_source_order(engine, tmp_path):
    lens = town(LENS)
    same = [one_formation(f.action("A1", [f.session("S1")], [place(LENS)]))]
    import_file(engine, f.write(tmp_path / "zeta.xml", same))
    import_file(engine, f.write(tmp_path / "alpha.xml", same))
    hits = search_sessions(engine, "H2705", lens.lat, lens.lon, 30, TODAY)
    assert [(h.session_id, h.source) for h in hits] == [("S1", "alpha"), ("S1", "zeta")]
    assert [h.as_json()["session_id"] for h in hits] == ["S1", "S1"]


# -- criteria (docs/contrat.md, « Critères de recherche ») ----------------------------------------


def criteria_catalog():
    """Five actions near Lens that differ by one criterion each."""
    return [
        one_formation(
            f.action("PLAIN", [f.session("S-MARS", "20270301", "20270430")], [place(LENS)], heures=35),
            f.action(
                "ALT",
                [f.session("S-SEPT", "20270906", "20280630")],
                [place(LENS)],
                heures=None,
                heures_centre=400,
                heures_entreprise=300,
                alternance="Contrat d'apprentissage",
                financeurs=(("16", None),),
                rythme="Alternance : deux semaines en centre, deux en entreprise",
            ),
            f.action(
                "PERM",
                [f.session("S-PERM", "20270104", "20270630")],
                [place(LENS)],
                permanent=1,
                modalite=1,
                financeurs=(("4", None), ("10", None)),
                handicap="Locaux accessibles",
                rythme="Cours du soir",
            ),
            f.action("REMOTE", [f.session("S-DIST", "20270215", "20270315")], modalite=2, heures=None, rythme="-"),
            f.action(
                "PART",
                [f.session("S-JUIN", "20270607", "20270730")],
                [place(LENS)],
                heures=140,
                financeurs=(("5", None),),
                rythme="Temps partiel",
            ),
        )
    ]


@pytest.mark.parametrize(
    "criteria, expected",
    [
        (Criteria(), ["S-PERM", "S-DIST", "S-MARS", "S-JUIN", "S-SEPT"]),
        (Criteria(debut_apres=dt.date(2027, 3, 1)), ["S-PERM", "S-MARS", "S-JUIN", "S-SEPT"]),  # permanent: until June
        (Criteria(debut_apres=dt.date(2027, 7, 1)), ["S-SEPT"]),
        (Criteria(debut_avant=dt.date(2027, 3, 1)), ["S-PERM", "S-DIST", "S-MARS"]),  # inclusive
        (Criteria(debut_avant=dt.date(2027, 1, 9)), []),  # before today
        (Criteria(debut_apres=dt.date(2027, 6, 1), debut_avant=dt.date(2027, 6, 30)), ["S-PERM", "S-JUIN"]),
        (Criteria(alternance=True), ["S-SEPT"]),
        (Criteria(modalite="mixte"), ["S-PERM"]),
        (Criteria(modalite="distanciel"), ["S-DIST"]),
        (Criteria(modalite="presentiel"), ["S-MARS", "S-JUIN", "S-SEPT"]),
        (Criteria(heures_max=140), ["S-PERM", "S-MARS", "S-JUIN"]),  # unknown length: not kept
        (Criteria(heures_max=700), ["S-PERM", "S-MARS", "S-JUIN", "S-SEPT"]),  # 400 + 300 hours
        (Criteria(finance_pour="demandeur_emploi"), ["S-PERM", "S-DIST", "S-MARS"]),  # Région (2), France Travail (4)
        (Criteria(finance_pour="salarie"), ["S-JUIN", "S-SEPT"]),  # entreprise (5), OPCO (16)
        (Criteria(finance_pour="etudiant"), []),
        (Criteria(financeur="10"), ["S-PERM"]),
        (Criteria(temps="soir"), ["S-PERM"]),
        (Criteria(temps="partiel"), ["S-JUIN"]),
        (Criteria(temps="plein"), ["S-MARS"]),
        (Criteria(handicap=True), ["S-PERM"]),
        (Criteria(alternance=True, finance_pour="demandeur_emploi"), []),
    ],
)
def test_each_criterion_restricts_the_list(engine, tmp_path, criteria, expected):
    import_file(engine, f.write(tmp_path / "offre.xml", criteria_catalog()))
    lens = town(LENS)
    hits = search_sessions(engine, "H2705", lens.lat, lens.lon, 30, TODAY, criteria=criteria)
    assert ids(hits) == expected


def test_relaxations_count_what_each_dropped_criterion_would_give(engine, tmp_path):
    import_file(engine, f.write(tmp_path / "offre.xml", criteria_catalog()))
    lens = town(LENS)
    criteria = Criteria(debut_apres=dt.date(2027, 9, 1), debut_avant=dt.date(2027, 9, 30), modalite="mixte")
    assert find_sessions(engine, "H2705", lens, 30, TODAY, criteria) == []
    # Without the dates: the mixed session; without the mode: the September one.
    assert relaxations(engine, "H2705", lens, 30, TODAY, criteria) == [("date", 1), ("modalite", 1)]
    criteria = Criteria(alternance=True, temps="soir", handicap=True)
    assert relaxations(engine, "H2705", lens, 30, TODAY, criteria) == [("alternance", 1), ("temps", 0), ("handicap", 0)]


def test_criteria_are_checked_values():
    with pytest.raises(ValueError):
        Criteria(modalite="en ligne")
    with pytest.raises(ValueError):
        Criteria(finance_pour="retraite")
    with pytest.raises(ValueError):
        Criteria(financeur="99")
    criteria = Criteria(debut_apres=dt.date(2027, 3, 1), alternance=True, heures_max=400)
    assert Criteria.from_slots(criteria.as_slots()) == criteria
    assert (
        Criteria.from_slots({"modalite": "nulle part", "heures_max": "abc", "debut_avant": "2027-13-01"}) == Criteria()
    )
