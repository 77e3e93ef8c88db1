"""/api/v1/models: the loaded models, their schemas and DMN, evaluation, reload and version history."""
from __future__ import annotations

import logging
import os
import signal

from flask import Blueprint, Response, current_app, g, jsonify

from webapp.api.common import ERROR_RESPONSES, json_body, model_entry, valid_inputs
from webapp.auth import require
from webapp.errors import ApiError
from webapp.evaluation import audit_row, evaluation_answer, record, run
from webapp.jsonvalues import to_json
from webapp.openapi import input_schema_json
from webapp.schemas import EvaluateRequest, validate_inputs

bp = Blueprint("models", __name__, url_prefix="/api/v1")
log = logging.getLogger("webapp.models")


@bp.get("/models")
def list_models():
    """The loaded models.
    ---
    get:
      tags: [models]
      responses:
        200:
          content:
            application/json:
              schema:
                type: object
                properties:
                  models: {type: array, items: ModelSummarySchema}
    """
    registry = current_app.extensions["model_registry"]
    return jsonify({"models": [e.summary() for e in registry]})


@bp.get("/models/<model>")
def get_model(model: str):
    """One model, with its inputs' schema and its decisions.
    ---
    get:
      tags: [models]
      parameters:
        - {in: path, name: model, required: true, schema: {type: string}}
      responses:
        200: {content: {application/json: {schema: {type: object}}}}
        404: {content: {application/json: {schema: ErrorSchema}}}
    """
    entry = model_entry(model)
    defs = entry.model.definitions
    body = entry.summary()
    body["inputs_schema"] = input_schema_json(entry)
    body["decisions"] = [{"name": d.name, "id": d.id, "question": d.question,
                          "type": d.type_ref, "required_decisions": list(d.required_decisions),
                          "required_inputs": list(d.required_inputs)} for d in defs.decisions.values()]
    body["versions"] = current_app.extensions["audit"].versions(entry.id)
    return jsonify(body)


@bp.get("/models/<model>/dmn")
def get_dmn(model: str):
    """The DMN XML as loaded.
    ---
    get:
      tags: [models]
      parameters:
        - {in: path, name: model, required: true, schema: {type: string}}
      responses:
        200: {content: {application/xml: {schema: {type: string}}}}
        404: {content: {application/json: {schema: ErrorSchema}}}
    """
    entry = model_entry(model)
    return Response(entry.source, mimetype="application/xml",
                    headers={"X-Model-Version": entry.version})


@bp.post("/models/<model>/evaluate")
@require("evaluate")
def evaluate(model: str):
    """Evaluate decisions of a model.
    ---
    post:
      tags: [models]
      security: [{bearer: []}]
      parameters:
        - {in: path, name: model, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: EvaluateRequest}}
      responses:
        200: {content: {application/json: {schema: EvaluationSchema}}}
    """
    entry = model_entry(model)
    body = json_body()
    if not isinstance(body, dict):
        raise ApiError(422, "the body must be a JSON object", {"body": ["not an object"]})
    request_data, errors = validate_inputs(EvaluateRequest(), body)
    if errors:
        raise ApiError(422, "the request does not match its schema", errors)
    inputs = valid_inputs(entry, request_data["inputs"], required=False)
    wanted = request_data["decisions"]
    result = run(entry, inputs, wanted)
    answer = evaluation_answer(entry, result, wanted)
    record([audit_row(answer, to_json(inputs), "models.evaluate")])
    return jsonify(answer)


evaluate.__doc__ += ERROR_RESPONSES


@bp.post("/models:reload")
@require("admin")
def reload_models():
    """Load the models directory anew; rejected models keep their last good version.
    ---
    post:
      tags: [models]
      security: [{bearer: []}]
      responses:
        200: {content: {application/json: {schema: {type: object}}}}
        401: {content: {application/json: {schema: ErrorSchema}}}
        403: {content: {application/json: {schema: ErrorSchema}}}
    """
    outcome = current_app.extensions["model_registry"].reload(by=g.caller)
    if current_app.config.get("SIGNAL_MASTER_ON_RELOAD"):
        os.kill(os.getppid(), signal.SIGHUP)
        outcome["workers"] = "restarting"
    return jsonify(outcome)
