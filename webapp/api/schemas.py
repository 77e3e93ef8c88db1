"""The API's own request and response shapes. Each schema validates or serializes what the views
receive and send (flask-smorest's `arguments` and `response`) and documents it in /openapi.json:
one source for both. A model's input data have schemas derived from its item definitions
(webapp.serving.inputs); the CAR-T answer is built by webapp.serving.determination and documented here.
"""
from __future__ import annotations

import datetime as dt

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from webapp.api.errors import CODES
from webapp.serving.determination import (DISPOSITIONS, FAILED_KINDS, FINDING_KINDS, MISSING_KINDS, OUTCOMES,
                                         SUPPLIERS)
from webapp.store.audit import CASE_ID_MAX
from webapp.store.versions import STATES as VERSION_STATES

SEVERITIES = ("error", "warning", "info")
DECISION_STATUSES = ("succeeded", "failed", "skipped")
BATCH_LIMIT = 1000
CONTRACT_CHANGES = ("added", "widened", "removed", "narrowed", "required")
EXPORT_FORMATS = ("html", "md", "csv", "xlsx", "pdf", "json")
EVIDENCE_FORMATS = ("json", "html", "pdf")
ERROR_CODES = tuple(sorted(set(CODES.values()) | {"error"}))

# The API's enums by their values, each a named component of /openapi.json (webapp.api.openapi), so
# a generated client makes one type of each wherever it is used.
ENUMS = {tuple(values): name for values, name in (
    (ERROR_CODES, "ErrorCode"), (SEVERITIES, "Severity"), (DECISION_STATUSES, "DecisionStatus"),
    (FINDING_KINDS, "FindingKind"), (SUPPLIERS, "Supplier"), (OUTCOMES, "Outcome"), (DISPOSITIONS, "Disposition"),
    (VERSION_STATES, "VersionState"), (EXPORT_FORMATS, "ExportFormat"), (EVIDENCE_FORMATS, "EvidenceFormat"),
    (("ok",), "HealthStatus"), (("ready", "not ready"), "ReadyStatus"), (CONTRACT_CHANGES, "ContractChangeKind"))}


class Strict(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class FieldErrorSchema(Schema):
    pointer = fields.String(required=True, metadata={
        "description": "a JSON Pointer (RFC 6901) into the request body from its root (`/Request/product`); "
                       "what is not in the body by its place (`/query/limit`, `/Content-Type`)"})
    detail = fields.String(required=True, metadata={"description": "what is wrong there, for a person"})


class ErrorSchema(Schema):
    """RFC 9457 Problem Details (`application/problem+json`), with our `code`, `request_id` and `errors`."""
    type = fields.String(required=True, metadata={
        "description": "`about:blank`: the problem is what its status says; `code` tells problems apart"})
    title = fields.String(required=True, metadata={"description": "the status's phrase"})
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={"description": "what went wrong in this request, for a person"})
    code = fields.String(required=True, validate=validate.OneOf(ERROR_CODES),
                         metadata={"description": "stable, for programs to branch on"})
    request_id = fields.String(required=True, metadata={"description": "finds this request in the server log"})
    errors = fields.List(fields.Nested(FieldErrorSchema), required=True, metadata={
        "description": "each offending field or thing, one entry per reason (empty when the detail says it all)"})


# -- evaluation ----------------------------------------------------------------------------------
class EvaluateRequest(Strict):
    inputs = fields.Dict(keys=fields.String(), load_default=dict, metadata={
        "description": "the model's input data by name; the model's own schema is in GET /api/v1/models/{model}"})
    decisions = fields.List(fields.String(), load_default=None, allow_none=True,
                            metadata={"description": "the decisions to answer (default: all)"})


class MessageSchema(Schema):
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    kind = fields.String(required=True)
    text = fields.String(required=True)
    element_id = fields.String(allow_none=True, required=True)


class MatchedRuleSchema(Schema):
    rule_id = fields.String(allow_none=True, required=True)
    index = fields.Integer(required=True, metadata={"description": "the rule's row number, from 1"})
    annotations = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


class DecisionResultSchema(Schema):
    name = fields.String(required=True)
    value = fields.Raw(allow_none=True, required=True, metadata={"description": "the FEEL value as JSON"})
    status = fields.String(required=True, validate=validate.OneOf(DECISION_STATUSES))
    messages = fields.List(fields.Nested(MessageSchema), required=True)
    matched_rules = fields.List(fields.Nested(MatchedRuleSchema), required=True)


class EvaluationSchema(Schema):
    evaluation_id = fields.String(required=True)
    model_id = fields.String(required=True)
    model_version = fields.String(required=True)
    decisions = fields.Dict(keys=fields.String(), values=fields.Nested(DecisionResultSchema), required=True)
    messages = fields.List(fields.Nested(MessageSchema), required=True)


class BatchRequest(Strict):
    cases = fields.List(fields.Dict(), required=True, validate=validate.Length(max=BATCH_LIMIT),
                        metadata={"description": f"up to {BATCH_LIMIT} requests, answered in order"})


# -- models --------------------------------------------------------------------------------------
class RejectedVersionSchema(Schema):
    version = fields.String(required=True, allow_none=True, metadata={"description": "sha256 of the rejected file"})
    at = fields.String(required=True, metadata={"format": "date-time"})
    errors = fields.List(fields.String(), required=True)


class ModelStatusSchema(Schema):
    id = fields.String(required=True)
    version = fields.String(required=True, metadata={"description": "sha256 of the DMN file serving"})
    loaded_at = fields.String(required=True, metadata={
        "format": "date-time", "description": "when this version was first loaded by the service"})
    fallback = fields.Boolean(required=True, metadata={
        "description": "true when the published version no longer loads and the newest version that served before it serves instead"})
    rejected = fields.Nested(RejectedVersionSchema, allow_none=True, required=True)


class ModelSummarySchema(ModelStatusSchema):
    name = fields.String(required=True)
    namespace = fields.String(required=True)
    decisions = fields.List(fields.String(), required=True)
    input_data = fields.List(fields.String(), required=True)
    decision_services = fields.List(fields.String(), required=True)


class ModelListSchema(Schema):
    models = fields.List(fields.Nested(ModelSummarySchema), required=True)


class DecisionInfoSchema(Schema):
    name = fields.String(required=True)
    id = fields.String(required=True)
    question = fields.String(allow_none=True, required=True)
    type = fields.String(allow_none=True, required=True)
    required_decisions = fields.List(fields.String(), required=True)
    required_inputs = fields.List(fields.String(), required=True)


class VersionSchema(Schema):
    version = fields.String(required=True)
    loaded_at = fields.String(required=True, metadata={"format": "date-time"})
    loaded_by = fields.String(required=True)


class ModelDetailSchema(ModelSummarySchema):
    inputs_schema = fields.Dict(required=True, metadata={
        "description": "a JSON Schema of the model's input data, self-contained (its $refs point into its own $defs)"})
    decisions = fields.List(fields.Nested(DecisionInfoSchema), required=True)
    versions = fields.List(fields.Nested(VersionSchema), required=True)


class ReloadSchema(Schema):
    loaded = fields.List(fields.Dict(), required=True, metadata={"description": "what serves (unchanged by a reload)"})
    drafts = fields.List(fields.Dict(), required=True, metadata={
        "description": "files whose content is new, each imported as a draft authored by `files`"})
    unchanged = fields.List(fields.Dict(), required=True, metadata={"description": "files some version already holds"})
    rejected = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    warnings = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class ReloadErrorSchema(ErrorSchema):
    """A reload that rejected a model: the problem, each rejected file's reasons in `errors`
    (`/rejected/<model id>`), and the reload's whole outcome in `outcome`."""
    outcome = fields.Nested(ReloadSchema, required=True)


# -- health --------------------------------------------------------------------------------------
class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok"]))


class AuditVerificationSchema(Schema):
    at = fields.String(required=True, metadata={"description": "when `audit verify` ran (ISO 8601, UTC)"})
    clean = fields.Boolean(required=True, metadata={
        "description": "true: every audit record and lifecycle step matched its hash chain and the heads "
                       "recorded outside the database"})
    rows = fields.Integer(required=True, metadata={"description": "rows checked"})
    problems = fields.Integer(required=True, metadata={"description": "changed, replaced, inserted or deleted "
                                                                      "rows found (`audit verify` names them)"})


class ReadySchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ready", "not ready"]))
    audit = fields.Boolean(required=True, metadata={"description": "the audit store can be read and written now"})
    audit_problem = fields.String(required=True, allow_none=True, metadata={
        "description": "why not (`cannot be written: database or disk is full`), or null"})
    models = fields.List(fields.Nested(ModelStatusSchema), required=True)
    audit_verification = fields.Nested(AuditVerificationSchema, required=True, allow_none=True, metadata={
        "description": "the last `python -m webapp audit verify`; null when it never ran"})


# -- audit ---------------------------------------------------------------------------------------
class Instant(fields.AwareDateTime):
    """A date and time read as the instant it names, in UTC (no offset means UTC). Its UTC date
    must fall in the years 1 to 9999: 0001-01-01T00:00:00+14:00 is in year 0 there."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=dt.timezone.utc, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        stamp = super()._deserialize(value, attr, data, **kwargs)
        try:
            return stamp.astimezone(dt.timezone.utc)
        except OverflowError:
            raise ValidationError("out of range: in UTC the instant must fall in the years 1 to 9999") from None


class AuditSearch(Strict):
    """What a search of the audit trail narrows by (the page and the CSV alike)."""
    model = fields.String(validate=validate.Length(min=1, max=200))
    start = Instant(data_key="from", metadata={
        "description": "records at or after this instant; an offset is converted to UTC, none means UTC"})
    end = Instant(data_key="to", metadata={"description": "records before this instant"})
    version = fields.String(validate=validate.Regexp(r"^[0-9a-f]{1,64}$"), metadata={
        "description": "the model version's sha256, or its first hex digits"})
    outcome = fields.String(validate=validate.OneOf(OUTCOMES), metadata={
        "description": "the determination recorded (e.g. `medically_appropriate`); another value is 422, "
                       "never a silent empty page"})
    case_id = fields.String(validate=validate.Length(min=1, max=CASE_ID_MAX), metadata={
        "description": "the caller's own case reference, as sent in `X-Case-Id`"})
    disposition = fields.String(validate=validate.OneOf(DISPOSITIONS), metadata={
        "description": "the disposition recorded (e.g. `pend_for_information`)"})


class AuditQuery(AuditSearch):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10 ** 12))


class AuditRecordSchema(Schema):
    id = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    model_id = fields.String(required=True)
    model_version = fields.String(required=True)
    endpoint = fields.String(required=True)
    caller = fields.String(required=True, metadata={"description": "the key's id: the first 12 hex digits of its hash"})
    caller_name = fields.String(required=True, allow_none=True, metadata={
        "description": "the name of the person the key belongs to; null for a key without one, or a record made "
                       "before keys had names"})
    inputs = fields.Raw(required=True)
    outputs = fields.Raw(required=True)
    matched_rules = fields.Raw(required=True)
    case_id = fields.String(required=True, allow_none=True, metadata={
        "description": "the caller's own case reference (`X-Case-Id`); null when none was sent"})


class AuditPageSchema(Schema):
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    items = fields.List(fields.Nested(AuditRecordSchema), required=True)


# -- governance ----------------------------------------------------------------------------------
class ExportQuery(Strict):
    format = fields.String(load_default="html", validate=validate.OneOf(EXPORT_FORMATS))
    version = fields.Integer(validate=validate.Range(min=1, max=2 ** 31 - 1), metadata={
        "description": "the version's number (GET .../versions lists them); without it, the version serving"})


class ValidationFindingSchema(Schema):
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    code = fields.String(required=True)
    message = fields.String(required=True)
    element_id = fields.String(allow_none=True)
    table = fields.String(allow_none=True)
    rows = fields.List(fields.Integer())
    rule_ids = fields.List(fields.String())
    column = fields.String(allow_none=True)
    masked_by = fields.List(fields.String())
    line = fields.Integer(allow_none=True)
    example = fields.Dict(allow_none=True)


class ValidationReportSchema(Schema):
    valid = fields.Boolean(required=True)
    counts = fields.Dict(keys=fields.String(validate=validate.OneOf(SEVERITIES)), values=fields.Integer(),
                         required=True)
    findings = fields.List(fields.Nested(ValidationFindingSchema), required=True)


# -- policy versions: drafts, four-eyes approval, publish, rollback (webapp.store.versions) ---------------
_SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="a sha256: 64 lower-case hex digits")
_COMMENT = validate.Length(max=4000)


class VersionStepSchema(Schema):
    seq = fields.Integer(required=True)
    action = fields.String(required=True, metadata={
        "description": "saved, submitted, approved, rejected, published, retired or rolled back"})
    state = fields.String(required=True, validate=validate.OneOf(VERSION_STATES), metadata={
        "description": "the version's state after this step"})
    sha256 = fields.String(required=True, metadata={"description": "the content this step applies to"})
    actor = fields.String(required=True, metadata={"description": (
        "the person, by the name their key's entry gives; a key without a name by its id (12 hex digits of its "
        "hash); `files` for the seed, `SIGHUP` for a reload by signal")})
    at = fields.String(required=True, metadata={"format": "date-time"})
    comment = fields.String(required=True)
    details = fields.Dict(required=True, metadata={
        "description": "`evidence`: the review an approval kept; `withdrew`: the submission or approval an edit withdrew"})


class VersionSummarySchema(Schema):
    model_id = fields.String(required=True)
    number = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(VERSION_STATES))
    sha256 = fields.String(required=True, metadata={"description": "of the version's content now"})
    scenarios_sha256 = fields.String(required=True, allow_none=True, metadata={
        "description": "of the scenario file saved with the content (null: the models directory's file serves)"})
    author = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})
    origin = fields.String(required=True, metadata={"description": "seed, files (a reload), console or api"})
    base_number = fields.Integer(required=True, allow_none=True, metadata={"description": "the version the draft started from"})
    comment = fields.String(required=True)
    editors = fields.List(fields.String(), required=True, metadata={"description": "everyone who saved its content"})
    proposers = fields.List(fields.String(), required=True, metadata={
        "description": "everyone who saved or submitted it: none of them may approve it (four eyes)"})
    approved_by = fields.String(required=True, allow_none=True)
    effective_date = fields.String(required=True, allow_none=True, metadata={
        "format": "date",
        "description": "the date it is in effect from, as its newest approval, publish or rollback named it"})
    editable = fields.Boolean(required=True, metadata={
        "description": "an author may save a new content into it (a draft, or one submitted, approved or rejected)"})


class PolicyVersionSchema(VersionSummarySchema):
    steps = fields.List(fields.Nested(VersionStepSchema), required=True, metadata={
        "description": "every step of the version, oldest first: the audit trail of its lifecycle"})


class InEffectSchema(Schema):
    number = fields.Integer(required=True)
    effective_date = fields.String(required=True, allow_none=True, metadata={"format": "date"})


class VersionListSchema(Schema):
    model_id = fields.String(required=True)
    serving = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the number of the version in effect today"})
    in_effect = fields.List(fields.Nested(InEffectSchema), required=True, metadata={
        "description": "the timeline: each published version and the date it determines requests from, earliest first"})
    versions = fields.List(fields.Nested(VersionSummarySchema), required=True)


class DraftRequest(Strict):
    content = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "description": "the DMN XML (DMN 1.4-1.6 is rewritten as DMN 1.3, which dmn-js edits)"})
    comment = fields.String(load_default="", validate=_COMMENT)
    base = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2 ** 31 - 1),
                          metadata={"description": "the version this draft starts from"})


class DraftEditRequest(Strict):
    content = fields.String(required=True, validate=validate.Length(min=1))
    comment = fields.String(load_default="", validate=_COMMENT)
    sha256 = fields.String(required=True, validate=_SHA256, metadata={
        "description": "the content the edit started from: 409 when someone saved since"})


class DraftSavedSchema(PolicyVersionSchema):
    validation = fields.Nested(ValidationReportSchema, required=True, metadata={
        "description": "findings of the saved content: a draft with errors is kept but cannot be submitted"})
    normalised_from = fields.String(required=True, allow_none=True, metadata={
        "description": "the DMN version the content was rewritten from as DMN 1.3"})
    note = fields.String(required=True, allow_none=True)


class StepRequest(Strict):
    sha256 = fields.String(required=True, validate=_SHA256, metadata={"description": "the content acted on"})
    comment = fields.String(load_default="", validate=_COMMENT)


_EFFECTIVE = ("the date from which the version determines requests (their request date); a version may be "
              "published ahead of it")


class ApproveRequest(StepRequest):
    evidence = fields.String(required=True, validate=_SHA256, metadata={
        "description": "the digest of the review the approver read (GET .../review): kept with the approval"})
    effective_date = fields.Date(load_default=None, allow_none=True, metadata={
        "description": _EFFECTIVE + "; by default the date the model's Policy Parameters state"})


class PublishRequest(StepRequest):
    effective_date = fields.Date(load_default=None, allow_none=True, metadata={
        "description": _EFFECTIVE + "; by default the approval's. A version that changes the request contract "
                       "serves at publish: its date cannot be later than today"})


class RejectRequest(Strict):
    sha256 = fields.String(required=True, validate=_SHA256)
    comment = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    evidence = fields.String(load_default=None, allow_none=True, validate=_SHA256)


class RollbackRequest(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    effective_date = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "the date it serves again from (by default its own): versions in effect from then on retire"})


class ServingRefSchema(Schema):
    number = fields.Integer(required=True, allow_none=True)
    sha256 = fields.String(required=True, allow_none=True)


class DiffEvidenceSchema(Schema):
    changes = fields.List(fields.Dict(), required=True, metadata={
        "description": "rule-level changes (pydmn.analysis.diff): kind, decision, rule, column, old and new text"})
    text = fields.String(required=True)
    note = fields.String(required=True, allow_none=True)


class ScenarioEvidenceSchema(Schema):
    file = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True, metadata={"description": "why no scenario ran"})
    run = fields.Integer(required=True)
    passed = fields.Integer(required=True)
    failed = fields.List(fields.Dict(), required=True, metadata={"description": "scenarios whose expectation the draft does not meet"})
    unexercised = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                              metadata={"description": "rule coverage: per decision, the rules no scenario matches"})
    impact = fields.Dict(required=True, allow_none=True, metadata={
        "description": "every scenario answered by the serving version and the draft, grouped by outcome change"})


class OutcomeSchema(Schema):
    determination = fields.String(required=True, allow_none=True)
    disposition = fields.String(required=True, allow_none=True)
    findings = fields.List(fields.String(), required=True, metadata={"description": "the findings' ids"})


class TransitionSchema(Schema):
    old = fields.String(required=True, metadata={"description": "the determination under the serving version"})
    new = fields.String(required=True, metadata={"description": "the determination under the draft"})
    count = fields.Integer(required=True)
    cases = fields.List(fields.String(), required=True, metadata={"description": "their evaluation ids"})


class ChangedCaseSchema(Schema):
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    old = fields.Nested(OutcomeSchema, required=True, allow_none=True)
    new = fields.Nested(OutcomeSchema, required=True, allow_none=True)


class RealCasesSchema(Schema):
    limit = fields.Integer(required=True)
    considered = fields.Integer(required=True, metadata={"description": "the newest audited determinations re-evaluated"})
    changed = fields.Integer(required=True, metadata={"description": "cases whose determination, disposition or findings change"})
    unchanged = fields.Integer(required=True)
    not_evaluable = fields.List(fields.Dict(), required=True, metadata={
        "description": "cases the draft's input schema refuses: evaluation id and errors"})
    transitions = fields.List(fields.Nested(TransitionSchema), required=True, metadata={
        "description": "changed cases grouped by determination before and after, changes of determination first"})
    cases = fields.Dict(keys=fields.String(), values=fields.Nested(ChangedCaseSchema), required=True, metadata={
        "description": "each changed case by evaluation id (GET .../cases/{evaluation_id} opens it)"})
    note = fields.String(required=True, allow_none=True, metadata={"description": "why no case was compared"})
    hidden = fields.String(metadata={"description": (
        "present when the key may see counts only (no author, approver or audit role): `transitions` then "
        "name no cases, and `cases` and `not_evaluable` are empty")})


class ContractChangeItemSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(CONTRACT_CHANGES))
    field = fields.String(required=True, metadata={"description": "the request field, `Input.field`"})
    detail = fields.String(required=True)


class ContractChangeSchema(Schema):
    serving = fields.String(required=True, metadata={"description": "the serving version's contract version"})
    declared = fields.String(required=True, metadata={
        "description": "the draft's (its `contract:version` annotation, else the serving one's)"})
    needed = fields.String(required=True, metadata={"description": "the lowest version the changes need (semver)"})
    changes = fields.List(fields.Nested(ContractChangeItemSchema), required=True)
    errors = fields.List(fields.String(), required=True, metadata={
        "description": "why the declared version does not do: the draft cannot be submitted or published"})


class EvidenceSchema(Schema):
    model_id = fields.String(required=True)
    serving = fields.Nested(ServingRefSchema, required=True)
    computed_at = fields.String(required=True, metadata={"format": "date-time"})
    validation = fields.Nested(ValidationReportSchema, required=True)
    table_analysis = fields.List(fields.Nested(ValidationFindingSchema), required=True)
    diff = fields.Nested(DiffEvidenceSchema, required=True)
    contract = fields.Nested(ContractChangeSchema, allow_none=True, metadata={
        "description": "the request contract's change (null when nothing serves or the draft does not load; "
                       "absent from reviews kept before it was computed)"})
    scenarios = fields.Nested(ScenarioEvidenceSchema, required=True)
    real_cases = fields.Nested(RealCasesSchema, required=True)


class ReaderSchema(Schema):
    person = fields.String(required=True, metadata={"description": "the reader, by the name their key's entry gives"})
    at = fields.String(required=True, metadata={"format": "date-time", "description": "their first read"})


class ReviewSchema(Schema):
    digest = fields.String(required=True, metadata={"description": "names this evidence: an approval quotes it"})
    model_id = fields.String(required=True)
    number = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    read_by = fields.List(fields.Nested(ReaderSchema), required=True, metadata={
        "description": "every person who read this evidence (this request's caller included), by their first read"})
    evidence = fields.Nested(EvidenceSchema, required=True)


class EvidenceQuery(Strict):
    format = fields.String(load_default="json", validate=validate.OneOf(EVIDENCE_FORMATS))


class CaseSideSchema(Schema):
    number = fields.Integer(required=True, allow_none=True)
    errors = fields.Dict(required=True, allow_none=True, metadata={"description": "why the inputs do not fit this version"})
    decisions = fields.Dict(keys=fields.String(), values=fields.Nested(DecisionResultSchema), required=True)
    answer = fields.Dict(allow_none=True, metadata={
        "description": "the CAR-T answer of this side (determination, disposition, findings and criteria met, as "
                       "POST /api/v1/car-t/determinations gives them); null for another model or inputs it refuses"})


class CaseSchema(Schema):
    evaluation_id = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    inputs = fields.Raw(required=True)
    recorded = fields.Raw(required=True, metadata={"description": "the outputs the audit record holds"})
    serving = fields.Nested(CaseSideSchema, required=True)
    draft = fields.Nested(CaseSideSchema, required=True)


# -- the CAR-T answer --------------------------------------------------------------------------------
class FactSchema(Schema):
    input = fields.String(required=True, metadata={"description": "the column's label"})
    expression = fields.String(required=True, metadata={"description": "what the column reads (FEEL)"})
    test = fields.String(required=True, metadata={"description": "the test that held (FEEL unary tests)"})
    value = fields.Raw(required=True, allow_none=True, metadata={
        "description": "the value the column had (JSON; dates as ISO 8601 text; null when not known)"})


class CriterionMetSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(FINDING_KINDS))
    citation = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "why it is met, with the facts' values"})
    facts = fields.List(fields.Nested(FactSchema), required=True, metadata={
        "description": "each input the row tested: the test that held and the value it had"})


class PolicyFindingSchema(CriterionMetSchema):
    id = fields.String(required=True, metadata={
        "description": "a policy section (I.A, II, GL-I.E.1), DATA-<section>, INCONSISTENT-<what>, "
                       "APPLICABILITY-..., DISCLAIMER-... or II-SOLID-ORGAN (docs/api.md lists them)"})
    citation = fields.String(required=True, metadata={
        "description": "e.g. Medical Policy 7.02.11, Statement I.C, effective 2026-04-15"})
    text = fields.String(required=True, metadata={"description": "the reason, for the reviewer, with the facts' values"})
    needed = fields.String(required=True, allow_none=True, metadata={
        "description": "for a pend: the evidence that resolves it; null otherwise"})
    supplied_by = fields.String(required=True, allow_none=True, validate=validate.OneOf(SUPPLIERS), metadata={
        "description": "for a pend: who supplies what is needed: the provider, the Health Plan Pharmacy, the plan's "
                       "eligibility and benefits records, or the plan's configuration of this service; null otherwise"})


class ReasonSchema(Schema):
    decision = fields.String(required=True)
    rule_id = fields.String(required=True, allow_none=True)
    rule_index = fields.Integer(required=True, metadata={"description": "the rule's row number, from 1"})
    policy_section = fields.String(required=True, allow_none=True)
    finding_id = fields.String(required=True, allow_none=True, metadata={
        "description": "the id of the finding or criterion the rule gives; null for rules of other tables"})
    met = fields.Boolean(required=True, allow_none=True)
    text = fields.String(required=True, allow_none=True)


class DecisionTraceSchema(DecisionResultSchema):
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)


class DeterminationSchema(Schema):
    evaluation_id = fields.String(required=True, metadata={"description": "GET /api/v1/evaluations/{id}"})
    model_id = fields.String(required=True)
    model_version = fields.String(required=True, metadata={"description": "sha256 of the DMN file"})
    version_number = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the number of the version that determined the request: the one in effect on its request date"})
    effective_date = fields.String(required=True, allow_none=True, metadata={"format": "date",
        "description": "the date that version is in effect from, as every citation names it"})
    determination = fields.String(required=True, allow_none=True, validate=validate.OneOf(OUTCOMES), metadata={
        "description": "the outcome of the highest-ranking finding, in this precedence: " + " > ".join(OUTCOMES)})
    disposition = fields.String(required=True, allow_none=True, validate=validate.OneOf(DISPOSITIONS))
    findings = fields.List(fields.Nested(PolicyFindingSchema), required=True,
                           metadata={"description": "every finding, whatever the determination"})
    failed_criteria = fields.List(fields.Nested(PolicyFindingSchema), required=True, metadata={
        "description": "the findings of kind " + ", ".join(FAILED_KINDS)})
    missing_documentation = fields.List(fields.Nested(PolicyFindingSchema), required=True, metadata={
        "description": "the findings of kind " + ", ".join(MISSING_KINDS)})
    criteria_met = fields.List(fields.Nested(CriterionMetSchema), required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True, metadata={
        "description": "every rule that matched, in the order of the decisions"})
    trace = fields.Dict(keys=fields.String(), values=fields.Nested(DecisionTraceSchema), metadata={
        "description": "every decision's value, matched rules and reasons: only with `?trace=true`"})


class DeterminationQuery(Strict):
    trace = fields.Boolean(load_default=False, metadata={
        "description": "`true` adds the trace of every decision to each answer (more than half of its size)"})


class DeterminationBatchSchema(Schema):
    results = fields.List(fields.Nested(DeterminationSchema), required=True)


class ScenarioSetSchema(Schema):
    model_id = fields.String(required=True)
    number = fields.Integer(required=True)
    sha256 = fields.String(required=True, metadata={"description": "the version's content now"})
    scenarios_sha256 = fields.String(required=True, allow_none=True, metadata={
        "description": "the scenario file's, to name when saving scenarios (null: the version has none)"})
    file = fields.String(required=True, metadata={"description": "its name beside the model in git"})
    content = fields.String(required=True, metadata={"description": "the scenario file (YAML) as exported to git"})
    base_inputs = fields.Dict(required=True, metadata={"description": "the complete request each scenario changes"})
    scenarios = fields.List(fields.Dict(), required=True, metadata={
        "description": "each {title, section, inputs: the facts it changes, expected: the answer, today?}"})


class ScenariosEditRequest(Strict):
    sha256 = fields.String(required=True, validate=_SHA256, metadata={"description": "the version's content"})
    scenarios_sha256 = fields.String(required=True, allow_none=True, validate=_SHA256, metadata={
        "description": "the scenario file the edit started from: 409 when someone saved scenarios since"})
    scenarios = fields.List(fields.Dict(), required=True, validate=validate.Length(max=5000), metadata={
        "description": "every scenario of the draft (replacing the list; base inputs and dates are kept)"})
    comment = fields.String(load_default="", validate=_COMMENT)


class MergeRequest(Strict):
    since = fields.String(required=True, validate=_SHA256, metadata={
        "description": "the content the author opened (a content this version held)"})
    content = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "description": "the author's content, not saved because someone saved since"})


class MergedEditSchema(Schema):
    element_id = fields.String(required=True)
    where = fields.String(required=True, metadata={"description": "the decision and rule of the element"})
    base = fields.String(required=True, allow_none=True, metadata={"description": "its text when the author opened it"})
    mine = fields.String(required=True, allow_none=True)
    theirs = fields.String(required=True, allow_none=True)


class MergeSchema(Schema):
    version = fields.Nested("PolicyVersionSchema", required=True, metadata={"description": "the version as saved now"})
    saved_since = fields.List(fields.Dict(), required=True, metadata={
        "description": "the steps after the content the author opened: who saved, when, their comment"})
    theirs = fields.List(fields.Dict(), required=True, metadata={
        "description": "the changes saved since the author opened it (the diff's changes)"})
    merged = fields.String(required=True, metadata={
        "description": "the saved content with the author's edits applied: to check, then save naming `version.sha256`"})
    applied = fields.List(fields.Nested(MergedEditSchema), required=True)
    conflicts = fields.List(fields.Nested(MergedEditSchema), required=True, metadata={
        "description": "elements both changed, differently: the saved text is kept; the author decides"})
    by_hand = fields.List(fields.Nested(MergedEditSchema), required=True, metadata={
        "description": "elements the author added or removed, or the other person removed: to redo by hand"})
