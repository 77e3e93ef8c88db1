"""`normalize` brings the file the KIE editor saves (DMN 1.6, its extensions, data type constraints
as `typeConstraint`) back to the committed DMN 1.3 content, keeping the editor's column widths; the
result validates and evaluates the same."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import pydmn
from pydmn.analysis import has_errors, validate
from webapp.cli.governance import normalize_command
from webapp.governance.normalize import normalize
from webapp.governance.scenarios import scenario_inputs

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
KIE = "https://kie.org/dmn/extensions/1.0"
V16 = {"https://www.omg.org/spec/DMN/20191111/MODEL/": "https://www.omg.org/spec/DMN/20240513/MODEL/",
       "https://www.omg.org/spec/DMN/20191111/DMNDI/": "https://www.omg.org/spec/DMN/20230324/DMNDI/",
       "https://www.omg.org/spec/DMN/20191111/FEEL/": "https://www.omg.org/spec/DMN/20240513/FEEL/"}


def with_kie_edits(data: bytes) -> bytes:
    """What the KIE editor adds when a committee member works on the model: a column width on
    the first decision table, a note on an input (in whatever DMN version `data` is)."""
    root = etree.fromstring(data)
    table = root.xpath("//*[local-name()='decisionTable']")[0]
    diagram = root.xpath("//*[local-name()='DMNDiagram']")[0]
    holder = diagram.xpath("*[local-name()='extension']/*[local-name()='ComponentsWidthsExtension']")
    if not holder:
        extension = etree.Element("{http://www.omg.org/spec/DMN/20180521/DI/}extension")
        diagram.insert(0, extension)
        holder = [etree.SubElement(extension, f"{{{KIE}}}ComponentsWidthsExtension")]
    widths = etree.SubElement(holder[0], f"{{{KIE}}}ComponentWidths", dmnElementRef=table.get("id"))
    etree.SubElement(widths, f"{{{KIE}}}width").text = "61"
    root.xpath("//*[local-name()='inputData']")[0].set(f"{{{KIE}}}note", "reviewed")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def as_kie_16(data: bytes) -> bytes:
    """The model as the KIE editor saves it after a constraint edit: DMN 1.6 namespaces, its
    extensions, each enumerated data type's constraint written as `typeConstraint`."""
    text = with_kie_edits(data).decode()
    for old, new in V16.items():
        text = text.replace(old, new)
    root = etree.fromstring(text.encode())
    for allowed in root.xpath("//*[local-name()='itemDefinition'][not(@isCollection='true')]"
                              "/*[local-name()='allowedValues']"):
        allowed.tag = etree.QName(etree.QName(allowed).namespace, "typeConstraint").text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def canonical(data: bytes) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    etree.cleanup_namespaces(root)
    return etree.tostring(root, method="c14n")


def test_the_kie_file_has_type_constraints():
    kie = as_kie_16(MODEL.read_bytes())
    assert b"typeConstraint" in kie and b"20240513" in kie and b"ComponentsWidthsExtension" in kie


def test_kie_file_comes_back_as_the_committed_content_with_its_widths_kept():
    normalized = normalize(as_kie_16(MODEL.read_bytes()))
    assert b"typeConstraint" not in normalized and b"20191111/MODEL" in normalized
    root = etree.fromstring(normalized)
    assert "61" in [w.text for w in root.xpath("//*[local-name()='ComponentsWidthsExtension']//*[local-name()='width']")]
    assert root.xpath("//*[local-name()='inputData']")[0].get(f"{{{KIE}}}note") == "reviewed"
    assert canonical(normalized) == canonical(with_kie_edits(MODEL.read_bytes()))


def test_the_normalized_model_validates_and_evaluates_the_same(tmp_path):
    normalized = tmp_path / MODEL.name
    normalized.write_bytes(normalize(as_kie_16(MODEL.read_bytes())))
    findings = validate(normalized)
    assert not has_errors(findings), [str(f) for f in findings if f.severity == "error"]
    assert not [f for f in findings if f.code.startswith("xsd")]
    before, after = pydmn.load(MODEL), pydmn.load(normalized)
    cases = scenario_inputs(MODEL, before)
    assert cases
    for name, inputs in cases:
        a, b = before.evaluate(dict(inputs)), after.evaluate(dict(inputs))
        assert {n: r.value for n, r in a.decisions.items()} == {n: r.value for n, r in b.decisions.items()}, name


def test_a_13_file_is_left_as_it_is():
    assert canonical(normalize(MODEL.read_bytes())) == canonical(MODEL.read_bytes())


def test_a_constraint_on_a_whole_collection_is_refused_not_dropped():
    kie = as_kie_16(MODEL.read_bytes())
    root = etree.fromstring(kie)
    collection = root.xpath("//*[local-name()='itemDefinition'][@isCollection='true']")[0]
    constraint = etree.SubElement(collection, etree.QName(etree.QName(root).namespace, "typeConstraint").text)
    etree.SubElement(constraint, etree.QName(etree.QName(root).namespace, "text").text).text = "count(?) < 5"
    collection.insert(1, constraint)
    with pytest.raises(pydmn.ModelError, match="typeConstraint"):
        normalize(etree.tostring(root))


def test_newer_only_constructs_are_refused_not_dropped():
    kie = as_kie_16(MODEL.read_bytes())
    literal = re.search(rb"<literalExpression id=\"[^\"]+\"", kie)
    assert literal, "the model has no literal expression to put a conditional beside"
    kie = kie.replace(literal.group(), b'<conditional id="c1"><if><literalExpression><text>true</text>'
                      b'</literalExpression></if></conditional>' + literal.group(), 1)
    with pytest.raises(pydmn.ModelError, match="conditional"):
        normalize(kie)


def test_command_rewrites_a_file(tmp_path):
    target = tmp_path / "saved.dmn"
    target.write_bytes(as_kie_16(MODEL.read_bytes()))
    result = CliRunner().invoke(normalize_command, [str(target)])
    assert result.exit_code == 0, result.output
    assert canonical(target.read_bytes()) == canonical(with_kie_edits(MODEL.read_bytes()))


def test_command_reports_a_non_dmn_file(tmp_path):
    target = tmp_path / "x.dmn"
    target.write_text("<a/>")
    result = CliRunner().invoke(normalize_command, [str(target)])
    assert result.exit_code != 0 and "not a DMN" in result.output
