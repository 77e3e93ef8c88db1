"""Fixtures for the versions API and the console: apps on SQLite and on PostgreSQL (the `database`
fixture of tests/webapp/databases.py) for distinct people (console_support.PEOPLE)."""
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webapp"))
from databases import database, postgres_database, postgres_server  # noqa: E402,F401 (fixtures)

from console_support import make_app  # noqa: E402
from webapp.console import ASSETS  # noqa: E402


@pytest.fixture
def app(tmp_path, database):
    made = make_app(tmp_path, database=database)
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()


# -- the browser tests: Debian's Chromium driven by Playwright, never Playwright's own download ---
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-domain-reliability",
                  "--disable-client-side-phishing-detection", "--metrics-recording-only"]
# Auto-waiting expectations wait for the page, however slow the machine: the limit only ends a hung run.
WAIT_MS = 180_000


@pytest.fixture(scope="session")
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
