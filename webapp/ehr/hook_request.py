"""A CDS Hooks request of an order hook, read as CRD asks: what is malformed is a 400 (with an
OperationOutcome, webapp.ehr.outcome), a broken CRD constraint a 422, the one Coverage missing from
prefetch a 412 only when the service cannot query it (webapp.ehr.hooks decides that)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from webapp.ehr.resources import checked, contents, refers_to
from webapp.api.errors import ApiError

_TOKEN = re.compile(r"\{\{\s*context\.(\w+)\s*\}\}")


@dataclass
class HookRequest:
    hook: str
    instance: str
    patient_id: str
    orders: list[dict]                      # the draft orders, in the order sent
    prefetched: list[dict]                  # every resource prefetch carries
    coverage_sent: bool                     # prefetch holds the coverage (possibly none or several)
    fhir_server: str | None = None
    token: str | None = None
    context: dict = field(default_factory=dict)
    configuration: dict = field(default_factory=dict)

    def query(self, template: str) -> str:
        """A query of the mapping with its {{context.x}} tokens filled in."""
        return _TOKEN.sub(lambda m: str(self.context.get(m.group(1), "")), template)


def read(body, hook: str) -> HookRequest:
    if not isinstance(body, dict):
        raise ApiError(400, "a CDS Hooks request is a JSON object", {"body": ["not an object"]})
    errors: dict = {}
    if body.get("hook") != hook:
        errors["hook"] = [f"this service answers the {hook} hook"]
    if not isinstance(body.get("hookInstance"), str) or not body["hookInstance"]:
        errors["hookInstance"] = ["required: a string"]
    context = body.get("context")
    if not isinstance(context, dict):
        errors["context"] = ["required: an object"]
        context = {}
    patient_id = context.get("patientId")
    if not isinstance(patient_id, str) or not patient_id:
        errors["context.patientId"] = ["required: a string"]
    draft = context.get("draftOrders")
    if not isinstance(draft, dict) or draft.get("resourceType") != "Bundle":
        errors["context.draftOrders"] = ["required: a Bundle of the draft orders"]
    prefetch = body.get("prefetch", {})
    if prefetch is None:
        prefetch = {}
    if not isinstance(prefetch, dict):
        errors["prefetch"] = ["an object of prefetch keys"]
        prefetch = {}
    authorization = body.get("fhirAuthorization")
    if authorization is not None and (not isinstance(authorization, dict)
                                      or not isinstance(authorization.get("access_token"), str)):
        errors["fhirAuthorization"] = ["an object with an access_token"]
        authorization = None
    server = body.get("fhirServer")
    if server is not None and not isinstance(server, str):
        errors["fhirServer"] = ["a URL"]
        server = None
    extension = body.get("extension") or {}
    configuration = extension.get("davinci-crd.configuration") if isinstance(extension, dict) else None
    if configuration is not None and not isinstance(configuration, dict):
        errors["extension.davinci-crd.configuration"] = ["an object"]
        configuration = None
    if errors:
        raise ApiError(400, "not a CDS Hooks request this service takes", errors)

    checked(draft, "context.draftOrders")
    if draft.get("type") != "collection":
        raise ApiError(422, "CRD: the draft orders are a Bundle of type collection",
                       {"context.draftOrders.type": [f"{draft.get('type')!r}, not 'collection'"]})
    orders = contents(draft)
    for index, order in enumerate(orders):
        if not refers_to(order.get("subject"), "Patient", patient_id):
            raise ApiError(422, "CRD: every draft order is for the hook's patient",
                           {f"context.draftOrders.entry[{index}].resource.subject": [f"not Patient/{patient_id}"]})
    prefetched, coverage_sent = [], False
    for key, value in prefetch.items():
        if value is None:
            continue
        found = contents(checked(value, f"prefetch.{key}"))
        coverage_sent = coverage_sent or key == "coverage" and value.get("resourceType") != "OperationOutcome"
        prefetched += found
    return HookRequest(hook, body["hookInstance"], patient_id, orders, prefetched, coverage_sent, server,
                       authorization["access_token"] if authorization else None, context, configuration or {})


def the_coverage(coverages: list[dict], patient_id: str) -> dict:
    """The one Coverage a CRD request carries: zero or several is a 400."""
    if len(coverages) != 1:
        raise ApiError(400, "CRD: a request carries exactly one Coverage",
                       {"prefetch.coverage": [f"{len(coverages)} Coverage resources"]})
    coverage = coverages[0]
    if coverage.get("beneficiary") and not refers_to(coverage["beneficiary"], "Patient", patient_id):
        raise ApiError(422, "CRD: the Coverage is the hook patient's",
                       {"prefetch.coverage.beneficiary": [f"not Patient/{patient_id}"]})
    return coverage
