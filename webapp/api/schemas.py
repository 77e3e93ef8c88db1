"""The API's own request and response shapes. Each schema validates or serializes what the views
receive and send (flask-smorest's `arguments` and `response`) and documents it in /openapi.json:
one source for both. A model's input data have schemas derived from its item definitions
(webapp.schemas); the CAR-T answer's shape lives with the code that builds it (webapp.determination).
"""
from __future__ import annotations

import datetime as dt

from marshmallow import RAISE, Schema, fields, validate

from webapp.errors import CODES

SEVERITIES = ("error", "warning", "info")
DECISION_STATUSES = ("succeeded", "failed", "skipped")
BATCH_LIMIT = 1000


class Strict(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class ErrorSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(sorted(set(CODES.values()) | {"error"})))
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    errors = fields.Raw(required=True, metadata={
        "description": "each offending field (by its path) and its reasons",
        "oneOf": [{"type": "object"}, {"type": "array"}]})
    request_id = fields.String(required=True, metadata={"description": "finds this request in the server log"})


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
        "description": "true when the file in the models directory was rejected and this last good version serves instead"})
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
    loaded = fields.List(fields.Dict(), required=True)
    rejected = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    warnings = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    removed = fields.List(fields.String(), required=True)
    workers = fields.String(metadata={"description": "`restarting` when gunicorn's workers load the models anew"})


class ReloadErrorSchema(ErrorSchema):
    """A reload that rejected a model: the error envelope, with the reload's outcome in `errors`."""


# -- health --------------------------------------------------------------------------------------
class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok"]))


class ReadySchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ready", "not ready"]))
    audit = fields.Boolean(required=True)
    models = fields.List(fields.Nested(ModelStatusSchema), required=True)


# -- audit ---------------------------------------------------------------------------------------
class AuditQuery(Strict):
    model = fields.String(validate=validate.Length(min=1, max=200))
    start = fields.AwareDateTime(data_key="from", default_timezone=dt.timezone.utc, metadata={
        "description": "records at or after this instant; an offset is converted to UTC, none means UTC"})
    end = fields.AwareDateTime(data_key="to", default_timezone=dt.timezone.utc, metadata={"description": "records before this instant"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10 ** 12))


class AuditRecordSchema(Schema):
    id = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    model_id = fields.String(required=True)
    model_version = fields.String(required=True)
    endpoint = fields.String(required=True)
    caller = fields.String(required=True, metadata={"description": "the first 12 hex digits of the key's hash"})
    inputs = fields.Raw(required=True)
    outputs = fields.Raw(required=True)
    matched_rules = fields.Raw(required=True)


class AuditPageSchema(Schema):
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    items = fields.List(fields.Nested(AuditRecordSchema), required=True)


# -- governance ----------------------------------------------------------------------------------
class ExportQuery(Strict):
    format = fields.String(load_default="html", validate=validate.OneOf(["html", "md", "csv", "xlsx", "pdf"]))


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

