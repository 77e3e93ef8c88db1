"""The XML reader: versions, structure, diagram, foreign extensions, and refusal of bad input."""
from __future__ import annotations

from pathlib import Path

import pytest

import pydmn
from pydmn import elements as el
from pydmn.errors import ModelError
from pydmn.model.namespaces import MODEL_VERSIONS
from pydmn.model.reader import parse_definitions, read_source

NS15 = "https://www.omg.org/spec/DMN/20230324/MODEL/"
TCK = Path(__file__).resolve().parents[1] / "tck" / "cases"


def dmn(body: str, ns: str = NS15, extra: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{ns}" '
            f'xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" '
            f'xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" '
            f'xmlns:di="http://www.omg.org/spec/DMN/20180521/DI/" '
            f'xmlns:camunda="http://camunda.org/schema/1.0/dmn" {extra} '
            f'id="defs" name="Test model" namespace="http://example.com/test">\n{body}\n'
            f'</definitions>')


TABLE = """
<inputData id="in_age" name="Applicant Age"><variable name="Applicant Age" typeRef="number"/></inputData>
<decision id="d_risk" name="Risk" camunda:historyTimeToLive="30">
  <question>How risky?</question>
  <variable name="Risk" typeRef="string"/>
  <informationRequirement id="ir1"><requiredInput href="#in_age"/></informationRequirement>
  <decisionTable id="dt" hitPolicy="COLLECT" aggregation="COUNT">
    <input id="i1" label="Age"><inputExpression id="ie1" typeRef="number"><text>Applicant Age</text></inputExpression>
      <inputValues><text>[0..150]</text></inputValues></input>
    <output id="o1" name="risk" typeRef="string"><outputValues><text>"low","high"</text></outputValues>
      <defaultOutputEntry><text>"low"</text></defaultOutputEntry></output>
    <annotation name="Why"/>
    <rule id="r1"><description>old</description><inputEntry><text>&gt;= 60</text></inputEntry>
      <outputEntry><text>"high"</text></outputEntry><annotationEntry><text>age</text></annotationEntry></rule>
    <rule id="r2"><inputEntry><text>-</text></inputEntry><outputEntry><text>"low"</text></outputEntry>
      <annotationEntry><text/></annotationEntry></rule>
  </decisionTable>
</decision>
<dmndi:DMNDI><dmndi:DMNDiagram name="main">
  <dmndi:DMNShape dmnElementRef="d_risk"><dc:Bounds x="10" y="20" width="180" height="80"/></dmndi:DMNShape>
  <dmndi:DMNEdge dmnElementRef="ir1"><di:waypoint x="1" y="2"/><di:waypoint x="3.5" y="4"/></dmndi:DMNEdge>
</dmndi:DMNDiagram></dmndi:DMNDI>
"""


def test_reads_decision_table_with_ids_annotations_and_policies():
    defs = parse_definitions(dmn(TABLE).encode())
    assert defs.dmn_version == "1.5" and defs.name == "Test model"
    d = defs.decisions["Risk"]
    assert (d.id, d.question, d.type_ref, d.required_inputs) == ("d_risk", "How risky?", "string",
                                                                  ["Applicant Age"])
    assert d.requirements == [el.Requirement("input", "#in_age", "ir1", "Applicant Age")]
    assert defs.by_id["ir1"] is d.requirements[0]       # what the DMNDI edge "ir1" draws
    dt = d.expression
    assert (dt.hit_policy, dt.aggregation, dt.annotations) == ("COLLECT", "COUNT", ["Why"])
    assert [(i.id, i.label, i.text, i.type_ref, i.input_values) for i in dt.inputs] == [
        ("i1", "Age", "Applicant Age", "number", "[0..150]")]
    out = dt.outputs[0]
    assert (out.name, out.output_values, out.default_output) == ("risk", '"low","high"', '"low"')
    assert [(r.id, r.index, r.input_entries, r.output_entries, r.annotation_entries)
            for r in dt.rules] == [("r1", 1, [">= 60"], ['"high"'], ["age"]),
                                   ("r2", 2, ["-"], ['"low"'], [""])]
    assert dt.rules[0].description == "old"


def test_keeps_diagram_shapes_and_edges_by_element_ref():
    diagram = parse_definitions(dmn(TABLE).encode()).diagram
    assert diagram.shapes["d_risk"].width == 180.0
    assert diagram.edges["ir1"] == [(1.0, 2.0), (3.5, 4.0)]


@pytest.mark.parametrize("ns,version", sorted(MODEL_VERSIONS.items()))
def test_accepts_every_dmn_namespace(ns, version):
    body = '<inputData id="x" name="X"><variable name="X" typeRef="feel:string"/></inputData>'
    defs = parse_definitions(dmn(body, ns, 'xmlns:feel="http://www.omg.org/spec/FEEL/20140401"')
                             .encode())
    assert defs.dmn_version == version
    assert defs.input_data["X"].type_ref == "string"    # DMN 1.1 QName typeRefs lose the prefix


CAMUNDA = "{http://camunda.org/schema/1.0/dmn}"


def test_foreign_extensions_are_kept_as_written_and_never_read_as_dmn():
    body = ('<extensionElements><camunda:properties><camunda:property name="policyNumber" '
            'value="7.02.11"/></camunda:properties></extensionElements>'
            '<camunda:whatever name="zz"/>' + TABLE)
    defs = pydmn.read(dmn(body))
    assert list(defs.decisions) == ["Risk"]
    assert defs.decisions["Risk"].extension_attributes == {CAMUNDA + "historyTimeToLive": "30"}
    [properties] = defs.extension_elements
    assert properties.tag == CAMUNDA + "properties"
    assert properties.children[0].attributes == {"name": "policyNumber", "value": "7.02.11"}


def test_requirements_of_every_kind_keep_their_ids_and_other_models_hrefs():
    body = ('<import namespace="http://lib" name="lib" importType="' + NS15 + '"/>'
            '<knowledgeSource id="ks" name="Policy"><authorityRequirement id="ar0">'
            '<requiredInput href="#i"/></authorityRequirement></knowledgeSource>'
            '<businessKnowledgeModel id="b" name="B"><knowledgeRequirement id="kr1">'
            '<requiredKnowledge href="http://lib#f"/></knowledgeRequirement>'
            '</businessKnowledgeModel>'
            '<inputData id="i" name="I"/><decision id="a" name="A"/>'
            '<decision id="d" name="D"><informationRequirement id="ir1"><requiredDecision '
            'href="#a"/></informationRequirement><informationRequirement id="ir2">'
            '<requiredDecision href="http://lib#x"/></informationRequirement>'
            '<knowledgeRequirement id="kr2"><requiredKnowledge href="#b"/></knowledgeRequirement>'
            '<authorityRequirement id="ar1"><requiredAuthority href="#ks"/>'
            '</authorityRequirement></decision>'
            '<textAnnotation id="t"><text>Why</text></textAnnotation>'
            '<association id="as"><sourceRef href="#t"/><targetRef href="#d"/></association>')
    defs = pydmn.read(dmn(body))
    d = defs.decisions["D"]
    assert [(r.kind, r.id) for r in d.requirements] == [
        ("decision", "ir1"), ("decision", "ir2"), ("knowledge", "kr2"), ("authority", "ar1")]
    assert (d.required_decisions, d.required_knowledge, d.authority) == (
        ["A", "http://lib#x"], ["B"], ["Policy"])
    assert defs.bkms["B"].required_knowledge == ["http://lib#f"]
    assert defs.knowledge_sources["Policy"].authority == ["I"]
    assert {i: type(defs.by_id[i]).__name__ for i in ("ar0", "kr1", "as", "t")} == {
        "ar0": "Requirement", "kr1": "Requirement", "as": "Association", "t": "TextAnnotation"}
    assert (defs.by_id["as"].source_ref, defs.by_id["t"].text) == ("#t", "Why")


def test_loads_from_path_bytes_and_text(tmp_path):
    path = tmp_path / "m.dmn"
    path.write_text(dmn(TABLE))
    for source in (path, str(path), path.read_bytes(), path.read_text()):
        data, file = read_source(source)
        assert parse_definitions(data, file).decisions["Risk"].id == "d_risk"


def test_not_well_formed_names_file_and_line(tmp_path):
    path = tmp_path / "bad.dmn"
    path.write_text(dmn("<decision id='a' name='A'>\n<oops></decision>"))
    with pytest.raises(ModelError) as err:
        parse_definitions(*read_source(path))
    assert err.value.file == str(path) and err.value.line is not None


def test_entities_are_not_expanded():
    doc = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           + dmn('<inputData id="i" name="&x;"/>').split("?>", 1)[1])
    try:
        defs = parse_definitions(doc.encode())
    except ModelError:
        return
    assert "root:" not in "".join(defs.input_data)


@pytest.mark.parametrize("body,problem,element", [
    ('<decision id="a" name="A"/><decision id="b" name="A"/>', "duplicate", "b"),
    ('<decision id="a"/>', "without a name", "a"),
    ('<itemDefinition id="t" name="T"><itemComponent id="c"><typeRef>string</typeRef>'
     '</itemComponent></itemDefinition>', "itemComponent without a name", "c"),
    (TABLE.replace('hitPolicy="COLLECT"', 'hitPolicy="SOMETIMES"'), "hit policy", "dt"),
    (TABLE.replace('<inputEntry><text>-</text></inputEntry>', ''), "input entries", "r2"),
])
def test_invalid_dmn_names_element_and_problem(body, problem, element):
    with pytest.raises(ModelError) as err:
        parse_definitions(dmn(body).encode(), "x.dmn")
    assert problem in str(err.value) and err.value.element_id == element
    assert err.value.file == "x.dmn"


def test_not_dmn_root_is_refused():
    with pytest.raises(ModelError, match="not a DMN"):
        parse_definitions(b"<html/>")


def test_size_limit():
    with pytest.raises(ModelError, match="larger"):
        parse_definitions(b" " * (20 * 1024 * 1024 + 1))


def test_every_tck_model_parses():
    files = sorted(TCK.glob("*/*/*.dmn"))
    assert len(files) > 100
    for f in files:
        parse_definitions(*read_source(f))
