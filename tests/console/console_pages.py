"""The browser tests' fixtures (Debian's Chromium driven by Playwright) and the steps they take on
console pages, by what a person sees (labels, roles, names)."""
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from support.people import key_of
from webapp.console import ASSETS

SHOTS = os.environ.get("CONSOLE_SCREENSHOTS")      # a directory: the tests save each page there (docs)


SHOT_SIZES = ((1280, 720), (1440, 900))     # a laptop's screen and a desktop's (issue 22: docs/console.md)


def shoot(page, name: str) -> None:
    """`name`-1280x720.png and `name`-1440x900.png of the page as it stands, then its own size again."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        for width, height in SHOT_SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}x{height}.png"))
        page.set_viewport_size(size)


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


# Debian's Chromium, never Playwright's own download.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-domain-reliability",
                  "--disable-client-side-phishing-detection", "--metrics-recording-only"]
# Auto-waiting expectations wait for the page, however slow the machine: the limit only ends a hung run.
WAIT_MS = 180_000


@pytest.fixture(scope="module")     # each test module imports it: one Playwright at a time
def browser():
    from playwright.sync_api import expect, sync_playwright
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (make system-deps installs it)"
    assert (ASSETS / "console.js").is_file(), "the console's scripts are not built: make ui"
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser):
    """new_page() -> a page in a fresh context (its own cookies: one person), failing the test on a
    script error in the page or on any request beyond the server (the console needs no network)."""
    contexts, errors, elsewhere = [], [], []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("request", lambda request: elsewhere.append(request.url)
                if urlsplit(request.url).scheme not in ("data", "blob")
                and urlsplit(request.url).hostname != "127.0.0.1" else None)
        return page
    yield make
    for context in contexts:
        context.close()
    assert not errors, errors
    assert not elsewhere, elsewhere


def edit_scenario(page, title: str, expected: str | None = None, inputs: str | None = None, section: str = "") -> None:
    """On the edit page: open the scenario titled `title` (or add it, when it is new) and save it with
    this expected answer and these facts (JSON, as the committee types them)."""
    panel = page.locator("#scenarios-panel")
    expect(panel.locator("#scenario-list li").first).to_be_attached()       # the draft's scenarios are read
    listed = panel.locator("#scenario-list button", has_text=re.compile(rf"^{re.escape(title)}$"))
    if listed.count():
        if not panel.locator("details").get_attribute("open") == "":
            panel.locator("summary", has_text="every scenario").click()
        listed.click()
    else:
        panel.get_by_role("button", name="Add a scenario").click()
        panel.get_by_label("Scenario title").fill(title)
        panel.get_by_label("Scenario section").fill(section)
    if inputs is not None:
        panel.get_by_label("Scenario inputs").fill(inputs)
    if expected is not None:
        panel.get_by_label("Scenario expected answer").fill(expected)
    panel.get_by_role("button", name="Save scenario").click()
    expect(panel.get_by_role("status").first).to_contain_text(f'scenario "{title}": saved with version')
