"""/api/v1/models: the loaded models, their schemas and DMN, evaluation, reload and version history."""
from __future__ import annotations

import logging

from flask import Response, current_app, g

from webapp.api.common import Blueprint, audit_row, built_answer, in_effect, model_entry, record, run, valid_inputs
from webapp.api.schemas import (ErrorSchema, EvaluateRequest, EvaluationSchema, ModelDetailSchema, ModelListSchema,
                                ReloadErrorSchema, ReloadSchema)
from webapp.api.auth import require
from webapp.api.errors import ApiError
from webapp.api.headers import attachment
from webapp.serving.evaluation import evaluation_answer
from webapp.serving.jsonvalues import to_json
from webapp.api.openapi import MODEL_PARAMETER, input_json_schema

bp = Blueprint("models", __name__, url_prefix="/api/v1", description="Loaded models: schemas, DMN, evaluation, reload")
log = logging.getLogger("webapp.models")


@bp.get("/models")
@bp.response(200, ModelListSchema)
def list_models():
    """The loaded models, each with its serving version and whether it is a fallback."""
    return {"models": current_app.extensions["model_registry"].status()}


@bp.get("/models/<model>", parameters=[MODEL_PARAMETER])
@bp.response(200, ModelDetailSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such model")
def get_model(model: str):
    """One model, with its inputs' schema, its decisions and its version history."""
    entry = model_entry(model)
    defs = entry.model.definitions
    body = current_app.extensions["model_registry"].describe(entry)
    body["inputs_schema"] = input_json_schema(entry)
    body["decisions"] = [{"name": d.name, "id": d.id, "question": d.question,
                          "type": d.type_ref, "required_decisions": list(d.required_decisions),
                          "required_inputs": list(d.required_inputs)} for d in defs.decisions.values()]
    body["versions"] = current_app.extensions["audit"].versions(entry.id)
    return body


@bp.get("/models/<model>/dmn", parameters=[MODEL_PARAMETER])
@bp.doc(responses={
    200: {"description": "the DMN XML as loaded, as an attachment", "content": {"application/xml": {"schema": {"type": "string"}}}}})
@bp.alt_response(404, schema=ErrorSchema, description="no such model")
def get_dmn(model: str):
    """The DMN XML as loaded (a file to save: stored content never opens on this origin)."""
    entry = model_entry(model)
    return attachment(Response(entry.source, mimetype="application/xml", headers={"X-Model-Version": entry.version}),
                      f"{entry.id}-v{entry.number}.dmn")


@bp.post("/models/<model>/evaluate", parameters=[MODEL_PARAMETER])
@require("evaluate")
@bp.arguments(EvaluateRequest)
@bp.response(200, EvaluationSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such model or decision")
@bp.alt_response(422, schema=ErrorSchema, description=(
    "the inputs do not match the model's data types, or the model cannot evaluate them within the evaluation budget"))
@bp.alt_response(503, schema=ErrorSchema, description="not evaluated within the evaluation budget's time")
def evaluate(request_data: dict, model: str):
    """Evaluate decisions of a model: value, status, messages and matched rules per decision."""
    entry = model_entry(model)
    inputs = valid_inputs(entry, request_data["inputs"], required=False, where="inputs")
    entry = in_effect(entry, inputs)
    wanted = request_data["decisions"]
    result = run(entry, inputs, wanted)
    answer = evaluation_answer(entry, result, wanted)
    record([audit_row(answer, to_json(inputs), "models.evaluate")])
    return built_answer(answer)


@bp.post("/models:reload")
@require("admin")
@bp.response(200, ReloadSchema, description="every file in the directory passed the gate")
@bp.alt_response(422, schema=ReloadErrorSchema, description=(
    "a file was rejected and nothing was imported from it; `outcome` holds the whole outcome"))
def reload_models():
    """Import each file of the models directory whose content is new as a draft authored by the caller
    (never published: four eyes)."""
    outcome = current_app.extensions["model_registry"].reload(by=g.caller.person)
    if outcome["rejected"]:
        raise ApiError(422, f"{len(outcome['rejected'])} file(s) rejected: nothing was imported from them "
                            "and what serves is unchanged", {"rejected": outcome["rejected"]}, {"outcome": outcome})
    return outcome
