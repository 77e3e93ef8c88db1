"""HTTP access to the governance tools: exports of a loaded model and validation findings.

    GET  /api/v1/models/<model>/export?format=html|md|csv|xlsx|pdf
    GET  /api/v1/models/<model>/validation
    POST /api/v1/validation            (body: DMN XML)  -> findings, 200 even when it has errors

Errors use the API's one envelope (webapp.errors), like every other endpoint.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from pydmn.analysis import has_errors, validate
from webapp.api.common import model_entry
from webapp.errors import ApiError, envelope
from webapp.export import FORMATS, export_model
from webapp.export.pdf import PdfUnavailable

bp = Blueprint("governance_export", __name__, url_prefix="/api/v1")
# The API's envelope also where the blueprint is mounted without the app's handlers (webapp.errors).
bp.register_error_handler(ApiError, lambda exc: envelope(exc.status, exc.message, exc.errors))

_ERRORS = """
        404: {content: {application/json: {schema: ErrorSchema}}}
"""


@bp.get("/models/<model>/export")
def export(model: str):
    fmt = request.args.get("format", "html")
    if fmt not in FORMATS:
        raise ApiError(422, "bad query parameter", {"format": [f"must be one of {', '.join(FORMATS)}"]})
    entry = model_entry(model)
    try:
        content, media_type, file_name = entry.cached(
            ("export", fmt), lambda: export_model(entry.source, fmt, name_hint=model))
    except PdfUnavailable as exc:
        raise ApiError(503, "PDF export is unavailable", {"format": [str(exc)]}) from exc
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    return Response(content, content_type=media_type,
                    headers={"Content-Disposition": f'{disposition}; filename="{file_name}"',
                             "X-Model-Version": entry.version})


export.__doc__ = f"""The decision logic of a loaded model as a document for reviewers.
    ---
    get:
      tags: [governance]
      parameters:
        - {{in: path, name: model, required: true, schema: {{type: string}}}}
        - {{in: query, name: format, schema: {{type: string, enum: [{', '.join(FORMATS)}], default: html}}}}
      responses:
        200:
          description: the export (HTML and PDF inline, the others as attachments)
          content:
            text/html: {{schema: {{type: string}}}}
            text/markdown: {{schema: {{type: string}}}}
            application/zip: {{schema: {{type: string, format: binary}}}}
            application/pdf: {{schema: {{type: string, format: binary}}}}
            application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: {{schema: {{type: string, format: binary}}}}
        422: {{content: {{application/json: {{schema: ErrorSchema}}}}}}
        503: {{content: {{application/json: {{schema: ErrorSchema}}}}}}
""" + _ERRORS


def _report(findings) -> dict:
    return {"valid": not has_errors(findings),
            "counts": {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")},
            "findings": [{k: v for k, v in f.as_dict().items() if k != "file"} for f in findings]}


@bp.get("/models/<model>/validation")
def model_validation(model: str):
    """Validation findings of a loaded model (schema, semantics, decision table analysis).
    ---
    get:
      tags: [governance]
      parameters:
        - {in: path, name: model, required: true, schema: {type: string}}
      responses:
        200: {content: {application/json: {schema: ValidationReportSchema}}}
        404: {content: {application/json: {schema: ErrorSchema}}}
    """
    return jsonify(_report(validate(model_entry(model).source)))


@bp.post("/validation")
def upload_validation():
    """Validation findings of an uploaded DMN file (200 even when it has errors).
    ---
    post:
      tags: [governance]
      requestBody:
        required: true
        content: {application/xml: {schema: {type: string}}}
      responses:
        200: {content: {application/json: {schema: ValidationReportSchema}}}
        400: {content: {application/json: {schema: ErrorSchema}}}
        413: {content: {application/json: {schema: ErrorSchema}}}
    """
    data = request.get_data(cache=False)
    if not data:
        raise ApiError(400, "send the DMN XML as the request body")
    return jsonify(_report(validate(data)))
