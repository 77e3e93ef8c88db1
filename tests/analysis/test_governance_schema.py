"""XSD validation against the shipped OMG schemas."""
from pathlib import Path

import pytest

from pydmn.analysis.schema import XSD_DIR, _schema, validate_schema
from pydmn.model.namespaces import VERSIONS

DATA = Path(__file__).parent / "data"
TCK = Path(__file__).parents[1] / "tck" / "cases"


@pytest.mark.parametrize("file_name", sorted({v.xsd for v in VERSIONS.values()}))
def test_every_shipped_schema_compiles_offline(file_name):
    assert (XSD_DIR / file_name).exists()
    assert _schema(file_name) is not None


def test_tck_models_are_schema_valid():
    files = sorted(TCK.glob("compliance-level-*/*/*.dmn"))
    assert len(files) > 100
    bad = {str(f): validate_schema(f.read_bytes(), str(f)) for f in files}
    assert {k: v for k, v in bad.items() if v} == {}


def test_schema_errors_name_line_and_problem():
    findings = validate_schema((DATA / "schema-invalid.dmn").read_bytes(), "schema-invalid.dmn")
    assert {f.code for f in findings} == {"xsd"}
    assert all(f.severity == "error" for f in findings)
    messages = " ".join(f.message for f in findings)
    assert "colour" in messages and "bogus" in messages
    assert sorted(f.line for f in findings) == [25, 30]


def test_not_xml_and_not_dmn():
    assert validate_schema(b"<definitions", "x")[0].code == "xml"
    finding = validate_schema(b'<definitions xmlns="urn:other"/>')[0]
    assert finding.code == "xsd" and "not a DMN definitions" in finding.message


def test_dmn_11_and_16_documents_validate():
    for ns in ("http://www.omg.org/spec/DMN/20151101/dmn.xsd",
               "https://www.omg.org/spec/DMN/20240513/MODEL/"):
        xml = (f'<definitions xmlns="{ns}" id="d" name="n" namespace="urn:x">'
               f'<inputData id="i" name="a"><variable id="v" name="a"/></inputData></definitions>')
        assert validate_schema(xml.encode()) == []
