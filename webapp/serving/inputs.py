"""marshmallow schemas derived from a model's item definitions, so a change to the model's data
types changes the API without code. Every field is nullable (DMN inputs may be null); allowed
values that are a finite list of literals become OneOf; structures reject unknown fields."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate

from pydmn import DMNError, Range, YearsMonths, feel, parse_date, parse_date_and_time, parse_duration, parse_time
from webapp.serving.contract import NONE, Contract


class ExactNumber(fields.Decimal):
    """A JSON number kept exact; booleans are not numbers (Python would say they are)."""

    def _validated(self, value):
        if isinstance(value, bool) or isinstance(value, str):
            raise self.make_error("invalid")
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """true or false only: marshmallow's Boolean reads 1 and 0 as booleans (1 == True in Python),
    and a determination must not change because a caller sent a number."""
    default_error_messages = {"invalid": "Not a boolean: true, false or null."}

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value


class Allowed(validate.Validator):
    """The item definition's allowed values and type constraints, checked by the engine itself;
    the message quotes the model's own text, so a caller learns the range from the model."""

    def __init__(self, dtype):
        self.dtype = dtype
        self.error = (f"Not among the allowed values {dtype.allowed_values_text}."
                      if dtype.allowed_values_text else "Not allowed by the type's constraint.")

    def __call__(self, value):
        if not self.dtype.allows(value):
            raise ValidationError(self.error)
        return value


class AllowedRange(validate.Range):
    """Allowed values that are one numeric range (`[1..10]`, `>= 0`): apispec documents a
    marshmallow Range as minimum and maximum, and the engine still does the checking, so a type
    constraint the type also carries is enforced with it."""

    def __init__(self, dtype, found: Range, text: str):
        super().__init__(min=found.start, max=found.end, min_inclusive=found.start_included,
                         max_inclusive=found.end_included, error=f"Not among the allowed values {text}.")
        self.dtype = dtype

    def __call__(self, value):
        if not self.dtype.allows(value):
            raise ValidationError(self.error)
        return value


def _number_range(dtype) -> AllowedRange | None:
    text = (dtype.allowed_values_text or "").strip()
    if not text:
        return None
    try:
        found = feel.evaluate(text, {})
    except DMNError:
        return None
    if not isinstance(found, Range) or found.op is not None or not all(
            isinstance(b, Decimal) or b is None for b in (found.start, found.end)):
        return None
    return AllowedRange(dtype, found, text)


def _enum_hint(dtype) -> dict:
    """The name its allowed values are documented under (webapp.api.openapi names each enum once)."""
    return {"x-enum": dtype.name} if dtype.allowed_values and dtype.name else {}


def _validators(dtype) -> list:
    """OneOf for a list of literals, Range for one numeric range, the engine's check otherwise."""
    if dtype.allowed_values:
        return [validate.OneOf(list(dtype.allowed_values))]
    if dtype.base == "number":
        found = _number_range(dtype)
        if found is not None:
            return [found]
    if dtype.constraint is not None or dtype.constraints:
        return [Allowed(dtype)]
    return []


def _field_for(dtype, model, required: bool, depth: int = 0, optional=frozenset()) -> fields.Field:
    kwargs = {"allow_none": True, "required": required}
    if dtype.is_collection:
        element = dtype.element or _element_of(dtype)
        inner = _field_for(element, model, required, depth + 1) if element else fields.Raw(allow_none=True)
        if element is not None and element.fields:
            # An unknown item of a list of structures is a structure of nulls ({"type": null, "date":
            # null}); a null item would reach FEEL as a value whose fields resolve to names outside it
            # (`date` is then the built-in function), and engines read that differently.
            inner.allow_none = False
        return fields.List(inner, validate=[Allowed(dtype)] if dtype.constraints else [], **kwargs)
    base = dtype.base
    if dtype.fields and depth < 20:
        return fields.Nested(schema_class(dtype, model, required, depth + 1, optional), **kwargs)
    kwargs["validate"] = _validators(dtype)
    kwargs["metadata"] = _enum_hint(dtype)
    if base == "number":
        return ExactNumber(allow_nan=False, **kwargs)
    if base == "string":
        return fields.String(**kwargs)
    if base == "boolean":
        return StrictBoolean(**kwargs)
    if base in _TEMPORALS:
        if dtype.allowed_values:     # allowed values of temporals are FEEL text, not JSON literals
            kwargs["validate"] = [Allowed(dtype)]
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


def _calendar(parse):
    """The engine's parser, for years 1 to 9999 only: FEEL has dates to year 999,999,999, but a
    request dated beyond 9999 is a typo, never a fact to decide on (pydmn gives such a date as a
    value of its own, not a datetime.date)."""
    def parse_request_value(text):
        value = parse(text)
        return value if isinstance(value, dt.date) else None
    return parse_request_value


# FEEL type -> (the engine's own parser of its lexical form, format named in errors and OpenAPI)
_TEMPORALS = {
    "date": (_calendar(parse_date), "date"),
    "date and time": (_calendar(parse_date_and_time), "date-time"),
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
        super().__init__(metadata={**kwargs.pop("metadata", {}), "format": fmt}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        parsed = self.parse(text)
        if parsed is None:
            raise ValidationError(f"not a {self.base} (ISO 8601, digits 0-9, years 1 to 9999)")
        return parsed


def _element_of(dtype):
    from copy import copy
    element = copy(dtype)
    element.is_collection = False
    return element


def schema_class(dtype, model, required: bool, depth: int = 0, optional=frozenset()) -> type[Schema]:
    attrs = {name: _field_for(sub, model, required and name not in optional, depth)
             for name, sub in dtype.fields.items()}
    for name in optional & attrs.keys():
        # left out is 'not known': the engine gets null, as for any field sent as null
        attrs[name].load_default = None
    attrs["Meta"] = type("Meta", (), {"unknown": RAISE})
    name = re.sub(r"\W", "", (dtype.name or "Structure").title()) or "Structure"
    return type(name, (Schema,), attrs)


def inputs_schema(model, required: bool, title: str, contract: Contract = NONE) -> Schema:
    """The schema of what a caller sends: one field per input data element, but those the service
    supplies itself; `required` makes every field present (possibly null), but those the contract
    lets a request leave out."""
    attrs = {}
    for name in model.definitions.input_data:
        if name in contract.supplied_by_service:
            continue
        dtype = model.data_type(name)
        attrs[name] = _field_for(dtype, model, required, optional=contract.optional_fields(name, dtype.fields or ()))
    attrs["Meta"] = type("Meta", (), {"unknown": RAISE})
    return type(title, (Schema,), attrs)()


def validate_inputs(schema: Schema, data, contract: Contract = NONE) -> tuple[dict | None, dict | None]:
    """(the inputs as the engine takes them, None) or (None, errors by field): the one request gate."""
    retired = contract.retired_errors(data)
    if retired:
        loaded, errors = _load(schema, data)
        return None, _merge_errors(errors or {}, retired)
    return _load(schema, data)


def _load(schema: Schema, data):
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


def _merge_errors(errors: dict, more: dict) -> dict:
    """A retired field is also unknown to the schema: its message replaces marshmallow's."""
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(errors.get(key), dict):
            errors[key] = _merge_errors(errors[key], value)
        else:
            errors[key] = value
    return errors


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
                or field.load_default not in (missing, None):
            return None
        convert = _compile_field(field)
        if convert is None:
            return None
        plan.append((name, field.required, field.allow_none, convert, field.load_default))
    known = frozenset(name for name, *_ in plan)

    def load(data):
        if type(data) is not dict or not known.issuperset(data):
            raise _Defer
        out = {}
        for name, required, allow_none, convert, default in plan:
            if name not in data:
                if required:
                    raise _Defer
                if default is None:
                    out[name] = None
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
    elif type(field) is StrictBoolean:
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
