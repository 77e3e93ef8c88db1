"""The export document: policy metadata and DRD drawing from the model itself."""
from pathlib import Path

import pydmn
from webapp.export.document import build_document, policy_metadata
from webapp.export.drd_svg import drd_svg

DATA = Path(__file__).parent.parent / "analysis" / "data"
NS = 'xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"'


def test_metadata_from_extension_elements_and_properties():
    xml = (f'<definitions {NS} xmlns:p="urn:policy" id="d" name="n" namespace="urn:x">'
           '<extensionElements><p:policy p:policyNumber="7.02.11"/>'
           '<p:property name="effective-date" value="2025-07-01"/></extensionElements></definitions>')
    assert policy_metadata(pydmn.read(xml.encode())) == {"policy_number": "7.02.11",
                                                         "effective_date": "2025-07-01"}


def test_metadata_from_description_lines():
    doc = build_document(DATA / "seeded-defects.dmn")
    assert (doc["policy_number"], doc["effective_date"]) == ("TEST-001", "2026-01-01")


def test_version_is_sha256_of_the_file():
    import hashlib
    path = DATA / "seeded-defects.dmn"
    assert build_document(path)["version"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_drd_uses_dmn_notation_per_element_kind():
    path = DATA / "seeded-defects.dmn"
    svg = drd_svg(pydmn.read(path))
    assert svg.count('class="shape decision"') == 3 and svg.count('class="shape inputData"') == 3
    assert svg.count('class="shape knowledgeSource"') == 1
    assert svg.count('class="edge information"') == 5 and svg.count('class="edge authority"') == 1


def test_model_without_diagram_has_no_svg():
    xml = f'<definitions {NS} id="d" name="n" namespace="urn:x"/>'.encode()
    assert build_document(xml)["svg"] is None


def test_metadata_from_prose_in_the_description():
    xml = (f'<definitions {NS} id="d" name="n" namespace="urn:x"><description>Medical Policy 7.02.11, '
           'CAR-T Therapy (effective April 15, 2026).</description></definitions>')
    assert policy_metadata(pydmn.read(xml.encode())) == {"policy_number": "7.02.11",
                                                         "effective_date": "April 15, 2026"}
