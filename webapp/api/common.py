"""Request helpers shared by the blueprints: body parsing (400), model lookup (404), validation (422)."""
from __future__ import annotations

from flask import current_app, request

from webapp.errors import ApiError
from webapp.jsonvalues import parse_body
from webapp.schemas import validate_inputs

# The error answers of an endpoint that takes a body, for OpenAPI docstrings.
ERROR_RESPONSES = """
        400: {content: {application/json: {schema: ErrorSchema}}}
        401: {content: {application/json: {schema: ErrorSchema}}}
        403: {content: {application/json: {schema: ErrorSchema}}}
        404: {content: {application/json: {schema: ErrorSchema}}}
        413: {content: {application/json: {schema: ErrorSchema}}}
        422: {content: {application/json: {schema: ErrorSchema}}}
        503: {content: {application/json: {schema: ErrorSchema}}}
"""


def json_body():
    data = request.get_data(cache=False)
    if not data:
        raise ApiError(400, "a JSON body is required")
    try:
        return parse_body(data)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed JSON", {"body": [str(exc)[:200]]}) from exc


def model_entry(model_id: str):
    entry = current_app.extensions["model_registry"].get(model_id)
    if entry is None:
        raise ApiError(404, f"no model named {model_id!r}")
    return entry


def valid_inputs(entry, data, required: bool, where: str = "inputs") -> dict:
    if not isinstance(data, dict):
        raise ApiError(422, "the inputs must be a JSON object", {where: ["not an object"]})
    loaded, errors = validate_inputs(entry.schema(required), data)
    if errors:
        raise ApiError(422, "the input does not match the model's data types", {where: errors})
    return loaded
