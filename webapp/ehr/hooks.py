"""CRD over CDS Hooks: GET /cds-services (discovery) and POST /cds-services/{id} (order-sign,
order-select). A hook request's CAR-T orders are each determined by the policy model, through the
service's own gate, shaping and audit; each answer becomes the order's coverage information
(webapp.ehr.coverage_information). Errors are OperationOutcomes (webapp.ehr.outcome); missing clinical
data is never an error: it is unknown, and the model pends on it."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app

from webapp.serving import budgets
from webapp.api.car_t import determine, policy
from webapp.api.common import json_body, valid_inputs
from webapp.api.auth import ehr_jwt, public
from webapp.serving.determination import audit_outputs
from webapp.ehr import coverage_information, examples, hook_request, questionnaire
from webapp.ehr.blueprint import OUTCOME, bp
from webapp.ehr.channel import merged
from webapp.ehr.discovery import SERVICES, document
from webapp.ehr.mapping import request_body
from webapp.ehr.resources import bundle_of, reference_to
from webapp.api.errors import ApiError
from webapp.api.common import audit_row, record
from webapp.serving.jsonvalues import to_json

_HOOK_REQUEST = {"type": "object", "required": ["hook", "hookInstance", "context"], "properties": {
    "hook": {"type": "string"}, "hookInstance": {"type": "string"}, "fhirServer": {"type": "string"},
    "fhirAuthorization": {"type": "object"}, "context": {"type": "object"}, "prefetch": {"type": "object"},
    "extension": {"type": "object"}}}
_HOOK_RESPONSE = {"type": "object", "required": ["cards"], "properties": {
    "cards": {"type": "array", "items": {"type": "object"}},
    "systemActions": {"type": "array", "items": {"type": "object"}}}}


@bp.get("/cds-services")
@public
@bp.doc(responses={"200": {"description": "the CRD services, their prefetch and the CRD version", "content": {
    "application/json": {"schema": {"type": "object", "required": ["services"],
                                    "properties": {"services": {"type": "array", "items": {"type": "object"}}}}}}}})
def discovery():
    """CDS Hooks discovery: the CAR-T CRD services (order-sign, order-select)."""
    return current_app.response_class(current_app.json.dumps(document()), mimetype="application/json")


@bp.post("/cds-services/<service_id>")
@ehr_jwt
@bp.doc(requestBody={"required": True, "content": {"application/json": {"schema": _HOOK_REQUEST,
                                                                     "example": examples.ORDER_SIGN}}},
        responses={"200": {"description": "cards and, for each CAR-T order, a systemAction adding its coverage information",
                           "content": {"application/json": {"schema": _HOOK_RESPONSE}}},
                   "400": {"description": "not a CDS Hooks request, FHIR that is not valid R4, or not exactly one Coverage",
                           "content": OUTCOME},
                   "404": {"description": "no such service", "content": OUTCOME},
                   "412": {"description": "the Coverage is missing from prefetch and the service cannot query it",
                           "content": OUTCOME},
                   "422": {"description": "a broken CRD constraint, order data outside the model's data dictionary, "
                                          "or an order the model cannot determine within the evaluation budget",
                           "content": OUTCOME},
                   "503": {"description": "the orders were not determined within the evaluation budget's time",
                           "content": OUTCOME}})
def hook(service_id: str):
    """A CRD hook call (CDS Hooks): the coverage information of each CAR-T draft order."""
    service = SERVICES.get(service_id)
    if service is None:
        raise ApiError(404, f"no CDS service {service_id!r}", {"id": [f"one of {', '.join(SERVICES)}"]})
    entry, decision = policy()
    channel = current_app.extensions["ehr"]
    mapping = channel.mapping(entry)
    request = hook_request.read(json_body(), service.hook)
    orders = [o for o in request.orders if mapping.is_order(o)]
    if not orders:
        return _answer([], [])           # not this policy's orders: nothing to say

    have_patient = any(r.get("resourceType") == "Patient" for r in request.prefetched)
    gathered = channel.gather(request, mapping.queries, not request.coverage_sent, not have_patient)
    if gathered.coverage_failed:
        raise ApiError(412, "CRD: prefetch holds no Coverage and the service cannot query the EHR for it",
                       {"prefetch.coverage": ["missing; send it, or fhirServer and fhirAuthorization for the server "
                                              "configured for this EHR"]})
    pool = merged(request.orders, request.prefetched, gathered.resources)
    coverage = hook_request.the_coverage([r for r in pool if r.get("resourceType") == "Coverage"], request.patient_id)
    if not channel.plan.insures(coverage):
        raise ApiError(400, "CRD: the Coverage is not this plan's", {"prefetch.coverage.payor": [f"not {channel.plan.name}"]})
    patient = next((r for r in pool if r.get("resourceType") == "Patient" and r.get("id") == request.patient_id), None)
    answers = questionnaire.answers([r for r in pool if r.get("resourceType") == "QuestionnaireResponse"],
                                    channel.audience, mapping, entry.model, entry.contract.supplied_by_service)
    bundle = bundle_of(pool)
    shared = mapping.prepare(bundle, {"patient": patient, "coverage": coverage})
    products = {id(o): mapping.product_of(o) for o in orders}
    named = {p for p in products.values() if p}
    rows, actions, cards = [], [], []
    budget = budgets.request(current_app.config)        # one deadline for all the hook's orders
    for index, order in enumerate(orders):
        # a procedure step names no product: it is the one drug order's signed with it
        product = products[id(order)] or (next(iter(named)) if len(named) == 1 else None)
        row, action, found = _determined(service, request, entry, decision, mapping, bundle, {**shared, "order": order},
                                         coverage, product, answers, reference_to(order) or f"context.draftOrders.entry[{index}]",
                                         budget)
        rows.append(row)
        actions += [action] if action else []
        cards += found
    record(rows)
    return _answer(cards[:_max_cards(request.configuration)], actions)


def _determined(service, request, entry, decision, mapping, bundle, variables, coverage, product, answers, where,
                budget):
    """One CAR-T order: its inputs read from FHIR, gated, determined under `budget` (422 or 503 past
    it, naming the order); (its audit row, the systemAction adding its coverage information or None,
    its cards)."""
    channel, order = current_app.extensions["ehr"], variables["order"]
    facts = channel.plan.facts(coverage, product)
    values, sources = mapping.extract(bundle, variables, facts or {}, product, answers)
    inputs = _gated(entry, request_body(values, entry.model, entry.contract.supplied_by_service), sources, where)
    answer = determine(entry, decision, inputs, budget, where)
    coverage_ref = reference_to(coverage) or "Coverage"
    assertion = coverage_information.extension(
        answer, coverage_ref, inputs["Determination Date"].isoformat(), member_found=facts is not None,
        primary=service.primary, questionnaire=questionnaire.canonical(channel.audience, mapping, answer["evaluation_id"]))
    crd = {"hook": service.hook, "hookInstance": request.instance, "order": where, "coverage": coverage_ref,
           "patient": f"Patient/{request.patient_id}", "coverage_assertion_id": answer["evaluation_id"],
           "coverage_information": assertion, "sources": {k: v.split(":")[0] for k, v in sources.items()}}
    row = audit_row(answer, to_json(inputs), f"car_t.crd.{service.hook}", {**audit_outputs(answer), "crd": crd})
    wanted = assertion is not None and request.configuration.get("coverage-info") is not False
    return (row, coverage_information.update(order, assertion) if wanted else None,
            coverage_information.cards(answer, where, channel.plan.name, request.configuration))


def _gated(entry, body: dict, sources: dict, where: str) -> dict:
    """The extracted request through the service's gate; a value the data dictionary refuses is a
    422 that names the field and where in the FHIR it was read."""
    try:
        return valid_inputs(entry, body, required=True, where=where)
    except ApiError as exc:
        named = {f"{where}: {name}": [f"read from {source}"] for name, source in sources.items()
                 if _mentions(exc.errors, name)}
        raise ApiError(422, "the order's FHIR data do not fit the model's data dictionary",
                       {**exc.errors, **named}) from None


def _mentions(errors: dict, name: str) -> bool:
    group, _, component = name.partition(".")
    return any(isinstance(found, dict) and component in (found.get(group) or {}) for found in errors.values())


def _max_cards(configuration: dict) -> int:
    value = configuration.get("max-cards")       # the body's numbers are exact (Decimal)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value >= 0 and value == int(value):
        return int(value)
    return 10


def _answer(cards: list, actions: list):
    body = {"cards": cards}
    if actions:
        body["systemActions"] = actions
    return current_app.response_class(current_app.json.dumps(body), mimetype="application/json")
