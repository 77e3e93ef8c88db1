"""/api/v1/evaluations: the audit trail, read-only, for compliance."""
from __future__ import annotations

import datetime as dt

from itertools import chain

from flask import Response, current_app, stream_with_context

from webapp.api.common import Blueprint
from webapp.api.headers import attachment
from webapp.api.schemas import AuditSearch, AuditPageSchema, AuditQuery, AuditRecordSchema, ErrorSchema
from webapp.export.audit_csv import audit_csv
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
                     version: str | None = None, outcome: str | None = None, case_id: str | None = None,
                     disposition: str | None = None):
    """The audit records, oldest first, paginated; `from` and `to` are instants (offsets honoured);
    `version`, `outcome`, `disposition` and `case_id` narrow to a model version, a determination, a
    disposition and the caller's case reference (`X-Case-Id`)."""
    try:
        total, items = _store().list(model, start, end, limit, offset, version, outcome, case_id, disposition)
    except AuditUnavailable as exc:
        raise ApiError(503, "the audit store cannot be read") from exc
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@bp.get("/evaluations.csv")
@require("audit")
@bp.arguments(AuditSearch, location="query", as_kwargs=True)
@bp.doc(responses={200: {"description": "every record the search finds, oldest first, as CSV (an attachment): "
                                        "outcome, disposition, findings and matched rules by decision; no inputs",
                         "content": {"text/csv": {"schema": {"type": "string"}}}}})
@bp.alt_response(503, schema=ErrorSchema, description="the audit store cannot be read")
def evaluations_csv(model: str | None = None, start: dt.datetime | None = None, end: dt.datetime | None = None,
                    version: str | None = None, outcome: str | None = None, case_id: str | None = None,
                    disposition: str | None = None):
    """The audit records a search finds, all of them, as CSV for a spreadsheet (cells escaped against
    formula injection)."""
    records = _store().each(model, start, end, version, outcome, case_id, disposition)
    try:
        first = next(records, None)         # a store that cannot be read is a 503, not a cut-off file
    except AuditUnavailable as exc:
        raise ApiError(503, "the audit store cannot be read") from exc
    rows = chain([first], records) if first is not None else iter(())
    return attachment(Response(stream_with_context(audit_csv(rows)), mimetype="text/csv"), "audit.csv")


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
