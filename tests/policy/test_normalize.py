"""`normalize` brings a DMN 1.6 file with KIE extensions back to the committed DMN 1.3 content."""
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pydmn.errors import ModelError
from pydmn.model.dmn13 import to_dmn13
from webapp.normalize import normalize_command

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
KIE_DIAGRAM_EXTENSION = (
    '<di:extension><kie:ComponentsWidthsExtension><kie:ComponentWidths dmnElementRef="DecisionTable_OrganFunction">'
    '<kie:width>60</kie:width></kie:ComponentWidths></kie:ComponentsWidthsExtension></di:extension>')


def _as_kie_16(text: str) -> bytes:
    text = (text.replace("https://www.omg.org/spec/DMN/20191111/MODEL/", "https://www.omg.org/spec/DMN/20240513/MODEL/")
            .replace("https://www.omg.org/spec/DMN/20191111/DMNDI/", "https://www.omg.org/spec/DMN/20230324/DMNDI/")
            .replace("https://www.omg.org/spec/DMN/20191111/FEEL/", "https://www.omg.org/spec/DMN/20240513/FEEL/")
            .replace('xmlns:di=', 'xmlns:kie="https://kie.org/dmn/extensions/1.0" xmlns:di=', 1)
            .replace('<dmndi:DMNDiagram id="DMNDiagram_CarT" name="CAR-T Candidate Selection">',
                     '<dmndi:DMNDiagram id="DMNDiagram_CarT" name="CAR-T Candidate Selection">' + KIE_DIAGRAM_EXTENSION)
            .replace('<inputData id="InputData_Request"', '<inputData kie:note="x" id="InputData_Request"'))
    return text.encode()


def _canonical(data: bytes) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(data, parser), method="c14n")


def test_kie_16_file_comes_back_as_the_committed_13_content():
    source = MODEL.read_bytes()
    kie = _as_kie_16(source.decode())
    assert b"kie:" in kie and b"20240513" in kie
    assert _canonical(to_dmn13(kie)) == _canonical(source)


def test_13_file_is_left_as_it_is():
    assert _canonical(to_dmn13(MODEL.read_bytes())) == _canonical(MODEL.read_bytes())


def test_newer_only_constructs_are_refused_not_dropped():
    kie = _as_kie_16(MODEL.read_text()).replace(
        b'<literalExpression id="LiteralExpression_Determination_failed"',
        b'<conditional id="c1"><if><literalExpression><text>true</text></literalExpression></if></conditional>'
        b'<literalExpression id="LiteralExpression_Determination_failed"')
    with pytest.raises(ModelError, match="conditional"):
        to_dmn13(kie)


def test_command_rewrites_a_file(tmp_path):
    target = tmp_path / "saved.dmn"
    target.write_bytes(_as_kie_16(MODEL.read_text()))
    result = CliRunner().invoke(normalize_command, [str(target)])
    assert result.exit_code == 0, result.output
    assert _canonical(target.read_bytes()) == _canonical(MODEL.read_bytes())


def test_command_reports_a_non_dmn_file(tmp_path):
    target = tmp_path / "x.dmn"
    target.write_text("<a/>")
    result = CliRunner().invoke(normalize_command, [str(target)])
    assert result.exit_code != 0 and "not a DMN" in result.output
