"""The EHR channel's errors as FHIR OperationOutcomes (CRD: 400, 412 and 422 carry one): the same
statuses and reasons as the service's Problem Details (webapp.api.errors), one issue per offending element,
its FHIRPath-like location in `expression`, and the request id in `diagnostics`."""
from __future__ import annotations

from flask import Response, current_app, g
from werkzeug.exceptions import HTTPException

from webapp.api.errors import ApiError, status_of
from webapp.store.errors import DomainError

FHIR_JSON = "application/fhir+json"
ISSUE_TYPES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported",
               412: "incomplete", 413: "too-long", 415: "not-supported", 422: "processing", 500: "exception",
               503: "transient"}


def _flat(errors, where: str = "") -> list[tuple[str, str]]:
    if isinstance(errors, dict):
        return [pair for key, value in errors.items() for pair in _flat(value, f"{where}.{key}" if where else str(key))]
    if isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        return [(where, e) for e in errors]
    if isinstance(errors, list):
        return [pair for i, value in enumerate(errors) for pair in _flat(value, f"{where}[{i}]")]
    return [(where, str(errors))]


def operation_outcome(status: int, message: str, errors=None) -> dict:
    code = ISSUE_TYPES.get(status, "exception")
    note = f" (request id {g.get('request_id', '')})"
    issues = [{"severity": "error", "code": code, "diagnostics": f"{message}: {reason}{note}",
               **({"expression": [where]} if where else {})} for where, reason in _flat(errors or {})]
    return {"resourceType": "OperationOutcome",
            "issue": issues or [{"severity": "error", "code": code, "diagnostics": message + note}]}


def information(message: str) -> dict:
    """An OperationOutcome that informs (DTR: why a package holds no questionnaire)."""
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "information", "code": "informational", "diagnostics": message}]}


def response(status: int, message: str, errors=None, headers=None) -> Response:
    body = current_app.json.dumps(operation_outcome(status, message, errors))
    return current_app.response_class(body, status=status, mimetype=FHIR_JSON, headers=headers or {})


def register(bp) -> None:
    """Every ApiError, domain error and HTTP error of the blueprint's routes as an OperationOutcome."""
    @bp.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return response(exc.status, exc.message, exc.errors)

    @bp.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        return response(status_of(exc), exc.message, exc.errors)

    @bp.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else None
        return response(exc.code or 500, exc.description or exc.name, None, headers)
