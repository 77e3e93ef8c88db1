"""Editing without losing work, in a real browser (issue 22 §3, §4): an edit is not lost by clicking
"Audit" (the browser asks first); a save that met someone else's shows who saved what and re-applies
the author's edit onto it; a scenario added in the console travels with the draft into its review."""
import json
import re

from playwright.sync_api import expect

from console_pages import api_from_page, browser, edit_scenario, new_page, output_cell, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T_ID
from support.car_t_edits import WINDOW, window_changed
from support.people import name_of

M = f"/api/v1/models/{CAR_T_ID}"


def _edit_window(page, days: str) -> None:
    page.get_by_role("tab", name="Policy Parameters", exact=True).click()
    cell = output_cell(page, WINDOW)
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(days)
    expect(cell).to_have_text(days)


def _new_draft(page, server) -> int:
    page.goto(server.base + f"/console/models/{CAR_T_ID}/edit")
    expect(page.locator("#edit-what")).to_contain_text("new draft")
    _edit_window(page, "90")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#status")).to_contain_text("Saved version")
    return int(re.search(r"version=(\d+)", page.url).group(1))


def test_leaving_with_an_unsaved_edit_asks_first(server, new_page):
    page = new_page()
    sign_in(page, server.base, "bob", f"/console/models/{CAR_T_ID}/edit")
    expect(page.locator("#edit-what")).to_contain_text("new draft")
    _edit_window(page, "90")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()
    page.on("dialog", answer)
    with page.expect_event("dialog"):
        page.get_by_role("link", name="Audit", exact=True).click(no_wait_after=True)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/edit"))
    expect(output_cell(page, WINDOW)).to_have_text("90")          # the edit is still there
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#status")).to_contain_text("Saved version")
    page.get_by_role("link", name="Audit", exact=True).click()
    expect(page).to_have_url(re.compile(r"/console/audit"))
    assert asked == ["beforeunload"]                               # saved: nothing to ask


def test_a_save_that_met_another_shows_their_change_and_reapplies_mine(server, new_page):
    author = new_page()
    sign_in(author, server.base, "bob", f"/console/models/{CAR_T_ID}/edit")
    number = _new_draft(author, server)
    opened = api_from_page(author, "GET", f"{M}/versions/{number}")["body"]["sha256"]
    _edit_window(author, "80")

    other = new_page()
    sign_in(other, server.base, "ann", f"/console/models/{CAR_T_ID}")
    source = other.evaluate("async (url) => (await fetch(url)).text()", f"{M}/versions/{number}/dmn")
    weeks = re.compile(r'(<outputEntry id="LiteralExpression_PolicyParameters_1_immunosuppression_window_weeks">\s*<text>)4<')
    assert weeks.search(source)
    theirs = api_from_page(other, "PUT", f"{M}/versions/{number}", {
        "content": weeks.sub(r"\g<1>6<", source), "sha256": opened, "comment": "six weeks"})
    assert theirs["status"] == 200, theirs

    author.get_by_role("button", name="Save draft").click()
    panel = author.locator("#reconcile")
    expect(panel).to_contain_text(f"{name_of('ann')} saved")
    expect(panel).to_contain_text("six weeks")
    expect(author.locator("#their-changes")).to_contain_text("immunosuppression_window_weeks")
    expect(author.locator("#reapplied tbody tr")).to_have_count(1)
    expect(author.locator("#reapplied tbody tr td")).to_have_text(
        [re.compile("Policy Parameters"), "90", "80", "90"])
    author.get_by_role("button", name="Open their version with my edits re-applied").click()
    author.get_by_role("tab", name="Policy Parameters", exact=True).click()
    expect(output_cell(author, WINDOW)).to_have_text("80")
    author.get_by_role("button", name="Save draft").click()
    expect(author.locator("#status")).to_contain_text(f"Saved version {number}")
    saved = author.evaluate("async (url) => (await fetch(url)).text()", f"{M}/versions/{number}/dmn")
    assert window_changed(saved, 80) == saved and weeks.sub(r"\g<1>6<", saved) == saved
    assert re.search(r'immunosuppression_window_weeks">\s*<text>6<', saved)


def test_a_scenario_added_in_the_console_is_run_by_the_review(server, new_page):
    page = new_page()
    sign_in(page, server.base, "bob", f"/console/models/{CAR_T_ID}/edit")
    number = _new_draft(page, server)
    before = api_from_page(page, "GET", f"{M}/versions/{number}/scenarios")["body"]
    title = "Allogeneic transplant 95 days before request (outside a 90-day window)"
    edit_scenario(page, title, section="II", inputs=json.dumps(
        {"History": {"transplants": [{"type": "allogeneic_hct", "date": "2026-01-26"}]}}),
        expected=json.dumps({"determination": "not_medically_necessary"}))
    after = api_from_page(page, "GET", f"{M}/versions/{number}/scenarios")["body"]
    assert [s["title"] for s in after["scenarios"]] == [s["title"] for s in before["scenarios"]] + [title]
    page.get_by_role("link", name=f"Review version {number}").click()
    verdict = page.locator("#scenario-verdict")
    expect(verdict).to_contain_text(f"of {len(before['scenarios']) + 1} scenarios")
    expect(page.locator("#scenario-failures")).to_contain_text(title)     # 95 days is outside 90: approved
