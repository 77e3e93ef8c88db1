"""/api/v1/evaluations: the audit trail, read-only, for compliance."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, jsonify, request

from webapp.audit import AuditUnavailable
from webapp.auth import require
from webapp.errors import ApiError

bp = Blueprint("evaluations", __name__, url_prefix="/api/v1")


def _store():
    return current_app.extensions["audit"]


def _time(name: str):
    text = request.args.get(name)
    if not text:
        return None
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(422, "bad query parameter", {name: ["not an ISO 8601 date or date-time"]}) from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def _int(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(422, "bad query parameter", {name: ["not an integer"]}) from None
    if not low <= value <= high:
        raise ApiError(422, "bad query parameter", {name: [f"must be between {low} and {high}"]})
    return value


@bp.get("/evaluations")
@require("audit")
def list_evaluations():
    """The audit records, oldest first, paginated.
    ---
    get:
      tags: [audit]
      security: [{bearer: []}]
      parameters:
        - {in: query, name: model, schema: {type: string}}
        - {in: query, name: from, schema: {type: string, format: date-time}}
        - {in: query, name: to, schema: {type: string, format: date-time}}
        - {in: query, name: limit, schema: {type: integer, minimum: 1, maximum: 1000}}
        - {in: query, name: offset, schema: {type: integer, minimum: 0}}
      responses:
        200: {content: {application/json: {schema: AuditPageSchema}}}
        401: {content: {application/json: {schema: ErrorSchema}}}
        403: {content: {application/json: {schema: ErrorSchema}}}
        422: {content: {application/json: {schema: ErrorSchema}}}
        503: {content: {application/json: {schema: ErrorSchema}}}
    """
    limit = _int("limit", current_app.config["PAGE_SIZE"], 1, 1000)
    offset = _int("offset", 0, 0, 10 ** 12)
    try:
        total, items = _store().list(request.args.get("model"), _time("from"), _time("to"), limit, offset)
    except AuditUnavailable as exc:
        raise ApiError(503, "the audit store cannot be read") from exc
    return jsonify({"total": total, "limit": limit, "offset": offset, "items": items})


@bp.get("/evaluations/<evaluation_id>")
@require("audit")
def get_evaluation(evaluation_id: str):
    """The audit record of one evaluation.
    ---
    get:
      tags: [audit]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: evaluation_id, required: true, schema: {type: string}}
      responses:
        200: {content: {application/json: {schema: AuditRecordSchema}}}
        401: {content: {application/json: {schema: ErrorSchema}}}
        403: {content: {application/json: {schema: ErrorSchema}}}
        404: {content: {application/json: {schema: ErrorSchema}}}
        503: {content: {application/json: {schema: ErrorSchema}}}
    """
    try:
        found = _store().get(evaluation_id)
    except AuditUnavailable as exc:
        raise ApiError(503, "the audit store cannot be read") from exc
    if found is None:
        raise ApiError(404, f"no evaluation {evaluation_id!r}")
    return jsonify(found)
