"""marshmallow schemas derived from a model's item definitions, so a change to the model's data
types changes the API without code. Every field is nullable (DMN inputs may be null); allowed
values that are a finite list of literals become OneOf; structures reject unknown fields."""
from __future__ import annotations

import datetime as dt
import re

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate

from pydmn import YearsMonths, parse_date, parse_date_and_time, parse_duration, parse_time


class ExactNumber(fields.Decimal):
    """A JSON number kept exact; booleans are not numbers (Python would say they are)."""

    def _validated(self, value):
        if isinstance(value, bool) or isinstance(value, str):
            raise self.make_error("invalid")
        return super()._validated(value)


def _plain(value):
    return value


def _field_for(dtype, model, required: bool, depth: int = 0) -> fields.Field:
    kwargs = {"allow_none": True, "required": required}
    if dtype.allowed_values:
        kwargs["validate"] = validate.OneOf([_plain(v) for v in dtype.allowed_values])
    if dtype.is_collection:
        element = dtype.element or _element_of(dtype)
        inner = _field_for(element, model, False, depth + 1) if element else fields.Raw(allow_none=True)
        kwargs.pop("validate", None)
        return fields.List(inner, **kwargs)
    base = dtype.base
    if dtype.fields and depth < 20:
        return fields.Nested(schema_class(dtype, model, required, depth + 1), **kwargs)
    if base == "number":
        return ExactNumber(allow_nan=False, **kwargs)
    if base == "string":
        return fields.String(**kwargs)
    if base == "boolean":
        return fields.Boolean(truthy={True}, falsy={False}, **kwargs)
    if base in _TEMPORALS:
        kwargs.pop("validate", None)    # allowed values of temporals are FEEL text, not JSON literals
        return Temporal(base, **kwargs)
    if base == "context":
        return fields.Dict(**kwargs)
    return fields.Raw(**kwargs)


def _days_and_time(text):
    value = parse_duration(text)
    return value if isinstance(value, dt.timedelta) else None


def _years_and_months(text):
    value = parse_duration(text)
    return value if isinstance(value, YearsMonths) else None


# FEEL type -> (the engine's own parser of its lexical form, format named in errors and OpenAPI)
_TEMPORALS = {
    "date": (parse_date, "date"),
    "date and time": (parse_date_and_time, "date-time"),
    "time": (parse_time, "time"),
    "days and time duration": (_days_and_time, "duration"),
    "years and months duration": (_years_and_months, "duration"),
    "duration": (parse_duration, "duration"),
}


class Temporal(fields.String):
    """ISO 8601 text in JSON, the FEEL temporal value for the engine: a date given as text is a
    string to FEEL, which would not conform to the item definition and evaluate to null."""

    def __init__(self, base: str, **kwargs):
        self.parse, fmt = _TEMPORALS[base]
        self.base = base
        super().__init__(metadata={"format": fmt}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        parsed = self.parse(text)
        if parsed is None:
            raise ValidationError(f"not a {self.base} (ISO 8601)")
        return parsed


def _element_of(dtype):
    from copy import copy
    element = copy(dtype)
    element.is_collection = False
    return element


def schema_class(dtype, model, required: bool, depth: int = 0) -> type[Schema]:
    attrs = {name: _field_for(sub, model, required, depth) for name, sub in dtype.fields.items()}
    attrs["Meta"] = type("Meta", (), {"unknown": RAISE})
    name = re.sub(r"\W", "", (dtype.name or "Structure").title()) or "Structure"
    return type(name, (Schema,), attrs)


def inputs_schema(model, required: bool, title: str) -> Schema:
    """The schema of a model's input data (one field per input data element)."""
    attrs = {}
    for name in model.definitions.input_data:
        attrs[name] = _field_for(model.data_type(name), model, required)
    attrs["Meta"] = type("Meta", (), {"unknown": RAISE})
    return type(title, (Schema,), attrs)()


def validate_inputs(schema: Schema, data) -> tuple[dict | None, dict | None]:
    fast = _fast_loader(schema)
    if fast is not None:
        try:
            return fast(data), None
        except _Defer:
            pass
    try:
        return schema.load(data), None
    except ValidationError as exc:
        return None, exc.messages


# -- the fast path ----------------------------------------------------------------------------
# Schema.load costs about as much as evaluating the CAR-T model, mostly in marshmallow's generic
# machinery (error stores, hooks, per-field closures), not in the field conversions. The loader
# below walks the same fields with the same per-field deserialize, and gives up (_Defer) at the
# first thing it does not handle exactly or any invalid value, so marshmallow then produces its
# own answer and error messages: the result is always the one Schema.load would return.

class _Defer(Exception):
    """Let marshmallow decide (invalid input, or a feature the fast path does not reproduce)."""


def _fast_loader(schema: Schema):
    if not hasattr(schema, "_webapp_fast"):
        schema._webapp_fast = _compile_schema(schema)
    return schema._webapp_fast


def _compile_schema(schema: Schema):
    if schema.unknown != RAISE or any(schema._hooks.values()) or schema.many:
        return None
    plan = []
    for name, field in schema.load_fields.items():
        if (field.data_key or name) != name or field.attribute not in (None, name) \
                or field.load_default is not missing:
            return None
        convert = _compile_field(field)
        if convert is None:
            return None
        plan.append((name, field.required, field.allow_none, convert))
    known = frozenset(name for name, *_ in plan)

    def load(data):
        if type(data) is not dict or not known.issuperset(data):
            raise _Defer
        out = {}
        for name, required, allow_none, convert in plan:
            if name not in data:
                if required:
                    raise _Defer
                continue
            value = data[name]
            if value is None:
                if not allow_none:
                    raise _Defer
                out[name] = None
            else:
                out[name] = convert(value)
        return out
    return load


def _compile_field(field: fields.Field):
    if isinstance(field, fields.Nested) and not field.validators and not field.many \
            and not field.only and not field.exclude and field.unknown is None:
        return _compile_schema(field.schema)
    if isinstance(field, fields.List) and not field.validators:
        inner = _compile_field(field.inner)
        if inner is None:
            return None
        allow_none = field.inner.allow_none

        def each(value):
            if type(value) is not list:
                raise _Defer
            return [None if v is None and allow_none else _not_none(v, inner) for v in value]
        return each

    return _exact_leaf(field) or _generic_leaf(field)


def _generic_leaf(field: fields.Field):
    def leaf(value):
        try:
            return field.deserialize(value)
        except ValidationError:
            raise _Defer from None
    return leaf


def _exact_leaf(field: fields.Field):
    """Strings, booleans and temporal text, whose valid values marshmallow returns as given (or,
    for temporals, parsed): a type test stands for its machinery. Anything else defers, so
    marshmallow's own oddities (it reads 1 as true) stay its answer."""
    choices = None
    for v in field.validators:
        if type(v) is not validate.OneOf or choices is not None:
            return None
        try:
            choices = frozenset(v.choices)
        except TypeError:       # an unhashable choice: marshmallow's own `in` handles it
            return None
    if type(field) is Temporal and choices is None:
        parse = field.parse

        def temporal(value):
            parsed = parse(value) if type(value) is str else None
            if parsed is None:
                raise _Defer
            return parsed
        return temporal
    if type(field) is fields.String:
        kind = str
    elif type(field) is fields.Boolean and field.truthy == {True} and field.falsy == {False}:
        kind = bool
    else:
        return None

    def exact(value):
        if type(value) is not kind or (choices is not None and value not in choices):
            raise _Defer
        return value
    return exact


def _not_none(value, convert):
    if value is None:
        raise _Defer
    return convert(value)


class EvaluateRequest(Schema):
    class Meta:
        unknown = RAISE
    inputs = fields.Dict(keys=fields.String(), load_default=dict)
    decisions = fields.List(fields.String(), load_default=None, allow_none=True)


# -- response shapes (for the OpenAPI document) ------------------------------------------------
class MessageSchema(Schema):
    severity = fields.String()
    kind = fields.String()
    text = fields.String()
    element_id = fields.String(allow_none=True)


class MatchedRuleSchema(Schema):
    rule_id = fields.String()
    index = fields.Integer()
    annotations = fields.Dict(keys=fields.String(), values=fields.Raw())


class DecisionResultSchema(Schema):
    name = fields.String()
    value = fields.Raw(allow_none=True)
    status = fields.String()
    messages = fields.List(fields.Nested(MessageSchema))
    matched_rules = fields.List(fields.Nested(MatchedRuleSchema))


class EvaluationSchema(Schema):
    evaluation_id = fields.String()
    model_id = fields.String()
    model_version = fields.String()
    decisions = fields.Dict(keys=fields.String(), values=fields.Nested(DecisionResultSchema))
    messages = fields.List(fields.Nested(MessageSchema))


class ReasonSchema(Schema):
    policy_section = fields.String(allow_none=True)
    text = fields.String(allow_none=True)
    decision = fields.String()
    rule_index = fields.Integer()


class DeterminationSchema(Schema):
    evaluation_id = fields.String()
    model_id = fields.String()
    model_version = fields.String()
    determination = fields.Raw(allow_none=True)
    failed_criteria = fields.List(fields.Raw())
    missing_documentation = fields.List(fields.Raw())
    reasons = fields.List(fields.Nested(ReasonSchema))
    trace = fields.Dict(keys=fields.String(), values=fields.Nested(DecisionResultSchema))


class BatchResponseSchema(Schema):
    results = fields.List(fields.Nested(DeterminationSchema))


class ErrorSchema(Schema):
    code = fields.String()
    status = fields.Integer()
    message = fields.String()
    errors = fields.Raw()


class ModelSummarySchema(Schema):
    id = fields.String()
    name = fields.String()
    namespace = fields.String()
    version = fields.String()
    loaded_at = fields.String()
    decisions = fields.List(fields.String())
    input_data = fields.List(fields.String())
    decision_services = fields.List(fields.String())


class AuditRecordSchema(Schema):
    id = fields.String()
    created_at = fields.String()
    model_id = fields.String()
    model_version = fields.String()
    endpoint = fields.String()
    caller = fields.String()
    inputs = fields.Raw()
    outputs = fields.Raw()
    matched_rules = fields.Raw()


class AuditPageSchema(Schema):
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
    items = fields.List(fields.Nested(AuditRecordSchema))


class FindingSchema(Schema):
    severity = fields.String()
    code = fields.String()
    message = fields.String()
    element_id = fields.String(allow_none=True)
    rule_ids = fields.List(fields.String())
    line = fields.Integer(allow_none=True)
    example = fields.Dict(allow_none=True)


class ValidationReportSchema(Schema):
    valid = fields.Boolean()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    findings = fields.List(fields.Nested(FindingSchema))
