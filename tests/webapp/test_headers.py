"""No stored content runs as script on the service's origin (issue 20 §1): every answer says
`nosniff`; every answer but the console's pages and /docs carries a policy under which nothing runs;
stored model XML is a file to save, with an XML media type. (The browser's side of it:
tests/console/test_stored_script.py.)"""
import re

import pytest

from support.apps import make_app
from support.people import key_of
from test_access import _operations

NOTHING_RUNS = "default-src 'none'; frame-ancestors 'none'; sandbox"
ALL = {"Authorization": f"Bearer {key_of('all')}"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("headers")).test_client()


def _nothing_runs(answer, what):
    assert answer.headers.get("X-Content-Type-Options") == "nosniff", what
    assert answer.headers.get("Content-Security-Policy") == NOTHING_RUNS, what


def test_every_operation_answers_with_nosniff_and_a_policy_under_which_nothing_runs(client):
    doc = client.get("/openapi.json").json
    _nothing_runs(client.get("/openapi.json"), "/openapi.json")
    answered = set()
    for method, _, operation, url in _operations(doc):
        for headers in (ALL, {}):                   # the answer, and the 401 without a key
            answer = client.open(url, method=method.upper(), headers=headers)
            answered.add(answer.status_code)
            if url.endswith("/export") and answer.status_code == 200:
                continue                            # an HTML document: below
            _nothing_runs(answer, f"{method} {url} {answer.status_code}")
    assert {200, 401, 404} <= answered
    for url in ("/no/such/page", "/api/v1/models/nope/dmn"):
        _nothing_runs(client.get(url, headers=ALL), url)
    _nothing_runs(client.delete("/healthz"), "405")


def test_model_xml_is_a_file_to_save_with_an_xml_media_type(client):
    for url, name in (("/api/v1/models/simpletable/dmn", "simpletable-v1.dmn"),
                      ("/api/v1/models/simpletable/versions/1/dmn", "simpletable-v1.dmn")):
        answer = client.get(url, headers=ALL)
        assert answer.status_code == 200 and answer.data.startswith(b"<?xml")
        assert answer.mimetype == "application/xml"
        assert answer.headers["Content-Disposition"] == f"attachment; filename={name}"
        _nothing_runs(answer, url)


def test_the_html_documents_allow_their_own_stylesheet_and_nothing_else(client):
    answer = client.get("/api/v1/models/simpletable/export?format=html", headers=ALL)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert answer.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    for fmt in ("csv", "xlsx", "md"):
        saved = client.get(f"/api/v1/models/simpletable/export?format={fmt}", headers=ALL)
        assert saved.headers["Content-Disposition"].startswith("attachment;"), fmt
        _nothing_runs(saved, fmt)


def test_the_console_and_the_docs_keep_their_own_policy(client):
    docs = client.get("/docs")
    assert docs.headers["X-Content-Type-Options"] == "nosniff"
    assert re.search(r"script-src 'self'", docs.headers["Content-Security-Policy"])
    sign_in = client.get("/console/sign-in")
    assert sign_in.status_code == 200 and sign_in.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in sign_in.headers["Content-Security-Policy"]
