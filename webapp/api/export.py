"""HTTP access to the governance tools: exports of a loaded model and validation findings.

    GET  /api/v1/models/<model>/export?format=html|md|csv|xlsx|pdf[&version=N]   (any valid key)
    GET  /api/v1/models/<model>/validation                           (any valid key)
    POST /api/v1/validation   (body: DMN XML; role author) -> findings, 200 even when it has errors

An uploaded model is analysed in a child process under a time budget (webapp.governance.bounded): past it
the answer is 422 "model too complex" and the worker is free again.
"""
from __future__ import annotations

from flask import Response, current_app, request

from webapp.api.common import Blueprint, model_entry, within_budget
from webapp.api.schemas import ErrorSchema, ExportQuery, ValidationReportSchema
from webapp.api.auth import require
from webapp.api.errors import ApiError
from webapp.export import FORMATS, export_model
from webapp.export.version_record import version_record
from webapp.governance import validation
from webapp.export.pdf import PdfUnavailable
from webapp.api.headers import DOCUMENT_CSP, attachment
from webapp.api.openapi import MODEL_PARAMETER

bp = Blueprint("governance_export", __name__, url_prefix="/api/v1",
               description="Exports and validation of the decision logic, for compliance and the committee")

# Binary types first: a generated client reads the answer as its first listed type it knows, and
# bytes hold every format (text read as text would corrupt an XLSX).
_EXPORT_CONTENT = {media.split(";")[0]: {"schema": {"type": "string"} if media.startswith("text/")
                                          else {"type": "object"} if media == "application/json"
                                          else {"type": "string", "format": "binary"}}
                   for media, _ in sorted(FORMATS.values(), key=lambda found: found[0].startswith("text/"))}


@bp.get("/models/<model>/export", parameters=[MODEL_PARAMETER])
@bp.arguments(ExportQuery, location="query", as_kwargs=True)
@bp.doc(responses={200: {"description": "the export (HTML inline, the others as attachments)",
                         "content": _EXPORT_CONTENT}})
@bp.alt_response(404, schema=ErrorSchema, description="no such model or version")
@bp.alt_response(503, schema=ErrorSchema, description="PDF export needs Chromium, which is not installed")
def export(model: str, format: str, version: int | None = None):
    """The decision logic of a version (by default the serving one) as a document for reviewers,
    its approval record (who, when, the evidence read, the comment) on the first page."""
    store = current_app.extensions["versions"]
    try:
        if version is None:
            entry = model_entry(model)
            stored = store.get(model, entry.number) if entry.number is not None else None
            sha = entry.version
            # the record only grows by steps, so the export of (format, steps so far) never changes
            content, media_type, file_name = entry.cached(
                ("export", format, len(stored.steps) if stored else 0),
                lambda: export_model(entry.source, format, name_hint=model,
                                     record=version_record(stored) if stored else None))
        else:
            stored = store.get(model, version)
            sha = stored.sha256
            content, media_type, file_name = export_model(store.content(sha), format, name_hint=model,
                                                          record=version_record(stored))
    except PdfUnavailable as exc:
        raise ApiError(503, "PDF export is unavailable", {"format": [str(exc)]}) from exc
    answer = Response(content, content_type=media_type, headers={"X-Model-Version": sha})
    if stored is not None:
        answer.headers["X-Version-Number"] = str(stored.number)
    if format == "html":        # a page to read in the browser, its own stylesheet and nothing else
        answer.headers["Content-Security-Policy"] = DOCUMENT_CSP
        return answer
    return attachment(answer, file_name)


@bp.get("/models/<model>/validation", parameters=[MODEL_PARAMETER])
@bp.response(200, ValidationReportSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such model")
def model_validation(model: str):
    """Validation findings of a loaded model (schema, semantics, decision table analysis)."""
    entry = model_entry(model)
    return entry.cached(("validation",), lambda: validation.as_json(entry.source))


@bp.post("/validation")
@require("author")
@bp.doc(requestBody={"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}})
@bp.response(200, ValidationReportSchema, description="the findings, also when the model has errors")
@bp.alt_response(400, schema=ErrorSchema, description="no body")
@bp.alt_response(413, schema=ErrorSchema, description="a body over the size limit")
@bp.alt_response(415, schema=ErrorSchema, description="the body is not sent as XML")
@bp.alt_response(422, schema=ErrorSchema, description=(
    "the model is refused (a DTD or entity declarations) or too complex to analyse within the time budget"))
def upload_validation():
    """Validation findings of an uploaded DMN file (200 even when it has errors)."""
    if request.mimetype not in ("application/xml", "text/xml"):
        raise ApiError(415, "send the DMN XML as the body (Content-Type: application/xml)",
                       {"Content-Type": [request.mimetype or "missing"]})
    data = request.get_data(cache=False)
    if not data:
        raise ApiError(400, "send the DMN XML as the request body")
    found = within_budget(validation.as_json, data, seconds=current_app.config["VALIDATION_BUDGET_S"],
                          too_slow="model too complex", field="body")
    refused = validation.refused(found)
    if refused:
        raise ApiError(422, "the model is refused: " + "; ".join(refused), {"body": refused})
    return found
