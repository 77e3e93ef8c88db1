"""The console's other pages in a real browser (issue 13): a bad upload shows its findings and
creates nothing that can be published; Try a case answers from the model's input schema with the
determination, disposition, findings with citations and the trace; Audit searches determinations by
version and outcome for the `audit` role only."""
import json

from playwright.sync_api import expect

from console_pages import api_from_page, browser, new_page, shoot, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T, CAR_T_ID, ROOT

M = f"/console/models/{CAR_T_ID}"
API = f"/api/v1/models/{CAR_T_ID}"
REQUEST = (ROOT / "docs" / "examples" / "car-t-request.json").read_text()


def _upload(page, name: str, content: bytes):
    page.locator("#upload").set_input_files(files=[{"name": name, "mimeType": "application/xml", "buffer": content}])


def test_a_bad_upload_shows_its_findings_and_creates_nothing_publishable(server, new_page):
    page = new_page()
    sign_in(page, server.base, "dan", f"{M}/edit")
    expect(page.get_by_role("tab", name="Policy Parameters", exact=True)).to_be_visible()
    _upload(page, "entities.dmn", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>')
    expect(page.locator("#status")).to_contain_text("422")
    listing = api_from_page(page, "GET", f"{API}/versions")["body"]
    assert [v["number"] for v in listing["versions"]] == [1]

    broken = CAR_T.read_text().replace("<text>100</text>", "<text>100 +</text>", 1)
    _upload(page, "broken.dmn", broken.encode())
    expect(page.locator("#status")).to_contain_text("Uploaded broken.dmn as version 2: draft")
    expect(page.locator("#status")).to_contain_text("cannot be submitted until they are fixed")
    expect(page.locator("#status table")).to_contain_text("feel-syntax")
    shoot(page, "upload")
    page.goto(server.base + f"{M}/versions/2")
    expect(page.locator("#validation-verdict")).to_contain_text("Not valid: 1 error,")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#status")).to_contain_text("409: version 2 has 1 validation error(s)")
    expect(page.locator("#state")).to_have_text("draft")
    version = api_from_page(page, "GET", f"{API}/versions/2")["body"]
    for step, extra in (("approve", {"evidence": "0" * 64}), ("publish", {})):
        attempt = api_from_page(page, "POST", f"{API}/versions/2:{step}", {"sha256": version["sha256"], **extra})
        assert attempt["status"] == 409, attempt
    assert api_from_page(page, "GET", f"{API}/versions")["body"]["serving"] == 1


def test_try_a_case_answers_from_the_input_schema(server, new_page):
    page = new_page()
    sign_in(page, server.base, "dan", f"{M}/try")
    expect(page.locator("#f-Request-pharmacy_approved")).to_be_visible()
    page.locator("#paste").fill(REQUEST)
    page.get_by_role("button", name="Fill").click()
    expect(page.locator("#f-Documentation-karnofsky")).to_have_value("80")
    page.get_by_role("button", name="Determine").click()
    expect(page.locator("#determination")).to_have_text("medically_appropriate")
    expect(page.locator("#disposition")).to_have_text("approve")
    expect(page.locator("#trace")).to_contain_text("Policy Parameters")
    page.locator("#answer").scroll_into_view_if_needed()
    shoot(page, "try")
    page.locator("#f-Request-pharmacy_approved").select_option(label="(unknown)")
    page.get_by_role("button", name="Determine").click()
    expect(page.locator("#determination")).to_have_text("documentation_incomplete")
    findings = page.locator("#findings tbody tr", has_text="DATA-APPLICABILITY-PHARMACY")
    expect(findings).to_have_count(1)
    expect(findings.locator("td").nth(2)).to_contain_text("Medical Policy 7.02.11")
    # The data dictionary's values hold in the form too: a Karnofsky score is a multiple of 10 from 0 to 100.
    options = page.locator("#f-Documentation-karnofsky option").all_inner_texts()
    assert options == ["(unknown)"] + [str(n) for n in range(0, 101, 10)]


def test_audit_searches_by_version_and_outcome_for_the_audit_role(server, new_page):
    server.audited_three()
    page = new_page()
    sign_in(page, server.base, "ida", "/console/audit")
    expect(page.locator("#audit-count")).to_contain_text("determination")
    known = api_from_page(page, "GET", "/api/v1/evaluations?limit=1000")["body"]["items"]
    appropriate = [r for r in known if (r["outputs"] or {}).get("determination") == "medically_appropriate"]
    assert 2 <= len(appropriate) < len(known)
    page.get_by_label("Outcome").select_option("medically_appropriate")
    page.get_by_label("Version").fill(appropriate[0]["model_version"][:10])
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#audit-count")).to_contain_text(f"{len(appropriate)} determination")
    expect(page.locator("#audit-table > tbody > tr")).to_have_count(len(appropriate))
    shoot(page, "audit")

    other = new_page()
    sign_in(other, server.base, "cat", "/console/audit")
    expect(other.locator("#results")).to_contain_text("403")


def test_the_models_page_lists_what_serves(server, new_page):
    page = new_page()
    sign_in(page, server.base, "eve")
    expect(page.locator("#models .card")).to_have_count(1)
    expect(page.locator("#models")).to_contain_text(CAR_T_ID)
    shoot(page, "models")
