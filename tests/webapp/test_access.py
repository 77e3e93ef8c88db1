"""Every operation but /healthz, /readyz and CDS Hooks discovery needs a key, or for the EHR channel's
operations the EHR's JWT (which no API key replaces); each needs the role docs/api.md names for it;
the OpenAPI document says the same as the check."""
import re
from pathlib import Path

import pytest

from support.apps import make_app
from support.people import PEOPLE, key_of
from webapp.store.keys import ROLES

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = {("get", "/healthz"), ("get", "/readyz"), ("get", "/cds-services")}
EHR = [{"ehrJwt": []}]          # the EHR channel's operations (webapp.ehr): the EHR's JWT


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("access"))


@pytest.fixture(scope="module")
def doc(app):
    return app.test_client().get("/openapi.json").json


def _operations(doc):
    """(method, templated path, operation, URL to call) of each operation in the document."""
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in ("parameters", "x-path-template"):
                url = re.sub(r"\{[^}]+\}", lambda m: {"{model}": "simpletable"}.get(m.group(0), "x"), path)
                yield method, item.get("x-path-template", path), operation, url


def _call(client, method, path, headers=None):
    return client.open(path, method=method.upper(), headers=headers or {})


def test_every_operation_but_health_answers_401_without_a_key(app, doc):
    client = app.test_client()
    operations = list(_operations(doc))
    assert len(operations) >= 14
    for method, path, operation, url in operations:
        response = _call(client, method, url)
        if (method, path) in PUBLIC:
            assert response.status_code in (200, 503), path
        elif operation["security"] == EHR:
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json["resourceType"] == "OperationOutcome"
            for key in map(key_of, PEOPLE):
                assert _call(client, method, url, {"Authorization": f"Bearer {key}"}).status_code == 401, (path, key)
        else:
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json["code"] == "unauthorized" and response.json["request_id"]
            bad = _call(client, method, url, {"Authorization": "Bearer not-a-key"})
            assert bad.status_code == 401, (method, path)


def test_the_document_states_each_operations_security(doc):
    for method, path, operation, _ in _operations(doc):
        if (method, path) in PUBLIC:
            assert operation["security"] == [], path
        elif path.startswith(("/cds-services/", "/Questionnaire/")):
            assert operation["security"] == EHR and "401" in operation["responses"], path
        else:
            assert operation["security"] == [{"bearer": []}] and "401" in operation["responses"], path


def _roles_in_api_md():
    """{(method, path): role or None for any key} from the table in docs/api.md."""
    table = {}
    for line in (ROOT / "docs" / "api.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        role = cells[1].strip("`") or None
        for endpoint in re.findall(r"`(GET|POST|PUT|DELETE|PATCH) ([^`? ]+)[^`]*`", cells[0]):
            table[(endpoint[0].lower(), endpoint[1])] = role
    return table


def test_docs_api_md_names_the_role_of_every_operation_and_the_server_enforces_it(app, doc):
    documented = _roles_in_api_md()
    client = app.test_client()
    for method, path, operation, url in _operations(doc):
        assert (method, path) in documented, f"docs/api.md lacks {method.upper()} {path}"
        role = documented[(method, path)]
        if (method, path) in PUBLIC:
            assert role == "none", path
            continue
        if operation["security"] == EHR:
            assert role == "the EHR's JWT", path        # checked by test_every_operation_but_health_answers_401...
            continue
        assert role in ROLES or role == "any key", (path, role)
        for other in ROLES:
            response = _call(client, method, url, {"Authorization": f"Bearer {key_of(other)}"})
            allowed = role == "any key" or other == role
            assert (response.status_code != 403) == allowed, (method, path, other, response.status_code)
            assert response.status_code != 401
        if role != "any key":
            assert f"`{role}`" in operation["description"]
