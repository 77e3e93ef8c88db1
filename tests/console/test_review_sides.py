"""Issue 22 §6 in Debian's Chromium: a review of the transplant window moved from 100 to 90 days
shows the changed table before and after, side by side; the changed case opens as the two answers
side by side (not raw JSON); the version exports from the review, its state on the first page."""
import copy
import datetime as dt
import json
import re
import urllib.request

from playwright.sync_api import expect

from console_pages import browser, new_page, shoot, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T_ID, ROOT
from support.people import key_of

M = f"/api/v1/models/{CAR_T_ID}"
WINDOW = "transplant_window_days"


def _window_changed(source: str, days: int) -> str:
    """The Policy Parameters cell of the transplant window, found by its output column's position."""
    table = re.search(r'<decisionTable id="[^"]*PolicyParameters[^"]*".*?</decisionTable>', source, re.S).group(0)
    outputs = re.findall(r'<output [^>]*name="([^"]+)"', table)
    rule = re.search(r"<rule .*?</rule>", table, re.S).group(0)
    entries = re.findall(r"(<outputEntry [^>]*>\s*<text>)([^<]*)(</text>)", rule)
    assert entries[outputs.index(WINDOW)][1] == "100"
    cells = iter(range(len(entries)))
    new_rule = re.sub(r"(<outputEntry [^>]*>\s*<text>)([^<]*)(</text>)",
                      lambda m: m.group(1) + (str(days) if next(cells) == outputs.index(WINDOW) else m.group(2))
                      + m.group(3), rule)
    return source.replace(table, table.replace(rule, new_rule))


def _dmn(server, number: int) -> str:
    req = urllib.request.Request(f"{server.base}{M}/versions/{number}/dmn",
                                 headers={"Authorization": f"Bearer {key_of('ann')}"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return r.read().decode()


def test_a_changed_table_and_a_changed_case_side_by_side(server, new_page):
    request = json.loads((ROOT / "docs" / "examples" / "car-t-request.json").read_text())
    case = copy.deepcopy(request)
    day = dt.date.fromisoformat(request["Request"]["request_date"]) - dt.timedelta(days=95)
    case["History"]["transplants"] = [{"type": "allogeneic_hct", "date": str(day)}]
    before = server.post("/api/v1/car-t/determinations", case)
    assert before["determination"] == "not_medically_necessary"
    draft = server.post(f"{M}/versions", {"content": _window_changed(_dmn(server, 1), 90), "comment": "90 days"},
                        key_of("ann"))
    number = draft["number"]

    page = new_page()
    sign_in(page, server.base, "fay", f"/console/models/{CAR_T_ID}/versions/{number}")

    # The changed table, before and after: the window's cell marked on both sides.
    sides = page.locator("details.table-sides", has_text="Policy Parameters: before and after")
    sides.locator("summary").click()
    panes = sides.locator(".side-pane")
    expect(panes).to_have_count(2)
    expect(panes.nth(0)).to_contain_text("version 1 (serving)")
    expect(panes.nth(1)).to_contain_text(f"version {number}")
    for pane, value in ((panes.nth(0), "100"), (panes.nth(1), "90")):
        expect(pane.locator("thead th", has_text=WINDOW)).to_have_count(1)
        column = pane.locator("thead th").all_inner_texts().index(WINDOW)
        row = pane.locator("tbody tr").first
        expect(row).to_have_class("side-changed")
        cell = row.locator("td").nth(column - 1)       # the row's first cell is its number (th)
        expect(cell).to_have_text(value)
        expect(cell).to_have_class("side-changed")
        expect(row.locator("td.side-changed")).to_have_count(1)     # that cell alone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    sides.evaluate("element => element.scrollIntoView()")
    shoot(page, "review-table")

    # The version exports from here, its state on the first page.
    links = page.locator("#export-links a")
    expect(links).to_have_count(5)
    href = page.locator("#export-links").get_by_role("link", name="HTML").get_attribute("href")
    assert href == f"{M}/export?format=html&version={number}"
    text = page.evaluate("async (url) => (await fetch(url)).text()", href)
    assert f"Version {number}: draft" in text and "No approval record: not approved" in text

    # The changed case: the two answers side by side.
    page.locator("#transitions").get_by_role("link").first.click()
    answers = page.locator("#answer-compare tbody tr")
    expect(answers.first.locator("td")).to_have_text(["not_medically_necessary", "medically_appropriate"])
    expect(answers.first).to_have_class("side-changed")
    recent = page.locator('#finding-compare tr[data-id="II"]')
    expect(recent).to_have_class("side-removed")
    expect(recent.locator("td").first).to_contain_text(before["findings"][0]["citation"])
    expect(recent.locator("td").nth(1)).to_have_text("not in this answer")
    expect(page.locator('#criteria-compare tr[data-id="II"]')).to_have_class("side-added")
    expect(page.locator("#case-decisions")).to_be_hidden()          # every decision's value: one click away
