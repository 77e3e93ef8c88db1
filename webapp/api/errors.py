"""The one error body, RFC 9457 Problem Details (`application/problem+json`): `type`, `title`,
`status`, `detail`, and ours: `code` (stable, for programs), `request_id` (finds the request in the
server log) and `errors`, each offending thing as {pointer, detail} (a JSON Pointer, RFC 6901: into
the request body from its root, else the thing's place: `/query/limit`, `/Content-Type`). The handlers
that emit it: for the domain's errors (webapp.store.errors, each class mapped to its status in
STATUS, the one place a domain error becomes HTTP), for the API's own (ApiError), for werkzeug's and
flask-smorest's HTTP errors, and for faults."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from werkzeug.http import HTTP_STATUS_CODES
from sqlalchemy.exc import DatabaseError, OperationalError
from werkzeug.exceptions import HTTPException

from webapp.store.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unavailable, fault_reason

log = logging.getLogger("webapp.api.errors")

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
         415: "unsupported_media_type", 422: "invalid_input", 500: "internal_error",
         503: "unavailable"}

PROBLEM_JSON = "application/problem+json"

# webargs names where it read the arguments; a body's fields point from the body's root.
_LOCATIONS = {"json": "body", "query": "query", "view_args": "path"}
_BODY = "body"


# Each domain error's status; a subclass takes its nearest listed class's.
STATUS = {NotFound: 404, Conflict: 409, Forbidden: 403, Invalid: 422, Unavailable: 503}


def status_of(exc: DomainError) -> int:
    return next(STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS)


class ApiError(Exception):
    """Raised where a request must stop; `errors` maps each offending field to its reasons (nested
    as marshmallow nests them; `body` is the request body's root); `members` are more members of the
    problem (RFC 9457 extension members)."""

    def __init__(self, status: int, message: str, errors: dict | list | None = None, members: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors, self.members = status, message, errors or {}, members or {}


def _escaped(key) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def pointed(errors, pointer: str = "") -> list[dict]:
    """Nested reasons by field ({"body": {"Request": {"product": ["..."]}}}) as a list of
    {pointer, detail} ({"pointer": "/Request/product", ...}), one entry per reason."""
    if isinstance(errors, dict):
        return [found for key, value in errors.items()
                for found in pointed(value, pointer if (key == _BODY and not pointer) else f"{pointer}/{_escaped(key)}")]
    if isinstance(errors, (list, tuple)):
        return [found for value in errors for found in pointed(value, pointer)]
    return [{"pointer": pointer, "detail": str(errors)}]


def envelope(status: int, message: str, errors=None, headers=None, members=None):
    response = jsonify({"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"), "status": status,
                        "detail": message, "code": CODES.get(status, "error"), "request_id": g.get("request_id", ""),
                        "errors": pointed(errors or {}), **(members or {})})
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_error(exc: HTTPException):
    """werkzeug's errors, and flask-smorest's (422 from argument parsing carries `messages`)."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or {}
    errors = {_LOCATIONS.get(where, where): found for where, found in messages.items()}
    status = exc.code or 500
    message = {422: "the request does not match its schema"}.get(status, exc.description or exc.name)
    if status == 422 and data.get("message"):
        message = data["message"]
    headers = dict(data.get("headers") or {})
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    return envelope(status, message, errors, headers)


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return envelope(exc.status, exc.message, exc.errors, members=exc.members)

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        return envelope(status_of(exc), exc.message, exc.errors)

    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(DatabaseError)
    def _database_fault(exc: DatabaseError):
        # A full disk, a lock held too long, a lost server or a damaged file: the transaction was
        # rolled back, so nothing changed. Other database errors (a broken constraint) are ours: 500.
        if not isinstance(exc, OperationalError) and type(exc) is not DatabaseError:
            return _unexpected(exc)
        reason = fault_reason(exc.orig)
        log.error("request_id=%s database fault: %s", g.get("request_id", ""), reason)
        return envelope(503, "the database cannot be written or read now; nothing was changed: try again "
                             "later", {"database": [reason]})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # The traceback goes to the server log under the request id the client is given; the
        # client sees neither the exception nor its text (an engine error could quote patient data).
        log.error("request_id=%s unhandled %s", g.get("request_id", ""), type(exc).__name__, exc_info=exc)
        return envelope(500, "internal error: quote the request id to the operators")
