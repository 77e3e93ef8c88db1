"""The answer a UM team gets from POST /api/v1/car-t/determinations on the real model: a determination
and a disposition, every finding and criterion met as an object with its citation and the facts that
decided it (with their values), what resolves a pend and who supplies it, and reasons in one shape at
the top and in the trace."""
import datetime as dt
import json

import pytest

import pydmn
from webapp.api.schemas import EvaluationSchema
from support.apps import make_app
from support.people import as_
from webapp.serving.jsonvalues import to_json
from webapp.governance.scenarios import scenario_inputs
from webapp.api.schemas import DeterminationBatchSchema, DeterminationSchema
from webapp.serving.determination import DISPOSITIONS, FINDING_KINDS, OUTCOMES

from policy_requests import MODEL, allo, request
from support.problems import by_field

H = as_("fay")
CITATION = "Medical Policy 7.02.11, {}, effective 2026-04-15"
REASON_KEYS = {"decision", "rule_id", "rule_index", "policy_section", "finding_id", "met", "text"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("answer"), (MODEL,)).test_client()


_case = request


def _determine(client, **changes):
    response = client.post("/api/v1/car-t/determinations?trace=true", json=_case(**changes), headers=H)
    assert response.status_code == 200, response.json
    return response.json


def _ids(items):
    return sorted(item["id"] for item in items)


def test_an_approval_says_which_criteria_were_met_and_on_which_facts(client):
    answer = _determine(client)
    assert (answer["determination"], answer["disposition"]) == ("medically_appropriate", "approve")
    assert answer["findings"] == answer["failed_criteria"] == answer["missing_documentation"] == []
    met = {c["id"]: c for c in answer["criteria_met"]}
    assert sorted(met) == ["APPLICABILITY", "CONSISTENT-TRANSPLANT-HISTORY", "GL-I.A", "GL-I.B", "GL-I.C", "GL-I.D",
                           "GL-I.E", "GL-I.F", "GL-I.G", "GL-I.H", "I.A", "I.B", "I.C.1", "I.C.2", "II",
                           "II-SOLID-ORGAN", "PRODUCT"]
    assert met["I.A"]["citation"] == CITATION.format("Statement I.A")
    assert [(f["input"], f["test"], f["value"]) for f in met["I.A"]["facts"]] == [
        ("Prior CAR-T infusion", "false", False),
        ("Infusions requested", "<= CAR-T Product.labeled_infusions", 1)]
    assert met["I.A"]["facts"][0]["expression"] == "History.prior_car_t_infusion"
    assert met["I.A"]["text"] == ("One-time treatment: no prior CAR-T infusion, and 1 infusion is requested, within "
                                  "one labeled course of Yescarta (axicabtagene ciloleucel): one infusion.")
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
    # A rule that is not a finding is named by its decision and row: its documentation is the committee's.
    assert [(r["finding_id"], r["text"], r["policy_section"]) for r in determination] == [(None, None, None)]


def test_a_pend_names_what_resolves_each_finding(client):
    answer = _determine(client, Assessment={"mdt_evaluated": None}, Documentation={"hiv_test": False})
    assert (answer["determination"], answer["disposition"]) == ("documentation_incomplete", "pend_for_information")
    assert answer["failed_criteria"] == []
    assert _ids(answer["missing_documentation"]) == ["DATA-I.B", "GL-I.E.4"]
    for finding in answer["findings"]:
        assert set(finding) == {"id", "kind", "citation", "text", "needed", "supplied_by", "facts"}
        assert finding["needed"] and finding["supplied_by"] == "provider"
    [data] = [f for f in answer["findings"] if f["id"] == "DATA-I.B"]
    assert data["kind"] == "data" and data["citation"] == CITATION.format("Statement I.B")
    assert [(f["input"], f["test"], f["value"]) for f in data["facts"]] == [("MDT evaluated", "null", None),
                                                                            ("MDT recommends", "true, null", True)]


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
    assert pend["supplied_by"] == "plan_pharmacy"


def test_a_pend_says_who_supplies_what_it_needs(client):
    # A letter built from `needed` must not ask the hospital for the plan's own data.
    supplied = {}
    for changes in ({"Request": {"line_of_business": None}}, {"Request": {"product": "an unlisted product"}},
                    {"Request": {"product": None}}, {"Request": {"request_date": None}}):
        for finding in _determine(client, **changes)["findings"]:
            supplied[finding["id"], finding["text"][:40]] = finding["supplied_by"]
    assert sorted(set(supplied.values())) == ["plan_eligibility", "plan_pharmacy", "provider"]
    assert supplied["DATA-DISCLAIMER", "The member's line of business is not on "] == "plan_eligibility"
    assert [by for (fid, text), by in supplied.items() if fid == "DATA-PRODUCT"] == ["plan_pharmacy", "provider"]


def test_texts_name_the_fact_that_is_missing(client):
    # Review 5: without a request date the reason is the request date, not the transplant date.
    answer = _determine(client, Request={"request_date": None}, **allo("2026-04-01"))
    texts = " ".join(f["text"] for f in answer["findings"])
    assert "request date is not on record" in texts and "no date" not in texts
    # Review 7: the inpatient reason speaks of an inpatient admission.
    answer = _determine(client, Request={"place_of_service": "inpatient"})
    [finding] = answer["findings"]
    assert finding["id"] == "GL-I.A.2" and "inpatient admission" in finding["text"]
    assert "outpatient admission" not in finding["text"]


def test_a_statement_ii_finding_names_the_trigger_that_applied_with_its_facts(client):
    answer = _determine(client, **allo("2026-04-01"))
    [finding] = answer["findings"]
    assert (finding["id"], finding["kind"]) == ("II", "exclusion")
    assert finding["text"] == ("Allogeneic HCT on 2026-04-01, 30 days before the request date (2026-05-01), within "
                               "the 100-day transplant window; the labeling of Yescarta (axicabtagene ciloleucel) "
                               "does not permit CAR-T therapy after a recent allogeneic transplant.")
    assert "GVHD" not in finding["text"] and "immunosuppression" not in finding["text"]
    facts = {f["input"]: (f["test"], f["value"]) for f in finding["facts"]}
    assert facts == {"Allogeneic HCTs": ("> 0", 1),
                     "Days since the latest allogeneic HCT": ("[0..Policy Parameters.transplant_window_days]", 30),
                     "Labeling permits CAR-T after an allogeneic transplant": ("false", False)}
    stopped = _determine(client, **allo("2025-06-01", systemic_immunosuppression="stopped",
                                         immunosuppression_stop_date="2026-04-10"))["findings"]
    assert [f["text"].split(";")[0] for f in stopped] == [
        "Systemic immunosuppression after an allogeneic HCT stopped on 2026-04-10, 21 days before the request, "
        "within the 4-week immunosuppression window"]
    recent = answer["trace"]["Recent Allogeneic Transplant"]["reasons"]
    assert [r["rule_index"] for r in recent] == [1] and recent[0]["text"] is None


def test_a_future_request_date_is_inconsistent_naming_both_dates(client):
    today = dt.datetime.now(dt.timezone.utc).date()
    ahead = _determine(client, Request={"request_date": str(today + dt.timedelta(days=2))})
    [finding] = ahead["findings"]
    assert (ahead["determination"], finding["id"]) == ("request_inconsistent", "INCONSISTENT-REQUEST-DATE")
    assert str(today + dt.timedelta(days=2)) in finding["text"] and f"({today})" in finding["text"]
    assert _determine(client, Request={"request_date": str(today + dt.timedelta(days=1))})["findings"] == []


def test_the_audit_record_keeps_the_date_the_service_determined_on(client):
    before = dt.datetime.now(dt.timezone.utc).date()
    answer = _determine(client)
    record = client.get(f"/api/v1/evaluations/{answer['evaluation_id']}", headers=H).json
    after = dt.datetime.now(dt.timezone.utc).date()
    assert str(before) <= record["inputs"]["Determination Date"] <= str(after)


def test_a_caller_cannot_send_the_determination_date(client):
    response = client.post("/api/v1/car-t/determinations", json={**_case(), "Determination Date": "2026-01-01"},
                           headers=H)
    assert response.status_code == 422 and "Determination Date" in by_field(response.json)


def test_a_retired_field_is_refused_saying_where_the_fact_lives_now(client):
    body = _case(Request={"labeled_split_dose": True}, History={"transplant_type": "allogeneic_hct"})
    response = client.post("/api/v1/car-t/determinations", json=body, headers=H)
    assert response.status_code == 422
    errors = by_field(response.json)
    assert "product table" in errors["Request"]["labeled_split_dose"][0]
    assert "History.transplants" in errors["History"]["transplant_type"][0]
    assert errors["Request"]["labeled_split_dose"][0].startswith("retired in contract 2.0.0")


def test_the_member_birth_date_may_be_left_out(client):
    body = _case()
    assert "member_birth_date" not in body["Request"]
    assert client.post("/api/v1/car-t/determinations", json=body, headers=H).status_code == 200
    body["Request"].pop("product")
    response = client.post("/api/v1/car-t/determinations", json=body, headers=H)
    assert response.status_code == 422 and "product" in by_field(response.json)["Request"]


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
    cases = [{k: v for k, v in to_json(inputs).items() if k != "Determination Date"}   # the service's own
             for _, inputs in scenario_inputs(MODEL, pydmn.load(MODEL))]
    answered = 0
    for case in cases:
        for query in ("", "?trace=true"):
            response = client.post(f"/api/v1/car-t/determinations{query}", json=case, headers=H)
            if response.status_code == 422:
                continue
            assert response.status_code == 200, response.json
            assert ("trace" in response.json) == bool(query)
            assert DeterminationSchema().validate(response.json) == {}
            assert DeterminationSchema().dump(response.json) == response.json
            answered += 1
    assert answered > len(cases) * 2 * 3 // 4
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
    case = _case(History={"transplants": None}, Documentation={"consults_obtained": None})
    reordered = {section: dict(reversed(list(facts.items()))) for section, facts in reversed(list(case.items()))}
    first, second = (client.post("/api/v1/car-t/determinations", json=c, headers=H).json for c in (case, reordered))
    for answer in (first, second):
        answer.pop("evaluation_id")
    assert first == second
