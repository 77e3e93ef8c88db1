"""/api/v1/car-t/determinations: the CAR-T policy's own endpoint (one case, or up to 1,000 in order)."""
from __future__ import annotations

from flask import current_app

from webapp.serving import budgets
from webapp.api.common import Blueprint, audit_row, in_effect, json_body, model_entry, record, run, valid_inputs
from webapp.api.schemas import (BATCH_LIMIT, BatchRequest, DeterminationBatchSchema, DeterminationQuery,
                                DeterminationSchema, ErrorSchema)
from webapp.api.auth import require
from webapp.api.caller_headers import CASE_ID_PARAMETER, IDEMPOTENCY_KEY_PARAMETER, case_id
from webapp.api.idempotency import once
from webapp.api.errors import ApiError
from webapp.serving.determination import answer, audit_outputs, sent
from webapp.serving.jsonvalues import to_json

bp = Blueprint("car_t", __name__, url_prefix="/api/v1/car-t",
               description="Medical Policy 7.02.11: determinations for CAR-T requests")
_CASE = {"$ref": "#/components/schemas/CarTInputs"}
_HEADERS = [IDEMPOTENCY_KEY_PARAMETER, CASE_ID_PARAMETER]


def policy():
    config = current_app.config
    entry = model_entry(config["CAR_T_MODEL"], configured=True)
    decision = config["CAR_T_DECISION"]
    if decision not in entry.model.definitions.decisions:
        raise ApiError(503, f"the CAR-T model has no decision {decision!r}")
    return entry, decision


def determine(entry, decision, inputs, budget=None, case=None):
    """The answer to one request by the version in effect on its request date, evaluated under `budget`
    (by default the request's: 422 or 503 past it, webapp.serving.budgets)."""
    entry = in_effect(entry, inputs)
    return answer(entry, run(entry, inputs, budget=budget, case=case), decision)


def _refusals(what: str):
    """The error answers of a determination endpoint, `what` naming what its body holds."""
    def documented(view):
        for status, description in (
                (422, f"{what} the model's data types, the model cannot determine it within the evaluation "
                      "budget, or the `Idempotency-Key` was used for another request in the last 24 hours"),
                (503, "not determined within the evaluation budget's time"),
                (400, "an `Idempotency-Key` or `X-Case-Id` outside its syntax"),
                (409, "the request with this `Idempotency-Key` is still being answered")):
            view = bp.alt_response(status, schema=ErrorSchema, description=description)(view)
        return view
    return documented


@bp.post("/determinations", parameters=_HEADERS)
@require("evaluate")
@bp.arguments(DeterminationQuery, location="query", as_kwargs=True)
@bp.doc(requestBody={"required": True, "content": {"application/json": {"schema": _CASE}}})
@bp.response(200, DeterminationSchema, description="the determination, its findings and reasons (the trace with `?trace=true`)")
@_refusals("the request does not match")
def determination(trace: bool):
    """Determine one CAR-T request."""
    entry, decision = policy()
    body, case_ref = json_body(), case_id()
    inputs = valid_inputs(entry, body, required=True, where="body")

    def respond():
        answer = determine(entry, decision, inputs)
        record([audit_row(answer, to_json(inputs), "car_t.determination", audit_outputs(answer), case_ref)])
        return sent(answer, trace)
    return once("car_t.determination", {"body": body, "trace": trace, "case_id": case_ref}, respond)


@bp.post("/determinations:batch", parameters=_HEADERS)
@require("evaluate")
@bp.arguments(DeterminationQuery, location="query", as_kwargs=True)
@bp.arguments(BatchRequest)
@bp.doc(requestBody={"content": {"application/json": {"schema": {
    "type": "object", "additionalProperties": False, "required": ["cases"],
    "properties": {"cases": {"type": "array", "maxItems": BATCH_LIMIT, "items": _CASE}}}}}})
@bp.response(200, DeterminationBatchSchema, description="one answer per case, in the order sent")
@_refusals("a case does not match")
def batch(body: dict, trace: bool):
    """Determine up to 1,000 CAR-T requests, answered in order; one invalid case refuses the batch."""
    entry, decision = policy()
    loaded, errors = [], {}
    for index, case in enumerate(body["cases"]):
        try:
            loaded.append(valid_inputs(entry, case, required=True, where=str(index)))
        except ApiError as exc:
            errors.update(exc.errors)
    if errors:
        # All or nothing: a batch with any invalid case is rejected whole, naming each bad case.
        raise ApiError(422, "some cases do not match the model's data types", {"cases": errors})
    case_ref = case_id()

    def respond():
        budget = budgets.request(current_app.config)       # one deadline for the whole batch
        answers = [determine(entry, decision, inputs, budget, str(index)) for index, inputs in enumerate(loaded)]
        record([audit_row(a, to_json(i), "car_t.batch", audit_outputs(a), case_ref) for a, i in zip(answers, loaded)])
        return {"results": [sent(a, trace) for a in answers]}
    return once("car_t.batch", {"body": body, "trace": trace, "case_id": case_ref}, respond)
