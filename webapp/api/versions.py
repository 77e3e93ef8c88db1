"""/api/v1/models/{model}/versions: drafts, review evidence, four-eyes approval, publish, rollback.

The rules are the store's (webapp.store.versions); this module reads requests, builds the evidence a
reviewer reads (webapp.governance.evidence, in a child process under a budget), and tells the registry when
what serves changed. The console calls these same operations.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


from flask import Response, current_app, g
from werkzeug.routing import BaseConverter

from webapp.governance import evidence
from webapp.serving import budgets, effective
from webapp.api.common import Blueprint, within_budget
from webapp.api.schemas import (ApproveRequest, CaseSchema, DraftEditRequest, DraftRequest, DraftSavedSchema,
                                ErrorSchema, EvidenceQuery, PolicyVersionSchema, PublishRequest, RejectRequest, ReviewSchema,
                                RollbackRequest, StepRequest, VersionListSchema)
from webapp.store.audit import AuditUnavailable
from webapp.api.auth import require
from webapp.governance.drafts import checked, contract_kept, contract_of, scenarios_pass
from webapp.api.errors import ApiError
from webapp.export.evidence_report import render_html, render_pdf
from webapp.export.pdf import PdfUnavailable
from webapp.api.headers import DOCUMENT_CSP, attachment
from webapp.api.openapi import MODEL_PARAMETER
from webapp.governance.scenarios import ScenarioFile, scenario_file_of
from webapp.store.stamps import sha256, today

bp = Blueprint("versions", __name__, url_prefix="/api/v1",
               description="Policy versions: drafts, review evidence, four-eyes approval, publish, rollback")


class VersionSegment(BaseConverter):
    """A version number's path segment: never a colon, so `PUT .../versions/1:submit` is not an edit
    of version "1:submit" but a method the submit operation does not allow (405). Digits are checked
    by the views (404), after the access check, so a wrong role is a 403 whatever the path."""
    regex = r"[^/:]+"


bp.record_once(lambda state: state.app.url_map.converters.setdefault("version", VersionSegment))

NUMBER_PARAMETER = {"in": "path", "name": "number", "required": True, "example": 1,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2 ** 31 - 1},
                    "description": "the version's number within its model"}
DIGEST_PARAMETER = {"in": "path", "name": "digest", "required": True, "schema": {"type": "string"},
                    "description": "the review's digest, as GET .../review answers and an approval quotes it"}
EVALUATION_PARAMETER = {"in": "path", "name": "evaluation_id", "required": True, "schema": {"type": "string"},
                        "description": "the evaluation id of an audited determination"}
_PARAMS = [MODEL_PARAMETER, NUMBER_PARAMETER]
_FOUR_EYES = ("the key lacks the role or names nobody, or (approve) its holder saved or submitted this version: "
              "four eyes")


def _store():
    return current_app.extensions["versions"]


def _registry():
    return current_app.extensions["model_registry"]


def _number(text: str) -> int:
    # str.isdigit() takes '²' (which int() refuses) and '٣' (which int() reads as 3): ASCII only
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2 ** 31:
        raise ApiError(404, f"no version {text!r}: versions are numbered 1, 2, ...")
    return int(text)


def _version(model: str, number: str):
    return _store().get(model, _number(number))


def scenario_file(model: str, version) -> ScenarioFile | None:
    """The scenarios that travel with the version (saved with its content); a version saved before
    they did has the models directory's file."""
    folder = Path(current_app.config["MODELS_DIR"])
    name = scenario_file_of(folder / f"{model}.dmn").name
    if version is not None and version.scenarios_sha256:
        return ScenarioFile(name, _store().content(version.scenarios_sha256), folder)
    return ScenarioFile(name, (folder / name).read_bytes(), folder) if (folder / name).is_file() else None


def _known_model(model: str) -> None:
    if _registry().get(model) is None and not _store().list(model):
        raise ApiError(404, f"no model named {model!r}")


@bp.get("/models/<model>/versions", parameters=[MODEL_PARAMETER])
@bp.response(200, VersionListSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such model")
def list_versions(model: str):
    """Every version of a model, oldest first, with its state; the number of the one serving."""
    _known_model(model)
    serving = _registry().get(model)
    return {"model_id": model, "serving": serving.number if serving else None,
            "in_effect": [{"number": e.number, "effective_date": e.effective_date.isoformat() if e.effective_date else None}
                          for e in _registry().timeline(model)],
            "versions": [v.as_dict(with_steps=False) for v in _store().list(model)]}


def _saved(version, prepared: dict) -> dict:
    return {**version.as_dict(), "validation": prepared["report"], "normalised_from": prepared["normalised_from"],
            "note": prepared["note"]}


def _version_link(method: str, path: str) -> dict:
    """An OpenAPI link from a new draft to an operation on it (its number from the answer)."""
    pointer = "/api/v1/models/{model}/versions/{number}" + path
    return {"operationRef": f"#/paths/{pointer.replace('/', '~1')}/{method}",
            "parameters": {"model": "$request.path.model", "number": "$response.body#/number"}}


_DRAFT_LINKS = {"Version": _version_link("get", ""), "Edit": _version_link("put", ""),
                "Submit": _version_link("post", ":submit"), "Review": _version_link("get", "/review"),
                "Approve": _version_link("post", ":approve"), "Reject": _version_link("post", ":reject"),
                "Publish": _version_link("post", ":publish")}


@bp.post("/models/<model>/versions", parameters=[MODEL_PARAMETER])
@require("author")
@bp.arguments(DraftRequest)
@bp.response(201, DraftSavedSchema, description="the new draft and the findings of its content")
@bp.doc(responses={201: {"links": _DRAFT_LINKS}})
@bp.alt_response(404, schema=ErrorSchema, description="no such model or base version")
@bp.alt_response(422, schema=ErrorSchema, description=(
    "not DMN XML, a DTD or entity declarations, a model too complex to analyse in time, or the author "
    "has as many drafts in progress as allowed"))
def create_draft(body: dict, model: str):
    """A new draft (from the editor or an uploaded file); validation errors are reported, not refused."""
    _known_model(model)
    base = body["base"] or getattr(_registry().newest(model), "number", None)
    started_from = _store().get(model, base) if base is not None else None
    _within_draft_limit(g.caller.person)
    prepared = checked(body["content"].encode("utf-8"), current_app.config)
    origin = "upload" if prepared["normalised_from"] else "api"
    scenarios = scenario_file(model, started_from)
    version = _store().create(model, prepared["content"], g.caller.person, body["comment"], origin=origin,
                              base_number=base, scenarios=scenarios.data if scenarios else None)
    return _saved(version, prepared), 201


def _within_draft_limit(author: str) -> None:
    limit = current_app.config["DRAFTS_PER_AUTHOR"]
    drafts = _store().open_drafts(author)
    if len(drafts) >= limit:
        raise ApiError(422, f"you have {len(drafts)} drafts in progress, the most one author may have "
                            f"(CAR_T_DRAFTS_PER_AUTHOR={limit}): edit one of them instead of starting another "
                            "(a draft stops counting once it is published or rejected)",
                       {"drafts": [f"{m} version {n}" for m, n in drafts]})


@bp.get("/models/<model>/versions/<version:number>", parameters=_PARAMS)
@bp.response(200, PolicyVersionSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
def get_version(model: str, number: str):
    """One version with every step of its lifecycle (who, when, what, comment)."""
    return _version(model, number).as_dict()


@bp.get("/models/<model>/versions/<version:number>/dmn", parameters=_PARAMS)
@bp.doc(responses={200: {"description": "the version's DMN XML, as an attachment",
                         "content": {"application/xml": {"schema": {"type": "string"}}}}})
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
def get_version_dmn(model: str, number: str):
    """The version's content, as stored (a file to save: stored content never opens on this origin)."""
    version = _version(model, number)
    return attachment(Response(_store().content(version.sha256), mimetype="application/xml",
                               headers={"X-Model-Version": version.sha256, "X-Version-State": version.state}),
                      f"{model}-v{version.number}.dmn")


@bp.put("/models/<model>/versions/<version:number>", parameters=_PARAMS)
@require("author")
@bp.arguments(DraftEditRequest)
@bp.response(200, DraftSavedSchema, description="the saved draft and the findings of its content")
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
@bp.alt_response(409, schema=ErrorSchema, description=(
    "published or retired (immutable), or someone saved since `sha256`"))
@bp.alt_response(422, schema=ErrorSchema, description="a DTD or entity declarations, or a model too complex to analyse in time")
def save_draft(body: dict, model: str, number: str):
    """Save an edit; it makes the version a draft again, withdrawing a submission or approval."""
    current = _version(model, number)
    prepared = checked(body["content"].encode("utf-8"), current_app.config)
    version = _store().save(model, current.number, prepared["content"], g.caller.person, body["comment"],
                            body["sha256"])
    return _saved(version, prepared)


@bp.post("/models/<model>/versions/<version:number>:submit", parameters=_PARAMS)
@require("author")
@bp.arguments(StepRequest)
@bp.response(200, PolicyVersionSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
@bp.alt_response(409, schema=ErrorSchema, description=(
    "not a draft, other content than `sha256`, validation errors, scenarios that do not get their expected answer, "
    "or a request contract change beyond the contract version the model declares"))
@bp.alt_response(422, schema=ErrorSchema, description="a scenario the draft cannot evaluate within its budget")
def submit(body: dict, model: str, number: str):
    """Submit a draft for approval: only content without validation errors whose scenarios (the
    draft's own) each give their expected answer within the evaluation budget."""
    version = _version(model, number)
    content = _store().content(version.sha256)
    prepared = checked(content, current_app.config)
    if not prepared["report"]["valid"]:
        errors = [f["message"] for f in prepared["report"]["findings"] if f["severity"] == "error"]
        raise ApiError(409, f"version {version.number} has {len(errors)} validation error(s): fix them before "
                            "submitting", {"validation": errors})
    scenarios_pass(content, scenario_file(model, version), current_app.config)
    contract_kept(contract_of(content, _registry().newest(model), current_app.config))
    return _store().submit(model, version.number, body["sha256"], g.caller.person, body["comment"]).as_dict()


def _records(model: str, limit: int) -> list[dict]:
    audit = current_app.extensions["audit"]
    try:
        total, _ = audit.list(model, limit=1)
        return audit.list(model, limit=limit, offset=max(0, total - limit))[1]
    except AuditUnavailable as exc:
        raise ApiError(503, "the audit store cannot be read") from exc


def _review(model: str, version) -> tuple[str, dict]:
    """The evidence pack of the version's content: computed once per (content, serving version,
    scenario file), stored, and served from that record after that, by every worker and replica (a
    pack is up to 2.5 s of work and 80 KB kept for good). Its real cases are the newest audited when
    it was computed (`computed_at`). An approval names what the approver read by its digest."""
    serving = _registry().get(model)
    scenarios_of = scenario_file(model, version)
    scenarios = sha256(scenarios_of.data) if scenarios_of else ""
    serving_sha = getattr(serving, "version", None) or ""
    found = _store().stored_review(version, serving_sha, scenarios)
    if found is None:
        limit = current_app.config["IMPACT_CASES"]
        records = _records(model, limit)
        pack = within_budget(evidence.build, model, current_app.config["CAR_T_DECISION"], serving,
                             _store().content(version.sha256), scenarios_of, records, limit,
                             budgets.evaluation(current_app.config), seconds=current_app.config["REVIEW_BUDGET_S"],
                             too_slow="too complex to review", field="review")
        found = _store().put_review(version, g.caller.person, pack, serving_sha, scenarios)
    return found


@bp.get("/models/<model>/versions/<version:number>/review", parameters=_PARAMS)
@bp.response(200, ReviewSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
@bp.alt_response(422, schema=ErrorSchema, description="the review did not finish within its budget")
@bp.alt_response(503, schema=ErrorSchema, description="the audit store cannot be read")
def review(model: str, number: str):
    """The evidence for approving the version's content: validation and table analysis, the diff
    against the serving version, scenario results, coverage and impact, and the impact on the
    newest audited determinations (by evaluation id and outcome for the author, approver and audit
    roles; counts for any other key). Approving quotes its `digest`."""
    version = _version(model, number)
    digest, pack = _review(model, version)
    _store().note_read(digest, g.caller.person)
    return {"digest": digest, "model_id": model, "number": version.number, "sha256": version.sha256,
            "read_by": _store().readers(digest), "evidence": evidence.as_read_by(pack, g.caller.roles)}


@bp.post("/models/<model>/versions/<version:number>:approve", parameters=_PARAMS)
@require("approver", named=True)
@bp.arguments(ApproveRequest)
@bp.response(200, PolicyVersionSchema)
@bp.alt_response(403, schema=ErrorSchema, description=_FOUR_EYES)
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
@bp.alt_response(409, schema=ErrorSchema, description=(
    "not submitted, other content than `sha256`, or `evidence` is not a review of this content"))
def approve(body: dict, model: str, number: str):
    """Approve the submitted content named by `sha256`, keeping the evidence the approver read.
    Nobody approves a version they saved content of or submitted, whatever their roles or keys."""
    version = _version(model, number)
    _evidence_of(version, body["evidence"], body["sha256"])
    date = body["effective_date"] or effective.declared(_store().content(version.sha256))
    return _store().approve(model, version.number, body["sha256"], g.caller.person, body["comment"],
                            body["evidence"], g.caller.identities, date).as_dict()


@bp.post("/models/<model>/versions/<version:number>:reject", parameters=_PARAMS)
@require("approver")
@bp.arguments(RejectRequest)
@bp.response(200, PolicyVersionSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
@bp.alt_response(409, schema=ErrorSchema, description="not submitted, or other content than `sha256`")
def reject(body: dict, model: str, number: str):
    """Reject a submitted version, with the reason in `comment`."""
    version = _version(model, number)
    if body["evidence"]:
        _evidence_of(version, body["evidence"], body["sha256"])
    return _store().reject(model, version.number, body["sha256"], g.caller.person, body["comment"],
                           body["evidence"]).as_dict()


@bp.post("/models/<model>/versions/<version:number>:publish", parameters=_PARAMS)
@require("approver", named=True)
@bp.arguments(PublishRequest)
@bp.response(200, PolicyVersionSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
@bp.alt_response(409, schema=ErrorSchema, description=(
    "not approved, `sha256` is not the approved content, a contract change dated after today, or a request "
    "contract change beyond the contract version the model declares (against the newest published version)"))
def publish(body: dict, model: str, number: str):
    """Serve the approved content named by `sha256` from its effective date (`effective_date`, by default
    the approval's): requests dated from then on are determined by it, earlier ones by the version in
    effect on their date; versions in effect from that date on are retired. One transaction: every
    later request, to any worker, sees the new timeline. A version that changes the request contract
    serves at publish, so its date is today or earlier."""
    version = _version(model, number)
    content = _store().content(version.sha256)
    own = version.effective_date
    date = body["effective_date"] or (dt.date.fromisoformat(own) if own else effective.declared(content))
    change = contract_of(content, _registry().newest(model), current_app.config)
    if date is not None and date > today() and change and change["changes"]:
        raise ApiError(409, "this version changes the request contract, which serves at publish: it cannot be "
                            "effective from a later date", {"effective_date": [f"{date} is after today ({today()})"]})
    contract_kept(change)
    published = _store().publish(model, version.number, body["sha256"], g.caller.person, body["comment"], date)
    _registry().changed()
    return published.as_dict()


@bp.post("/models/<model>/versions/<version:number>:rollback", parameters=_PARAMS)
@require("admin")
@bp.arguments(RollbackRequest)
@bp.response(200, PolicyVersionSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version")
@bp.alt_response(409, schema=ErrorSchema, description="the version never served, or serves now")
def rollback(body: dict, model: str, number: str):
    """Serve again, at once, a version that served before (with the reason)."""
    version = _version(model, number)
    restored = _store().rollback(model, version.number, g.caller.person, body["reason"], body["effective_date"])
    _registry().changed()
    return restored.as_dict()


def _evidence_of(version, digest: str, sha: str) -> None:
    found = _store().review(version, digest)
    if found is None:
        raise ApiError(409, "no review with this digest for this version: read GET .../review first",
                       {"evidence": [digest]})
    if found["sha256"] != sha:
        raise ApiError(409, "the review is of other content than the one named: review it again",
                       {"evidence": [digest]})
    scenarios = scenario_file(version.model_id, version)
    if found["scenarios_sha256"] != (sha256(scenarios.data) if scenarios else ""):
        raise ApiError(409, "the review ran other scenarios than the version holds now: review it again",
                       {"evidence": [digest]})


@bp.get("/models/<model>/versions/<version:number>/reviews/<digest>", parameters=[*_PARAMS, DIGEST_PARAMETER])
@bp.arguments(EvidenceQuery, location="query", as_kwargs=True)
@bp.doc(responses={200: {"description": "the evidence pack: JSON, or a report in HTML or PDF", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "application/json": {"schema": {"type": "object"}}, "text/html": {"schema": {"type": "string"}}}}})
@bp.alt_response(404, schema=ErrorSchema, description="no such version or review")
@bp.alt_response(503, schema=ErrorSchema, description="PDF needs Chromium, which is not installed")
def evidence_pack(model: str, number: str, digest: str, format: str):
    """An evidence pack as it was read (an approval's `details.evidence` names it), for the file."""
    version = _version(model, number)
    found = _store().review(version, digest)
    if found is None:
        raise ApiError(404, f"version {version.number} has no review {digest!r}")
    _store().note_read(digest, g.caller.person)
    name = f"{model}-v{version.number}-evidence-{digest[:12]}"
    document = {"digest": digest, "model_id": model, "number": version.number, "sha256": found["sha256"],
                "computed_for": found["actor"], "read_by": _store().readers(digest),
                "evidence": evidence.as_read_by(found["evidence"], g.caller.roles),
                "version": version.as_dict()}
    if format == "json":
        return attachment(Response(json.dumps(document, indent=2), mimetype="application/json"), f"{name}.json")
    html = render_html(document)
    if format == "html":
        return Response(html, mimetype="text/html", headers={"Content-Security-Policy": DOCUMENT_CSP})
    try:
        pdf = render_pdf(html)
    except PdfUnavailable as exc:
        raise ApiError(503, "PDF export is unavailable", {"format": [str(exc)]}) from exc
    return attachment(Response(pdf, mimetype="application/pdf"), f"{name}.pdf")


@bp.get("/models/<model>/versions/<version:number>/cases/<evaluation_id>", parameters=[*_PARAMS, EVALUATION_PARAMETER])
@require("audit")
@bp.response(200, CaseSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such version or evaluation of this model")
@bp.alt_response(503, schema=ErrorSchema, description="the audit store cannot be read")
def case(model: str, number: str, evaluation_id: str):
    """One audited determination (its inputs: patient data) answered by the serving version and by
    this version, every decision traced: a changed case of the review, opened."""
    version = _version(model, number)
    try:
        record = current_app.extensions["audit"].get(evaluation_id)
    except AuditUnavailable as exc:
        raise ApiError(503, "the audit store cannot be read") from exc
    if record is None or record["model_id"] != model:
        raise ApiError(404, f"no evaluation {evaluation_id!r} of model {model!r}")
    serving = _registry().get(model)
    sides = within_budget(evidence.case, serving, _store().content(version.sha256), record,
                          budgets.evaluation(current_app.config), seconds=current_app.config["VALIDATION_BUDGET_S"],
                          too_slow="too complex to answer", field="case")
    sides["serving"]["number"] = getattr(serving, "number", None)
    sides["draft"]["number"] = version.number
    return {"evaluation_id": record["id"], "created_at": record["created_at"], "inputs": record["inputs"],
            "recorded": record["outputs"], **sides}
