"""The scenario runner compares what the CAR-T answer says (determination, disposition, findings by id,
each finding counted) and stops where the service stops: at values the data dictionary refuses."""
from pathlib import Path

import pytest
import yaml

import pydmn
from webapp.scenarios import rejected_fields, run_spec

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
SPEC = yaml.safe_load((ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml").read_text())


@pytest.fixture(scope="module")
def model():
    return pydmn.load(MODEL)


def run(model, inputs, expected):
    spec = {"base_inputs": SPEC["base_inputs"], "scenarios": [{"title": "t", "inputs": inputs, "expected": expected}]}
    return run_spec(spec, model, MODEL)


GVHD_AND_IMMUNOSUPPRESSION_UNKNOWN = {"History": {"transplant_type": "allogeneic_hct", "transplant_date": "2025-06-01",
                                                  "active_gvhd": None, "systemic_immunosuppression": None}}


def test_a_wrong_disposition_is_reported(model):
    [outcome] = run(model, {"Request": {"pharmacy_approved": None}},
                    {"determination": "documentation_incomplete", "disposition": "approve"}).outcomes
    assert not outcome.passed
    assert outcome.problems == ["disposition: expected 'approve', got 'pend_for_information'"]


def test_findings_are_compared_by_id_each_one_counted(model):
    twice = ["DATA-II", "DATA-II"]
    assert run(model, GVHD_AND_IMMUNOSUPPRESSION_UNKNOWN, {"findings": twice}).outcomes[0].passed
    [once] = run(model, GVHD_AND_IMMUNOSUPPRESSION_UNKNOWN, {"findings": ["DATA-II"]}).outcomes
    assert not once.passed and "findings" in once.problems[0]
    [met] = run(model, {}, {"criteria_met": ["I.A"]}).outcomes
    assert not met.passed and "criteria_met" in met.problems[0]


def test_refused_values_are_not_evaluated(model):
    refused = {"Documentation": {"karnofsky": 500, "ecog": 9}}
    report = run(model, refused, {"rejected": ["Documentation.karnofsky", "Documentation.ecog"]})
    assert report.outcomes[0].passed
    assert sum(len(ids) for ids in report.unexercised.values()) == sum(
        len(d.expression.rules) for d in model.definitions.decisions.values() if hasattr(d.expression, "rules"))
    [unexpected] = run(model, refused, {"determination": "documentation_incomplete"}).outcomes
    assert not unexpected.passed
    assert "rejected by the data dictionary: ['Documentation.karnofsky', 'Documentation.ecog']" in unexpected.problems


def test_refused_fields_follow_the_item_definitions(model):
    inputs = {"Request": {"infusions_requested": 0, "line_of_business": "dental"},
              "History": {"transplant_type": "xenograft", "systemic_immunosuppression": "stopped"},
              "Documentation": {"karnofsky": 100, "pps": None, "ecog": 5.5}}
    assert rejected_fields(model, inputs) == ["Request.infusions_requested", "Request.line_of_business",
                                              "History.transplant_type", "Documentation.ecog"]
