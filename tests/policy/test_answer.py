"""The answer a UM team gets from POST /api/v1/car-t/determinations on the real model: a determination
and a disposition, every finding as an object with its citation and what resolves it, the criteria met
with the facts they rest on, and reasons in one shape at the top and in the trace."""
import copy
import json
import shutil
from pathlib import Path

import pytest
import yaml

import pydmn
from webapp.api.schemas import EvaluationSchema
from webapp.app import create_app
from webapp.auth import hash_key
from webapp.jsonvalues import to_json
from webapp.scenarios import scenario_inputs
from webapp.determination import (DISPOSITIONS, FINDING_KINDS, OUTCOMES, DeterminationSchema,
                                   DeterminationBatchSchema)

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
BASE = yaml.safe_load((ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml").read_text())["base_inputs"]
H = {"Authorization": "Bearer k"}
CITATION = "Medical Policy 7.02.11, {}, effective 2026-04-15"
REASON_KEYS = {"decision", "rule_id", "rule_index", "policy_section", "finding_id", "met", "text"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("answer")
    (tmp / "decisions").mkdir()
    shutil.copy(MODEL, tmp / "decisions" / MODEL.name)
    app = create_app({"MODELS_DIR": str(tmp / "decisions"), "VAR_DIR": str(tmp / "var"),
                      "DATABASE_URL": f"sqlite:///{tmp / 'audit.db'}",
                      "API_KEYS": f"{hash_key('k')}:evaluate,audit"})
    return app.test_client()


def _case(**changes):
    case = copy.deepcopy(BASE)
    for section, facts in changes.items():
        case[section].update(facts)
    return case


def _determine(client, **changes):
    response = client.post("/api/v1/car-t/determinations", json=_case(**changes), headers=H)
    assert response.status_code == 200, response.json
    return response.json


def _ids(items):
    return sorted(item["id"] for item in items)


def test_an_approval_says_which_criteria_were_met_and_on_which_facts(client):
    answer = _determine(client)
    assert (answer["determination"], answer["disposition"]) == ("medically_appropriate", "approve")
    assert answer["findings"] == answer["failed_criteria"] == answer["missing_documentation"] == []
    met = {c["id"]: c for c in answer["criteria_met"]}
    assert sorted(met) == ["APPLICABILITY", "GL-I.A", "GL-I.B", "GL-I.C", "GL-I.D", "GL-I.E", "GL-I.F", "GL-I.G",
                           "GL-I.H", "I.A", "I.B", "I.C.1", "I.C.2", "II"]
    assert met["I.A"]["citation"] == CITATION.format("Statement I.A")
    assert {(f["input"], f["test"]) for f in met["I.A"]["facts"]} == {("Prior CAR-T infusion", "false"),
                                                                      ("Infusions requested", "1")}
    assert met["I.A"]["facts"][0]["expression"] == "History.prior_car_t_infusion"
    assert met["GL-I.D"]["text"] == "Performance status documented: Karnofsky 80."
    assert all(c["facts"] and c["text"] for c in answer["criteria_met"])
    assert answer["reasons"], "an approval is explained too"


def test_reasons_have_one_shape_at_the_top_and_in_the_trace(client):
    answer = _determine(client, Assessment={"mdt_evaluated": None}, Documentation={"hiv_test": False})
    assert answer["reasons"] == [r for d in answer["trace"].values() for r in d["reasons"]]
    assert all(set(r) == REASON_KEYS for r in answer["reasons"])
    by_finding = {r["finding_id"]: r for r in answer["reasons"] if r["met"] is False}
    assert by_finding["GL-I.E.4"]["text"] == "HIV testing is not documented."
    assert by_finding["GL-I.E.4"]["policy_section"] == "Guideline I.E.4"
    determination = [r for r in answer["reasons"] if r["decision"] == "Determination"]
    assert [r["finding_id"] for r in determination] == [None] and determination[0]["text"]


def test_a_pend_names_what_resolves_each_finding(client):
    answer = _determine(client, Assessment={"mdt_evaluated": None}, Documentation={"hiv_test": False})
    assert (answer["determination"], answer["disposition"]) == ("documentation_incomplete", "pend_for_information")
    assert answer["failed_criteria"] == []
    assert _ids(answer["missing_documentation"]) == ["DATA-I.B", "GL-I.E.4"]
    for finding in answer["findings"]:
        assert set(finding) == {"id", "kind", "citation", "text", "needed"}
        assert finding["needed"]
    [data] = [f for f in answer["findings"] if f["id"] == "DATA-I.B"]
    assert data["kind"] == "data" and data["citation"] == CITATION.format("Statement I.B")


def test_not_applicable_still_lists_every_finding(client):
    answer = _determine(client, Request={"pharmacy_approved": False},
                        History={"prior_car_t_infusion": True}, Assessment={"mdt_recommends": False})
    assert (answer["determination"], answer["disposition"]) == ("policy_not_applicable", "not_under_this_policy")
    assert _ids(answer["findings"]) == ["APPLICABILITY-PHARMACY", "I.A", "I.B"]
    assert _ids(answer["failed_criteria"]) == ["APPLICABILITY-PHARMACY", "I.A", "I.B"]
    kinds = {f["id"]: f["kind"] for f in answer["findings"]}
    assert kinds == {"APPLICABILITY-PHARMACY": "applicability", "I.A": "criterion", "I.B": "criterion"}
    assert all(f["needed"] is None for f in answer["findings"])


def test_unknown_pharmacy_approval_is_a_pend_for_pharmacy_not_a_failure(client):
    answer = _determine(client, Request={"pharmacy_approved": None}, History={"prior_car_t_infusion": True})
    assert (answer["determination"], answer["disposition"]) == ("criteria_not_met", "pend_for_information")
    assert _ids(answer["failed_criteria"]) == ["I.A"]
    [pend] = answer["missing_documentation"]
    assert pend["id"] == "DATA-APPLICABILITY-PHARMACY" and "Pharmacy" in pend["needed"]


def test_texts_name_the_fact_that_is_missing(client):
    # Review 5: without a request date the reason is the request date, not the transplant date.
    answer = _determine(client, Request={"request_date": None},
                        History={"transplant_type": "allogeneic_hct", "transplant_date": "2026-04-01"})
    texts = " ".join(f["text"] for f in answer["findings"])
    assert "request date is not on record" in texts and "date of the transplant is not" not in texts
    # Review 7: the inpatient reason speaks of an inpatient admission.
    answer = _determine(client, Request={"place_of_service": "inpatient"})
    [finding] = answer["findings"]
    assert finding["id"] == "GL-I.A.2" and "inpatient admission" in finding["text"]
    assert "outpatient admission" not in finding["text"]


def test_every_ii_finding_and_window_text_states_the_parameters(client):
    answer = _determine(client, History={"transplant_type": "allogeneic_hct", "transplant_date": "2026-04-01"})
    [finding] = answer["findings"]
    assert (finding["id"], finding["kind"]) == ("II", "exclusion")
    assert "within 100 days" in finding["text"] and "within 4 weeks" in finding["text"]
    recent = answer["trace"]["Recent Transplant"]["reasons"]
    assert [r["rule_index"] for r in recent] == [1] and recent[0]["text"]


def test_the_body_matches_its_schema_and_the_enums_match_the_model(client):
    answer = _determine(client, Assessment={"deterioration_expected": False,
                                            "deterioration_onset_days_after_apheresis": 10})
    assert answer["determination"] == "request_inconsistent"
    assert DeterminationSchema().validate(answer) == {}
    assert DeterminationSchema().dump(answer) == answer
    bad = dict(answer, disposition="deny")
    assert "disposition" in DeterminationSchema().validate(bad)
    types = pydmn.load(MODEL).definitions.item_definitions
    for name, values in (("tOutcome", OUTCOMES), ("tDisposition", DISPOSITIONS), ("tFindingKind", FINDING_KINDS)):
        assert types[name].allowed_values == ",".join(f'"{v}"' for v in values)
    batch = client.post("/api/v1/car-t/determinations:batch", json={"cases": [_case(), _case()]}, headers=H).json
    assert DeterminationBatchSchema().validate(batch) == {}


def test_every_scenario_is_answered_in_the_shape_its_schema_documents(client):
    # The endpoints send the answer without dumping it through the schema (webapp.api.common.built_answer),
    # so what they send must already be what the dump would give, on every scenario the model has.
    cases = [to_json(inputs) for _, inputs in scenario_inputs(MODEL, pydmn.load(MODEL))]
    answered = 0
    for case in cases:
        response = client.post("/api/v1/car-t/determinations", json=case, headers=H)
        if response.status_code == 422:
            continue
        assert response.status_code == 200, response.json
        assert DeterminationSchema().validate(response.json) == {}
        assert DeterminationSchema().dump(response.json) == response.json
        answered += 1
    assert answered > len(cases) * 3 // 4
    evaluated = client.post("/api/v1/models/car-t-candidate-selection/evaluate",
                            json={"inputs": cases[0]}, headers=H).json
    assert EvaluationSchema().validate(evaluated) == {} and EvaluationSchema().dump(evaluated) == evaluated


def test_the_audit_record_keeps_the_determination_disposition_and_findings(client):
    answer = _determine(client, Documentation={"cbc": False})
    record = client.get(f"/api/v1/evaluations/{answer['evaluation_id']}", headers=H).json
    assert record["outputs"] == {"determination": "documentation_incomplete", "disposition": "pend_for_information",
                                 "findings": answer["findings"], "criteria_met": [c["id"] for c in answer["criteria_met"]]}
    assert "DecisionRule_RequiredDocumentation_9" in json.dumps(record["matched_rules"])


def test_the_answer_does_not_depend_on_field_order(client):
    case = _case(History={"transplant_type": None}, Documentation={"consults_obtained": None})
    reordered = {section: dict(reversed(list(facts.items()))) for section, facts in reversed(list(case.items()))}
    first, second = (client.post("/api/v1/car-t/determinations", json=c, headers=H).json for c in (case, reordered))
    for answer in (first, second):
        answer.pop("evaluation_id")
    assert first == second
