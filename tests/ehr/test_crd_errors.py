"""CRD's errors, each an OperationOutcome naming what is wrong: 400 for what is not JSON, not a CDS Hooks
request, not valid FHIR R4, or not exactly one Coverage of this plan; 412 when the Coverage is missing
and cannot be queried; 422 for a broken CRD constraint or FHIR data the model's data dictionary
refuses. Missing clinical data is never an error."""
import copy

import pytest

from ehr_support import bearer, body, complete, make_app, post_hook, SIGN


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    made = make_app(tmp_path_factory.mktemp("errors"))
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def outcome(response, status, where=None):
    assert response.status_code == status, response.json
    assert response.mimetype == "application/fhir+json"
    assert response.json["resourceType"] == "OperationOutcome"
    issues = response.json["issue"]
    assert all(i["severity"] == "error" and i["diagnostics"] for i in issues)
    if where:
        assert any(where in e for i in issues for e in i.get("expression", [])), issues
    return issues


def changed(change):
    hook = copy.deepcopy(body())
    change(hook)
    return hook


def test_a_body_that_is_not_json_is_400(client):
    response = client.post(SIGN, data=b'{"hook": ', headers={**bearer(SIGN), "Content-Type": "application/json"})
    outcome(response, 400)


def test_a_body_that_is_not_a_cds_hooks_request_is_400_naming_each_field(client):
    issues = outcome(post_hook(client, {"hook": "patient-view", "context": []}), 400)
    named = {e for i in issues for e in i["expression"]}
    assert {"hook", "hookInstance", "context"} <= named


def test_a_draft_order_that_is_not_valid_fhir_is_400_naming_the_element(client):
    def bad(hook):
        hook["context"]["draftOrders"]["entry"][0]["resource"]["authoredOn"] = "the first of May"
    outcome(post_hook(client, changed(bad)), 400, "authoredOn")


def test_a_prefetched_resource_that_is_not_valid_fhir_is_400(client):
    def bad(hook):
        hook["prefetch"]["patient"]["birthDate"] = 19870220
    outcome(post_hook(client, changed(bad)), 400, "prefetch.patient")


def test_no_coverage_is_400(client):
    def none(hook):
        hook["prefetch"]["coverage"]["entry"] = []
    outcome(post_hook(client, changed(none)), 400, "prefetch.coverage")


def test_two_coverages_are_400(client):
    def two(hook):
        second = copy.deepcopy(hook["prefetch"]["coverage"]["entry"][0])
        second["resource"]["id"] = "COV2"
        hook["prefetch"]["coverage"]["entry"].append(second)
    issues = outcome(post_hook(client, changed(two)), 400, "prefetch.coverage")
    assert "2 Coverage" in issues[0]["diagnostics"]


def test_another_payers_coverage_is_400(client):
    def foreign(hook):
        hook["prefetch"]["coverage"]["entry"][0]["resource"]["payor"] = [{"reference": "Organization/other-payer"}]
    outcome(post_hook(client, changed(foreign)), 400, "payor")


def test_a_missing_coverage_that_cannot_be_queried_is_412(client):
    def missing(hook):
        del hook["prefetch"]["coverage"]
    outcome(post_hook(client, changed(missing)), 412, "prefetch.coverage")


def test_draft_orders_that_are_not_a_collection_break_crd_and_are_422(client):
    def batch(hook):
        hook["context"]["draftOrders"]["type"] = "batch"
    outcome(post_hook(client, changed(batch)), 422, "draftOrders.type")


def test_an_order_for_another_patient_breaks_crd_and_is_422(client):
    def other(hook):
        hook["context"]["draftOrders"]["entry"][0]["resource"]["subject"] = {"reference": "Patient/456"}
    outcome(post_hook(client, changed(other)), 422, "subject")


def test_an_order_quantity_the_data_dictionary_refuses_is_422_naming_where_it_was_read(client):
    def zero(hook):
        hook["context"]["draftOrders"]["entry"][0]["resource"]["quantityQuantity"] = {"value": 0}
    issues = outcome(post_hook(client, changed(zero)), 422)
    text = " ".join(i["diagnostics"] + " ".join(i.get("expression", [])) for i in issues)
    assert "infusions_requested" in text and "quantity" in text


def test_an_unknown_service_is_404(client):
    outcome(client.post("/cds-services/patient-view", json=body(), headers=bearer("/cds-services/patient-view")), 404)


def test_a_body_not_sent_as_json_is_415(client):
    outcome(client.post(SIGN, data=b"hook=order-sign", headers={**bearer(SIGN), "Content-Type": "text/plain"}), 415)


def test_missing_clinical_data_is_not_an_error(client):
    def bare(hook):
        hook["prefetch"] = {"coverage": hook["prefetch"]["coverage"]}
        del hook["fhirServer"], hook["fhirAuthorization"]
    assert post_hook(client, changed(bare)).status_code == 200


def test_an_order_past_the_evaluation_budget_is_422_naming_the_order_and_the_budget(tmp_path):
    """A CAR-T determination takes 33 steps at least: one step of budget is too little for any."""
    app = make_app(tmp_path, EVALUATION_STEPS=1)
    try:
        issues = outcome(post_hook(app.test_client(), complete(body())), 422, "ServiceRequest/")
    finally:
        app.extensions["audit"].close()
    assert any("more than 1 steps, its evaluation budget (CAR_T_EVALUATION_STEPS)" in i["diagnostics"] for i in issues), issues
