"""CRD hooks answered from the policy model, on hook bodies built on the CRD guide's own
CRDServiceRequest examples: a CAR-T order of each product (a ServiceRequest with the HCPCS code, a
MedicationRequest named by CRD's billing options, the CPT administration step), each determination
mapped to coverage information as docs/ehr.md says, a bundle missing facts, order-select, and every
exchange audited under its coverage-assertion-id. Every answer keeps CRD's rules (crd_rules.py)."""
import copy

import pytest

from crd_rules import response_violations
from webapp.bulk.cases import AUDIT, plan
from ehr_support import body, complete, days_ago, extension_of, fixture, make_app, orders_only, post_hook, PRODUCTS, SELECT, today, with_resources

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    made = make_app(tmp_path_factory.mktemp("hooks"))
    yield made
    made.extensions["audit"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def answered(client, hook_body, path="/cds-services/car-t-order-sign"):
    response = post_hook(client, hook_body, path)
    assert response.status_code == 200, response.json
    assert response_violations(response.json) == []
    return response.json


def record_of(app, action):
    return app.extensions["audit"].get(extension_of(action)["coverage-assertion-id"])


def car_t_order(code="Q2041"):
    order = copy.deepcopy(body()["context"]["draftOrders"]["entry"][0]["resource"])
    order["code"]["coding"][0]["code"] = code
    return order


def newer_answers(**answers):
    """A completed questionnaire newer than the attested one, answering `answers` (field: valueX)."""
    response = fixture("questionnaire-response-attested")
    response["id"], response["authored"] = "later", f"{today().isoformat()}T10:00:00Z"
    response["item"] = [{"linkId": name, "answer": [value]} for name, value in answers.items()]
    return response


@pytest.mark.parametrize("code", PRODUCTS)
def test_a_service_request_for_each_product_is_determined_from_its_fhir(client, app, code):
    answer = answered(client, complete(orders_only(body(), car_t_order(code))))
    (action,) = answer["systemActions"]
    assert action["resource"]["id"] == "1357"
    coverage = extension_of(action)
    assert (coverage["covered"], coverage["pa-needed"]) == ("covered", "auth-needed")
    assert "doc-needed" not in coverage and "questionnaire" not in coverage and answer["cards"] == []
    record = record_of(app, action)
    assert record["outputs"]["determination"] == "medically_appropriate"
    assert record["endpoint"] == "car_t.crd.order-sign"
    assert record["inputs"]["Request"]["product"] == code
    assert record["outputs"]["crd"]["coverage_assertion_id"] == record["id"]
    assert record["outputs"]["crd"]["order"] == "ServiceRequest/1357"


def test_a_hook_determination_is_a_case_that_re_determination_reads(client, app):
    def cases():
        return plan(AUDIT, 100, "car-t-candidate-selection", app.config["DATABASE_URL"])[1]
    before = cases()
    answered(client, body())
    select = copy.deepcopy(body())
    select["hook"] = "order-select"
    answered(client, select, SELECT)
    assert cases() == before + 2


def test_an_order_that_is_not_car_t_gets_nothing_from_this_service(client, app):
    answer = answered(client, body())             # the guide's example: CAR-T plus home oxygen
    assert [a["resource"]["id"] for a in answer["systemActions"]] == ["1357"]
    oxygen = body()["context"]["draftOrders"]["entry"][1]["resource"]
    total_before = app.extensions["audit"].list(limit=1)[0]
    assert answered(client, orders_only(body(), oxygen)) == {"cards": []}
    assert app.extensions["audit"].list(limit=1)[0] == total_before


def test_orders_that_are_not_car_t_need_no_coverage_at_all(client):
    oxygen = body()["context"]["draftOrders"]["entry"][1]["resource"]
    hook = orders_only(body(), oxygen)
    del hook["prefetch"]["coverage"], hook["fhirAuthorization"]
    assert answered(client, hook) == {"cards": []}


def test_a_medication_request_by_its_billing_option_and_the_administration_step_it_is_signed_with(client, app):
    answer = answered(client, complete(body("order-sign-medicationrequest")))
    actions = {a["resource"]["resourceType"]: a for a in answer["systemActions"]}
    assert set(actions) == {"MedicationRequest", "ServiceRequest"}
    for action in actions.values():
        record = record_of(app, action)
        assert record["inputs"]["Request"]["product"] == "Q2041"       # the CPT step takes the drug's product
        assert record["inputs"]["Request"]["infusions_requested"] == 1
    step, drug = record_of(app, actions["ServiceRequest"]), record_of(app, actions["MedicationRequest"])
    assert step["outputs"]["determination"] == "medically_appropriate"
    assert drug["outputs"]["crd"]["order"] == "MedicationRequest/1111"
    # a MedicationRequest has no place of service: unknown for that order, never taken from another
    assert drug["inputs"]["Request"]["place_of_service"] is None
    assert [f["id"] for f in drug["outputs"]["findings"]] == ["DATA-GL-I.A"]


def test_a_bundle_missing_facts_pends_and_asks_for_documentation_never_reading_absence_as_false(client, app):
    answer = answered(client, body())
    (action,) = answer["systemActions"]
    coverage = extension_of(action)
    assert (coverage["covered"], coverage["pa-needed"], coverage["doc-needed"], coverage["doc-purpose"]) == \
        ("covered", "auth-needed", "clinical", "withpa")
    assertion = coverage["coverage-assertion-id"]
    assert coverage["questionnaire"] == ("https://payer.example.org/car-t/Questionnaire/car-t-candidate-selection|"
                                         + assertion)
    record = record_of(app, action)
    assert record["outputs"]["determination"] == "documentation_incomplete"
    history, documentation = record["inputs"]["History"], record["inputs"]["Documentation"]
    assert history["copd"] is None and history["transplants"] is None and history["prior_car_t_infusion"] is None
    assert history["active_gvhd"] is None and history["systemic_immunosuppression"] is None
    assert documentation["cbc"] is None and record["inputs"]["Assessment"]["mdt_evaluated"] is None
    found = {f["id"] for f in record["outputs"]["findings"]}
    assert {"DATA-I.A", "DATA-I.B", "DATA-II", "GL-I.E.1"} <= found
    # the plan's facts came from the plan, so nothing is pended on it
    assert not {f["id"] for f in record["outputs"]["findings"] if f["supplied_by"] != "provider"}
    assert record["inputs"]["Request"]["line_of_business"] == "commercial"
    assert record["inputs"]["Request"]["member_birth_date"] == "1987-02-20"


def test_an_allogeneic_transplant_within_the_window_is_not_medically_necessary(client, app):
    transplant = {"resourceType": "Procedure", "id": "allo", "status": "completed", "subject": {"reference": "Patient/123"},
                  "code": {"coding": [{"system": CPT, "code": "38240"}]}, "performedDateTime": days_ago(30)}
    answer = answered(client, with_resources(complete(body()), transplant, key="procedures"))
    (action,) = answer["systemActions"]
    record = record_of(app, action)
    assert record["outputs"]["determination"] == "not_medically_necessary"
    coverage = extension_of(action)
    assert (coverage["covered"], coverage["pa-needed"]) == ("covered", "auth-needed")
    details = coverage["detail"] if isinstance(coverage["detail"][0], list) else [coverage["detail"]]
    assert any("Statement II" in d[1]["valueString"] for d in details)
    (card,) = answer["cards"]
    assert card["source"]["topic"]["code"] == "off-guideline" and card["source"]["label"] == "Acme Health Plan"
    assert "Statement II" in card["detail"]
    assert {t["type"] for t in record["inputs"]["History"]["transplants"]} == {"allogeneic_hct", "autologous_hct"}


def test_a_team_that_does_not_recommend_fails_criteria(client, app):
    hook = with_resources(complete(body()), newer_answers(**{"Assessment.mdt_recommends": {"valueBoolean": False}}))
    answer = answered(client, hook)
    record = record_of(app, answer["systemActions"][0])
    assert record["outputs"]["determination"] == "criteria_not_met"
    assert [f["id"] for f in record["outputs"]["findings"]] == ["I.B"]
    assert len(answer["cards"]) == 1


def test_a_recent_solid_organ_transplant_with_ongoing_immunosuppression_goes_to_clinical_review(client, app):
    kidney = {"resourceType": "Procedure", "id": "kidney", "status": "completed", "subject": {"reference": "Patient/123"},
              "code": {"coding": [{"system": CPT, "code": "50360"}]}, "performedDateTime": days_ago(40)}
    tacrolimus = {"resourceType": "MedicationStatement", "id": "tac", "status": "active", "subject": {"reference": "Patient/123"},
                  "medicationCodeableConcept": {"coding": [{"system": "http://www.whocc.no/atc", "code": "L04AD02"}]}}
    answer = answered(client, with_resources(complete(body()), kidney, tacrolimus, key="record"))
    record = record_of(app, answer["systemActions"][0])
    assert record["outputs"]["determination"] == "clinical_review_required"
    assert record["inputs"]["History"]["systemic_immunosuppression"] == "ongoing"
    assert extension_of(answer["systemActions"][0])["covered"] == "covered"


def test_data_that_contradict_each_other_are_conditional_with_the_reason(client, app):
    hook = with_resources(complete(body()), newer_answers(**{
        "Assessment.deterioration_expected": {"valueBoolean": False},
        "Assessment.deterioration_onset_days_after_apheresis": {"valueInteger": 10}}))
    answer = answered(client, hook)
    coverage = extension_of(answer["systemActions"][0])
    assert (coverage["covered"], coverage["info-needed"]) == ("conditional", "OTH")
    assert "deterioration" in coverage["reason"]["text"]
    assert record_of(app, answer["systemActions"][0])["outputs"]["determination"] == "request_inconsistent"


def _coverage(hook, member=None, plan=None):
    changed = copy.deepcopy(hook)
    coverage = changed["prefetch"]["coverage"]["entry"][0]["resource"]
    if member:
        coverage["identifier"][0]["value"] = member
    if plan:
        coverage["class"][1]["value"] = plan
    return changed


def test_pharmacy_not_approved_is_not_under_this_policy_and_makes_no_assertion(client, app):
    audit = app.extensions["audit"]
    before = audit.list(limit=1)[0]
    answer = answered(client, complete(_coverage(body(), member="88800933502")))
    assert answer == {"cards": []}
    (recorded,) = audit.list(limit=1, offset=before)[1]
    assert recorded["outputs"]["determination"] == "policy_not_applicable"
    assert [f["id"] for f in recorded["outputs"]["findings"]] == ["APPLICABILITY-PHARMACY"]


def test_a_product_that_does_not_cover_car_t_is_not_covered(client, app):
    answer = answered(client, complete(_coverage(body(), plan="bronze")))
    coverage = extension_of(answer["systemActions"][0])
    assert coverage["covered"] == "not-covered" and "pa-needed" not in coverage


def test_a_member_the_plan_does_not_know_is_not_covered_with_the_reason(client, app):
    answer = answered(client, complete(_coverage(body(), member="99999999999")))
    coverage = extension_of(answer["systemActions"][0])
    assert coverage["covered"] == "not-covered"
    assert coverage["reason"]["coding"][0]["code"] == "no-member-found"


def test_a_plan_the_records_do_not_know_is_indeterminate_and_pends_on_the_plan_not_the_provider(client, app):
    answer = answered(client, complete(_coverage(body(), plan="platinum")))
    coverage = extension_of(answer["systemActions"][0])
    assert coverage["covered"] == "indeterminate" and coverage["reason"]["text"]
    assert "doc-needed" not in coverage
    record = record_of(app, answer["systemActions"][0])
    assert {f["supplied_by"] for f in record["outputs"]["findings"]} == {"plan_eligibility"}


def test_a_pharmacy_approval_the_plan_does_not_know_pends_for_the_pharmacy(client, app):
    hook = complete(orders_only(_coverage(body(), member="88800933502"), car_t_order("Q2042")))
    coverage = extension_of(answered(client, hook)["systemActions"][0])
    assert (coverage["covered"], coverage["pa-needed"]) == ("covered", "auth-needed")
    assert "Pharmacy" in coverage["reason"]["text"] and "doc-needed" not in coverage


def test_order_select_answers_coverage_but_never_asks_for_documentation(client, app):
    hook = copy.deepcopy(body())
    hook["hook"] = "order-select"
    hook["context"]["selections"] = ["ServiceRequest/1357"]
    answer = answered(client, hook, SELECT)
    (action,) = answer["systemActions"]
    coverage = extension_of(action)
    assert (coverage["covered"], coverage["pa-needed"]) == ("covered", "auth-needed")
    assert "doc-needed" not in coverage and "questionnaire" not in coverage
    assert record_of(app, action)["endpoint"] == "car_t.crd.order-select"


def test_the_ehr_configuration_turns_coverage_information_and_cards_off(client, app):
    transplant = {"resourceType": "Procedure", "id": "allo", "status": "completed", "subject": {"reference": "Patient/123"},
                  "code": {"coding": [{"system": CPT, "code": "38240"}]}, "performedDateTime": days_ago(30)}
    hook = with_resources(complete(body()), transplant)
    hook["extension"]["davinci-crd.configuration"].update({"coverage-info": False, "max-cards": 0})
    assert answered(client, hook) == {"cards": []}


def test_an_earlier_assertion_of_this_service_on_the_order_is_replaced(client, app):
    first = answered(client, body())["systemActions"][0]["resource"]
    hook = orders_only(body(), first)
    again = answered(client, hook)["systemActions"][0]["resource"]
    mine = [e for e in again["extension"] if e["url"].endswith("ext-coverage-information")]
    assert len(mine) == 1
