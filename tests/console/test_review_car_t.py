"""The review of a CAR-T policy change (issue 13): the transplant window of Policy Parameters moved
from 100 to 90 days. The diff is that one cell, the scenarios that change are named, and the newest
audited determinations are re-evaluated under the draft: the 95-day case changes, each changed case
opens (role audit) with both answers, and the evidence names cases by id, never by their inputs."""
import copy
import datetime as dt
import json
import re

import pytest

from support.apps import CAR_T, CAR_T_ID, CAR_T_SCENARIOS, make_app, ROOT
from support.car_t_edits import WINDOW, window_changed
from support.people import as_

M = f"/api/v1/models/{CAR_T_ID}"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("car-t"), models=(CAR_T, CAR_T_SCENARIOS))
    client = app.test_client()
    request = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())
    request_date = dt.date.fromisoformat(request["Request"]["request_date"])
    cases = {}
    for days in (95, 150):
        case = copy.deepcopy(request)
        case["History"]["transplants"] = [{"type": "allogeneic_hct",
                                           "date": str(request_date - dt.timedelta(days=days))}]
        cases[days] = client.post("/api/v1/car-t/determinations", json=case, headers=as_("eve")).json
    cases["plain"] = client.post("/api/v1/car-t/determinations", json=request, headers=as_("eve")).json
    source = client.get(f"{M}/versions/1/dmn", headers=as_("ann")).get_data(as_text=True)
    draft = client.post(f"{M}/versions", json={"content": window_changed(source, 90), "comment": "90 days"},
                        headers=as_("ann")).json
    review = client.get(f"{M}/versions/{draft['number']}/review", headers=as_("cat")).json
    yield client, cases, draft, review
    app.extensions["audit"].close()


def test_the_diff_is_exactly_the_window_cell(reviewed):
    _, _, _, review = reviewed
    changes = review["evidence"]["diff"]["changes"]
    assert [(c["kind"], c["decision"], c["column"], c["old"], c["new"]) for c in changes] == [
        ("cell", "Policy Parameters", WINDOW, "100", "90")]
    assert review["evidence"]["validation"]["valid"] is True


def test_the_scenarios_that_change_are_named(reviewed):
    _, _, _, review = reviewed
    scenarios = review["evidence"]["scenarios"]
    answered = {c["scenario"] for c in scenarios["impact"]["changes"] if c["decision"] in ("Determination", "Disposition")}
    # The window is Statement II's for allogeneic HCTs and for the solid-organ reading alike.
    assert answered == {"Allogeneic transplant 100 days before request (boundary, excluded)",
                        "Solid-organ transplant 100 days ago with ongoing immunosuppression (boundary, within the window)"}
    assert sorted(f["title"] for f in scenarios["failed"]) == sorted(answered)
    assert scenarios["run"] == scenarios["passed"] + 2
    # The impact is read on the decision the scenarios check, then the model's top decisions.
    impact = scenarios["impact"]
    assert impact["decisions"][0] == "Determination"
    assert any(h["decision"] == "Determination" for g in impact["groups"] for h in g["answer"]), impact["groups"]


def test_the_95_day_case_changes_and_the_others_do_not(reviewed):
    _, cases, _, review = reviewed
    real = review["evidence"]["real_cases"]
    assert real["considered"] == 3 and real["changed"] == 1 and real["unchanged"] == 2
    assert real["transitions"] == [{"old": "not_medically_necessary", "new": "medically_appropriate", "count": 1,
                                    "cases": [cases[95]["evaluation_id"]]}]
    changed = real["cases"][cases[95]["evaluation_id"]]
    assert changed["old"]["findings"] == ["II"] and changed["new"]["determination"] == "medically_appropriate"
    assert '"Request":' not in json.dumps(review["evidence"])   # no patient data (the request's facts) in the evidence


def test_a_changed_case_opens_with_both_answers_for_the_audit_role(reviewed):
    client, cases, draft, _ = reviewed
    url = f"{M}/versions/{draft['number']}/cases/{cases[95]['evaluation_id']}"
    assert client.get(url, headers=as_("cat")).status_code == 403
    opened = client.get(url, headers=as_("ida")).json
    assert opened["inputs"]["History"]["transplants"][0]["type"] == "allogeneic_hct"
    assert opened["recorded"]["determination"] == "not_medically_necessary"
    assert opened["serving"]["decisions"]["Determination"]["value"] == "not_medically_necessary"
    assert opened["draft"]["decisions"]["Determination"]["value"] == "medically_appropriate"
    assert opened["draft"]["decisions"]["Policy Parameters"]["value"][WINDOW] == 90
    assert (opened["serving"]["number"], opened["draft"]["number"]) == (1, draft["number"])


def test_the_evidence_report_names_the_transition_and_the_cell(reviewed):
    client, cases, draft, review = reviewed
    html = client.get(f"{M}/versions/{draft['number']}/reviews/{review['digest']}?format=html", headers=as_("fay"))
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert WINDOW in text and "not_medically_necessary" in text and cases[95]["evaluation_id"] in text
    assert "allogeneic_hct" not in text                           # no case inputs in the document


def test_case_level_impact_needs_the_author_approver_or_audit_role(reviewed):
    """Issue 20 §4: an evaluate-only key read other callers' cases, with their evaluation ids, in the
    evidence, while GET /evaluations/{id} told it 403."""
    client, cases, draft, review = reviewed
    changed = cases[95]["evaluation_id"]
    path = f"{M}/versions/{draft['number']}"
    for person in ("ann", "cat", "ida"):                          # author, approver, audit
        seen = client.get(f"{path}/review", headers=as_(person)).json["evidence"]["real_cases"]
        assert seen["transitions"][0]["cases"] == [changed] and changed in seen["cases"] and "hidden" not in seen
    assert client.get(f"/api/v1/evaluations/{changed}", headers=as_("eve")).status_code == 403
    counts = client.get(f"{path}/review", headers=as_("eve")).json
    assert counts["digest"] == review["digest"]                   # the same evidence, read with less
    real = counts["evidence"]["real_cases"]
    assert (real["considered"], real["changed"], real["unchanged"]) == (3, 1, 2)
    assert real["transitions"] == [{"old": "not_medically_necessary", "new": "medically_appropriate", "count": 1,
                                    "cases": []}]
    assert real["cases"] == {} and real["not_evaluable"] == [] and "audit" in real["hidden"]
    pack = client.get(f"{path}/reviews/{review['digest']}?format=json", headers=as_("eve"))
    html = client.get(f"{path}/reviews/{review['digest']}?format=html", headers=as_("eve"))
    for answer in (pack, html):
        assert answer.status_code == 200 and changed not in answer.get_data(as_text=True)
    assert "not_medically_necessary" in html.get_data(as_text=True)


def test_a_changed_case_carries_both_answers_to_set_side_by_side(reviewed):
    """Issue 22 §6: the case opens as the two answers (determination, disposition, findings with
    their citations), not only as every decision's raw value."""
    client, cases, draft, _ = reviewed
    opened = client.get(f"{M}/versions/{draft['number']}/cases/{cases[95]['evaluation_id']}", headers=as_("ida")).json
    before, after = opened["serving"]["answer"], opened["draft"]["answer"]
    assert (before["determination"], after["determination"]) == ("not_medically_necessary", "medically_appropriate")
    assert before["disposition"] == cases[95]["disposition"]
    [recent] = [f for f in before["findings"] if f["id"] == "II"]
    assert recent["citation"] == [f for f in cases[95]["findings"] if f["id"] == "II"][0]["citation"]
    assert "II" not in {f["id"] for f in after["findings"]} and "II" in {c["id"] for c in after["criteria_met"]}
