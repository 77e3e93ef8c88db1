"""DTR's $questionnaire-package on a CRD coverage assertion, and the whole walk: order-sign ->
documentation_incomplete with doc-needed and the questionnaire -> the package (a Questionnaire of
the assertion's own pends, pre-filled on the server) -> the provider's answers, stored in the EHR ->
order-sign again, the answers read back from the EHR's FHIR server -> medically_appropriate."""
import copy

import pytest

from crd_rules import response_violations
from ehr_support import bearer, body, complete, extension_of, FhirServer, fixture, make_app, PACKAGE, post_hook, with_resources
from webapp.ehr.resources import problems

CLINICAL = [e["resource"] for e in fixture("clinical-record")["entry"]]
# What the provider answers, field by field (the walk fails on a question it does not expect).
PROVIDER = {
    "Assessment.mdt_evaluated": {"valueBoolean": True}, "Assessment.mdt_recommends": {"valueBoolean": True},
    "Assessment.organ_function_adequate": {"valueBoolean": True},
    "Assessment.deterioration_expected": {"valueBoolean": False},
    "History.prior_car_t_infusion": {"valueBoolean": False}, "History.active_gvhd": {"valueBoolean": False},
    "History.copd": {"valueBoolean": False}, "History.emphysema": {"valueBoolean": False},
    "History.alpha1_antitrypsin_deficiency": {"valueBoolean": False},
    "History.hepatopulmonary_syndrome": {"valueBoolean": False},
    "Documentation.consults_obtained": {"valueBoolean": False},
    **{f"Documentation.{name}": {"valueBoolean": True} for name in (
        "place_of_service", "risk_benefit_analysis", "comorbidities_identified", "comorbidity_management",
        "comorbidity_assessment", "psychosocial_stressors", "cmv_serology", "age_appropriate_screening", "pft")},
}
LEFT_UNANSWERED = {"Assessment.deterioration_onset_days_after_apheresis", "Documentation.consult_notes",
                   "Documentation.muga_scan", "Documentation.inpatient_justification", "Documentation.pps",
                   "Documentation.lansky"}


@pytest.fixture(scope="module")
def ehr_server():
    server = FhirServer(CLINICAL)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app(tmp_path_factory, ehr_server):
    made = make_app(tmp_path_factory.mktemp("dtr"), EHR_FHIR_SERVER=ehr_server.base, EHR_QUERY_SECONDS=300)
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def signed(client, ehr_server):
    """order-sign on the guide's example body, the clinical record on the EHR's FHIR server."""
    hook = copy.deepcopy(body())
    hook["fhirServer"] = ehr_server.base
    response = post_hook(client, hook)
    assert response.status_code == 200 and response_violations(response.json) == []
    (action,) = response.json["systemActions"]
    return hook, action


def package(client, hook, **parameters):
    coverage = hook["prefetch"]["coverage"]["entry"][0]["resource"]
    order = hook["context"]["draftOrders"]["entry"][0]["resource"]
    given = [{"name": "coverage", "resource": coverage}, {"name": "order", "resource": order}]
    given += [{"name": name, **value} for name, value in parameters.items()]
    return client.post(PACKAGE, json={"resourceType": "Parameters", "parameter": given}, headers=bearer(PACKAGE))


def _questions(items):
    for item in items:
        if item["type"] == "group" and not item.get("repeats"):
            yield from _questions(item["item"])
        else:
            yield item


def answer_all(questionnaire: dict, response: dict) -> dict:
    """The provider completes the pre-filled response: every attestation and fact it is asked that the
    EHR's data did not answer."""
    completed = copy.deepcopy(response)
    completed["status"] = "completed"
    prefilled = {i["linkId"]: i for g in response.get("item", []) for i in g["item"]}
    groups = []
    for group in questionnaire["item"]:
        answered = []
        for question in _questions(group["item"]):
            link = question["linkId"]
            if link in PROVIDER:
                answered.append({"linkId": link, "answer": [PROVIDER[link]]})
            elif link in prefilled:
                answered.append(prefilled[link])        # what the EHR sent stands
            else:
                assert link.endswith(".attachment") or link in LEFT_UNANSWERED, f"unexpected question {link}"
        if answered:
            groups.append({"linkId": group["linkId"], "item": answered})
    completed["item"] = groups
    return completed


def test_the_walk_from_documentation_incomplete_to_medically_appropriate(client, app, ehr_server):
    hook, action = signed(client, ehr_server)
    first = extension_of(action)
    assert (first["doc-needed"], first["doc-purpose"]) == ("clinical", "withpa")
    assertion = first["coverage-assertion-id"]
    audit = app.extensions["audit"]
    assert audit.get(assertion)["outputs"]["determination"] == "documentation_incomplete"
    # the service asked the EHR's FHIR server, with the hook's token, for what prefetch lacks
    assert any(path.startswith("/fhir/Condition?patient=123") for path, _ in ehr_server.requests)
    assert {auth for _, auth in ehr_server.requests} == {"Bearer some-opaque-fhir-access-token"}

    response = package(client, hook, context={"valueString": assertion})
    assert response.status_code == 200, response.json
    (parameter,) = response.json["parameter"]
    assert parameter["name"] == "packagebundle"
    questionnaire, prefilled = [e["resource"] for e in parameter["resource"]["entry"]]
    assert problems(parameter["resource"], "package") == {}
    assert questionnaire["resourceType"] == "Questionnaire" and prefilled["resourceType"] == "QuestionnaireResponse"
    assert f"{questionnaire['url']}|{questionnaire['version']}" == first["questionnaire"] == prefilled["questionnaire"]
    assert all("Medical Policy 7.02.11" in group["text"] for group in questionnaire["item"])
    links = {q["linkId"] for q in _questions(questionnaire["item"])}
    assert "Documentation.cbc" not in links                         # the EHR's record holds the CBC
    assert {"Assessment.mdt_evaluated", "Documentation.risk_benefit_analysis",
            "Documentation.risk_benefit_analysis.attachment"} <= links
    contexts = {e["valueReference"]["reference"] for e in prefilled["extension"] if e["url"].endswith("qr-context")}
    assert contexts == {"Coverage/COV1", "ServiceRequest/1357"}

    ehr_server.resources.append(answer_all(questionnaire, prefilled))      # the DTR client stores it in the EHR
    hook, action = signed(client, ehr_server)
    second = extension_of(action)
    assert second["coverage-assertion-id"] != assertion
    assert (second["covered"], second["pa-needed"]) == ("covered", "auth-needed")
    assert "doc-needed" not in second
    record = audit.get(second["coverage-assertion-id"])
    assert record["outputs"]["determination"] == "medically_appropriate"
    assert record["outputs"]["crd"]["sources"]["Assessment.mdt_evaluated"] == "questionnaire"
    ehr_server.resources.pop()


def test_the_questionnaire_is_prefilled_with_what_the_ehr_sent(client, app):
    consults = {"resourceType": "QuestionnaireResponse", "id": "partial", "status": "completed",
                "questionnaire": "https://payer.example.org/car-t/Questionnaire/car-t-candidate-selection|earlier",
                "subject": {"reference": "Patient/123"}, "authored": "2026-05-01T00:00:00Z",
                "item": [{"linkId": "Assessment.mdt_recommends", "answer": [{"valueBoolean": True}]}]}
    hook = with_resources(body(), consults)
    action = post_hook(client, hook).json["systemActions"][0]
    response = package(client, hook, questionnaire={"valueCanonical": extension_of(action)["questionnaire"]})
    questionnaire, prefilled = [e["resource"] for e in response.json["parameter"][0]["resource"]["entry"]]
    answers = {i["linkId"]: i["answer"][0] for g in prefilled["item"] for i in g["item"] if "answer" in i}
    assert answers["Assessment.mdt_recommends"]["valueBoolean"] is True
    assert answers["Assessment.mdt_recommends"]["extension"][0]["extension"][0]["valueCode"] == "auto"
    assert "Assessment.mdt_evaluated" not in answers


def test_an_assertion_that_needs_nothing_more_says_so(client, app):
    hook = complete(body())
    assertion = extension_of(post_hook(client, hook).json["systemActions"][0])["coverage-assertion-id"]
    response = package(client, hook, context={"valueString": assertion})
    assert response.status_code == 200
    (parameter,) = response.json["parameter"]
    assert parameter["name"] == "outcome" and parameter["resource"]["issue"][0]["severity"] == "information"


def test_an_id_that_is_no_crd_assertion_of_this_ehr_is_404(client, app):
    response = package(client, body(), context={"valueString": "no-such-assertion"})
    assert response.status_code == 404 and response.json["resourceType"] == "OperationOutcome"
    app.extensions["audit"].record([{"id": "other-ehr", "model_id": "car-t-candidate-selection", "model_version": "v",
                                     "endpoint": "car_t.crd.order-sign", "caller": "0123456789ab", "inputs": {},
                                     "outputs": {"crd": {}}, "matched_rules": {}}])
    assert package(client, body(), context={"valueString": "other-ehr"}).status_code == 404


def test_the_context_or_the_questionnaire_is_needed(client):
    response = package(client, body())
    assert response.status_code == 400 and "context" in response.json["issue"][0]["expression"][0]


def test_only_parameters_are_taken(client):
    response = client.post(PACKAGE, json={"resourceType": "Basic", "code": {"text": "x"}}, headers=bearer(PACKAGE))
    assert response.status_code == 400 and response.json["resourceType"] == "OperationOutcome"
