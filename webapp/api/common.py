"""What the blueprints share: the strict JSON body (415, 400, 413), model lookup (404), input
validation against a model's schema (422), and a flask-smorest Blueprint that reads bodies the
same strict way."""
from __future__ import annotations

import logging

from flask import Response, current_app, g, request
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser

from webapp.governance import bounded
from webapp.api import metrics
from webapp.api.errors import ApiError
from webapp.serving import budgets, evaluation
from webapp.serving.jsonvalues import BodyError, parse_body
from webapp.serving.inputs import validate_inputs
from webapp.store.errors import Unavailable


def json_body():
    """The request's JSON body: exact numbers, every key once; 415 unless sent as JSON."""
    if not request.is_json:
        raise ApiError(415, "send the body as JSON (Content-Type: application/json)",
                       {"Content-Type": [request.mimetype or "missing"]})
    data = request.get_data(cache=True)
    if not data:
        raise ApiError(400, "a JSON body is required")
    try:
        return parse_body(data)
    except BodyError as exc:
        raise ApiError(exc.status, exc.message, exc.errors) from None


log = logging.getLogger("webapp.api")


def within_budget(fn, *args, seconds: float, too_slow: str, field: str):
    """webapp.governance.bounded.within_budget with the app's memory cap: past the budget a 422, and
    the worker is free again; a fault in the child a 500 whose traceback is logged under the request id."""
    try:
        return bounded.within_budget(fn, *args, seconds=seconds, memory_mb=current_app.config["CHILD_MEMORY_MB"],
                                     too_slow=too_slow, field=field)
    except bounded.ChildFailed as exc:
        log.error("request_id=%s %s: the child failed: %s", g.get("request_id", ""), fn.__name__, exc.args[-1])
        raise ApiError(500, "internal error: quote the request id to the operators") from None


def built_answer(body: dict) -> Response:
    """An evaluation's 200 body as JSON without the response schema's dump: the answer is built
    from plain JSON values in its documented shape already (tests compare it with the dump on every
    scenario), and dumping the CAR-T trace through nested marshmallow schemas took 2.0 of 4.5 ms CPU
    per determination (bench/stages.py). The decorator's schema still documents the response. Without
    the spaces after separators: 5% of a CAR-T answer's bytes."""
    return current_app.response_class(current_app.json.dumps(body, separators=(",", ":")),
                                      mimetype="application/json")


class StrictParser(FlaskParser):
    """webargs reads JSON bodies through json_body, so schema-parsed bodies get the same 400, 415
    and 422 answers as the views that read their body themselves."""

    def _raw_load_json(self, req):
        return json_body()


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()


def model_entry(model_id: str, configured: bool = False):
    """The newest published version of a model: its request contract is the one a request must meet,
    whatever version then determines it (`in_effect`). Its absence is the service's fault (503), not the caller's
    (404), when no model serves at all, when the model's file was rejected, or when the service is
    configured to serve it (`configured`: the CAR-T endpoint's model)."""
    registry = current_app.extensions["model_registry"]
    entry = registry.newest(model_id)
    if entry is not None:
        return entry
    if configured or model_id in registry.rejected or next(iter(registry), None) is None:
        raise ApiError(503, f"model {model_id!r} does not serve: no version of it loads (GET /readyz says why)")
    raise ApiError(404, f"no model named {model_id!r}")


def valid_inputs(entry, data, required: bool, where: str) -> dict:
    """What the engine evaluates: the caller's inputs, checked by the model's schema and contract,
    with the values the service supplies itself (the determination date)."""
    if not isinstance(data, dict):
        raise ApiError(422, "the inputs must be a JSON object", {where: ["not an object"]})
    loaded, errors = validate_inputs(entry.schema(required), data, entry.contract)
    if errors:
        raise ApiError(422, "the input does not match the model's data types", {where: errors})
    return {**loaded, **entry.contract.service_inputs()}


def in_effect(entry, inputs: dict):
    """The version of the entry's model in effect on the request's date (its contract's `in_effect_on`),
    or on the service's date when the request has none."""
    registry = current_app.extensions["model_registry"]
    return registry.get(entry.id, on=entry.contract.request_date(inputs)) or entry


# -- what every evaluating endpoint does, with the request's caller and budget ------------------
def run(entry, inputs: dict, decisions=None, budget=None, case: str | None = None):
    """webapp.serving.evaluation.run under `budget`, by default the request's (one deadline for all
    of a request's evaluations)."""
    g.evaluated = (entry.id, entry.number)      # for the request's log line
    return evaluation.run(entry, inputs, budget or budgets.request(current_app.config), decisions, case)


def audit_row(answer: dict, inputs, endpoint: str, outputs=None, case_id: str | None = None) -> dict:
    """The audit record of an answer to the request's caller (`case_id`: the caller's case reference)."""
    return evaluation.audit_row(answer, inputs, endpoint, g.caller, outputs, case_id)


def record(rows: list[dict]) -> None:
    """Write before answering (webapp.serving.evaluation.record) in the app's audit store."""
    try:
        evaluation.record(current_app.extensions["audit"], rows)
    except Unavailable:
        metrics.AUDIT_WRITE_FAILURES.inc()
        raise
    metrics.determined(rows)
