"""What an author works on beside a draft's DMN: its scenarios (they travel with the content, are
reviewed with it and exported to git beside it), and a save that met someone else's (409) reconciled:
what they changed, and the author's edits re-applied onto it (webapp.governance.merge)."""
from __future__ import annotations

from flask import current_app, g

from webapp.api.auth import require
from webapp.api.common import Blueprint, within_budget
from webapp.api.errors import ApiError
from webapp.api.schemas import (ErrorSchema, MergeRequest, MergeSchema, PolicyVersionSchema, ScenarioSetSchema,
                                ScenariosEditRequest)
from webapp.api.versions import _PARAMS, _store, _version, scenario_file
from webapp.governance.merge import reconcile
from webapp.governance.scenarios import read_spec, with_scenarios

bp = Blueprint("draft_work", __name__, url_prefix="/api/v1",
               description="A draft's scenarios, and a concurrent save reconciled")


@bp.get("/models/<model>/versions/<version:number>/scenarios", parameters=_PARAMS)
@bp.response(200, ScenarioSetSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version, or a model without scenarios")
def get_scenarios(model: str, number: str):
    """The scenarios saved with the version (inputs and expected answers), as the review runs them."""
    version = _version(model, number)
    found = scenario_file(model, version)
    if found is None:
        raise ApiError(404, f"model {model!r} has no scenarios")
    spec = read_spec(found.data)
    return {"model_id": model, "number": version.number, "sha256": version.sha256,
            "scenarios_sha256": version.scenarios_sha256, "file": found.name,
            "content": found.data.decode("utf-8"), "base_inputs": spec.get("base_inputs") or {},
            "scenarios": spec["scenarios"]}


@bp.put("/models/<model>/versions/<version:number>/scenarios", parameters=_PARAMS)
@require("author")
@bp.arguments(ScenariosEditRequest)
@bp.response(200, PolicyVersionSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version, or a model without scenarios")
@bp.alt_response(409, schema=ErrorSchema, description=(
    "published or retired (immutable), or someone saved content or scenarios since `sha256`/`scenarios_sha256`"))
@bp.alt_response(422, schema=ErrorSchema, description="a scenario without a title or an expected answer, or two of one title")
def save_scenarios(body: dict, model: str, number: str):
    """Save the draft's scenarios (a step `saved`, like an edit of the content: it makes the version a
    draft again, withdrawing a submission or approval). The review runs them; submitting needs each to pass."""
    version = _version(model, number)
    found = scenario_file(model, version)
    if found is None:
        raise ApiError(404, f"model {model!r} has no scenarios")
    data = with_scenarios(found.data, body["scenarios"])
    return _store().save(model, version.number, _store().content(version.sha256), g.caller.person,
                         body["comment"], body["sha256"], {"edited": "scenarios"}, scenarios=data,
                         expected_scenarios=body["scenarios_sha256"]).as_dict()


@bp.post("/models/<model>/versions/<version:number>/merge", parameters=_PARAMS)
@require("author")
@bp.arguments(MergeRequest)
@bp.response(200, MergeSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version, or `since` is no content it held")
@bp.alt_response(422, schema=ErrorSchema, description="content that is not XML, or too complex to compare in time")
def merge(body: dict, model: str, number: str):
    """After a 409 on save: what was saved since `since` (who, and the changes), and `content`'s edits
    re-applied onto it. Nothing is saved: the author checks `merged` and saves it."""
    version = _version(model, number)
    held = [s for s in version.steps if s.sha256 == body["since"]]
    if not held:
        raise ApiError(404, f"version {version.number} never held the content {body['since']}", {"since": [body["since"]]})
    found = within_budget(reconcile, _store().content(body["since"]), body["content"].encode("utf-8"),
                          _store().content(version.sha256), seconds=current_app.config["VALIDATION_BUDGET_S"],
                          too_slow="too complex to compare", field="content")
    after = max(s.seq for s in held)
    return {"version": version.as_dict(), **found,
            "saved_since": [s.as_dict() for s in version.steps if s.seq > after]}
