"""Effective dates in the console (issue 22 §5), in Debian's Chromium against `python -m webapp serve`:
an approver sets tomorrow as the effective date of a version at approval and publishes it ahead of
that date; requests dated today go on being determined by version 1, requests dated tomorrow by the
new version, whose citations name tomorrow. Dates are computed from today: no fake clock."""
import datetime as dt
import json
import urllib.request

from playwright.sync_api import expect

from console_pages import api_from_page, browser, new_page, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T, CAR_T_ID
from support.people import key_of

TOMORROW = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
VERSIONS = f"/api/v1/models/{CAR_T_ID}/versions"


def _determine(server, base_request, request_date: dt.date) -> dict:
    body = {**base_request, "Request": {**base_request["Request"], "request_date": request_date.isoformat()}}
    req = urllib.request.Request(server.base + "/api/v1/car-t/determinations", data=json.dumps(body).encode(),
                                 method="POST", headers={"Authorization": f"Bearer {key_of('eve')}",
                                                         "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)


def test_a_version_effective_tomorrow_serves_only_requests_dated_from_tomorrow(server, new_page, base_request):
    author = new_page()
    sign_in(author, server.base, "bob", f"/console/models/{CAR_T_ID}")
    content = CAR_T.read_text().replace(
        '<text>100</text>', '<text>90</text>', 1)       # the first 100 is Policy Parameters' transplant window
    saved = api_from_page(author, "POST", VERSIONS, {"content": content, "comment": "90 days, from tomorrow"})
    assert saved["status"] == 201, saved
    number, sha = saved["body"]["number"], saved["body"]["sha256"]
    # The draft's scenarios travel with it and must pass: the two 100-day boundaries now fall outside.
    found = api_from_page(author, "GET", f"{VERSIONS}/{number}/scenarios")["body"]
    for scenario in found["scenarios"]:
        if "100 days" in scenario["title"] and "boundary" in scenario["title"]:
            scenario["expected"] = {"determination": "medically_appropriate", "disposition": "approve"}
    assert api_from_page(author, "PUT", f"{VERSIONS}/{number}/scenarios", {
        "sha256": sha, "scenarios_sha256": found["scenarios_sha256"], "scenarios": found["scenarios"]})["status"] == 200
    assert api_from_page(author, "POST", f"{VERSIONS}/{number}:submit", {"sha256": sha})["status"] == 200

    approver = new_page()
    sign_in(approver, server.base, "fay", f"/console/models/{CAR_T_ID}/versions/{number}")
    expect(approver.get_by_role("button", name="Approve", exact=True)).to_be_enabled()
    approver.locator('form[data-action="approve"]').get_by_label("Effective date").fill(TOMORROW.isoformat())
    approver.get_by_role("button", name="Approve", exact=True).click()
    expect(approver.locator("#state")).to_have_text("approved")
    expect(approver.locator(".effective")).to_contain_text(f"is to be effective from {TOMORROW}")
    expect(approver.locator('form[data-action="publish"]').get_by_label("Effective date")).to_have_value(
        TOMORROW.isoformat())
    approver.get_by_role("button", name="Publish", exact=True).click()
    expect(approver.locator("#state")).to_have_text("published")
    expect(approver.locator(".effective")).to_contain_text(f"will determine requests dated from {TOMORROW}")

    today = _determine(server, base_request, TOMORROW - dt.timedelta(days=1))
    assert (today["version_number"], today["effective_date"]) == (1, "2026-04-15")
    tomorrow = _determine(server, base_request, TOMORROW)
    assert (tomorrow["version_number"], tomorrow["model_version"]) == (number, sha)
    citations = {f["citation"] for f in tomorrow["findings"] + tomorrow["criteria_met"]}
    assert citations and all(c.endswith(f"effective {TOMORROW}") for c in citations)

    # version 1 still serves today's requests, so it is not retired
    first = new_page()
    sign_in(first, server.base, "max", f"/console/models/{CAR_T_ID}/versions/1")
    expect(first.locator("#state")).to_have_text("published")
    expect(first.locator(".effective")).to_contain_text("determines requests dated from 2026-04-15")
