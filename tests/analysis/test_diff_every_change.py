"""Issue 22 §1: the diff a committee approves reports every change of the CAR-T model, each with what it
changes from and to: a rule's description (dmn-js's annotation) and its annotation cells (the KIE
editor's), an added or removed rule, column, table or item definition with its whole content, and
changes of the diagram's layout alone as layout changes."""
from lxml import etree

from pydmn.analysis import diff_definitions, unlisted
import pydmn
from support.apps import CAR_T
from support.car_t_edits import lab_test_added

NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/", "dc": "http://www.omg.org/spec/DMN/20180521/DC/"}
DMN = "{%s}" % NS["dmn"]


def _tree():
    return etree.parse(str(CAR_T))


def _diff(tree):
    old, new = pydmn.read(CAR_T), pydmn.read(etree.tostring(tree))
    return diff_definitions(old, new, "version 1", "draft")


def _rule(tree, rule_id):
    return tree.getroot().find(f".//dmn:rule[@id='{rule_id}']", NS)


def test_an_edited_rule_description_is_a_change_with_both_texts():
    tree = _tree()
    rule = _rule(tree, "DecisionRule_CARTProduct_1")
    before = rule.findtext("dmn:description", namespaces=NS)
    rule.find("dmn:description", NS).text = "Pharmacy Policy 103, as revised in May."
    diff = _diff(tree)
    [change] = diff.changes
    assert (change.kind, change.decision, change.row, change.column) == ("description", "CAR-T Product", 1, "description")
    assert (change.old, change.new) == (before, "Pharmacy Policy 103, as revised in May.")


def test_an_edited_annotation_cell_is_a_change_with_both_texts():
    tree = _tree()
    entry = _rule(tree, "DecisionRule_CARTProduct_1").findall("dmn:annotationEntry", NS)[1]
    entry.find("dmn:text", NS).text = "Use after a transplant is for the committee."
    [change] = _diff(tree).changes
    assert (change.kind, change.column, change.new) == ("annotation", "explanation",
                                                         "Use after a transplant is for the committee.")


def test_an_added_rule_carries_its_whole_content():
    diff = _diff(etree.fromstring(lab_test_added(CAR_T.read_text(), "A new laboratory test is not documented.")
                                  .encode()))
    [change] = diff.changes
    assert change.kind == "rule-added" and change.decision == "Lab Tests"
    assert 'THEN id = "GL-I.E.9"' in change.new
    assert 'text = "A new laboratory test is not documented."' in change.new
    assert "IF CBC: false, null" in change.new and "section = " in change.new
    assert change.new in diff.text() or all(line in diff.text() for line in change.new.splitlines())


def test_a_removed_rule_carries_its_whole_content():
    tree = _tree()
    rule = _rule(tree, "DecisionRule_RequiredDocumentation_9")
    text = rule.findall("dmn:outputEntry", NS)[4].findtext("dmn:text", namespaces=NS)
    rule.getparent().remove(rule)
    [change] = _diff(tree).changes
    assert change.kind == "rule-removed" and change.new is None
    assert f"text = {' '.join(text.split())}" in change.old


def test_added_and_removed_columns_carry_their_definition():
    tree = _tree()
    table = tree.getroot().find(".//dmn:decisionTable[@id='DecisionTable_LabTests']", NS)
    column = table.find("dmn:input[@id='InputClause_LabTests_6']", NS)
    table.remove(column)
    for rule in table.iterfind("dmn:rule", NS):
        rule.remove(rule.findall("dmn:inputEntry", NS)[5])
    output = table.find("dmn:output[@id='OutputClause_LabTests_supplied_by']", NS)
    extra = etree.SubElement(table, DMN + "output", id="OutputClause_LabTests_note", name="note", typeRef="string")
    output.addnext(extra)
    for rule in table.iterfind("dmn:rule", NS):
        entry = etree.Element(DMN + "outputEntry")
        etree.SubElement(entry, DMN + "text").text = "null"
        rule.findall("dmn:outputEntry", NS)[-1].addnext(entry)
    diff = _diff(tree)
    removed, added = diff.of_kind("column-removed"), diff.of_kind("column-added")
    assert [c.column for c in removed] == ["HIV test"]
    assert "expression: Documentation.hiv_test" in removed[0].old and "type: boolean" in removed[0].old
    assert [c.column for c in added] == ["note"] and "type: string" in added[0].new


def test_an_added_item_definition_and_a_changed_component_are_shown_whole():
    tree = _tree()
    root = tree.getroot()
    item = etree.Element(DMN + "itemDefinition", name="tCenter", id="ItemDefinition_tCenter")
    etree.SubElement(item, DMN + "typeRef").text = "string"
    values = etree.SubElement(item, DMN + "allowedValues")
    etree.SubElement(values, DMN + "text").text = '"certified","other"'
    root.find("dmn:itemDefinition", NS).addprevious(item)
    diff = _diff(tree)
    [change] = diff.of_kind("item-definition")
    assert change.new == 'tCenter: type string, allowed values "certified","other"' and change.old is None


def test_layout_alone_is_reported_as_layout_shape_by_shape():
    tree = _tree()
    bounds = tree.getroot().find(".//{*}DMNShape[@dmnElementRef='Decision_PolicyParameters']/{*}Bounds")
    bounds.set("x", str(float(bounds.get("x")) + 40))
    diff = _diff(tree)
    [change] = diff.changes
    assert (change.kind, change.element_id) == ("layout", "Decision_PolicyParameters")
    assert change.old != change.new and change.new.startswith("x ")
    assert diff.layout_only
    assert unlisted(pydmn.read(CAR_T), pydmn.read(etree.tostring(tree))) == []


def test_a_content_change_beside_a_layout_change_reports_both():
    tree = _tree()
    bounds = tree.getroot().find(".//{*}DMNShape[@dmnElementRef='Decision_PolicyParameters']/{*}Bounds")
    bounds.set("y", str(float(bounds.get("y")) + 15))
    _rule(tree, "DecisionRule_CARTProduct_2").find("dmn:description", NS).text = "Edited."
    diff = _diff(tree)
    assert sorted(c.kind for c in diff.changes) == ["description", "layout"] and not diff.layout_only
