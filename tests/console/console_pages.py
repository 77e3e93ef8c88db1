"""Steps the browser tests take on console pages, by what a person sees (labels, roles, names)."""
import os
import re
from pathlib import Path

from playwright.sync_api import expect

from console_support import key_of

SHOTS = os.environ.get("CONSOLE_SCREENSHOTS")      # a directory: the tests save each page there (docs)


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def sign_in(page, base: str, person: str, then: str = "/console/") -> None:
    page.goto(base + then)
    expect(page).to_have_url(re.compile(r"/console/sign-in"))
    page.get_by_label("API key").fill(key_of(person))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def output_cell(page, column: str):
    """The first rule's cell of the output column named `column` in the open decision table."""
    header = page.locator("th.output-cell", has=page.locator(".output-name", has_text=re.compile(rf"^{column}$")))
    expect(header).to_have_count(1)
    return page.locator(f'td.output-cell[data-col-id="{header.get_attribute("data-col-id")}"] [contenteditable]').first


def api_from_page(page, method: str, path: str, body=None, csrf: bool = True) -> dict:
    """A request from the signed-in page with its session, as the console's own code makes them."""
    return page.evaluate("""async ([method, path, body, csrf]) => {
        const headers = {'Content-Type': 'application/json'};
        if (csrf) headers['X-CSRF-Token'] = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)});
        return {status: r.status, body: await r.json()};
    }""", [method, path, body, csrf])
