"""Re-determination of cases under a model version (webapp.serving.redetermine): old beside new, the case's own
answer first, the baseline version's otherwise; a case the version's schema refuses is reported
with its errors; the transition summary counts each move."""
from collections import Counter
from pathlib import Path

import pytest

from support.apps import CAR_T_CONTRACT
from webapp.serving.redetermine import (Case, Impact, ModelVersion, Outcome, case_from_record, redetermine,
                           summary_lines, transitions)

MODEL = (Path(__file__).parent / "data" / "threshold.dmn").read_text()


def version(threshold: int) -> ModelVersion:
    return ModelVersion("threshold", MODEL.replace("THRESHOLD", str(threshold)).encode())


def case(case_id, score, documented=True, old=None):
    return Case(case_id, {"Case": {"score": score, "documented": documented}}, old)


APPROVE = Outcome("medically_appropriate", "approve", ())
LOW = Outcome("criteria_not_met", "clinical_review", ("S-1",))


def test_each_case_beside_what_the_baseline_answers():
    cases = [case("a", 40), case("b", 55), case("c", 70), case("d", 55, documented=None)]
    found = {i.case_id: i for i in redetermine(cases, version(60), baseline=version(50))}
    assert found["a"] == Impact("a", LOW, LOW)
    assert found["b"] == Impact("b", APPROVE, LOW)              # 55 passed at 50, fails at 60
    assert found["c"] == Impact("c", APPROVE, APPROVE)
    assert found["d"].old.determination == found["d"].new.determination == "documentation_incomplete"
    counts = transitions(found.values())
    assert counts == Counter({("criteria_not_met", "criteria_not_met"): 1,
                              ("medically_appropriate", "criteria_not_met"): 1,
                              ("medically_appropriate", "medically_appropriate"): 1,
                              ("documentation_incomplete", "documentation_incomplete"): 1})
    assert summary_lines(counts)[0] == "1 medically_appropriate -> criteria_not_met"


def test_what_was_answered_comes_before_the_baseline():
    recorded = Outcome("documentation_incomplete", "pend_for_information", ("DATA-I",))
    [impact] = redetermine([case("a", 70, old=recorded)], version(50), baseline=version(90))
    assert impact.old == recorded and impact.new == APPROVE


def test_a_case_the_schema_refuses_is_reported_not_evaluated():
    cases = [case("a", 140), case("b", "high"), Case("c", [1, 2]), case("d", 70)]
    found = list(redetermine(cases, version(50)))
    assert [i.case_id for i in found] == ["a", "b", "c", "d"]
    assert found[0].new is None and found[0].errors == {"Case": {"score": ["Not among the allowed values [0..100]."]}}
    assert found[1].new is None and "score" in found[1].errors["Case"]
    assert found[2].errors == {"inputs": ["not an object"]}
    assert found[3].new == APPROVE and found[3].errors is None
    assert transitions(found)[("none", "invalid")] == 3


def test_audit_records_of_both_answer_shapes_are_cases():
    v2 = {"id": "e2", "inputs": {"Case": {"score": 70, "documented": True}},
          "outputs": {"determination": "criteria_not_met", "disposition": "clinical_review",
                      "findings": [{"id": "S-1", "kind": "criterion", "text": "low"}], "criteria_met": []}}
    v1 = {"id": "e1", "inputs": {"Case": {"score": 70, "documented": True}},
          "outputs": {"determination": "documentation_incomplete", "failed_criteria": ["I.A"],
                      "missing_documentation": ["GL-I.E.1"], "reasons": []}}
    assert case_from_record(v2).old == LOW
    assert case_from_record(v1).old == Outcome("documentation_incomplete", None, ("I.A", "GL-I.E.1"))
    impacts = list(redetermine(map(case_from_record, [v1, v2]), version(50)))
    assert [i.transition for i in impacts] == [("documentation_incomplete", "medically_appropriate"),
                                               ("criteria_not_met", "medically_appropriate")]


def test_the_car_t_model_answers_as_the_service_does(car_t_source, base_request):
    """The base request of the scenarios is appropriate, under the model and against itself."""
    from webapp.serving.jsonvalues import to_json
    car_t = ModelVersion("car-t-candidate-selection", car_t_source, contract=CAR_T_CONTRACT)
    [impact] = redetermine([Case("base", to_json(base_request))], car_t, baseline=car_t)
    assert impact.new.determination == "medically_appropriate" and impact.new.disposition == "approve"
    assert impact.old == impact.new and impact.errors is None


def test_a_version_without_the_decision_is_refused():
    with pytest.raises(ValueError, match="no decision 'Outcome'"):
        ModelVersion("threshold", MODEL.replace("THRESHOLD", "50").encode(), decision="Outcome")
