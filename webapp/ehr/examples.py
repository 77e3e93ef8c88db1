"""The EHR operations' example bodies (the OpenAPI document's, so Swagger UI and generated clients show
a real one): the CRD guide's order-sign example (HL7/davinci-crd `CRDServiceRequest.json`) with a CAR-T
order, and a DTR $questionnaire-package for the coverage assertion such a call answers with. Both need
the EHR's JWT; tests/ehr/test_examples.py sends them."""
from __future__ import annotations

_FHIR = "http://example.org/someEHR/fhir"
_PATIENT = {"resourceType": "Patient", "id": "123", "name": [{"family": "Baxter", "given": ["Amy", "V."]}],
            "gender": "female", "birthDate": "1987-02-20"}
_COVERAGE = {
    "resourceType": "Coverage", "id": "COV1", "status": "active",
    "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB"}]},
                    "system": "http://example.org/fhir/memberidentifier", "value": "88800933501"}],
    "subscriberId": "888009335", "beneficiary": {"reference": f"{_FHIR}/Patient/123"},
    "period": {"start": "2020-01-01"},
    "payor": [{"reference": f"{_FHIR}/Organization/acme-payer", "display": "Acme Health Plan"}],
    "class": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]},
               "value": "gold", "name": "Acme Gold Plan"}]}
_ORDER = {
    "resourceType": "ServiceRequest", "id": "1357", "status": "draft", "intent": "original-order",
    "code": {"coding": [{"system": "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "code": "Q2041",
                         "display": "Axicabtagene ciloleucel, up to 200 million autologous anti-CD19 CAR "
                                    "positive viable T cells"}]},
    "quantityQuantity": {"value": 1}, "subject": {"reference": f"{_FHIR}/Patient/123"},
    "authoredOn": "2026-12-01", "requester": {"reference": f"{_FHIR}/PractitionerRole/ABC"},
    "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C83.30"}]}]}

ORDER_SIGN = {
    "hook": "order-sign", "hookInstance": "d5a80646-7ef5-4edf-ade9-72407ca28c76", "fhirServer": _FHIR,
    "context": {"userId": "Practitioner/ABC", "patientId": "123",
                "draftOrders": {"resourceType": "Bundle", "type": "collection",
                                "entry": [{"fullUrl": f"{_FHIR}/ServiceRequest/1357", "resource": _ORDER}]}},
    "prefetch": {"patient": _PATIENT,
                 "coverage": {"resourceType": "Bundle", "type": "searchset",
                              "entry": [{"fullUrl": f"{_FHIR}/Coverage/COV1", "resource": _COVERAGE}]}}}

# `context` is the coverage-assertion-id the order-sign call's coverage information carried.
QUESTIONNAIRE_PACKAGE = {
    "resourceType": "Parameters",
    "parameter": [{"name": "coverage", "resource": _COVERAGE}, {"name": "order", "resource": _ORDER},
                  {"name": "context", "valueString": "3f2b7c1e-9a4d-4e8b-8c6f-0d1e2a3b4c5d"}]}
