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

from webapp.api.schemas import ENUMS, DeterminationSchema, ErrorSchema
from webapp.api.auth import ANY_KEY, EHR_JWT, PUBLIC, access_of, public
from webapp.api.errors import PROBLEM_JSON
from webapp.serving.contract_change import declared_version
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
    # Not "Determination": a class of that name with a property `determination` trips generators
    # (openapi-python-client's from_dict shadows its own result).
    api.spec.components.schema("DeterminationAnswer", schema=DeterminationSchema)
    return api


def _model_components(schema, name: str, model_id: str) -> dict:
    """The OpenAPI components of one model's input schema (and its nested structures), named
    `name` and `name.<structure>` so they never collide with the API's own; its enums are named
    `<model id>.<item definition>`, shared by every schema of the model."""
    spec = APISpec(title="inputs", version="1", openapi_version=OPENAPI_VERSION, plugins=[MarshmallowPlugin(
        schema_name_resolver=lambda s: f"{name}.{(s if isinstance(s, type) else type(s)).__name__}")])
    spec.components.schema(name, schema=schema)
    return _rewrite_enums(to_json(spec.to_dict()["components"]["schemas"]), _component_name(model_id))


def _component_name(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", model_id)


def _rewrite_enums(data, prefix: str):
    if isinstance(data, dict):
        return {k: (f"{prefix}.{v}" if k == "x-enum" else _rewrite_enums(v, prefix)) for k, v in data.items()}
    if isinstance(data, list):
        return [_rewrite_enums(v, prefix) for v in data]
    return data


def input_json_schema(entry) -> dict:
    """One model's input data as a self-contained JSON Schema: its $refs point into its own $defs."""
    defs = _rewrite_refs(_model_components(entry.schema(False), "Inputs", entry.id), "#/components/schemas/", "#/$defs/")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/Inputs", "$defs": defs}


def _rewrite_refs(data, old: str, new: str):
    if isinstance(data, dict):
        return {k: (v.replace(old, new, 1) if k == "$ref" and isinstance(v, str) else _rewrite_refs(v, old, new))
                for k, v in data.items()}
    if isinstance(data, list):
        return [_rewrite_refs(v, old, new) for v in data]
    return data


_PROBLEM = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}

# Operation ids whose view's name alone would not say what they do (the others: the view's name).
OPERATION_IDS = {"models.get_dmn": "getModelDmn", "car_t.determination": "determine",
                 "car_t.batch": "determineBatch", "governance_export.export": "exportModel",
                 "governance_export.model_validation": "validateModel",
                 "governance_export.upload_validation": "validateUpload", "versions.submit": "submitVersion",
                 "versions.review": "reviewVersion", "versions.approve": "approveVersion",
                 "versions.reject": "rejectVersion", "versions.publish": "publishVersion",
                 "versions.rollback": "rollbackVersion", "versions.evidence_pack": "getEvidencePack",
                 "versions.case": "getReviewCase", "ehr.questionnaire_package": "questionnairePackage",
                 "ehr.discovery": "listCdsServices", "ehr.hook": "callCdsHook"}


def _camel(text: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]
    return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:]) if words else text


def _operation_id(endpoint: str, view) -> str:
    return OPERATION_IDS.get(endpoint) or _camel(view.__name__)


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
            operation["operationId"] = _operation_id(rule.endpoint, app.view_functions[rule.endpoint])
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
            responses.setdefault("401", {"description": "no API key, or an unknown one", "content": _PROBLEM})
            if access != ANY_KEY:
                responses.setdefault("403", {"description": f"the key lacks the {access!r} role", "content": _PROBLEM})
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


# A model with no decision: a draft or an upload of it answers with its validation findings.
EXAMPLE_DMN = ('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="example" name="Example" '
               'namespace="https://healthplan.example/dmn/example"/>')
_SHA = "0" * 64
# Each body's example, by operation id: what Swagger UI's "Try it out" sends, so it must answer
# sensibly (the CAR-T ones are the model's own example request, _request_examples).
_EXAMPLES = {
    "createDraft": {"content": EXAMPLE_DMN, "comment": "an example draft", "base": None},
    "saveDraft": {"content": EXAMPLE_DMN, "comment": "an example edit", "sha256": _SHA},
    "submitVersion": {"sha256": _SHA, "comment": "ready for review"},
    "approveVersion": {"sha256": _SHA, "comment": "reviewed", "evidence": _SHA},
    "rejectVersion": {"sha256": _SHA, "comment": "the citation of I.C is out of date", "evidence": None},
    "publishVersion": {"sha256": _SHA, "comment": "effective today"},
    "rollbackVersion": {"reason": "the new version pends cases it should approve"},
    "validateUpload": EXAMPLE_DMN,
    "saveScenarios": {"sha256": _SHA, "scenarios_sha256": None, "comment": "the complete request",
                      "scenarios": [{"title": "Complete commercial request meets every criterion",
                                     "section": "I, Guidelines I.A-I.H", "inputs": {},
                                     "expected": {"determination": "medically_appropriate", "disposition": "approve"}}]},
    "merge": {"since": _SHA, "content": EXAMPLE_DMN},
}


def _request_examples(doc: dict, car_t) -> None:
    example = car_t.contract.example if car_t is not None else None
    examples = {**_EXAMPLES, "determine": example, "determineBatch": None if example is None else {"cases": [example]}}
    for item in doc["paths"].values():
        for operation in (op for op in item.values() if isinstance(op, dict) and "requestBody" in op):
            found = examples.get(operation.get("operationId"))
            if found is not None:
                for content in operation["requestBody"]["content"].values():
                    content.setdefault("example", found)


def _problems(doc: dict) -> None:
    """Every error answer is RFC 9457 Problem Details: flask-smorest documents each as JSON."""
    responses = [r for item in doc["paths"].values() for op in item.values() if isinstance(op, dict)
                 for r in op.get("responses", {}).values()]
    for response in [*responses, *doc["components"].get("responses", {}).values()]:
        content = response.get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if schema.get("$ref", "").rsplit("/", 1)[-1] in ("Error", "ReloadError"):
            content[PROBLEM_JSON] = content.pop("application/json")


def _enum_name(values: list, hint: str | None) -> str | None:
    return ENUMS.get(tuple(v for v in values if v is not None)) or hint


def _named_enums(doc: dict) -> None:
    """Each enum once, as a named component a generated client makes one type of: the API's own by
    their names in ENUMS, a model's by its item definition's (`x-enum`, webapp.serving.inputs)."""
    schemas = doc["components"]["schemas"]
    named: dict[str, dict] = {}

    def visit(node):
        if isinstance(node, list):
            return [visit(v) for v in node]
        if not isinstance(node, dict):
            return node
        node = {k: visit(v) for k, v in node.items()}
        if "enum" not in node:
            return node
        name = _enum_name(node["enum"], node.pop("x-enum", None))
        if name is None:
            return node
        types, values = node.pop("type"), node.pop("enum")
        kinds = [t for t in (types if isinstance(types, list) else [types]) if t != "null"]
        nullable = None in values or (isinstance(types, list) and "null" in types)
        named[name] = {"type": kinds[0], "enum": [v for v in values if v is not None]}
        ref = {"$ref": f"#/components/schemas/{name}"}
        node.update({"anyOf": [ref, {"type": "null"}]} if nullable else ref)
        return node

    doc["paths"] = visit(doc["paths"])
    doc["components"]["schemas"] = visit(schemas)
    doc["components"]["schemas"].update(named)


def _per_model_evaluate(doc: dict, registry) -> None:
    """The evaluate operation's body depends on the model, so the document states it once per
    loaded model, each path with that model's input schema and decision names (`x-path-template`
    names the templated path they stand for); a templated path could only say "any object"."""
    template = doc["paths"].pop(EVALUATE, None)
    if template is None:
        return
    schemas = doc["components"]["schemas"]
    for entry in [registry.newest(e.id) for e in registry]:
        name = "Inputs." + _component_name(entry.id)
        schemas.update(_model_components(entry.schema(False), name, entry.id))
        item = copy.deepcopy(template)
        item.pop("parameters", None)
        operation = item["post"]
        operation.pop("parameters", None)
        operation["requestBody"]["content"]["application/json"]["schema"] = {
            "type": "object", "additionalProperties": False,
            "properties": {"inputs": {"$ref": f"#/components/schemas/{name}"},
                           "decisions": {"type": ["array", "null"], "items": {
                               "type": "string", "enum": list(entry.model.definitions.decisions),
                               "x-enum": f"{_component_name(entry.id)}.Decision"}}}}
        operation["operationId"] = _camel(f"evaluate {entry.id}")
        operation["requestBody"]["content"]["application/json"]["example"] = {
            "inputs": entry.contract.example if entry.contract.example is not None else {}}
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
        schemas.update(_model_components(entry.schema(True), CAR_T_INPUTS, entry.id))
        # The document's version is the CAR-T request contract's (semver; docs/api.md keeps its changelog).
        doc["info"]["version"] = declared_version(entry.model, entry.contract)
    else:
        schemas[CAR_T_INPUTS] = {"type": "object", "description": "the CAR-T model is not loaded"}
    _security(doc, app)
    _examples(doc, registry, app.config["CAR_T_MODEL"])
    _links(doc)
    _per_model_evaluate(doc, registry)
    _request_examples(doc, entry)
    _problems(doc)
    _named_enums(doc)
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
