"""`instance of` (DMN 1.5 10.3.2.9): a value against a type written in FEEL text.

Types are ast.TypeNode trees (`number`, `list<number>`, `context<a: number>`,
`function<number> -> string`, `range<date>`). Other names are a model's item definitions: the
model binds a checker for them under `ITEM_DEFINITIONS`, a key no FEEL name can spell.

The test is of the type, not of its constraints: `256 instance of t255` is true where t255 is a
number with allowed values [0..255]. Allowed values and type constraints are checked where a value
is bound to a variable of the type (an input, a decision's result, a parameter), which makes the
value null with a "not-allowed" error.
"""
from __future__ import annotations

import datetime as dt

from pydmn.feel import ast, widedates
from pydmn.feel.budget import charge
from pydmn.feel.values import FeelFunction, FeelValue, Range, kind_of

# Every spelling of FEEL's type names in DMN 1.1 to 1.6 (with or without `feel.`, and DMN 1.1's
# XML Schema names), mapped to the FEEL name: value kinds, and Any, Null and `duration` (either).
_NAMES = {"number", "string", "boolean", "date", "time", "date and time",
          "days and time duration", "years and months duration", "list", "context", "range",
          "function", "Any", "Null", "duration"}
TYPE_NAMES = {**{n: n for n in _NAMES}, **{"feel." + n: n for n in _NAMES},
              "dayTimeDuration": "days and time duration",
              "yearMonthDuration": "years and months duration", "dateTime": "date and time"}
_DURATIONS = ("days and time duration", "years and months duration")


def _base(value, name: str) -> bool | None:
    """`value instance of name` for FEEL's own type names; None for other names."""
    kind = TYPE_NAMES.get(name)
    if kind == "Any":
        return value is not None
    if kind == "Null":
        return value is None
    if kind == "duration":
        return kind_of(value) in _DURATIONS
    return None if kind is None else kind_of(value) == kind


ITEM_DEFINITIONS = "\x00item definitions"


def instance_check(value, type_: ast.TypeNode, scope=None) -> bool:
    kind, args = type_.kind, type_.args
    if kind == "name":
        known = _base(value, args[0])
        if known is not None:
            return known
        checker = scope.find(ITEM_DEFINITIONS, None) if scope is not None else None
        return checker(value, args[0]) if checker is not None else False
    if kind == "list":
        if not isinstance(value, list):
            return False
        charge(len(value))
        return all(instance_check(v, args[0], scope) for v in value if v is not None)
    if kind == "range":
        return isinstance(value, Range) and all(
            instance_check(b, args[0], scope) for b in (value.start, value.end) if b is not None)
    if kind == "context":
        return isinstance(value, dict) and all(
            key in value and (value[key] is None or instance_check(value[key], t, scope))
            for key, t in args)
    if kind == "function":
        if not isinstance(value, FeelFunction):
            return False
        params = getattr(value, "params", None)
        return params is None or len(params) == len(args[0]) or not args[0]
    return False


_UTC_MIDNIGHT = dt.time(tzinfo=dt.timezone.utc)


def conform(value, type_: ast.TypeNode, scope=None):
    """The value bound to a parameter of the type (DMN 1.5 10.3.2.9.4): as it is when it is an
    instance, else converted - an item to a singleton list, a singleton list to its item, a
    date to its midnight UTC - when that makes an instance; None when nothing does."""
    if value is None:
        return None
    if type_.kind == "list":
        items = value if isinstance(value, list) else [value]
        charge(len(items))
        converted = [conform(v, type_.args[0], scope) for v in items]
        if any(c is None and v is not None for c, v in zip(converted, items)):
            return None
        return converted
    if instance_check(value, type_, scope):
        return value
    if isinstance(value, list):
        return conform(value[0], type_, scope) if len(value) == 1 and \
            not isinstance(value[0], list) else None
    candidates: list[FeelValue] = [widedates.make_datetime(value, _UTC_MIDNIGHT)] if kind_of(value) == "date" \
        else []
    if type_.kind == "name" and _base(value, type_.args[0]) is None:
        candidates.append([value])       # an item definition may be a collection
    return next((c for c in candidates if instance_check(c, type_, scope)), None)
