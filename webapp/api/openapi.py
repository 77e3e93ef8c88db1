"""The OpenAPI 3.1 document and its interactive page.

flask-smorest documents each view from the schemas that validate and serialize it. Three things it
cannot know are added here when the document is served: the input schemas of the models loaded
now (derived from their item definitions, so they change when a model does), each operation's
`security` and 401/403 answers, read from the same access markers that `webapp.api.auth` enforces,
and examples for path parameters naming a model that is loaded. /openapi.json and /docs are
documentation, not API operations: they take no key and are not listed in the document.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, current_app, jsonify, send_from_directory
from flask_smorest import Api as SmorestApi

from webapp.api.schemas import ErrorSchema
from webapp.api.auth import ANY_KEY, EHR_JWT, PUBLIC, access_of, public
from webapp.serving.jsonvalues import to_json

OPENAPI_VERSION = "3.1.0"
SWAGGER_UI = Path(__file__).resolve().parents[1] / "static" / "swagger-ui"
CAR_T_INPUTS = "CarTInputs"

# The path parameter naming a loaded model; its example is filled in when the document is served.
MODEL_PARAMETER = {"in": "path", "name": "model", "required": True, "schema": {"type": "string"},
                   "description": "a model id, as GET /api/v1/models lists them (unknown ids are 404)"}


class Api(SmorestApi):
    """flask-smorest, answering errors with the service's one envelope (webapp.api.errors)."""
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


def create_api(app) -> Api:
    app.config.update(API_TITLE="CAR-T decision service", API_VERSION="2.0.0",
                      OPENAPI_VERSION=OPENAPI_VERSION, OPENAPI_URL_PREFIX=None)
    api = Api(app, spec_kwargs={"info": {"description": (
        "Evaluates the CAR-T policy (Medical Policy 7.02.11) and other DMN models, explains every "
        "answer and keeps an audit trail. Send `Authorization: Bearer <key>`; each operation names "
        "the role its key needs.")}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    return api


def _model_components(schema, name: str) -> dict:
    """The OpenAPI components of one model's input schema (and its nested structures), named
    `name` and `name.<structure>` so they never collide with the API's own."""
    spec = APISpec(title="inputs", version="1", openapi_version=OPENAPI_VERSION, plugins=[MarshmallowPlugin(
        schema_name_resolver=lambda s: f"{name}.{(s if isinstance(s, type) else type(s)).__name__}")])
    spec.components.schema(name, schema=schema)
    return to_json(spec.to_dict()["components"]["schemas"])


def input_json_schema(entry) -> dict:
    """One model's input data as a self-contained JSON Schema: its $refs point into its own $defs."""
    defs = _rewrite_refs(_model_components(entry.schema(False), "Inputs"), "#/components/schemas/", "#/$defs/")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/Inputs", "$defs": defs}


def _rewrite_refs(data, old: str, new: str):
    if isinstance(data, dict):
        return {k: (v.replace(old, new, 1) if k == "$ref" and isinstance(v, str) else _rewrite_refs(v, old, new))
                for k, v in data.items()}
    if isinstance(data, list):
        return [_rewrite_refs(v, old, new) for v in data]
    return data


def _security(doc: dict, app) -> None:
    """Each operation's security and 401/403 answers, from the view's access marker."""
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        operations = doc["paths"].get(path)
        if not operations:
            continue       # not an API operation (the document and /docs themselves)
        access = access_of(app.view_functions[rule.endpoint])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = operations.get(method.lower())
            if operation is None:
                continue
            if access == PUBLIC:
                operation["security"] = []
                continue
            if access == EHR_JWT:
                operation["security"] = [{"ehrJwt": []}]
                operation["responses"].setdefault("401", {
                    "description": "no JWT of the EHR, or one that fails a check of CDS Hooks' (docs/ehr.md)",
                    "content": {"application/fhir+json": {"schema": {"type": "object"}}}})
                operation["description"] = (operation.get("description", "") + "\n\nNeeds: the EHR's JWT.").strip()
                continue
            operation["security"] = [{"bearer": []}]
            responses = operation["responses"]
            responses.setdefault("401", {"description": "no API key, or an unknown one",
                                         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
            if access != ANY_KEY:
                responses.setdefault("403", {"description": f"the key lacks the {access!r} role",
                                             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
            role = "any valid key" if access == ANY_KEY else f"role `{access}`"
            operation["description"] = (operation.get("description", "") + f"\n\nNeeds: {role}.").strip()


def _examples(doc: dict, registry, car_t_model: str) -> None:
    ids = [e.id for e in registry]
    example = car_t_model if car_t_model in ids else (ids[0] if ids else None)
    if example is None:
        return
    for path_item in doc["paths"].values():
        lists = [path_item.get("parameters", [])]
        lists += [op.get("parameters", []) for key, op in path_item.items() if key != "parameters"]
        for parameter in (p for found in lists for p in found):
            if parameter.get("in") == "path" and parameter.get("name") == "model":
                parameter["example"] = example


EVALUATE = "/api/v1/models/{model}/evaluate"

# Where an answer names something another operation takes: schemathesis' stateful phase and
# Swagger UI follow these, so an evaluation id or a model id need not be guessed.
_EVALUATION = "#/paths/~1api~1v1~1evaluations~1{evaluation_id}/get"
_LINKS = {
    (EVALUATE, "post"): {"AuditRecord": {
        "operationRef": _EVALUATION, "parameters": {"evaluation_id": "$response.body#/evaluation_id"}}},
    ("/api/v1/car-t/determinations", "post"): {"AuditRecord": {
        "operationRef": _EVALUATION, "parameters": {"evaluation_id": "$response.body#/evaluation_id"}}},
    ("/api/v1/models", "get"): {"Model": {
        "operationRef": "#/paths/~1api~1v1~1models~1{model}/get",
        "parameters": {"model": "$response.body#/models/0/id"}}},
}


def _links(doc: dict) -> None:
    for (path, method), links in _LINKS.items():
        response = doc["paths"].get(path, {}).get(method, {}).get("responses", {}).get("200")
        if response is not None:
            response["links"] = links


def _per_model_evaluate(doc: dict, registry) -> None:
    """The evaluate operation's body depends on the model, so the document states it once per
    loaded model, each path with that model's input schema and decision names (`x-path-template`
    names the templated path they stand for); a templated path could only say "any object"."""
    template = doc["paths"].pop(EVALUATE, None)
    if template is None:
        return
    schemas = doc["components"]["schemas"]
    for entry in [registry.newest(e.id) for e in registry]:
        name = "Inputs." + re.sub(r"[^A-Za-z0-9._-]", "_", entry.id)
        schemas.update(_model_components(entry.schema(False), name))
        item = copy.deepcopy(template)
        item.pop("parameters", None)
        operation = item["post"]
        operation.pop("parameters", None)
        operation["requestBody"]["content"]["application/json"]["schema"] = {
            "type": "object", "additionalProperties": False,
            "properties": {"inputs": {"$ref": f"#/components/schemas/{name}"},
                           "decisions": {"type": ["array", "null"], "items": {
                               "type": "string", "enum": list(entry.model.definitions.decisions)}}}}
        item["x-path-template"] = EVALUATE
        doc["paths"][EVALUATE.replace("{model}", entry.id)] = item


def build(app) -> dict:
    api = app.extensions["openapi_api"]
    with app.test_request_context():
        doc = copy.deepcopy(to_json(api.spec.to_dict()))
    registry = app.extensions["model_registry"]
    entry = registry.newest(app.config["CAR_T_MODEL"])      # its contract serves from its publish
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    if entry is not None:
        schemas.update(_model_components(entry.schema(True), CAR_T_INPUTS))
        # The document's version is the CAR-T request contract's (semver; docs/api.md keeps its changelog).
        doc["info"]["version"] = entry.contract.version
    else:
        schemas[CAR_T_INPUTS] = {"type": "object", "description": "the CAR-T model is not loaded"}
    _security(doc, app)
    _examples(doc, registry, app.config["CAR_T_MODEL"])
    _links(doc)
    _per_model_evaluate(doc, registry)
    return doc


docs_bp = Blueprint("openapi", __name__)


@docs_bp.get("/openapi.json")
@public
def openapi_json():
    cache = current_app.extensions.setdefault("openapi_cache", {})
    registry = current_app.extensions["model_registry"]
    key = tuple((e.id, e.version, registry.newest(e.id).version) for e in registry)
    if key not in cache:
        cache.clear()
        cache[key] = build(current_app._get_current_object())
    return jsonify(cache[key])


_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CAR-T decision service API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>"""

# The page runs no inline script, so its Content-Security-Policy can forbid all of them.
_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  persistAuthorization: false, tryItOutEnabled: true});"""
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'")

_NO_UI = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CAR-T decision service API</title></head>
<body><h1>CAR-T decision service API</h1><p>The interactive page is not built: run <code>make ui</code>
(npm installs swagger-ui-dist). The document itself is at <a href="/openapi.json">/openapi.json</a>.</p></body></html>"""


@docs_bp.get("/docs")
@public
def docs():
    """Swagger UI, served from this app (bundled from npm's swagger-ui-dist by `make ui`)."""
    page = _DOCS if (SWAGGER_UI / "swagger-ui-bundle.js").is_file() else _NO_UI
    return Response(page, mimetype="text/html", headers={"Content-Security-Policy": _CSP})


@docs_bp.get("/docs/init.js")
@public
def docs_init():
    return Response(_INIT, mimetype="text/javascript")


@docs_bp.get("/docs/assets/<path:name>")
@public
def docs_assets(name: str):
    return send_from_directory(SWAGGER_UI, name, max_age=3600)
