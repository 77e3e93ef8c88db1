"""FEEL values to JSON and back: numbers stay exact (Decimal in, number out), temporals as ISO text."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from pydmn import FeelFunction, Range, YearsMonths, duration_text
from pydmn.feel import FEEL_CONTEXT


def to_json(value):
    """A FEEL value as plain JSON data."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10 ** 15:
            return int(value)
        return float(value) if Decimal(repr(float(value))) == value else str(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dt.timedelta, YearsMonths)):
        return duration_text(value)
    if isinstance(value, (Range, FeelFunction)):
        return str(value)
    return str(value)


class BodyError(ValueError):
    """A JSON body the service refuses: `status` 400 (not JSON, a key twice) or 422 (a number FEEL
    cannot hold), `errors` by field path."""

    def __init__(self, status: int, message: str, errors=None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


def _unique_keys(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise BodyError(400, "a key appears twice in one object", {"body": [f"duplicate key {twice!r}"]})
    return obj


def _holds(number: Decimal) -> bool:
    """FEEL numbers are decimal128: finite, and within its exponent range (or zero)."""
    if not number.is_finite():
        return False
    return number == 0 or FEEL_CONTEXT.Emin - FEEL_CONTEXT.prec < number.adjusted() <= FEEL_CONTEXT.Emax


def _out_of_range(value, path=()):
    if isinstance(value, Decimal):
        if not _holds(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _out_of_range(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _out_of_range(item, path + (str(index),))


def _nest(paths, message: str) -> dict:
    """{"body": {...path...: [message]}}, the shape schema errors have."""
    errors: dict = {}
    for path in paths:
        node, key = errors, "body"
        for step in path:
            node = node.setdefault(key, {})
            key = step
        node[key] = [message]
    return errors


def parse_body(data: bytes):
    """JSON text with exact numbers (Decimal), every key once, every number one FEEL can hold;
    raises BodyError. Numbers FEEL cannot hold are found in one pass and, only then, their
    paths in a second, so the common body pays for nothing but the check."""
    extreme = []

    def number(text):
        value = Decimal(text)
        if not _holds(value):
            extreme.append(value)
        return value
    try:
        parsed = json.loads(data, parse_float=number, parse_int=number, parse_constant=number,
                            object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, BodyError):
            raise
        raise BodyError(400, "malformed JSON", {"body": [str(exc)[:200]]}) from None
    if extreme:
        raise BodyError(422, "a number is not one FEEL can hold (decimal128: finite, magnitude "
                        f"below 1E{FEEL_CONTEXT.Emax + 1})", _nest(list(_out_of_range(parsed)),
                                                                 "not a FEEL number"))
    return parsed
