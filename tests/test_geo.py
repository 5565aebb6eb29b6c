"""The gazetteer on the shipped data file: what people type, what catalogs write, distances."""

import pytest

from bot.geo import Gazetteer, Resolution, gazetteer, haversine_km

LENS, LILLE, DOUAI, HENIN = "62498", "59350", "59178", "62427"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return gazetteer()


def ok(resolution: Resolution) -> str:
    assert resolution.status == "ok", resolution
    assert resolution.alternatives == ()
    return resolution.commune.insee


def ambiguous(resolution: Resolution) -> list[str]:
    """INSEE codes of the preferred commune then the alternatives."""
    assert resolution.status == "ambiguous", resolution
    return [resolution.commune.insee] + [c.insee for c in resolution.alternatives]


def test_loaded_once_and_covers_every_commune(gaz):
    assert gazetteer() is gaz
    assert gaz.by_insee(LENS).nom == "Lens"
    assert gaz.by_insee("97411").nom == "Saint-Denis"  # overseas too
    assert gaz.by_insee("2A004").nom == "Ajaccio"
    assert gaz.by_insee("00000") is None


@pytest.mark.parametrize(
    "text",
    [
        "Hénin-Beaumont",
        "henin beaumont",
        "HENIN-BEAUMONT",
        "  Hénin Beaumont ",
        "heninbeaumont",
    ],
)
def test_accents_case_hyphens_and_spaces_do_not_matter(gaz, text):
    assert ok(gaz.resolve(text)) == HENIN


@pytest.mark.parametrize(
    "text, insee",
    [
        ("St Quentin", "02691"),
        ("st-pol-sur-ternoise", "62767"),
        ("Villeneuve d'Ascq", "59009"),
        ("villeneuve dascq", "59009"),
        ("Noeux les mines", "62617"),  # official spelling has the ligature: Nœux-les-Mines
        ("Marcq en Baroeul", "59378"),
    ],
)
def test_saint_abbreviations_apostrophes_and_ligatures(gaz, text, insee):
    assert ok(gaz.resolve(text)) == insee


@pytest.mark.parametrize(
    "text, insee",
    [
        ("Henin Beaumon", HENIN),
        ("Valencienne", "59606"),
        ("Dunkerke", "59183"),
        ("Armentiere", "59017"),
        ("Tourcoin", "59599"),
        ("Lievain", "62510"),
    ],
)
def test_small_typos_still_find_the_town(gaz, text, insee):
    assert ok(gaz.resolve(text)) == insee


def test_names_people_shorten(gaz):
    assert ok(gaz.resolve("Le Touquet")) == "62826"  # Le Touquet-Paris-Plage
    assert ok(gaz.resolve("Touquet-Paris-Plage")) == "62826"  # article left out
    assert ok(gaz.resolve("Le Cateau")) == "59136"  # Le Cateau-Cambrésis
    boulogne = ambiguous(gaz.resolve("Boulogne"))
    assert boulogne[0] == "62160"  # Boulogne-sur-Mer before the larger Boulogne-Billancourt
    assert "92012" in boulogne
    assert ambiguous(gaz.resolve("Sainghin"))[:2] == ["59524", "59523"]  # en-Weppes, en-Mélantois
    assert ambiguous(gaz.resolve("Bruay")) == ["62178", "59112"]  # -la-Buissière, -sur-l'Escaut


def test_homonyms_prefer_hauts_de_france_then_population(gaz):
    # Saint-Paul (Oise, ~1 500 inhabitants) before Saint-Paul (La Réunion, ~100 000).
    saint_paul = ambiguous(gaz.resolve("Saint-Paul"))
    assert saint_paul[0] == "60591"
    assert saint_paul[1] == "97415"
    assert ambiguous(gaz.resolve("St Omer")) == ["62765", "14635"]
    assert ambiguous(gaz.resolve("Breteuil")) == ["60104", "27112"]


def test_homonyms_outside_the_region_are_ranked_by_population(gaz):
    resolution = gaz.resolve("Beaumont")
    found = [resolution.commune, *resolution.alternatives]
    assert 5 <= len(found) <= 9  # the preferred one and at most 8 alternatives
    assert all(c.nom == "Beaumont" and c.region != "32" for c in found)
    populations = [c.population for c in found]
    assert populations == sorted(populations, reverse=True)
    assert gaz.departement_nom(resolution.commune) == "Puy-de-Dôme"


def test_postal_code_of_one_commune(gaz):
    assert ok(gaz.resolve("59500")) == DOUAI
    assert ok(gaz.resolve("75015")) == "75115"  # Paris 15e Arrondissement


def test_postal_code_shared_by_several_communes(gaz):
    # 62138: Douvrin, Auchy-les-Mines, Billy-Berclau, Haisnes, Violaines, by population.
    assert ambiguous(gaz.resolve("62138")) == ["62276", "62051", "62132", "62401", "62863"]
    assert [c.insee for c in gaz.by_postcode("62300")] == [LENS, "62291"]  # Lens, Éleu-dit-Leauwette


def test_name_with_postal_code_or_departement(gaz):
    assert ok(gaz.resolve("Lens 62300")) == LENS
    assert ok(gaz.resolve("Lens (62)")) == LENS
    assert ok(gaz.resolve("Saint-Omer 14")) == "14635"  # the Calvados one, when asked
    assert ok(gaz.resolve("Beaumont 63")) == "63032"
    assert ok(gaz.resolve("Paris 75015")) == "75115"


def test_name_and_postal_code_that_disagree_ask_back(gaz):
    resolution = gaz.resolve("Lens 75001")
    assert resolution.status == "ambiguous"
    assert resolution.commune.insee == LENS
    assert "75101" in [c.insee for c in resolution.alternatives]


def test_arrondissements_and_former_communes(gaz):
    assert ok(gaz.resolve("Paris")) == "75056"
    assert ok(gaz.resolve("Paris 15e")) == "75115"
    assert ok(gaz.resolve("Lyon 3")) == "69383"
    assert ok(gaz.resolve("Lomme")) == LILLE  # commune associée of Lille
    assert ok(gaz.resolve("Hellemmes")) == LILLE  # Hellemmes-Lille
    assert ok(gaz.resolve("Annecy-le-Vieux")) == "74010"
    assert gaz.by_insee("59355").insee == LILLE  # old INSEE code of Lomme


@pytest.mark.parametrize("text", ["", "   ", "zzzzzz", "12", "99999", "62", "?!", "le", "59000 62300"])
def test_garbage_is_unknown(gaz, text):
    resolution = gaz.resolve(text)
    assert resolution.status == "unknown"
    assert resolution.commune is None


def test_unknown_name_with_a_valid_postal_code_suggests_its_communes(gaz):
    resolution = gaz.resolve("zzzz 62300")
    assert resolution.status == "unknown"
    assert [c.insee for c in resolution.alternatives] == [LENS, "62291"]


def test_locate_for_the_catalog_importer(gaz):
    assert gaz.locate(insee=LENS).nom == "Lens"
    assert gaz.locate(insee=" 62498 ", postcode="75001", ville="PARIS").insee == LENS  # code wins
    assert gaz.locate(insee="99999", postcode="62300", ville="LENS").insee == LENS  # bad code
    assert gaz.locate(postcode="29300", ville="QUIMPERLÉ").insee == "29233"
    assert gaz.locate(postcode="62500", ville="Saint Omer").insee == "62765"
    assert gaz.locate(postcode="62500", ville="ST OMER").insee == "62765"
    assert gaz.locate(postcode="62200", ville="BOULOGNE").insee == "62160"  # Boulogne-sur-Mer
    assert gaz.locate(postcode="75015", ville="PARIS").insee == "75115"  # the arrondissement
    assert gaz.locate(postcode="62300", ville="LENZ").insee == LENS  # misspelt, same postal code
    assert gaz.locate(postcode="59500").insee == DOUAI  # postal code of a single commune


def test_locate_cedex(gaz):
    assert gaz.locate(postcode="62307", ville="LENS CEDEX").insee == LENS  # CEDEX code
    assert gaz.locate(postcode="59800", ville="LILLE CEDEX").insee == LILLE
    assert gaz.locate(postcode="75732", ville="PARIS CEDEX 15").insee == "75056"


def test_locate_refuses_to_guess(gaz):
    assert gaz.locate(ville="Beaumont") is None  # homonyms, no postal code
    assert gaz.locate(postcode="62138") is None  # five communes
    assert gaz.locate(postcode="59000", ville="ARRAS") is None  # Arras is in the 62
    assert gaz.locate(postcode="62300", ville="ARRAS").insee == "62041"  # wrong code, same area
    assert gaz.locate() is None


def test_distance_between_town_halls(gaz):
    lille, douai = gaz.by_insee(LILLE), gaz.by_insee(DOUAI)
    assert haversine_km(lille.lat, lille.lon, douai.lat, douai.lon) == pytest.approx(29.2, abs=0.3)
    assert haversine_km(50.0, 3.0, 51.0, 3.0) == pytest.approx(111.19, abs=0.01)  # 1° of latitude
    assert haversine_km(50.0, 3.0, 50.0, 3.0) == 0.0


def test_reference_points_are_in_the_right_place(gaz):
    # The source puts Gex's town hall near Lyon; the commune's centroid is used instead.
    gex = gaz.by_insee("01173")
    assert haversine_km(gex.lat, gex.lon, 46.333, 6.058) < 5
    hauts_de_france = [c for c in gaz.communes() if c.region == "32"]
    assert len(hauts_de_france) > 3700
    assert all(48.8 < c.lat < 51.1 and 1.3 < c.lon < 4.3 for c in hauts_de_france)
