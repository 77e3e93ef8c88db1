"""The committed model is DMN 1.3, valid against the OMG XSD, and laid out the way both modelers need."""
import re
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
XSD = ROOT.parent / "shared" / "dmn-tck" / "TestCases" / "DMN13.xsd"
NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
      "dmndi": "https://www.omg.org/spec/DMN/20191111/DMNDI/",
      "dc": "http://www.omg.org/spec/DMN/20180521/DC/", "di": "http://www.omg.org/spec/DMN/20180521/DI/"}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
DRG = ("decision", "inputData", "businessKnowledgeModel", "knowledgeSource", "decisionService")
REQUIREMENTS = ("informationRequirement", "knowledgeRequirement", "authorityRequirement")


@pytest.fixture(scope="module")
def root():
    return etree.parse(str(MODEL)).getroot()


def test_model_is_dmn_13(root):
    assert etree.QName(root).namespace == NS["dmn"], "run `python -m webapp normalize` on a KIE-saved file"


def test_model_validates_against_omg_dmn13_xsd():
    errors = [f"{e.path}: {e.reason}" for e in xmlschema.XMLSchema(str(XSD)).iter_errors(str(MODEL))]
    assert errors == []


def test_ids_are_valid_and_unique(root):
    ids = [e.get("id") for e in root.iter(etree.Element) if e.get("id") is not None]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not NCNAME.match(i)] == []
    for tag in ("rule", "inputEntry", "outputEntry", "input", "output", "inputExpression"):
        assert all(e.get("id") for e in root.iterfind(f".//dmn:{tag}", NS)), tag


def test_every_decision_and_input_has_a_variable_named_like_it(root):
    for tag in ("decision", "inputData"):
        for element in root.iterfind(f"dmn:{tag}", NS):
            assert element.find("dmn:variable", NS).get("name") == element.get("name")


def test_type_refs_are_plain_feel_names_or_item_definitions(root):
    items = {e.get("name") for e in root.iterfind("dmn:itemDefinition", NS)}
    refs = {e.get("typeRef") for e in root.iter(etree.Element) if e.get("typeRef")}
    refs |= {e.text for e in root.iterfind(".//dmn:typeRef", NS)}
    assert refs - items <= {"string", "number", "boolean", "date"}


def _shapes(root):
    out = {}
    for shape in root.iterfind(".//dmndi:DMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        out[shape.get("dmnElementRef")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    return out


def test_every_drg_element_has_one_big_enough_shape_and_none_overlap(root):
    assert len(root.findall(".//dmndi:DMNDiagram", NS)) == 1
    shapes = _shapes(root)
    elements = [e.get("id") for t in DRG for e in root.iterfind(f"dmn:{t}", NS)]
    assert sorted(shapes) == sorted(elements)
    for x, y, w, h in shapes.values():
        assert w >= 160 and h >= 80
    boxes = list(shapes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]


def test_every_requirement_has_an_edge_from_side_midpoint_to_side_midpoint_reading_downwards(root):
    shapes = _shapes(root)
    edges = {e.get("dmnElementRef"): e for e in root.iterfind(".//dmndi:DMNEdge", NS)}
    count = 0
    for owner in root.iter(etree.Element):
        for tag in REQUIREMENTS:
            for req in owner.iterfind(f"dmn:{tag}", NS):
                count += 1
                source = req[0].get("href").lstrip("#")
                points = [(float(p.get("x")), float(p.get("y"))) for p in edges[req.get("id")].iterfind("di:waypoint", NS)]
                sx, sy, sw, sh = shapes[source]
                tx, ty, tw, th = shapes[owner.get("id")]
                assert points[0] == (sx + sw / 2, sy + sh), req.get("id")
                assert points[-1] == (tx + tw / 2, ty), req.get("id")
                assert sy + sh < ty, f"{req.get('id')} does not read top to bottom"
    assert count == len(edges)


def test_every_rule_carries_policy_section_and_reason_and_returns_that_reason(root):
    for table in root.iterfind(".//dmn:decisionTable", NS):
        names = [a.get("name") for a in table.iterfind("dmn:annotation", NS)]
        assert names == ["policy section", "reason"]
        outputs = [o.get("name") for o in table.iterfind("dmn:output", NS)]
        for rule in table.iterfind("dmn:rule", NS):
            section, reason = [a.findtext("dmn:text", namespaces=NS).strip() for a in rule.iterfind("dmn:annotationEntry", NS)]
            assert section and reason
            returned = rule.findall("dmn:outputEntry", NS)[outputs.index("reason")].findtext("dmn:text", namespaces=NS)
            assert returned == '"' + reason.replace('"', '\\"') + '"', rule.get("id")


def test_thresholds_stand_in_table_cells(root):
    cells = [t.text for t in root.iterfind(".//dmn:inputEntry/dmn:text", NS)]
    assert "<= 100" in cells and "> 100" in cells and "<= 28" in cells


def test_knowledge_source_governs_every_criteria_table(root):
    ks = root.find("dmn:knowledgeSource", NS)
    assert ks.get("name") == "Medical Policy 7.02.11"
    for decision in root.iterfind("dmn:decision", NS):
        if decision.find("dmn:decisionTable", NS) is not None:
            hrefs = [r.get("href") for r in decision.iterfind("dmn:authorityRequirement/dmn:requiredAuthority", NS)]
            assert hrefs == ["#" + ks.get("id")]
