"""The EHR operations' examples in /openapi.json are real requests: the order-sign example is answered
with a CAR-T order's coverage information, and the questionnaire-package example, given the assertion
id that answer carried, with the order's questionnaire package."""
import copy

import pytest

from crd_rules import response_violations
from ehr_support import PACKAGE, SIGN, bearer, extension_of, make_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    made = make_app(tmp_path_factory.mktemp("examples"))
    yield made
    made.extensions["audit"].close()


def _example(client, path: str) -> dict:
    (content,) = client.get("/openapi.json").json["paths"][path]["post"]["requestBody"]["content"].values()
    return content["example"]


def test_the_order_sign_example_is_answered_and_its_assertion_packaged(app):
    client = app.test_client()
    signed = client.post(SIGN, json=_example(client, "/cds-services/{service_id}"), headers=bearer(SIGN))
    assert signed.status_code == 200 and response_violations(signed.json) == []
    (action,) = signed.json["systemActions"]
    coverage = extension_of(action)
    assert coverage["covered"] == "covered" and coverage["doc-needed"] == "clinical"

    parameters = copy.deepcopy(_example(client, PACKAGE))
    (context,) = [p for p in parameters["parameter"] if p["name"] == "context"]
    assert client.post(PACKAGE, json=parameters, headers=bearer(PACKAGE)).status_code == 404   # not this EHR's
    context["valueString"] = coverage["coverage-assertion-id"]
    packaged = client.post(PACKAGE, json=parameters, headers=bearer(PACKAGE))
    assert packaged.status_code == 200, packaged.json
    (bundle,) = [p["resource"] for p in packaged.json["parameter"] if p["name"] == "packagebundle"]
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {"Questionnaire", "QuestionnaireResponse"}
