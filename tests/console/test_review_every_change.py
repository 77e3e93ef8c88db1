"""Issue 22 §1 and §2 in a real browser: an author edits a rule's annotation (its description) in the
console's dmn-js editor and the review's diff shows the old and the new text; a draft that adds a
rule (as one uploaded from a modeler) reviews with the rule's whole content, on the review page and
in the evidence report; and the review names each person who read the evidence."""
import re

from playwright.sync_api import expect

from console_pages import api_from_page, browser, new_page, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T_ID
from support.car_t_edits import lab_test_added

M = f"/api/v1/models/{CAR_T_ID}"
NEW_NOTE = "Pharmacy Policy 103, as the committee read it in May."


def test_an_edited_annotation_shows_in_the_diff(server, new_page):
    author = new_page()
    sign_in(author, server.base, "bob", f"/console/models/{CAR_T_ID}")
    author.get_by_role("link", name="New draft", exact=True).click()
    author.get_by_role("tab", name="CAR-T Product", exact=True).click()
    note = author.locator("td.annotation [contenteditable]").first
    old = note.inner_text().strip()
    assert old.startswith("Pharmacy Policy 103")
    note.click()
    author.keyboard.press("Control+A")
    author.keyboard.type(NEW_NOTE)
    expect(note).to_have_text(NEW_NOTE)
    author.get_by_role("button", name="Save draft").click()       # at once: the edit must not be lost
    expect(author.locator("#status")).to_contain_text("Saved version")
    author.get_by_role("link", name=re.compile(r"^Review version \d+$")).click()
    rows = author.locator("#diff-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(["description", "CAR-T Product", "row 1", "description", old, NEW_NOTE])
    expect(author.locator("#read-by")).to_have_text(re.compile(r"^Read by Bob \(.+\)\.$"))


def test_an_added_rule_shows_its_whole_content_and_every_reader(server, new_page):
    author = new_page()
    sign_in(author, server.base, "ann", f"/console/models/{CAR_T_ID}")
    source = author.evaluate(f"async () => (await fetch('{M}/versions/1/dmn')).text()")
    draft = api_from_page(author, "POST", f"{M}/versions", {"content": lab_test_added(source, "A pregnancy test is not documented."), "comment": "a new test"})
    assert draft["status"] == 201, draft["body"]
    number = draft["body"]["number"]
    author.goto(server.base + f"/console/models/{CAR_T_ID}/versions/{number}")
    expect(author.locator("#read-by")).to_have_text(re.compile(r"^Read by Ann \(.+\)\.$"))

    approver = new_page()
    sign_in(approver, server.base, "cat", f"/console/models/{CAR_T_ID}/versions/{number}")
    rows = approver.locator("#diff-table tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells.nth(0)).to_have_text("rule-added")
    expect(cells.nth(1)).to_have_text("Lab Tests")
    expect(cells.nth(5)).to_contain_text('THEN id = "GL-I.E.9"')
    expect(cells.nth(5)).to_contain_text('text = "A pregnancy test is not documented."')
    expect(cells.nth(5)).to_contain_text("section = ")
    expect(approver.locator("#read-by")).to_have_text(re.compile(r"^Read by Ann \(.+\), Cat \(.+\)\.$"))

    digest = api_from_page(approver, "GET", f"{M}/versions/{number}/review")["body"]["digest"]
    approver.goto(server.base + f"{M}/versions/{number}/reviews/{digest}?format=html")
    table = approver.locator("#diff-table")
    expect(table).to_contain_text('THEN id = "GL-I.E.9"')
    expect(table).to_contain_text("A pregnancy test is not documented.")
    expect(approver.locator("#read-by")).to_have_text(re.compile(r"^Read by Ann \(.+\), Cat \(.+\)\.$"))
