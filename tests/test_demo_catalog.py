"""The demonstration LHEO catalog: size, coverage, LHEO 2.3 element order, fictional providers,
and a generator that gives the same bytes on every run."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "data" / "catalog" / "demo-electromob.lheo.xml"
GENERATOR = ROOT / "scripts" / "make_demo_catalog.py"
NS = "http://lheo.gouv.fr/2.3"
N = {"l": NS}

REQUIRED_ROMES = {
    "H2705",
    "H2703",
    "H2704",
    "H2701",
    "H2301",
    "H2604",
    "H2912",
    "I1304",
    "I1302",
    "I1309",
    "H1528",
    "H1404",
    "H1303",
    "N1101",
    "N1110",
}

# Content models of LHEO 2.3 (definition/lheo-gml.xml of the lheo-schema repository), element
# order kept: "?" 0..1, "*" 0..n, "+" 1..n, "{a,b}" a..b, nothing 1..1.
SEQUENCES = {
    "lheo": "offres extras*",
    "offres": "formation+ extras*",
    "formation": "domaine-formation intitule-formation objectif-formation resultats-attendus "
    "contenu-formation certifiante contact-formation+ parcours-de-formation "
    "code-niveau-entree objectif-general-formation? certification{0,5} "
    "code-type-formation{0,5} code-niveau-sortie? url-formation? action+ "
    "organisme-formation-responsable identifiant-module? positionnement? sous-modules? "
    "modules-prerequis? extras*",
    "domaine-formation": "code-FORMACODE{0,5} code-NSF{0,3} code-ROME{0,5} extras*",
    "certification": "code-RNCP? code-CERTIFINFO? code-RS? code-CPF? reference-code-FORMACODE? extras*",
    "action": "rythme-formation code-public-vise{1,10} info-public-vise? niveau-entree-obligatoire "
    "modalites-alternance modalites-enseignement conditions-specifiques "
    "prise-en-charge-frais-possible lieu-de-formation* modalites-entrees-sorties url-action? "
    "duree-cycle? session+ adresse-information? date-information{0,3} restauration? "
    "hebergement? transport? acces-handicapes? langue-formation{0,5} modalites-recrutement? "
    "modalites-pedagogiques? code-modalite-pedagogique{0,5} equipement* frais-restants? "
    "code-perimetre-recrutement? infos-perimetre-recrutement? prix-horaire-TTC? prix-total-TTC? "
    "duree-indicative? nombre-heures-centre? nombre-heures-entreprise? nombre-heures-total? "
    "detail-conditions-prise-en-charge? conventionnement? duree-conventionnee? "
    "organisme-formateur* organisme-financeur{0,8} enseignement* extras*",
    "session": "periode adresse-inscription modalites-inscription? periode-inscription? etat-recrutement? "
    "recrutement* url-session? contact-session* reference-certification{0,5} "
    "blocs-competences* cycle* extras*",
    "periode": "debut fin extras*",
    "recrutement": "modalite-recrutement code-perimetre-recrutement? infos-perimetre-recrutement? "
    "a-distance? adresse? urlweb? nb-places? periode? heure-debut? heure-fin? "
    "commentaire? extras*",
    "lieu-de-formation": "SIRET-lieu-formation? code-UAI-lieu-formation? coordonnees extras*",
    "adresse-inscription": "adresse extras*",
    "contact-formation": "type-contact? coordonnees extras*",
    "contact-organisme": "type-contact? coordonnees extras*",
    "coordonnees-organisme": "coordonnees extras*",
    "coordonnees": "civilite? nom? prenom? ligne{0,3} adresse? telfixe? portable? fax? courriel? web? extras*",
    "adresse": "denomination? ligne{1,4} codepostal ville departement? code-INSEE-commune? "
    "code-INSEE-canton? region? pays? geolocalisation? extras*",
    "geolocalisation": "latitude longitude extras*",
    "telfixe": "numtel{1,3} extras*",
    "web": "urlweb{1,3} extras*",
    "url-formation": "urlweb{1,3} extras*",
    "organisme-formation-responsable": "numero-activite SIRET-organisme-formation nom-organisme "
    "raison-sociale coordonnees-organisme contact-organisme+ "
    "renseignements-specifiques? potentiel? "
    "code-UAI-organisme-formation? extras*",
    "SIRET-organisme-formation": "SIRET extras*",
    "potentiel": "code-FORMACODE{1,25} extras*",
    "organisme-financeur": "code-financeur nb-places-financees? extras*",
}
# Coded values of the schema's <dict> tables used by the catalog.
DICTS = {
    "certifiante": {"0", "1"},
    "niveau-entree-obligatoire": {"0", "1"},
    "prise-en-charge-frais-possible": {"0", "1"},
    "modalites-enseignement": {"0", "1", "2"},
    "modalites-entrees-sorties": {"0", "1"},
    "etat-recrutement": {"1", "2", "3"},
    "parcours-de-formation": {"1", "2", "3", "4"},
    "objectif-general-formation": {"2", "3", "4", "5", "6", "7", "8", "9"},
    "code-niveau-entree": {str(n) for n in (*range(9), *range(11, 19))},
    "code-niveau-sortie": {str(n) for n in (*range(9), *range(11, 19))},
    "code-financeur": {str(n) for n in range(21)},
    "modalite-recrutement": {str(n) for n in range(10)},
    "type-contact": {str(n) for n in range(15)},
}


def _model(text: str) -> list[tuple[str, int, float]]:
    model = []
    for token in text.split():
        match = re.fullmatch(r"([\w-]+)(\?|\*|\+|\{(\d+),(\d+)\})?", token)
        name, suffix, low, high = match.groups()
        bounds = {None: (1, 1), "?": (0, 1), "*": (0, math.inf), "+": (1, math.inf)}.get(suffix)
        model.append((name, *(bounds or (int(low), int(high)))))
    return model


MODELS = {name: _model(text) for name, text in SEQUENCES.items()}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _order_errors(element: etree._Element) -> list[str]:
    """Differences between the element's children and its LHEO content model."""
    model = MODELS[_local(element)]
    tags = [_local(child) for child in element if isinstance(child.tag, str)]
    errors, position, count = [], 0, 0
    for tag in tags:
        while position < len(model) and model[position][0] != tag:
            if count < model[position][1]:
                errors.append(f"{model[position][0]} manquant avant {tag}")
            position, count = position + 1, 0
        if position == len(model):
            return [*errors, f"{tag} hors séquence dans {_local(element)}"]
        count += 1
        if count > model[position][2]:
            errors.append(f"{tag} répété {count} fois")
    for name, low, _ in model[position:]:
        if count < low:
            errors.append(f"{name} manquant en fin de {_local(element)}")
        count = 0
    return errors


@pytest.fixture(scope="module")
def tree() -> etree._ElementTree:
    return etree.parse(str(CATALOG))


def _all(tree: etree._ElementTree, path: str) -> list[etree._Element]:
    return tree.findall(path, N)


def test_root_is_lheo_2_3_marked_as_demo(tree):
    root = tree.getroot()
    assert root.tag == f"{{{NS}}}lheo"
    comment = root.getprevious()
    assert isinstance(comment, etree._Comment) and "DÉMONSTRATION" in comment.text
    extras = root.find("l:extras", N)
    assert extras.get("info") == "demo"
    assert "démonstration" in extras.findtext("l:extra[@info='avertissement']", namespaces=N)


def test_size(tree):
    assert len(_all(tree, ".//l:formation")) >= 40
    assert len(_all(tree, ".//l:session")) >= 150


def test_every_formation_has_one_to_three_rome_codes_and_all_jobs_are_covered(tree):
    seen = set()
    for formation in _all(tree, ".//l:formation"):
        codes = [code.text for code in formation.findall("l:domaine-formation/l:code-ROME", N)]
        assert 1 <= len(codes) <= 3, formation.get("numero")
        seen.update(codes)
    assert seen >= REQUIRED_ROMES


def test_codes_have_the_lheo_shape(tree):
    for code in _all(tree, ".//l:domaine-formation/l:code-FORMACODE"):
        assert re.fullmatch(r"\d{5}", code.text) and code.get("ref") == "V12"
    for code in _all(tree, ".//l:code-ROME"):
        assert re.fullmatch(r"[A-N]\d{4}", code.text)
    for insee in _all(tree, ".//l:code-INSEE-commune"):
        assert re.fullmatch(r"\d{5}|2[AB]\d{3}", insee.text)
    for postcode in _all(tree, ".//l:codepostal"):
        assert re.fullmatch(r"\d{5}", postcode.text)
    for name, values in DICTS.items():
        for element in _all(tree, f".//l:{name}"):
            assert element.text in values, (name, element.text)


def test_elements_follow_the_schema_order(tree):
    errors = []
    for element in tree.getroot().iter():
        if isinstance(element.tag, str) and _local(element) in MODELS:
            errors += [f"{element.getroottree().getpath(element)}: {e}" for e in _order_errors(element)]
    assert errors == []


def test_order_check_catches_a_misplaced_element(tree):
    formation = etree.fromstring(etree.tostring(tree.find(".//l:formation", N)))
    formation.append(formation.find("l:intitule-formation", N))  # moved to the end
    assert _order_errors(formation)


def test_identifiers_are_unique_and_follow_the_pattern(tree):
    patterns = {"formation": r"EM-F-\d{3}", "action": r"EM-A-\d{3}-\d", "session": r"EM-S-\d{3}-\d-\d{2}"}
    for tag, pattern in patterns.items():
        numbers = [element.get("numero") for element in _all(tree, f".//l:{tag}")]
        assert all(re.fullmatch(pattern, number) for number in numbers), tag
        assert len(set(numbers)) == len(numbers), tag
    for action in _all(tree, ".//l:action"):
        formation = action.getparent().get("numero")
        assert action.get("numero").startswith(formation.replace("EM-F-", "EM-A-") + "-")
        for session in action.findall("l:session", N):
            assert session.get("numero").startswith(action.get("numero").replace("EM-A-", "EM-S-") + "-")


def test_sessions_dates_and_recruitment(tree):
    sessions = _all(tree, ".//l:session")
    unknown = 0
    for session in sessions:
        debut = session.findtext("l:periode/l:debut", namespaces=N)
        fin = session.findtext("l:periode/l:fin", namespaces=N)
        if debut == "00000000":
            unknown += 1
            continue
        assert "20270101" <= debut <= "20281231" and debut <= fin, session.get("numero")
    for action in _all(tree, ".//l:action"):
        starts = [s.findtext("l:periode/l:debut", namespaces=N) for s in action.findall("l:session", N)]
        known = [start for start in starts if start != "00000000"]
        assert starts[: len(known)] == known == sorted(set(known)), action.get("numero")
    states = Counter(session.findtext("l:etat-recrutement", namespaces=N) for session in sessions)
    assert unknown >= 3 and states["2"] >= 3 and states["3"] >= 3
    assert states["1"] + states[None] > 0.8 * len(sessions)
    seats = [s for s in sessions if s.find("l:recrutement/l:nb-places", N) is not None]
    assert len(seats) > len(sessions) / 2


def test_actions_cover_every_teaching_mode(tree):
    actions = _all(tree, ".//l:action")
    modes = Counter(action.findtext("l:modalites-enseignement", namespaces=N) for action in actions)
    assert modes["2"] >= 3 and modes["1"] >= 2 and modes["0"] > len(actions) / 2
    permanent = [a for a in actions if a.findtext("l:modalites-entrees-sorties", namespaces=N) == "1"]
    assert len(permanent) >= 3
    assert sum(a.find("l:prix-total-TTC", N) is not None for a in actions) >= 5
    assert all(a.findtext("l:nombre-heures-total", namespaces=N).isdigit() for a in actions)
    financeurs = {code.text for code in _all(tree, ".//l:code-financeur")}
    assert {"2", "4", "10"} <= financeurs


def test_places_are_given_with_every_level_of_precision(tree):
    actions = _all(tree, ".//l:action")
    assert sum(len(a.findall("l:lieu-de-formation", N)) > 1 for a in actions) >= 5
    kinds = Counter()
    for address in _all(tree, ".//l:lieu-de-formation/l:coordonnees/l:adresse"):
        point = address.find("l:geolocalisation", N)
        if point is not None:
            kinds["gps"] += 1
            assert 48.8 < float(point.findtext("l:latitude", namespaces=N)) < 51.1
            assert 1.3 < float(point.findtext("l:longitude", namespaces=N)) < 4.3
        elif address.find("l:code-INSEE-commune", N) is not None:
            kinds["insee"] += 1
        else:
            kinds["cp"] += 1
            ville = address.findtext("l:ville", namespaces=N)
            assert ville == ville.upper()
    assert kinds["gps"] >= 10 and kinds["insee"] >= 5 and kinds["cp"] >= 5
    villes = {v.text for v in _all(tree, ".//l:lieu-de-formation//l:ville")}
    assert "HÉNIN-BEAUMONT" in villes and "Billy-Berclau" in villes and "Bourbourg" in villes


def test_rich_text_exercises_escaping(tree):
    texts = [e.text for e in _all(tree, ".//l:contenu-formation")]
    assert any("<p>" in text or "<ul>" in text for text in texts)
    assert any("&amp;" in text for text in texts)
    assert any(" & " in text for text in texts)


def test_certifying_formations(tree):
    formations = _all(tree, ".//l:formation")
    certifying = [f for f in formations if f.findtext("l:certifiante", namespaces=N) == "1"]
    assert 5 <= len(certifying) < len(formations)
    with_rncp = [f for f in formations if f.find("l:certification/l:code-RNCP", N) is not None]
    assert with_rncp and all(f in certifying for f in with_rncp)


def test_providers_are_fictional(tree):
    providers = _all(tree, ".//l:organisme-formation-responsable")
    assert providers
    for provider in providers:
        assert provider.findtext("l:nom-organisme", namespaces=N).endswith("(fictif)")
        assert provider.find("l:extras[@info='demo']/l:extra[@info='organisme-fictif']", N) is not None
    for phone in _all(tree, ".//l:numtel"):
        assert phone.text.startswith("03 53 01 ")
    for mail in _all(tree, ".//l:courriel"):
        assert mail.text.endswith(".example.org")
    for url in _all(tree, ".//l:urlweb"):
        assert re.match(r"https://[\w.-]+\.example\.org(/|$)", url.text)


def _generate(output: Path) -> bytes:
    subprocess.run([sys.executable, str(GENERATOR), "--output", str(output)], check=True, capture_output=True, cwd=ROOT)
    return output.read_bytes()


def test_generator_is_deterministic_and_matches_the_committed_file(tmp_path):
    first = _generate(tmp_path / "a.xml")
    second = _generate(tmp_path / "b.xml")
    assert first == second
    assert first == CATALOG.read_bytes()
