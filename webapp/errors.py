"""The one JSON error envelope {"code","status","message","errors"} and the handler that emits it."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger("webapp.errors")

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
         422: "invalid_input", 500: "internal_error", 503: "unavailable"}


class ApiError(Exception):
    """Raised where a request must stop; `errors` maps each offending field to its reasons."""

    def __init__(self, status: int, message: str, errors: dict | list | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


def envelope(status: int, message: str, errors=None):
    response = jsonify({"code": CODES.get(status, "error"), "status": status,
                        "message": message, "errors": errors or {}})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return envelope(exc.status, exc.message, exc.errors)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        response = envelope(exc.code or 500, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Type only: the message of an engine error could quote patient data.
        log.error("unhandled %s", type(exc).__name__, exc_info=app.debug)
        return envelope(500, "internal error")
