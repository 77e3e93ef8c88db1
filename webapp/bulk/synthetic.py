"""Synthetic requests over a model's data dictionary, for the bulk benchmark and the tests.

The values come from the model's input schema (webapp.serving.inputs, derived from the item definitions):
one of the allowed values, a number inside the allowed range, a date, a boolean, a short text, or
null (DMN inputs may be null). A value under any other constraint is checked by the field itself
(the engine's test of the allowed values) and drawn again until it passes, so every request passes
the schema the service applies. Requests are reproducible: request `i` of seed `s` is the same
whatever else is generated, so partitions of a million are made independently, on any worker.

Given a base request (the scenarios' complete, approvable case), a request is that base with a few
fields changed (none in a quarter of them, up to six otherwise), so the determinations spread over
the outcomes as real traffic does, rather than nearly all stopping at the first gate a random
value fails. Without a base, every field is drawn.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Callable, Iterator

from marshmallow import ValidationError, fields, validate

from webapp.serving.jsonvalues import to_json
from webapp.serving.inputs import ExactNumber, StrictBoolean, Temporal

DATES = (dt.date(2024, 1, 1), dt.date(2027, 12, 31))     # the window of dates drawn without a base
NUMBERS = (0, 100)                                        # numbers without an allowed range
CHANGES = (0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6)            # fields changed from the base, drawn evenly
LIST_LENGTH = 3
_TRIES = 20

Draw = Callable[[random.Random, object], object]          # (rng, the base's value) -> a JSON value


def _date(rng: random.Random, around) -> str:
    if isinstance(around, str) and len(around) >= 10:
        centre = dt.date.fromisoformat(around[:10])
        return (centre + dt.timedelta(days=rng.randint(-400, 400))).isoformat()
    start, end = DATES
    return (start + dt.timedelta(days=rng.randint(0, (end - start).days))).isoformat()


def _number(field: fields.Field) -> Draw:
    bounds = next((v for v in field.validators if isinstance(v, validate.Range)), None)
    low = bounds.min if bounds is not None and bounds.min is not None else NUMBERS[0]
    high = bounds.max if bounds is not None and bounds.max is not None else NUMBERS[1]
    if low == int(low) and high == int(high):
        return lambda rng, _: rng.randint(int(low), int(high))
    return lambda rng, _: round(rng.uniform(float(low), float(high)), 2)


_TEMPORAL = {
    "date": _date,
    "date and time": lambda rng, around: f"{_date(rng, around)}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
    "time": lambda rng, _: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
    "days and time duration": lambda rng, _: f"P{rng.randint(0, 400)}D",
    "years and months duration": lambda rng, _: f"P{rng.randint(0, 10)}Y{rng.randint(0, 11)}M",
    "duration": lambda rng, _: f"P{rng.randint(0, 400)}D",
}


def _plain(field: fields.Field, name: str) -> Draw:
    """A drawer of one non-null JSON value of a field that is not a structure."""
    choices = next((v.choices for v in field.validators if isinstance(v, validate.OneOf)), None)
    if choices is not None:
        choices = [to_json(c) for c in choices]
        return lambda rng, _: rng.choice(choices)
    if isinstance(field, fields.List):
        inner = _checked(field.inner, _plain(field.inner, name))
        return lambda rng, _: [inner(rng, None) for _ in range(rng.randint(0, LIST_LENGTH))]
    if isinstance(field, fields.Nested):       # a structure inside a list: every field drawn
        parts = {key: _checked(sub, _plain(sub, key)) for key, sub in field.schema.fields.items()}
        return lambda rng, _: {key: draw(rng, None) for key, draw in parts.items()}
    if isinstance(field, StrictBoolean):
        return lambda rng, _: rng.random() < 0.5
    if isinstance(field, ExactNumber):
        return _number(field)
    if isinstance(field, Temporal):
        return _TEMPORAL[field.base]
    if isinstance(field, fields.String):
        return lambda rng, _: f"{name}-{rng.randrange(1000)}"
    return lambda rng, _: None          # contexts and untyped values: null is always valid


def _checked(field: fields.Field, draw: Draw) -> Draw:
    """`draw`, again until the field (its type and allowed values) accepts the value; else null."""
    if not field.validators or all(isinstance(v, validate.OneOf) for v in field.validators):
        return draw

    def checked(rng, around):
        for _ in range(_TRIES):
            value = draw(rng, around)
            try:
                field.deserialize(value)
                return value
            except ValidationError:
                continue
        return None
    return checked


class Synthesizer:
    """Requests a model's input schema accepts (webapp.serving.inputs: a ModelVersion's or a registry entry's,
    so the contract's service inputs are left out), in JSON form as a caller sends them."""

    def __init__(self, schema, base: dict | None = None, null_rate: float = 0.05):
        self.null_rate = null_rate
        self.leaves: list[tuple[tuple[str, ...], Draw]] = []
        self._plan((), schema.fields)
        self.base = None
        if base is not None:      # every field present: a field the base lacks is null in it
            given = to_json(base)
            self.base = {}
            for path, _ in self.leaves:
                _set(self.base, path, _get(given, path))

    def _plan(self, path: tuple[str, ...], schema_fields: dict) -> None:
        for name, field in schema_fields.items():
            if isinstance(field, fields.Nested):
                self._plan(path + (name,), field.schema.fields)
            else:
                self.leaves.append((path + (name,), _checked(field, _plain(field, name))))

    def _draw(self, rng: random.Random, draw: Draw, around):
        return None if rng.random() < self.null_rate else draw(rng, around)

    def request(self, seed: int, index: int) -> dict:
        """Request `index` of `seed`."""
        rng = random.Random(f"{seed}:{index}")
        out: dict = {}
        if self.base is None:
            for path, draw in self.leaves:
                _set(out, path, self._draw(rng, draw, None))
            return out
        out = _copy(self.base)
        for position in rng.sample(range(len(self.leaves)), min(rng.choice(CHANGES), len(self.leaves))):
            path, draw = self.leaves[position]
            _set(out, path, self._draw(rng, draw, _get(self.base, path)))
        return out

    def requests(self, seed: int, start: int, stop: int) -> Iterator[dict]:
        for index in range(start, stop):
            yield self.request(seed, index)


def _copy(data: dict) -> dict:
    return {k: _copy(v) if type(v) is dict else v for k, v in data.items()}


def _get(data, path):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _set(data: dict, path, value) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value
