"""`instance of` (DMN 1.5 10.3.2.9): a value against a type written in FEEL text.

Types are ast.TypeNode trees (`number`, `list<number>`, `context<a: number>`,
`function<number> -> string`, `range<date>`). Other names are a model's item definitions: the
model binds a checker for them under `ITEM_DEFINITIONS`, a key no FEEL name can spell.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydmn.feel import ast
from pydmn.feel.values import FeelFunction, Range, YearsMonths
from pydmn.feel.widedates import FineTime, WideDate, WideDateTime


def _is_number(v):
    return isinstance(v, Decimal)


def _is_date(v):
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime) or type(v) is WideDate


BASE = {
    "Any": lambda v: v is not None,
    "Null": lambda v: v is None,
    "number": _is_number,
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "date": _is_date,
    "time": lambda v: isinstance(v, dt.time) or type(v) is FineTime,
    "date and time": lambda v: isinstance(v, (dt.datetime, WideDateTime)),
    "days and time duration": lambda v: isinstance(v, dt.timedelta),
    "years and months duration": lambda v: isinstance(v, YearsMonths),
    "list": lambda v: isinstance(v, list),
    "context": lambda v: isinstance(v, dict),
    "range": lambda v: isinstance(v, Range),
    "function": lambda v: isinstance(v, FeelFunction),
}
# The spec writes these with or without the feel: prefix in older models.
for _name, _test in list(BASE.items()):
    BASE["feel." + _name] = _test
BASE["dayTimeDuration"] = BASE["days and time duration"]
BASE["yearMonthDuration"] = BASE["years and months duration"]
BASE["dateTime"] = BASE["date and time"]


ITEM_DEFINITIONS = "\x00item definitions"


def instance_check(value, type_: ast.TypeNode, scope=None) -> bool:
    kind, args = type_.kind, type_.args
    if kind == "name":
        test = BASE.get(args[0])
        if test is not None:
            return test(value)
        checker = scope.find(ITEM_DEFINITIONS, None) if scope is not None else None
        return checker(value, args[0]) if checker is not None else False
    if kind == "list":
        return isinstance(value, list) and all(instance_check(v, args[0], scope) for v in value
                                               if v is not None)
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
