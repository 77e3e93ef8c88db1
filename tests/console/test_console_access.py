"""The console's doors, in a real browser: no page works without a session (each one shows the
sign-in page, the API answers 401), a wrong key does not sign in, a state change without the CSRF
token is refused (the API's and the console's own forms), and signing out ends the session."""
import re

from playwright.sync_api import expect

from console_pages import api_from_page, browser, new_page, shoot, sign_in  # noqa: F401 (fixtures)
from console_server import server  # noqa: F401 (fixture)
from support.apps import CAR_T_ID

M = f"/console/models/{CAR_T_ID}"
PAGES = ["/console/", M, f"{M}/edit", f"{M}/versions/1", f"{M}/versions/1/cases/anything", f"{M}/try", "/console/audit"]


def _shows_sign_in_only(page):
    expect(page).to_have_url(re.compile(r"/console/sign-in"))
    expect(page.get_by_label("API key")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.locator("#page")).to_have_count(0)


def test_no_page_works_without_a_session(server, new_page):
    page = new_page()
    for path in PAGES:
        page.goto(server.base + path)
        _shows_sign_in_only(page)
    shoot(page, "sign-in")
    answer = page.request.get(server.base + f"/api/v1/models/{CAR_T_ID}/versions")
    assert answer.status == 401
    page.get_by_label("API key").fill("not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not known")
    _shows_sign_in_only(page)


def test_signing_in_leads_back_and_signing_out_ends_the_session(server, new_page):
    page = new_page()
    sign_in(page, server.base, "dan", f"{M}/try")
    expect(page).to_have_url(re.compile(rf"{M}/try$"))
    cookie = next(c for c in page.context.cookies() if c["name"] == "car_t_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.get_by_role("button", name="Sign out").click()
    for path in PAGES:
        page.goto(server.base + path)
        _shows_sign_in_only(page)


def test_a_state_change_without_the_csrf_token_is_refused(server, new_page):
    page = new_page()
    sign_in(page, server.base, "ann", M)
    source = page.evaluate(f"fetch('/api/v1/models/{CAR_T_ID}/dmn').then(r => r.text())")
    draft = {"content": source, "comment": "csrf check"}
    refused = api_from_page(page, "POST", f"/api/v1/models/{CAR_T_ID}/versions", draft, csrf=False)
    assert refused["status"] == 403 and "CSRF" in refused["body"]["detail"]
    assert page.request.post(server.base + f"/api/v1/models/{CAR_T_ID}/versions", data=draft).status == 403
    assert api_from_page(page, "GET", f"/api/v1/models/{CAR_T_ID}/versions")["body"]["serving"] == 1
    assert [v["number"] for v in api_from_page(page, "GET", f"/api/v1/models/{CAR_T_ID}/versions")["body"]["versions"]] == [1]
    accepted = api_from_page(page, "POST", f"/api/v1/models/{CAR_T_ID}/versions", draft)
    assert accepted["status"] == 201
    signed_out = page.request.post(server.base + "/console/sign-out", form={"csrf": "forged"})
    assert signed_out.status == 403
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()     # still signed in
