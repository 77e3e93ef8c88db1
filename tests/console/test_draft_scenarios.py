"""Scenarios travel with the draft (issue 22 §4), and a concurrent save is reconciled (§3): the
committee changes the transplant window from 100 to 90 days and, in the same draft, the expected
answers of the two boundary scenarios; the review runs the draft's scenarios, submitting needs them
to pass, and the approved version exported back to git passes its own tests and the reload check."""
import subprocess
import sys

import pytest
import yaml

from support.apps import CAR_T, CAR_T_ID, CAR_T_SCENARIOS, ROOT, make_app
from support.car_t_edits import window_changed
from support.people import as_, name_of

M = f"/api/v1/models/{CAR_T_ID}"
BOUNDARY = "Allogeneic transplant 100 days before request (boundary, excluded)"
SOLID_BOUNDARY = "Solid-organ transplant 100 days ago with ongoing immunosuppression (boundary, within the window)"


@pytest.fixture
def car_t(tmp_path):
    app = make_app(tmp_path / "app", models=(CAR_T, CAR_T_SCENARIOS))
    yield app, app.test_client()
    app.extensions["audit"].close()


def _ninety_days(client) -> dict:
    source = client.get(f"{M}/versions/1/dmn", headers=as_("ann")).get_data(as_text=True)
    draft = client.post(f"{M}/versions", json={"content": window_changed(source, 90), "comment": "90 days"},
                        headers=as_("ann"))
    assert draft.status_code == 201, draft.json
    return draft.json


def _expect_the_new_window(client, draft: dict) -> dict:
    """The two boundary scenarios now expect what a 90-day window answers, saved with the draft."""
    found = client.get(f"{M}/versions/{draft['number']}/scenarios", headers=as_("ann")).json
    scenarios = found["scenarios"]
    for scenario in scenarios:
        if scenario["title"] in (BOUNDARY, SOLID_BOUNDARY):
            scenario["expected"] = {"determination": "medically_appropriate", "disposition": "approve"}
    saved = client.put(f"{M}/versions/{draft['number']}/scenarios", headers=as_("ann"), json={
        "sha256": found["sha256"], "scenarios_sha256": found["scenarios_sha256"], "scenarios": scenarios,
        "comment": "the boundary is now outside the window"})
    assert saved.status_code == 200, saved.json
    return saved.json


def test_a_draft_starts_with_the_scenarios_of_the_version_it_came_from(car_t):
    _, client = car_t
    draft = _ninety_days(client)
    found = client.get(f"{M}/versions/{draft['number']}/scenarios", headers=as_("eve")).json
    assert found["content"].encode() == CAR_T_SCENARIOS.read_bytes()
    assert draft["scenarios_sha256"] == found["scenarios_sha256"] is not None
    assert len(found["scenarios"]) == len(yaml.safe_load(CAR_T_SCENARIOS.read_text())["scenarios"])


def test_a_draft_whose_scenarios_fail_cannot_be_submitted(car_t):
    _, client = car_t
    draft = _ninety_days(client)
    refused = client.post(f"{M}/versions/{draft['number']}:submit", json={"sha256": draft["sha256"]}, headers=as_("ann"))
    assert refused.status_code == 409
    assert BOUNDARY in str(refused.json) and SOLID_BOUNDARY in str(refused.json)


def test_the_scenarios_edited_with_the_draft_are_reviewed_approved_and_exported_for_git(car_t, tmp_path):
    app, client = car_t
    draft = _ninety_days(client)
    saved = _expect_the_new_window(client, draft)
    assert saved["sha256"] == draft["sha256"] and saved["scenarios_sha256"] != draft["scenarios_sha256"]
    assert saved["steps"][-1]["details"]["scenarios"] == saved["scenarios_sha256"]

    review = client.get(f"{M}/versions/{draft['number']}/review", headers=as_("cat")).json
    scenarios = review["evidence"]["scenarios"]
    assert scenarios["failed"] == [] and scenarios["passed"] == scenarios["run"] == len(
        yaml.safe_load(CAR_T_SCENARIOS.read_text())["scenarios"])
    # Only the two boundary answers change: the others are unchanged, though every trace reads the window.
    assert scenarios["impact"]["unchanged"] == scenarios["impact"]["scenarios_run"] - 2 > 0

    number, sha = draft["number"], saved["sha256"]
    assert client.post(f"{M}/versions/{number}:submit", json={"sha256": sha}, headers=as_("ann")).status_code == 200
    approved = client.post(f"{M}/versions/{number}:approve", headers=as_("cat"),
                           json={"sha256": sha, "evidence": review["digest"]})
    assert approved.status_code == 200, approved.json
    assert client.post(f"{M}/versions/{number}:publish", json={"sha256": sha}, headers=as_("cat")).status_code == 200

    out = tmp_path / "git"
    out.mkdir()
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "webapp", "versions", "export", CAR_T_ID, str(number), "-o",
                           str(out / CAR_T.name)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for extra in CAR_T.parent.glob(f"{CAR_T_ID}.*"):       # the contract and the other files beside the model
        if not (out / extra.name).exists():
            (out / extra.name).write_bytes(extra.read_bytes())
    tested = subprocess.run([sys.executable, "-m", "webapp", "test", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr

    # The reload check: a service on the exported files seeds from them (the gate runs their scenarios).
    again = make_app(tmp_path / "reloaded", models=(out / CAR_T.name, out / CAR_T_SCENARIOS.name))
    try:
        assert again.extensions["model_registry"].get(CAR_T_ID) is not None
    finally:
        again.extensions["audit"].close()


def test_an_approval_quoting_a_review_of_other_scenarios_is_refused(car_t):
    _, client = car_t
    draft = _ninety_days(client)
    saved = _expect_the_new_window(client, draft)
    number = draft["number"]
    old_review = client.get(f"{M}/versions/{number}/review", headers=as_("cat")).json
    found = client.get(f"{M}/versions/{number}/scenarios", headers=as_("ann")).json
    scenarios = found["scenarios"] + [{"title": "One more", "section": "I", "inputs": {},
                                       "expected": {"determination": "medically_appropriate"}}]
    again = client.put(f"{M}/versions/{number}/scenarios", headers=as_("ann"), json={
        "sha256": saved["sha256"], "scenarios_sha256": found["scenarios_sha256"], "scenarios": scenarios})
    assert again.status_code == 200
    stale = client.put(f"{M}/versions/{number}/scenarios", headers=as_("bob"), json={
        "sha256": saved["sha256"], "scenarios_sha256": found["scenarios_sha256"], "scenarios": scenarios[:-1]})
    assert stale.status_code == 409
    assert client.post(f"{M}/versions/{number}:submit", json={"sha256": saved["sha256"]},
                       headers=as_("ann")).status_code == 200
    refused = client.post(f"{M}/versions/{number}:approve", headers=as_("cat"),
                          json={"sha256": saved["sha256"], "evidence": old_review["digest"]})
    assert refused.status_code == 409


def test_scenarios_the_runner_cannot_read_are_refused(car_t):
    _, client = car_t
    draft = _ninety_days(client)
    bad = client.put(f"{M}/versions/{draft['number']}/scenarios", headers=as_("ann"), json={
        "sha256": draft["sha256"], "scenarios_sha256": draft["scenarios_sha256"],
        "scenarios": [{"title": "no answer", "inputs": {}}, {"inputs": {}, "expected": {}}]})
    assert bad.status_code == 422


def test_a_save_that_met_another_is_reconciled_with_their_changes_and_mine_reapplied(car_t):
    _, client = car_t
    draft = _ninety_days(client)
    number, opened = draft["number"], draft["sha256"]
    source = client.get(f"{M}/versions/{number}/dmn", headers=as_("ann")).get_data(as_text=True)
    weeks = '<outputEntry id="LiteralExpression_PolicyParameters_1_immunosuppression_window_weeks">'
    assert f"{weeks}\n          <text>4</text>" in source
    theirs = source.replace(f"{weeks}\n          <text>4</text>", f"{weeks}\n          <text>6</text>")
    assert client.put(f"{M}/versions/{number}", headers=as_("bob"), json={
        "content": theirs, "sha256": opened, "comment": "wording"}).status_code == 200
    mine = window_changed(source, 80)
    conflict = client.put(f"{M}/versions/{number}", headers=as_("ann"), json={"content": mine, "sha256": opened})
    assert conflict.status_code == 409
    merged = client.post(f"{M}/versions/{number}/merge", headers=as_("ann"), json={"since": opened, "content": mine})
    assert merged.status_code == 200, merged.json
    body = merged.json
    assert [s["actor"] for s in body["saved_since"]] == [name_of("bob")]
    assert body["theirs"] and body["conflicts"] == [] and len(body["applied"]) == 1
    assert body["applied"][0]["mine"] == "80" and body["applied"][0]["theirs"] == "90"
    assert f"{weeks}<text>6</text>" in body["merged"].replace("\n", "").replace(" " * 10, "")
    assert window_changed(body["merged"], 80) == body["merged"]
    saved = client.put(f"{M}/versions/{number}", headers=as_("ann"), json={
        "content": body["merged"], "sha256": body["version"]["sha256"]})
    assert saved.status_code == 200
