"""The committed model is DMN 1.3, valid against the OMG XSD, laid out for both modelers, and readable and
editable by the committee: every decision a table or a literal expression with a question, every field
described, every threshold in one cell, every finding row saying what resolves it."""
import re
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
XSD = ROOT / "tests" / "tck" / "cases" / "DMN13.xsd"
NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
      "dmndi": "https://www.omg.org/spec/DMN/20191111/DMNDI/",
      "dc": "http://www.omg.org/spec/DMN/20180521/DC/", "di": "http://www.omg.org/spec/DMN/20180521/DI/",
      "kie": "https://kie.org/dmn/extensions/1.0"}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
DRG = ("decision", "inputData", "businessKnowledgeModel", "knowledgeSource", "decisionService")
REQUIREMENTS = ("informationRequirement", "knowledgeRequirement", "authorityRequirement")
FINDING_OUTPUTS = ["id", "kind", "met", "section", "text", "needed", "supplied_by"]
SUPPLIERS = ("provider", "plan_pharmacy", "plan_eligibility", "plan_configuration")
# The drawing area of a 1366x768 laptop window at 100% once the editors' own bars and palettes are drawn.
DRD_BUDGET = (1280, 600)
# Rules that kept their meaning from the first model keep their ids (audit records name them).
STABLE_RULES = (["DecisionRule_PolicyApplicability_%d" % i for i in (1, 3, 4, 5, 6, 7)]
                + ["DecisionRule_OneTimeTreatment_%d" % i for i in range(1, 6)]
                + ["DecisionRule_MDTRecommendation_%d" % i for i in range(1, 5)]
                + ["DecisionRule_OrganFunction_%d" % i for i in range(1, 6)]
                + ["DecisionRule_AllogeneicTransplantExclusion_%d" % i for i in (1, 4, 5, 6)]
                + ["DecisionRule_PlaceOfService_1", "DecisionRule_PlaceOfService_2"]
                + ["DecisionRule_RequiredDocumentation_%d" % i for i in range(1, 18)])


@pytest.fixture(scope="module")
def root():
    return etree.parse(str(MODEL)).getroot()


def _text(element, path):
    return (element.findtext(path, namespaces=NS) or "").strip()


def _tables(root):
    return [(d, d.find("dmn:decisionTable", NS)) for d in root.iterfind("dmn:decision", NS)
            if d.find("dmn:decisionTable", NS) is not None]


def _finding_tables(root):
    return [(d, t) for d, t in _tables(root) if [o.get("name") for o in t.iterfind("dmn:output", NS)] == FINDING_OUTPUTS]


def _outputs(table, rule):
    names = [o.get("name") for o in table.iterfind("dmn:output", NS)]
    return dict(zip(names, (_text(e, "dmn:text") for e in rule.iterfind("dmn:outputEntry", NS))))


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


def test_rules_that_kept_their_meaning_kept_their_ids(root):
    ids = {r.get("id") for r in root.iterfind(".//dmn:rule", NS)}
    assert sorted(set(STABLE_RULES) - ids) == []


def test_every_decision_and_input_has_a_variable_named_like_it(root):
    for tag in ("decision", "inputData"):
        for element in root.iterfind(f"dmn:{tag}", NS):
            assert element.find("dmn:variable", NS).get("name") == element.get("name")


def test_type_refs_are_plain_feel_names_or_item_definitions(root):
    items = {e.get("name") for e in root.iterfind("dmn:itemDefinition", NS)}
    refs = {e.get("typeRef") for e in root.iter(etree.Element) if e.get("typeRef")}
    refs |= {e.text for e in root.iterfind(".//dmn:typeRef", NS)}
    assert refs - items <= {"string", "number", "boolean", "date"}


def test_every_decision_opens_in_dmn_js_as_a_table_or_a_literal_expression(root):
    # dmn-js 17 (Camunda Modeler) edits a decision only when its logic is one of these two.
    for decision in root.iterfind("dmn:decision", NS):
        logic = [etree.QName(c).localname for c in decision
                 if etree.QName(c).localname in ("decisionTable", "literalExpression", "context", "invocation",
                                                 "relation", "list", "functionDefinition")]
        assert logic in (["decisionTable"], ["literalExpression"]), decision.get("name")


def test_every_decision_has_a_question_and_a_description(root):
    for decision in root.iterfind("dmn:decision", NS):
        assert _text(decision, "dmn:question").endswith("?"), decision.get("name")
        assert len(_text(decision, "dmn:description")) > 40, decision.get("name")


def test_every_input_and_every_field_of_the_data_dictionary_is_described(root):
    for data in root.iterfind("dmn:inputData", NS):
        assert _text(data, "dmn:description"), data.get("name")
    for item in root.iterfind("dmn:itemDefinition", NS):
        assert _text(item, "dmn:description"), item.get("name")
        for component in item.iterfind("dmn:itemComponent", NS):
            assert len(_text(component, "dmn:description")) > 15, f"{item.get('name')}.{component.get('name')}"
    smoking = root.find(".//dmn:itemComponent[@name='significant_smoking_history']", NS)
    assert "pack-years" in _text(smoking, "dmn:description")


def test_data_dictionary_names_and_ranges(root):
    def allowed(name):
        return _text(root.find(f"dmn:itemDefinition[@name='{name}']", NS), "dmn:allowedValues/dmn:text")

    def component(structure, name):
        return root.find(f"dmn:itemDefinition[@name='{structure}']/dmn:itemComponent[@name='{name}']", NS)

    assert allowed("tTransplantType") == '"allogeneic_hct","autologous_hct","solid_organ"'
    assert allowed("tSystemicImmunosuppression") == '"none","ongoing","stopped"'
    transplants = component("tHistory", "transplants")
    assert transplants.get("isCollection") == "true" and _text(transplants, "dmn:typeRef") == "tTransplant"
    assert [c.get("name") for c in root.iterfind("dmn:itemDefinition[@name='tTransplant']/dmn:itemComponent", NS)] == [
        "type", "date"]
    assert _text(component("tHistory", "systemic_immunosuppression"), "dmn:typeRef") == "tSystemicImmunosuppression"
    assert _text(component("tHistory", "immunosuppression_stop_date"), "dmn:typeRef") == "date"
    assert _text(component("tAssessment", "deterioration_expected"), "dmn:typeRef") == "boolean"
    assert _text(component("tAssessment", "deterioration_onset_days_after_apheresis"), "dmn:typeRef") == "tWholeDays"
    assert allowed("tWholeDays") == "decimal(?, 0) = ?"
    # Contract 2.0.0 retired these: the plan's own facts live in the model, the history is a list.
    for structure, name in (("tRequest", "labeled_split_dose"), ("tRequest", "medicare_coverage_decision_exists"),
                            ("tHistory", "labeling_permits_after_allogeneic_transplant"),
                            ("tHistory", "transplant_type"), ("tHistory", "transplant_date")):
        assert component(structure, name) is None, name
    ranges = {("tRequest", "infusions_requested"): ",".join(map(str, range(1, 11))),
              ("tDocumentation", "karnofsky"): ",".join(map(str, range(0, 101, 10))),
              ("tDocumentation", "lansky"): ",".join(map(str, range(0, 101, 10))),
              ("tDocumentation", "pps"): ",".join(map(str, range(0, 101, 10))),
              ("tDocumentation", "ecog"): "0,1,2,3,4,5"}
    for (structure, name), text in ranges.items():
        assert allowed(_text(component(structure, name), "dmn:typeRef")) == text, name


def test_the_service_supplies_the_determination_date(root):
    data = root.find("dmn:inputData[@name='Determination Date']", NS)
    assert data.find("dmn:variable", NS).get("typeRef") == "date"
    assert "never the caller" in _text(data, "dmn:description")


def test_knowledge_source_links_the_policy_and_governs_the_determination(root):
    ks = root.find("dmn:knowledgeSource", NS)
    assert ks.get("name") == "Medical Policy 7.02.11"
    assert ks.get("locationURI", "").startswith("https://")
    governed = [d.get("name") for d in root.iterfind("dmn:decision", NS)
                if d.find(f"dmn:authorityRequirement/dmn:requiredAuthority[@href='#{ks.get('id')}']", NS) is not None]
    assert governed == ["Determination"]


def test_every_input_column_has_a_label(root):
    for decision, table in _tables(root):
        for clause in table.iterfind("dmn:input", NS):
            assert clause.get("label"), f"{decision.get('name')}: {_text(clause, 'dmn:inputExpression/dmn:text')}"


def test_every_rule_carries_its_section_and_explanation_where_both_editors_show_them(root):
    # The KIE editor shows annotation columns, dmn-js shows the rule's description: both say the same. A
    # criteria table's section is an output column, which both editors show.
    finding = {t.get("id") for _, t in _finding_tables(root)}
    for decision, table in _tables(root):
        notes = [a.get("name") for a in table.iterfind("dmn:annotation", NS)]
        for rule in table.iterfind("dmn:rule", NS):
            values = [_text(a, "dmn:text") for a in rule.iterfind("dmn:annotationEntry", NS)]
            if table.get("id") in finding:
                assert notes == ["explanation"], decision.get("name")
                assert _outputs(table, rule)["section"] not in ("", '""'), rule.get("id")
                assert _text(rule, "dmn:description") == values[0], rule.get("id")
            else:
                assert notes == ["policy section", "explanation"], decision.get("name")
                section, explanation = values
                assert section, rule.get("id")
                assert _text(rule, "dmn:description") == section + (f". {explanation}" if explanation else ""), \
                    rule.get("id")


ID_KINDS = [(r"^DATA-", "data"), (r"^(IN)?CONSISTENT-[A-Z-]+$", "inconsistency"),
            (r"^GL-I\.[A-H](\.\d)?$", "documentation"), (r"^(APPLICABILITY|DISCLAIMER)(-[A-Z-]+)?$|^PRODUCT$", "applicability"),
            (r"^II$", "exclusion"), (r"^II-SOLID-ORGAN$", "review"), (r"^I\.[A-C](\.\d)?$", "criterion")]


def test_finding_rows_follow_the_id_patterns_and_say_what_resolves_a_pend(root):
    tables = _finding_tables(root)
    assert len(tables) == 16
    for decision, table in tables:
        for rule in table.iterfind("dmn:rule", NS):
            out = _outputs(table, rule)
            fid, kind = out["id"].strip('"'), out["kind"].strip('"')
            expected = next(k for pattern, k in ID_KINDS if re.match(pattern, fid))
            assert kind == expected, (rule.get("id"), fid, kind)
            assert out["met"] in ("true", "false") and out["text"] not in ("", "null"), rule.get("id")
            pend = out["met"] == "false" and kind in ("data", "documentation", "inconsistency")
            assert (out["needed"] != "null") == pend, rule.get("id")
            # A letter built from `needed` must not ask the hospital for the plan's own data.
            assert (out["supplied_by"].strip('"') in SUPPLIERS) if pend else out["supplied_by"] == "null", rule.get("id")


def test_each_threshold_stands_in_one_cell_of_policy_parameters(root):
    parameters = root.find("dmn:decision[@name='Policy Parameters']/dmn:decisionTable", NS)
    assert parameters.get("hitPolicy") == "UNIQUE" and len(parameters.findall("dmn:rule", NS)) == 1
    outputs = ["transplant_window_days", "deterioration_window_days", "immunosuppression_window_weeks", "effective_date",
               "medicare_national_coverage_decision", "lansky_age_limit_years", "request_date_slack_days"]
    assert [o.get("name") for o in parameters.iterfind("dmn:output", NS)] == outputs
    cells = [(d.get("name"), _text(e, "dmn:text")) for d in root.iterfind("dmn:decision", NS)
             for e in d.iterfind(".//dmn:inputEntry", NS)]
    cells += [(d.get("name"), _text(e, "dmn:text")) for d in root.iterfind("dmn:decision", NS)
              for e in d.iterfind(".//dmn:outputEntry", NS)]
    for name, text in cells:
        if name != "Policy Parameters":
            assert not re.search(r"\b(100|28|16|2026-04-15)\b|\b(four|4) weeks\b", text), \
                (name, text)
    uses = " ".join(text for _, text in cells)
    for output in outputs:
        assert f"Policy Parameters.{output}" in uses, output


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
        assert w >= 160 and h >= 80            # the KIE editor's smallest node
    boxes = list(shapes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]


def test_the_drd_fits_a_laptop_window_at_100_percent(root):
    boxes = _shapes(root).values()
    width = max(x + w for x, _, w, _ in boxes) - min(x for x, _, _, _ in boxes)
    height = max(y + h for _, y, _, h in boxes) - min(y for _, y, _, _ in boxes)
    assert (width, height) <= DRD_BUDGET and width <= DRD_BUDGET[0] and height <= DRD_BUDGET[1]


def test_every_requirement_has_an_edge_between_side_midpoints(root):
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
                if sy + sh < ty:        # downwards: bottom middle to top middle
                    assert (points[0], points[-1]) == ((sx + sw / 2, sy + sh), (tx + tw / 2, ty)), req.get("id")
                else:                   # along a row: facing side middles
                    assert sy == ty, req.get("id")
                    facing = ((sx + sw, sy + sh / 2), (tx, ty + th / 2)) if sx < tx else \
                        ((sx, sy + sh / 2), (tx + tw, ty + th / 2))
                    assert (points[0], points[-1]) == facing, req.get("id")
    assert count == len(edges)


def test_kie_column_widths_cover_every_column_and_leave_reasons_readable(root):
    widths = {w.get("dmnElementRef"): [float(x.text) for x in w.iterfind("kie:width", NS)]
              for w in root.iterfind(".//di:extension/kie:ComponentsWidthsExtension/kie:ComponentWidths", NS)}
    for decision, table in _tables(root):
        columns = [etree.QName(c).localname for c in table if etree.QName(c).localname in ("input", "output", "annotation")]
        stored = widths[table.get("id")]
        assert len(stored) == 1 + len(columns), decision.get("name")      # the row-number column first
        outputs = [o.get("name") for o in table.iterfind("dmn:output", NS)]
        if "text" in outputs:
            assert stored[1 + columns.index("output") + outputs.index("text")] >= 400, decision.get("name")
    for literal in root.iterfind("dmn:decision/dmn:literalExpression", NS):
        assert widths[literal.get("id")][0] >= 600
