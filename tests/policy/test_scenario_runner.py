"""The scenario runner compares what the CAR-T answer says (determination, disposition, findings by id,
each finding counted) and stops where the service stops: at the request gate, the same one a request
passes (the model's schema and contract)."""
import datetime as dt
from pathlib import Path

import pytest
import yaml

import pydmn
from webapp.governance.scenarios import Gate, run_spec

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
SPEC = yaml.safe_load((ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml").read_text())


@pytest.fixture(scope="module")
def model():
    return pydmn.load(MODEL)


def spec_of(inputs, expected, **more):
    return {"model": SPEC["model"], "today": SPEC["today"], "base_inputs": SPEC["base_inputs"],
            "scenarios": [{"title": "t", "inputs": inputs, "expected": expected}], **more}


def run(model, inputs, expected, **more):
    return run_spec(spec_of(inputs, expected, **more), model, MODEL)


GVHD_AND_IMMUNOSUPPRESSION_UNKNOWN = {"History": {"transplants": [{"type": "allogeneic_hct", "date": "2025-06-01"}],
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
    report = run(model, refused, {"rejected": ["Documentation.ecog", "Documentation.karnofsky"]})
    assert report.outcomes[0].passed
    assert sum(len(ids) for ids in report.unexercised.values()) == sum(
        len(d.expression.rules) for d in model.definitions.decisions.values() if hasattr(d.expression, "rules"))
    [unexpected] = run(model, refused, {"determination": "documentation_incomplete"}).outcomes
    assert not unexpected.passed
    assert "rejected by the data dictionary: ['Documentation.ecog', 'Documentation.karnofsky']" in unexpected.problems


def test_the_gate_is_the_services_own(model):
    # The same schema and contract as POST /api/v1/car-t/determinations: allowed values, whole numbers,
    # a list item's fields, and the fields contract 2.0.0 retired.
    inputs = {"Request": {"infusions_requested": 0, "line_of_business": "dental", "labeled_split_dose": True},
              "History": {"transplants": [{"type": "xenograft", "date": None}], "systemic_immunosuppression": "stopped"},
              "Documentation": {"karnofsky": 100, "pps": None, "ecog": 1.5}}
    gate = Gate(SPEC, model, MODEL.parent)
    assert gate.inputs(SPEC, {"inputs": inputs}) == (None, [
        "Documentation.ecog", "History.transplants.type", "Request.infusions_requested",
        "Request.labeled_split_dose", "Request.line_of_business"])


def test_the_determination_date_is_the_files_today_or_the_scenarios_own(model):
    gate = Gate(SPEC, model, MODEL.parent)
    inputs, _ = gate.inputs(SPEC, {"inputs": {}})
    assert inputs["Determination Date"] == dt.date.fromisoformat(SPEC["today"])
    inputs, _ = gate.inputs(SPEC, {"inputs": {}, "today": "2026-06-30"})
    assert inputs["Determination Date"] == dt.date(2026, 6, 30)
    future = {"Request": {"request_date": "2026-05-05"}}
    assert not run(model, future, {"findings": []}).outcomes[0].passed
    later = spec_of(future, {"findings": []})
    later["scenarios"][0]["today"] = "2026-05-04"
    assert run_spec(later, model, MODEL).outcomes[0].passed


def test_a_rule_named_not_reachable_must_not_be_reached(model):
    rule = "DecisionRule_OneTimeTreatment_1"
    report = run(model, {"History": {"prior_car_t_infusion": True}}, {"findings": ["I.A"]},
                 not_reachable={rule: "a stale claim"})
    assert report.reached_unreachable == [rule]
    assert rule not in report.unexercised.get("One-Time Treatment", [])
    quiet = run(model, {}, {"findings": []}, not_reachable={rule: "a stale claim"})
    assert quiet.reached_unreachable == [] and rule not in quiet.unexercised.get("One-Time Treatment", [])
