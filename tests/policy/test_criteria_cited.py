"""Issue 22 §1: a rule of a criteria table (its rows are findings) without a section or a text is a
validation error, in the API's report, the reload gate and `python -m webapp validate`; and the
answer says only what both modelers edit: a rule's description and annotation cells never reach it."""
from lxml import etree
from click.testing import CliRunner

import pydmn
from support.apps import CAR_T
from webapp.cli.governance import validate_command
from webapp.governance import validation
from webapp.serving.determination import shape

from policy_requests import engine_inputs

NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


def _with_rule_cells(section: str, text: str) -> bytes:
    tree = etree.parse(str(CAR_T))
    rule = tree.getroot().find(".//dmn:rule[@id='DecisionRule_RequiredDocumentation_9']", NS)
    outputs = rule.findall("dmn:outputEntry", NS)
    outputs[3].find("dmn:text", NS).text = section
    outputs[4].find("dmn:text", NS).text = text
    return etree.tostring(tree)


def test_the_model_cites_every_criteria_rule():
    report = validation.as_json(CAR_T.read_bytes())
    assert report["valid"] and not [f for f in report["findings"] if f["code"] == "criteria-uncited"]


def test_a_criteria_rule_without_a_section_or_text_is_an_error(tmp_path):
    for section, text, missing in (("", '"HIV testing is not documented."', "section"),
                                   ('"Guideline I.E.4"', "null", "text"), ('""', "", "section")):
        report = validation.as_json(_with_rule_cells(section, text))
        [finding] = [f for f in report["findings"] if f["code"] == "criteria-uncited"]
        assert not report["valid"] and finding["severity"] == "error"
        assert (finding["table"], finding["rule_ids"], finding["column"]) == (
            "Lab Tests", ["DecisionRule_RequiredDocumentation_9"], missing)
    path = tmp_path / "uncited.dmn"
    path.write_bytes(_with_rule_cells("null", '"HIV testing is not documented."'))
    result = CliRunner().invoke(validate_command, [str(path)])
    assert result.exit_code == 1 and "criteria-uncited" in result.output
    errors, _ = validation.gate(path)
    assert any("criteria-uncited" in e for e in errors)


def _answer(source: bytes, inputs: dict) -> dict:
    model = pydmn.load(source)
    return shape(model, model.evaluate(inputs), "Determination")


def test_rule_documentation_never_reaches_the_answer():
    tree = etree.parse(str(CAR_T))
    for rule in tree.getroot().iterfind(".//dmn:rule", NS):
        for entry in rule.iterfind("dmn:annotationEntry/dmn:text", NS):
            entry.text = "edited in the KIE editor"
        if rule.find("dmn:description", NS) is not None:
            rule.find("dmn:description", NS).text = "edited in dmn-js"
    inputs = engine_inputs(pydmn.load(CAR_T), Documentation={"hiv_test": False})
    before, after = _answer(CAR_T.read_bytes(), inputs), _answer(etree.tostring(tree), inputs)
    after.pop("trace"), before.pop("trace")
    assert after == before and after["findings"] and after["reasons"]
    texts = [r["text"] for r in after["reasons"]] + [r["policy_section"] for r in after["reasons"]]
    assert not any(t and "edited in" in t for t in texts)
