"""The service asks the EHR's FHIR server for what a CAR-T order needs (CDS Hooks' FHIR resource access):
with the hook's token, only when the request names the server configured for the EHR, within one
deadline (a server that hangs leaves its facts unknown, and the answer comes anyway), and the
Coverage prefetch lacked is queried, or, if it cannot be, a 412."""
import copy

import pytest

from crd_rules import response_violations
from ehr_support import body, extension_of, FhirServer, fixture, make_app, post_hook

CLINICAL = [e["resource"] for e in fixture("clinical-record")["entry"]]


@pytest.fixture(scope="module")
def ehr_server():
    server = FhirServer(CLINICAL + [copy.deepcopy(body()["prefetch"]["coverage"]["entry"][0]["resource"])])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app(tmp_path_factory, ehr_server):
    """A deadline no answering server on 127.0.0.1 reaches, however busy the machine."""
    made = make_app(tmp_path_factory.mktemp("query"), EHR_FHIR_SERVER=ehr_server.base, EHR_QUERY_SECONDS=300)
    yield made
    made.extensions["audit"].close()


@pytest.fixture(scope="module")
def hurried(tmp_path_factory, ehr_server):
    """A short deadline, for a server that never answers: what is late is late whatever the machine's speed."""
    made = make_app(tmp_path_factory.mktemp("hurried"), EHR_FHIR_SERVER=ehr_server.base, EHR_QUERY_SECONDS=0.5)
    yield made
    made.extensions["audit"].close()


def hook_to(server_url, drop_coverage=False):
    hook = copy.deepcopy(body())
    hook["fhirServer"] = server_url
    if drop_coverage:
        del hook["prefetch"]["coverage"]
    return hook


def inputs_of(app, response):
    assert response.status_code == 200, response.json
    assert response_violations(response.json) == []
    return app.extensions["audit"].get(extension_of(response.json["systemActions"][0])["coverage-assertion-id"])["inputs"]


def test_the_configured_server_is_queried_with_the_hooks_token(app, ehr_server):
    ehr_server.requests.clear()
    inputs = inputs_of(app, post_hook(app.test_client(), hook_to(ehr_server.base)))
    assert inputs["Documentation"]["cbc"] is True and inputs["History"]["systemic_immunosuppression"] == "none"
    paths = [path for path, _ in ehr_server.requests]
    assert {p.split("?")[0] for p in paths} >= {"/fhir/Condition", "/fhir/Procedure", "/fhir/Observation"}
    assert all(auth == "Bearer some-opaque-fhir-access-token" for _, auth in ehr_server.requests)


def test_a_server_the_ehr_is_not_configured_with_is_never_queried(app, ehr_server):
    other = FhirServer(CLINICAL)
    try:
        inputs = inputs_of(app, post_hook(app.test_client(), hook_to(other.base)))
        assert other.requests == []
        assert inputs["Documentation"]["cbc"] is None
    finally:
        other.stop()


def test_the_coverage_prefetch_lacks_is_queried(app, ehr_server):
    inputs = inputs_of(app, post_hook(app.test_client(), hook_to(ehr_server.base, drop_coverage=True)))
    assert inputs["Request"]["line_of_business"] == "commercial"


def test_a_missing_coverage_is_412_when_the_server_cannot_be_asked(app, ehr_server):
    hook = hook_to(ehr_server.base, drop_coverage=True)
    del hook["fhirAuthorization"]
    response = post_hook(app.test_client(), hook)
    assert response.status_code == 412 and response.json["resourceType"] == "OperationOutcome"


def test_a_server_that_hangs_leaves_facts_unknown_and_the_answer_comes(hurried, ehr_server):
    ehr_server.hold.clear()
    try:
        inputs = inputs_of(hurried, post_hook(hurried.test_client(), hook_to(ehr_server.base)))
    finally:
        ehr_server.hold.set()
    assert inputs["Documentation"]["cbc"] is None and inputs["History"]["transplants"] is None


def test_a_coverage_query_that_hangs_is_412(hurried, ehr_server):
    ehr_server.hold.clear()
    try:
        response = post_hook(hurried.test_client(), hook_to(ehr_server.base, drop_coverage=True))
    finally:
        ehr_server.hold.set()
    assert response.status_code == 412
