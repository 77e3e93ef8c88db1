"""Finding a cell from the edit page, in a real browser (issue 22 §3): a search lists every cell that
uses a name and opens the one chosen, marked; a validation finding of a saved draft opens and marks
the cell it is about."""
import re

from lxml import etree
from playwright.sync_api import expect

from console_pages import browser, new_page, output_cell, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T, CAR_T_ID
from support.car_t_edits import WINDOW

DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"


def _cells_using(name: str, kinds=("inputEntry", "outputEntry", "inputExpression")) -> int:
    """Rule cells and input expressions of the model's decision tables whose text holds `name`."""
    tree = etree.parse(str(CAR_T))
    texts = tree.iterfind(f".//{DMN}decisionTable//{DMN}text")
    return sum(1 for t in texts if name.lower() in (t.text or "").lower()
               and etree.QName(t.getparent()).localname in kinds)


def _tab(page, name: str):
    return page.get_by_role("tab", name=name, exact=True)


def test_a_search_lists_where_a_name_is_used_and_opens_its_cell(server, new_page):
    page = new_page()
    sign_in(page, server.base, "bob", f"/console/models/{CAR_T_ID}/edit")
    expect(page.locator("#edit-what")).to_contain_text("new draft")
    page.get_by_label("Find where a name is used").fill(WINDOW)
    page.get_by_role("button", name="Find", exact=True).click()
    results = page.locator("#find-results li")
    used = _cells_using(WINDOW)
    assert used > 3
    expect(results).to_have_count(used)
    expect(page.locator("#find")).to_contain_text(f'{used} cells use "{WINDOW}"')

    chosen = results.filter(has_text=re.compile(r", rule \d+, ")).last.get_by_role("button")
    table, rule, _ = chosen.inner_text().split(", ", 2)
    assert table != "Policy Parameters"
    chosen.click()
    expect(_tab(page, table)).to_have_attribute("aria-selected", "true")
    marked = page.locator("#dmn td.marked-cell")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text(WINDOW)
    expect(marked).to_be_in_viewport()
    row = marked.get_attribute("data-row-id")
    index = page.locator(f'#dmn td.rule-index[data-row-id="{row}"]')
    expect(index).to_have_text(rule.removeprefix("rule "))


def test_a_finding_opens_and_marks_its_cell(server, new_page):
    page = new_page()
    sign_in(page, server.base, "bob", f"/console/models/{CAR_T_ID}/edit")
    expect(page.locator("#edit-what")).to_contain_text("new draft")
    _tab(page, "Policy Parameters").click()
    cell = output_cell(page, WINDOW)
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("GL-I.B")
    expect(cell).to_have_text("GL-I.B")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#status")).to_contain_text("cannot be submitted until they are fixed")

    _tab(page, "Diagram").click()
    expect(page.locator("#dmn td")).to_have_count(0)
    finding = page.locator("#status tbody tr", has_text='a text needs quotes: "GL-I.B"')
    expect(finding).to_have_count(1)
    finding.get_by_role("button").click()
    expect(_tab(page, "Policy Parameters")).to_have_attribute("aria-selected", "true")
    marked = page.locator("#dmn td.marked-cell")
    expect(marked).to_have_count(1)
    expect(marked).to_have_text("GL-I.B")
    expect(marked).to_be_in_viewport()
    header = page.locator("th.output-cell", has=page.locator(".output-name", has_text=re.compile(rf"^{WINDOW}$")))
    expect(marked).to_have_attribute("data-col-id", header.get_attribute("data-col-id"))


def test_a_name_read_by_a_column_lists_and_marks_its_header(server, new_page):
    page = new_page()
    sign_in(page, server.base, "bob", f"/console/models/{CAR_T_ID}/edit")
    expect(page.locator("#edit-what")).to_contain_text("new draft")
    page.get_by_label("Find where a name is used").fill("History.active_gvhd")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.locator("#find-results li")).to_have_count(_cells_using("History.active_gvhd"))
    headers = page.locator("#find-results li button", has_text="(input expression)")
    assert _cells_using("History.active_gvhd", ("inputExpression",)) > 1
    expect(headers).to_have_count(_cells_using("History.active_gvhd", ("inputExpression",)))
    table, column = headers.first.inner_text().removesuffix(" (input expression)").split(", ")
    headers.first.click()
    expect(_tab(page, table)).to_have_attribute("aria-selected", "true")
    marked = page.locator("#dmn th.marked-cell")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text(column)         # the header shows the column's label
    expect(marked).to_be_in_viewport()
