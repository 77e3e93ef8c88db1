"""Issue 20 §2: every path that evaluates has a budget and answers JSON past it. A CAR-T version that
loops when `infusions_requested = 7` (its scenarios never ask for 7, so they pass) is published
through the four-eyes API, as the attacker did; a second draft loops on the scenarios' own request
(1 infusion). The budgets are small settings of the test app (webapp.serving.budgets); what is asserted is
the answer, never an elapsed time."""
import re

import pytest

from support.apps import CAR_T, CAR_T_ID, CAR_T_SCENARIOS, make_app
from support.people import as_
from support.budget_models import LOOP, looping_on, request_with
from webapp.serving.budgets import BudgetConfigError
from support.problems import by_field

M = f"/api/v1/models/{CAR_T_ID}"
STEPS = 20_000          # a CAR-T determination takes 250 at most
OVER_STEPS = f"more than {STEPS:,} steps, its evaluation budget (CAR_T_EVALUATION_STEPS)"


def _ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.json


def _draft(client, content, comment):
    return _ok(client.post(f"{M}/versions", json={"content": content, "comment": comment}, headers=as_("ann")), 201)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app serving the version that loops on 7, published by ann (author) and cat (approver)."""
    app = make_app(tmp_path_factory.mktemp("budgets"), models=(CAR_T, CAR_T_SCENARIOS), EVALUATION_STEPS=STEPS)
    client = app.test_client()
    source = client.get(f"{M}/versions/1/dmn", headers=as_("ann")).get_data(as_text=True)
    draft = _draft(client, looping_on(source, 7), "loops on 7")
    path = f"{M}/versions/{draft['number']}"
    _ok(client.post(f"{path}:submit", json={"sha256": draft["sha256"]}, headers=as_("ann")))
    review = _ok(client.get(f"{path}/review", headers=as_("cat")))
    assert review["evidence"]["scenarios"]["failed"] == []          # nothing asks for 7
    _ok(client.post(f"{path}:approve", json={"sha256": draft["sha256"], "evidence": review["digest"]},
                    headers=as_("cat")))
    _ok(client.post(f"{path}:publish", json={"sha256": draft["sha256"]}, headers=as_("cat")))
    yield app, client, source, draft
    app.extensions["audit"].close()


def _records(app) -> int:
    return app.extensions["audit"].list(CAR_T_ID, limit=1)[0]


def test_a_determination_past_the_budget_is_422_and_the_next_is_answered(served):
    app, client, _, published = served
    before = _records(app)
    r = client.post("/api/v1/car-t/determinations", json=request_with(7), headers=as_("eve"))
    assert r.status_code == 422 and r.is_json
    assert r.json["code"] == "invalid_input" and by_field(r.json) == {"evaluation": [OVER_STEPS]}
    assert r.json["detail"] == f"the model version {published['number']} cannot answer the request: {OVER_STEPS}"
    assert _records(app) == before                                  # no answer, so no record
    fine = _ok(client.post("/api/v1/car-t/determinations", json=request_with(2), headers=as_("eve")))
    assert fine["model_version"] == published["sha256"] and fine["determination"]
    assert _records(app) == before + 1


def test_a_batch_with_a_case_past_the_budget_is_422_naming_the_case(served):
    app, client, _, _ = served
    before = _records(app)
    r = client.post("/api/v1/car-t/determinations:batch", headers=as_("eve"),
                    json={"cases": [request_with(1), request_with(7), request_with(2)]})
    assert r.status_code == 422 and by_field(r.json) == {"cases": {"1": [OVER_STEPS]}}
    assert "cannot answer case 1" in r.json["detail"]
    assert _records(app) == before


def test_evaluate_past_the_budget_is_422(served):
    _, client, _, _ = served
    r = client.post(f"{M}/evaluate", json={"inputs": request_with(7)}, headers=as_("eve"))
    assert r.status_code == 422 and by_field(r.json) == {"evaluation": [OVER_STEPS]}
    assert _ok(client.post(f"{M}/evaluate", json={"inputs": request_with(3)}, headers=as_("eve")))["decisions"]


def test_past_the_request_deadline_is_503(served):
    """Steps without end, half a second of clock: the loop (10^9 iterations) cannot finish in it."""
    app, client, _, _ = served
    app.config.update(EVALUATION_STEPS=10 ** 12, EVALUATION_BUDGET_S=0.5)
    try:
        for path, body in [("/api/v1/car-t/determinations", request_with(7)),
                           ("/api/v1/car-t/determinations:batch", {"cases": [request_with(7)]}),
                           (f"{M}/evaluate", {"inputs": request_with(7)})]:
            r = client.post(path, json=body, headers=as_("eve"))
            assert r.status_code == 503 and r.json["code"] == "unavailable", (path, r.json)
            assert "not finished within 0.5 s, its evaluation budget (CAR_T_EVALUATION_BUDGET)" in r.json["detail"]
    finally:
        app.config.update(EVALUATION_STEPS=STEPS, EVALUATION_BUDGET_S=20.0)


def test_the_cases_of_a_batch_share_one_deadline(served, monkeypatch):
    """A clock that moves a second at each reading: every case is determined within 10 s of its
    own start, but the batch's deadline, 10 s from the request's start, passes on the way."""
    import itertools
    import time
    app, client, _, _ = served
    clock = itertools.count(time.monotonic())
    monkeypatch.setattr(time, "monotonic", lambda: float(next(clock)))
    app.config.update(EVALUATION_BUDGET_S=10.0)
    try:
        r = client.post("/api/v1/car-t/determinations:batch", json={"cases": [request_with(2)] * 30},
                        headers=as_("eve"))
    finally:
        app.config.update(EVALUATION_BUDGET_S=20.0)
    assert r.status_code == 503, r.json
    [(case, [why])] = by_field(r.json)["cases"].items()
    assert int(case) > 0 and why == "not finished within 10 s, its evaluation budget (CAR_T_EVALUATION_BUDGET)"


@pytest.fixture(scope="module")
def looping_on_1(served):
    """A draft that loops on the scenarios' own request (1 infusion), and a case audited with 1."""
    app, client, source, _ = served
    case = _ok(client.post("/api/v1/car-t/determinations", json=request_with(1), headers=as_("eve")))
    return _draft(client, looping_on(source, 1), "loops on 1"), case


def test_a_draft_whose_scenarios_exceed_the_budget_cannot_be_submitted(served, looping_on_1):
    _, client, _, _ = served
    draft, _ = looping_on_1
    r = client.post(f"{M}/versions/{draft['number']}:submit", json={"sha256": draft["sha256"]}, headers=as_("ann"))
    assert r.status_code == 422, r.json
    [(title, [problem])] = by_field(r.json)["scenarios"].items()
    assert title in r.json["detail"] and OVER_STEPS in problem and "cannot be submitted" in r.json["detail"]
    assert client.get(f"{M}/versions/{draft['number']}", headers=as_("ann")).json["state"] == "draft"


def test_the_review_names_the_scenario_and_the_cases_past_the_budget(served, looping_on_1):
    _, client, _, _ = served
    draft, case = looping_on_1
    evidence = _ok(client.get(f"{M}/versions/{draft['number']}/review", headers=as_("cat")))["evidence"]
    scenarios = evidence["scenarios"]
    [failed] = scenarios["failed"]
    assert scenarios["run"] == 1 and scenarios["impact"] is None
    assert failed["problems"][0].startswith(f"evaluation budget exceeded: {OVER_STEPS}; the ")
    stuck = {c["evaluation_id"]: c["errors"] for c in evidence["real_cases"]["not_evaluable"]}
    assert stuck[case["evaluation_id"]] == {"evaluation": [f"evaluation budget exceeded: {OVER_STEPS}"]}


def test_a_case_opened_under_the_draft_answers_the_budget_on_its_side(served, looping_on_1):
    """The impact on one audited case: the serving version answers it; the draft's side says it
    went past the budget."""
    _, client, _, _ = served
    draft, case = looping_on_1
    opened = _ok(client.get(f"{M}/versions/{draft['number']}/cases/{case['evaluation_id']}", headers=as_("fay")))
    assert opened["serving"]["errors"] is None and opened["serving"]["decisions"]["Determination"]["value"]
    assert opened["draft"] == {"number": draft["number"], "decisions": {},
                               "errors": {"evaluation": [f"evaluation budget exceeded: {OVER_STEPS}"]}}


def test_a_review_past_its_own_budget_is_422_and_the_worker_goes_on(served):
    """Steps without end: the first scenario runs until the review's 1 s budget kills the child."""
    app, client, source, _ = served
    draft = _draft(client, looping_on(source, 1).replace(LOOP, LOOP.replace("return i", "return j")), "slower")
    app.config.update(EVALUATION_STEPS=10 ** 12, REVIEW_BUDGET_S=1.0)
    try:
        r = client.get(f"{M}/versions/{draft['number']}/review", headers=as_("cat"))
    finally:
        app.config.update(EVALUATION_STEPS=STEPS, REVIEW_BUDGET_S=45.0)
    assert r.status_code == 422 and by_field(r.json) == {"review": ["too complex to review"]}
    assert r.json["detail"] == "too complex to review: not finished within 1 s, its budget"
    assert client.get("/readyz").status_code == 200


def test_a_review_past_the_memory_cap_is_422(served):
    """A draft whose scenario doubles a string 40 times: with steps without end, the child's memory
    cap stops it."""
    app, client, source, _ = served
    doubling = '{d: function(s, n) if n = 0 then string length(s) else d(s + s, n - 1), r: d("x", 40)}.r'
    draft = _draft(client, looping_on(source, 1).replace(LOOP, doubling), "doubles")
    app.config.update(EVALUATION_STEPS=10 ** 12, CHILD_MEMORY_MB=64)
    try:
        r = client.get(f"{M}/versions/{draft['number']}/review", headers=as_("cat"))
    finally:
        app.config.update(EVALUATION_STEPS=STEPS, CHILD_MEMORY_MB=1024)
    assert r.status_code == 422, r.json
    assert r.json["detail"] == "too complex to review: more than 64 MB of memory, its budget"


def test_a_file_whose_scenarios_exceed_the_budget_is_rejected_by_reload(tmp_path):
    app = make_app(tmp_path, models=(CAR_T, CAR_T_SCENARIOS), EVALUATION_STEPS=STEPS)
    try:
        looping = looping_on(CAR_T.read_text(), 1)
        (tmp_path / "decisions" / CAR_T.name).write_text(looping)
        r = app.test_client().post("/api/v1/models:reload", headers=as_("max"))
        assert r.status_code == 422
        [problem] = by_field(r.json)["rejected"][CAR_T_ID]
        assert OVER_STEPS in problem and re.match(r"scenario '.+' \[.*\]: evaluation budget exceeded", problem)
    finally:
        app.extensions["audit"].close()


@pytest.mark.parametrize("setting", ["EVALUATION_BUDGET_S", "VALIDATION_BUDGET_S", "REVIEW_BUDGET_S"])
def test_a_budget_at_or_past_the_worker_timeout_refuses_to_start(tmp_path, setting):
    with pytest.raises(BudgetConfigError, match=f"CAR_T_{setting.removesuffix('_S')} is 60 s: .* less than the "
                                                 r"worker timeout, CAR_T_WORKER_TIMEOUT \(60 s\)"):
        make_app(tmp_path, **{setting: 60})


def test_the_default_budgets_are_below_the_default_worker_timeout():
    from webapp.serving.budgets import check
    from webapp.config import load_config
    config = load_config()
    check(config)
    assert config["REVIEW_BUDGET_S"] < config["WORKER_TIMEOUT_S"] == 60
