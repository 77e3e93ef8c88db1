"""Stored script on our origin (issue 20 §1), in Debian's Chromium against `python -m webapp serve`:
a model carrying an XHTML `<script>` in extensionElements, the serving version and an author's
draft; a console user (author and approver) opens each URL that sends the stored model (its XML,
its HTML export, the draft's evidence report). The script would create a draft with the viewer's
session and CSRF token (read from a console page, as an attacker's script can); nothing runs, so no
draft is made."""
import json
import urllib.request

import pytest
from playwright.sync_api import Error as PlaywrightError

from console_pages import browser, new_page, sign_in  # noqa: F401 (fixtures)
from console_server import ConsoleServer
from support.apps import DATA
from support.people import key_of

MODEL = "simpletable"
VERSIONS = f"/api/v1/models/{MODEL}/versions"
ATTACK = """<extensionElements><script xmlns="http://www.w3.org/1999/xhtml"><![CDATA[
var page = new XMLHttpRequest();
page.open('GET', '/console/', false); page.send();
var token = /name="csrf-token" content="([^"]+)"/.exec(page.responseText)[1];
var made = new XMLHttpRequest();
made.open('POST', '/api/v1/models/simpletable/versions', false);
made.setRequestHeader('Content-Type', 'application/json');
made.setRequestHeader('X-CSRF-Token', token);
made.send(JSON.stringify({content: new XMLSerializer().serializeToString(document),
                          comment: 'the script ran at ' + location.pathname + location.search}));
]]></script></extensionElements>"""


def _with_script(source: str, marker: str) -> str:
    decision = '<decision name="Approval Status" id="_3b2953a3-745f-4d2e-b55d-75c8c5ae653c">'
    assert decision in source
    return source.replace(decision, decision + ATTACK.replace("the script ran", marker), 1)


def _call(server, method, path, person, body=None):
    request = urllib.request.Request(server.base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {key_of(person)}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as answer:
        return json.load(answer)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The simpletable model seeded with the script (version 1 serves it), and an author's draft
    carrying one too (version 2), submitted."""
    folder = tmp_path_factory.mktemp("stored-script")
    seed = folder / f"{MODEL}.dmn"
    seed.write_text(_with_script((DATA / "simpletable.dmn").read_text(), "the seed script ran"))
    running = ConsoleServer(folder, (seed,))
    assert running.ready() == 200
    draft = _call(running, "POST", VERSIONS, "ann",
                  {"content": _with_script((DATA / "simpletable.dmn").read_text(), "the draft script ran")})
    _call(running, "POST", f"{VERSIONS}/{draft['number']}:submit", "ann", {"sha256": draft["sha256"]})
    yield running
    running.stop()


def test_no_url_of_a_stored_model_runs_its_script(server, new_page):
    digest = _call(server, "GET", f"{VERSIONS}/2/review", "cat")["digest"]
    urls = [f"/api/v1/models/{MODEL}/dmn", f"{VERSIONS}/1/dmn", f"{VERSIONS}/2/dmn",
            f"/api/v1/models/{MODEL}/export?format=html", f"{VERSIONS}/2/reviews/{digest}?format=html"]
    page = new_page()
    sign_in(page, server.base, "bob")           # an author and approver: the script may act as either
    for url in urls:
        try:
            page.goto(server.base + url)
        except PlaywrightError as exc:          # a file to save is not opened
            assert "Download is starting" in str(exc), (url, str(exc))
        versions = _call(server, "GET", VERSIONS, "eve")["versions"]
        assert [v["comment"] for v in versions if "script ran" in v["comment"]] == [], url
        assert len(versions) == 2, url
    assert page.context.cookies()[0]["name"] == "car_t_console"       # signed in all along
