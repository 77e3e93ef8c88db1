"""/api/v1/evaluations: the audit trail, read-only, for compliance."""
from __future__ import annotations

import datetime as dt

from flask import current_app

from webapp.api.common import Blueprint
from webapp.api.schemas import AuditPageSchema, AuditQuery, AuditRecordSchema, ErrorSchema
from webapp.store.audit import AuditUnavailable
from webapp.api.auth import require
from webapp.api.errors import ApiError

bp = Blueprint("evaluations", __name__, url_prefix="/api/v1", description="The audit trail (read-only)")

_EVALUATION_ID = {"in": "path", "name": "evaluation_id", "required": True, "schema": {"type": "string"},
                  "description": "the evaluation_id of an answer"}


def _store():
    return current_app.extensions["audit"]


@bp.get("/evaluations")
@require("audit")
@bp.arguments(AuditQuery, location="query", as_kwargs=True)
@bp.response(200, AuditPageSchema)
@bp.alt_response(503, schema=ErrorSchema, description="the audit store cannot be read")
def list_evaluations(limit: int, offset: int, model: str | None = None,
                     start: dt.datetime | None = None, end: dt.datetime | None = None,
                     version: str | None = None, outcome: str | None = None, case_id: str | None = None):
    """The audit records, oldest first, paginated; `from` and `to` are instants (offsets honoured);
    `version`, `outcome` and `case_id` narrow to a model version, a determination and the caller's case
    reference (`X-Case-Id`)."""
    try:
        total, items = _store().list(model, start, end, limit, offset, version, outcome, case_id)
    except AuditUnavailable as exc:
        raise ApiError(503, "the audit store cannot be read") from exc
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@bp.get("/evaluations/<evaluation_id>", parameters=[_EVALUATION_ID])
@require("audit")
@bp.response(200, AuditRecordSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no evaluation with this id")
@bp.alt_response(503, schema=ErrorSchema, description="the audit store cannot be read")
def get_evaluation(evaluation_id: str):
    """The audit record of one evaluation."""
    try:
        found = _store().get(evaluation_id)
    except AuditUnavailable as exc:
        raise ApiError(503, "the audit store cannot be read") from exc
    if found is None:
        raise ApiError(404, f"no evaluation {evaluation_id!r}")
    return found
