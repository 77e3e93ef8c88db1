"""HTTP access to the governance tools: exports of a loaded model and validation findings.

    GET  /api/v1/models/<model>/export?format=html|md|csv|xlsx|pdf
    GET  /api/v1/models/<model>/validation
    POST /api/v1/validation            (body: DMN XML)  -> findings, 200 even when it has errors

The loaded model comes from the service's registry through `_model_source` only.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request

from pydmn.analysis import has_errors, validate
from webapp.export import FORMATS, export_model
from webapp.export.pdf import PdfUnavailable

bp = Blueprint("governance_export", __name__, url_prefix="/api/v1")

MAX_UPLOAD = 5 * 1024 * 1024


def _model_source(name: str) -> bytes:
    """The file bytes of the model the service has loaded under `name` (404 when none)."""
    registry = current_app.extensions.get("model_registry")
    if registry is None:
        abort(404, description="no model registry")
    entry = registry.get(name)          # webapp.registry.ModelRegistry.get -> Entry | None
    if entry is None:
        abort(404, description=f"no model named {name!r}")
    return entry.source


def _problem(status: int, title: str, detail: str):
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


@bp.get("/models/<model>/export")
def export(model: str):
    fmt = request.args.get("format", "html")
    if fmt not in FORMATS:
        return _problem(400, "Bad Request", f"format must be one of {', '.join(FORMATS)}")
    source = _model_source(model)
    try:
        content, media_type, file_name = export_model(source, fmt, name_hint=model)
    except PdfUnavailable as exc:
        return _problem(503, "Service Unavailable", str(exc))
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    return Response(content, mimetype=media_type.split(";")[0], content_type=media_type,
                    headers={"Content-Disposition": f'{disposition}; filename="{file_name}"'})


def _report(findings) -> dict:
    return {"valid": not has_errors(findings),
            "counts": {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")},
            "findings": [{k: v for k, v in f.as_dict().items() if k != "file"} for f in findings]}


@bp.get("/models/<model>/validation")
def model_validation(model: str):
    return jsonify(_report(validate(_model_source(model))))


@bp.post("/validation")
def upload_validation():
    data = request.get_data(cache=False)
    if not data:
        return _problem(400, "Bad Request", "send the DMN XML as the request body")
    if len(data) > MAX_UPLOAD:
        return _problem(413, "Payload Too Large", f"models are limited to {MAX_UPLOAD} bytes")
    return jsonify(_report(validate(data)))
