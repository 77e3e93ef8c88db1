"""Issue 22 §6, the Audit page as a compliance officer uses it, in Debian's Chromium: outcome and
disposition are pick-lists, a date range, each record's matched rules by decision and a link to
its version, the search as CSV, and a long record that wraps instead of widening the page (it was
2,797 px wide)."""
import datetime as dt

from playwright.sync_api import expect

from console_pages import browser, new_page, shoot, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T_ID
from webapp.serving.determination import DISPOSITIONS, OUTCOMES


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_audit_page_for_a_compliance_officer(server, new_page):
    server.audited_three()
    page = new_page()
    sign_in(page, server.base, "ida", "/console/audit")
    expect(page.locator("#audit-table > tbody > tr")).to_have_count(3)

    # Pick-lists: only values the answer can hold, so a typo cannot silently find nothing.
    assert page.get_by_label("Outcome").locator("option").all_inner_texts() == ["any", *OUTCOMES]
    assert page.get_by_label("Disposition").locator("option").all_inner_texts() == ["any", *DISPOSITIONS]
    page.get_by_label("Disposition").select_option("pend_for_information")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-count")).to_contain_text("1 determination;")
    row = page.locator("#audit-table > tbody > tr").first
    expect(row.locator(":scope > td").nth(6)).to_have_text("pend_for_information")

    # The record: matched rules by decision, with the policy section; a link to its version.
    row.locator("summary").click()
    rules = row.locator("table.matched-rules tbody tr", has_text="Policy Parameters")
    expect(rules.locator("td").nth(1)).to_have_text("row 1")
    expect(rules.locator("td").nth(2)).to_contain_text("Statements I.C and II")
    link = row.get_by_role("link", name="version 1")
    expect(link).to_have_attribute("href", f"/console/models/{CAR_T_ID}/versions/1")
    assert _fits(page), page.evaluate("document.documentElement.scrollWidth")
    page.locator("#audit-table").scroll_into_view_if_needed()
    shoot(page, "audit-record")

    # The CSV is the same search.
    href = page.locator("#audit-csv").get_attribute("href")
    assert "disposition=pend_for_information" in href
    text = page.evaluate("async (url) => (await fetch(url)).text()", href)
    lines = text.strip().splitlines()
    assert len(lines) == 2 and "pend_for_information" in lines[1] and "Policy Parameters: row 1" in lines[1]

    # A date range, whole days: today holds them all, a range that ended yesterday none.
    page.get_by_label("Disposition").select_option("")
    today = dt.date.today()             # the browser's day and the test's are the same machine's
    page.get_by_label("From").fill(str(today - dt.timedelta(days=1)))
    page.get_by_label("To").fill(str(today))
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-count")).to_contain_text("3 determinations;")
    page.get_by_label("To").fill(str(today - dt.timedelta(days=1)))
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-count")).to_contain_text("0 determinations;")
    page.get_by_label("From").fill("")
    page.get_by_label("To").fill("")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-count")).to_contain_text("3 determinations;")

    # Every record opened at once still fits the page.
    for summary in page.locator("#audit-table > tbody > tr summary").all():
        summary.click()
    expect(page.locator("#audit-table details[open]")).to_have_count(3)
    assert _fits(page), page.evaluate("document.documentElement.scrollWidth")
