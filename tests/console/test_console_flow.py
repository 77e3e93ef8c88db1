"""The committee's loop in a real browser (issue 13), against `python -m webapp serve`:

an author edits the transplant window of Policy Parameters from 100 to 90 days in the dmn-js editor
and saves; the review shows validation clean, the diff with exactly that cell, the scenarios that
change and the real cases that change; the author submits and cannot approve; an approver opens the
changed case, approves and publishes; the determinations endpoint answers with the new version and
the 95-day case changes; an admin rolls back and the old version serves again.
"""
import copy
import datetime as dt
import json
import urllib.request

from playwright.sync_api import expect

from console_pages import api_from_page, browser, edit_scenario, new_page, output_cell, shoot, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T_ID, ROOT
from support.people import key_of

WINDOW = "transplant_window_days"
BOUNDARY = "Allogeneic transplant 100 days before request (boundary, excluded)"
# The window is Statement II's for the solid-organ reading too.
SOLID_BOUNDARY = "Solid-organ transplant 100 days ago with ongoing immunosuppression (boundary, within the window)"


def _case(days: int) -> dict:
    request = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())
    request_date = dt.date.fromisoformat(request["Request"]["request_date"])
    case = copy.deepcopy(request)
    case["History"]["transplants"] = [{"type": "allogeneic_hct", "date": str(request_date - dt.timedelta(days=days))}]
    return case


def _determine(server, case) -> dict:
    req = urllib.request.Request(server.base + "/api/v1/car-t/determinations", data=json.dumps(case).encode(),
                                 method="POST", headers={"Authorization": f"Bearer {key_of('eve')}",
                                                         "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)


def test_edit_review_four_eyes_publish_and_roll_back(server, new_page):
    before = {days: _determine(server, _case(days)) for days in (95, 150)}      # the audited past
    assert before[95]["determination"] == "not_medically_necessary"
    first_version = before[95]["model_version"]

    # The author edits the window in the dmn-js editor and saves a draft.
    author = new_page()
    sign_in(author, server.base, "bob", f"/console/models/{CAR_T_ID}")
    expect(author.locator("table.history tbody tr")).to_have_count(1)
    expect(author.locator("#dmn svg").first).to_be_visible()
    shoot(author, "model")
    author.get_by_role("link", name="New draft", exact=True).click()
    author.get_by_role("tab", name="Policy Parameters", exact=True).click()
    cell = output_cell(author, WINDOW)
    expect(cell).to_have_text("100")
    cell.click()
    author.keyboard.press("Control+A")
    author.keyboard.type("90")
    expect(cell).to_have_text("90")
    author.get_by_label("Comment").fill("Statement II: a recent transplant is 90 days")
    shoot(author, "edit")
    author.get_by_role("button", name="Save draft").click()
    expect(author.locator("#status")).to_contain_text("Saved version 2: draft")
    expect(author.locator("#status")).to_contain_text("Validation: no findings.")
    author.get_by_role("link", name="Review version 2").click()

    # The review: validation clean, exactly that cell, the scenarios and the real cases that change.
    expect(author.locator("#validation-verdict")).to_have_text("Valid: 0 errors, 0 warnings, 0 notes.")
    rows = author.locator("#diff-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(["cell", "Policy Parameters", "row 1", WINDOW, "100", "90"])
    expect(author.locator("#scenario-failures tbody tr")).to_have_count(2)
    expect(author.locator("#scenario-failures tbody tr").first).to_contain_text(BOUNDARY)
    expect(author.locator("#scenario-failures tbody tr").nth(1)).to_contain_text(SOLID_BOUNDARY)
    expect(author.locator("#scenario-impact")).to_contain_text("clinical_review")
    transitions = author.locator("#transitions tbody tr")
    expect(transitions).to_have_count(1)
    expect(transitions.first.locator("td").nth(0)).to_have_text("not_medically_necessary")
    expect(transitions.first.locator("td").nth(1)).to_have_text("medically_appropriate")
    expect(author.locator("#real-cases-verdict")).to_contain_text("1 change, 1 unchanged")
    shoot(author, "review")

    # Submitting needs the draft's scenarios to pass: the author updates the two boundary expectations.
    author.get_by_role("link", name="Edit", exact=True).click()
    for title in (BOUNDARY, SOLID_BOUNDARY):
        edit_scenario(author, title, expected='{"determination": "medically_appropriate", "disposition": "approve"}')
    author.get_by_role("link", name="Review version 2").click()
    expect(author.locator("#scenario-verdict")).to_contain_text("192 of 192")

    # Submitted; its author holds the approver role too, and still cannot approve.
    author.get_by_label("Submit for approval comment").fill("for the committee of 12 May")
    author.get_by_role("button", name="Submit for approval").click()
    expect(author.locator("#state")).to_have_text("submitted")
    expect(author.get_by_role("button", name="Approve", exact=True)).to_be_disabled()
    expect(author.locator(".four-eyes")).to_contain_text("someone else must approve it")
    sha = api_from_page(author, "GET", f"/api/v1/models/{CAR_T_ID}/versions/2")["body"]["sha256"]
    digest = api_from_page(author, "GET", f"/api/v1/models/{CAR_T_ID}/versions/2/review")["body"]["digest"]
    refused = api_from_page(author, "POST", f"/api/v1/models/{CAR_T_ID}/versions/2:approve",
                            {"sha256": sha, "evidence": digest})
    assert refused["status"] == 403 and "four eyes" in refused["body"]["detail"]

    # The approver opens the changed case, approves and publishes.
    approver = new_page()
    sign_in(approver, server.base, "fay", f"/console/models/{CAR_T_ID}/versions/2")
    approver.locator("#transitions").get_by_role("link").first.click()
    decisions = approver.locator("#case-decisions tbody tr", has_text="Determination")
    expect(decisions.first.locator("td").nth(1)).to_contain_text("not_medically_necessary")
    expect(decisions.first.locator("td").nth(2)).to_contain_text("medically_appropriate")
    shoot(approver, "case")
    approver.go_back()
    expect(approver.get_by_role("button", name="Approve", exact=True)).to_be_enabled()
    approver.get_by_label("Approve comment").fill("per the committee, 12 May")
    approver.get_by_role("button", name="Approve", exact=True).click()
    expect(approver.locator("#state")).to_have_text("approved")
    approver.get_by_role("button", name="Publish", exact=True).click()
    expect(approver.locator("#state")).to_have_text("published")
    shoot(approver, "published")

    # The API serves the new version, and the 95-day case changes.
    after = _determine(server, _case(95))
    assert after["model_version"] == sha != first_version
    assert after["determination"] == "medically_appropriate"
    assert _determine(server, _case(150))["determination"] == before[150]["determination"]

    # An admin rolls back: the old version serves again.
    admin = new_page()
    sign_in(admin, server.base, "max", f"/console/models/{CAR_T_ID}/versions/1")
    expect(admin.locator("#state")).to_have_text("retired")
    admin.get_by_label("Roll back to this version comment").fill("counsel asks to wait for the policy update")
    admin.get_by_role("button", name="Roll back to this version").click()
    expect(admin.locator("#state")).to_have_text("published")
    again = _determine(server, _case(95))
    assert again["model_version"] == first_version and again["determination"] == "not_medically_necessary"
    admin.goto(server.base + f"/console/models/{CAR_T_ID}")
    history = admin.locator("table.history tbody tr")
    expect(history.nth(0).locator("td").nth(1)).to_have_text("retired")         # version 2, newest first
    expect(history.nth(1).locator("td").nth(1)).to_have_text("published")
