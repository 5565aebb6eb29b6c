"""The LHEO feeds the tests and the benchmark generate follow the LHEO 2.3 content models.

No openly licensed LHEO 2.3 XSD can be shipped (the schema repository, github.com/lheo/lheo-schema,
states no licence), so the feeds are checked against the content models and coded values that
tests/test_demo_catalog.py takes from the schema's definition (definition/lheo-gml.xml) for the
demo catalog: one home for those rules. Only the oddities a test writes on purpose (a latitude
"NC", a date "2027-02-30") step outside them.
"""

from __future__ import annotations

from lxml import etree

from bot.catalog import lheo_writer as w
from bot.geo import gazetteer
from scripts.bench_catalog import generate
from tests.test_demo_catalog import DICTS, MODELS, _local, _order_errors


def check(root: etree._Element) -> list[str]:
    """Content model and coded value errors of every element of a document."""
    errors = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element)
        if name in MODELS:
            errors += [f"{element.getroottree().getpath(element)}: {e}" for e in _order_errors(element)]
        if name in DICTS and element.text not in DICTS[name]:
            errors.append(f"{name} = {element.text}")
    return errors


def test_every_kind_of_record_the_tests_write_follows_the_content_models():
    lens = gazetteer().by_insee("62498")
    document = w.document(
        [
            w.formation(
                "F1",
                [
                    w.action(
                        "A1",
                        [w.session("S1", etat=1, places=12), w.session("S2", debut="00000000", fin="99999999")],
                        [
                            w.lieu(insee=lens.insee),
                            w.lieu(codepostal="62300", ville="LENS", lat=lens.lat, lon=lens.lon),
                            w.lieu(adresse=False),
                        ],
                        modalite=1,
                        permanent=1,
                        financeurs=(("2", 5), ("10", None)),
                    ),
                    w.action("A2", [w.session("S3")], modalite=2, heures=None),
                ],
                romes=("H2705", "H2701"),
            ),
            w.formation("F2", [w.action("A3", [w.session("S4")])], romes=(), formacodes=("31768", "31747")),
        ]
    )
    root = etree.fromstring(document.encode())
    assert {_local(e) for e in root.iter() if isinstance(e.tag, str)} >= {
        "geolocalisation",
        "nb-places",
        "nb-places-financees",
        "etat-recrutement",
        "code-FORMACODE",
        "code-ROME",
    }
    assert check(root) == []


def test_the_benchmark_feed_follows_the_content_models_but_for_its_deliberate_faults(tmp_path):
    path = tmp_path / "flux.xml"
    generate(path, 3000, 1)
    root = etree.parse(str(path)).getroot()
    assert len(root.findall(f".//{{{w.NS_23}}}session")) >= 2900
    errors = check(root)
    assert errors == []
    # Its deliberate faults are values, not structure: unreadable dates and latitudes.
    texts = [e.text for e in root.iter(f"{{{w.NS_23}}}debut", f"{{{w.NS_23}}}latitude")]
    assert "2027-02-30" in texts and "NC" in texts
