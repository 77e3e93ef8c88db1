"""A publish never silently breaks a caller (issue 23 §1): the review states the request contract's
change from the serving version to a draft; a field added is optional, so the documented example
still answers after it is published, and /openapi.json's info.version follows the contract; a field
removed cannot be submitted or published unless the draft declares a new contract major."""
import json

import pytest

from support.apps import CAR_T, CAR_T_ID, make_app
from support.people import as_

EXAMPLE = json.loads(CAR_T.with_name(f"{CAR_T_ID}.example.json").read_text())
VERSIONS = f"/api/v1/models/{CAR_T_ID}/versions"
NS = 'xmlns:contract="https://healthplan.example/dmn/contract"'


@pytest.fixture
def client(tmp_path, database):
    return make_app(tmp_path, models=(str(CAR_T),), database=database).test_client()


def _declaring(source: str, version: str) -> str:
    return source.replace("<definitions ", f'<definitions {NS} contract:version="{version}" ', 1)


def _with_field(source: str) -> str:
    """Request gains signed_consent, which no rule reads."""
    return source.replace('<itemComponent id="ItemComponent_tRequest_request_date"',
                          '<itemComponent id="ItemComponent_tRequest_signed_consent" name="signed_consent">'
                          '<typeRef>boolean</typeRef></itemComponent>'
                          '<itemComponent id="ItemComponent_tRequest_request_date"', 1)


def _draft(client, content: str) -> tuple[str, str]:
    draft = client.post(VERSIONS, json={"content": content}, headers=as_("ann"))
    assert draft.status_code == 201, draft.json
    return f"{VERSIONS}/{draft.json['number']}", draft.json["sha256"]


def _contract(client, path: str) -> dict:
    review = client.get(f"{path}/review", headers=as_("cat"))
    assert review.status_code == 200, review.json
    return review.json["evidence"]["contract"]


def _published(client, path: str, sha: str) -> None:
    assert client.post(f"{path}:submit", json={"sha256": sha}, headers=as_("ann")).status_code == 200
    digest = client.get(f"{path}/review", headers=as_("cat")).json["digest"]
    assert client.post(f"{path}:approve", json={"sha256": sha, "evidence": digest}, headers=as_("cat")).status_code == 200
    assert client.post(f"{path}:publish", json={"sha256": sha}, headers=as_("cat")).status_code == 200


def test_an_added_field_is_optional_so_the_example_still_answers_and_the_minor_moves(client):
    assert client.get("/openapi.json").json["info"]["version"] == "2.0.0"
    path, sha = _draft(client, _declaring(_with_field(CAR_T.read_text()), "2.1.0"))
    contract = _contract(client, path)
    assert contract["changes"] == [{"kind": "added", "field": "Request.signed_consent",
                                    "detail": "new, optional (absent is not known)"}]
    assert (contract["serving"], contract["needed"], contract["errors"]) == ("2.0.0", "2.1.0", [])
    _published(client, path, sha)
    answer = client.post("/api/v1/car-t/determinations", json=EXAMPLE, headers=as_("eve"))
    assert answer.status_code == 200 and answer.json["determination"] == "medically_appropriate"
    assert answer.json["model_version"] == sha
    document = client.get("/openapi.json").json
    assert document["info"]["version"] == "2.1.0"
    request = document["components"]["schemas"]["CarTInputs.Trequest"]
    assert "signed_consent" in request["properties"] and "signed_consent" not in request["required"]


def test_a_removed_field_is_refused_unless_the_draft_declares_a_new_major(client):
    added, sha = _draft(client, _declaring(_with_field(CAR_T.read_text()), "2.1.0"))
    _published(client, added, sha)
    path, sha = _draft(client, _declaring(CAR_T.read_text(), "2.1.0"))       # signed_consent removed again
    contract = _contract(client, path)
    assert [(c["kind"], c["field"]) for c in contract["changes"]] == [("removed", "Request.signed_consent")]
    assert contract["needed"] == "3.0.0" and "Request.signed_consent: removed" in contract["errors"][0]
    refused = client.post(f"{path}:submit", json={"sha256": sha}, headers=as_("ann"))
    assert refused.status_code == 409 and refused.json["code"] == "conflict"
    assert refused.json["errors"][0]["pointer"] == "/contract" and "3.0.0" in refused.json["detail"]
    major, sha = _draft(client, _declaring(CAR_T.read_text(), "3.0.0"))
    assert _contract(client, major)["errors"] == []
    _published(client, major, sha)
    assert client.get("/openapi.json").json["info"]["version"] == "3.0.0"


def test_a_compatible_change_must_still_say_its_version(client):
    path, sha = _draft(client, _with_field(CAR_T.read_text()))
    refused = client.post(f"{path}:submit", json={"sha256": sha}, headers=as_("ann"))
    assert refused.status_code == 409 and 'contract:version="2.1.0"' in refused.json["detail"]
