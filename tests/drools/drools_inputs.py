"""Inputs for the engine comparison: the scenarios that travel with a model, and seeded inputs
generated from the model's own item definitions.

Generation reads only the model: its input data, their item definitions (structures, lists,
allowed values, base types) and the literals its logic mentions, so it follows the data
dictionary when the model changes (new fields, lists of structures, new input data) without a
hand-kept list of fields. Every value is one the service's input schema admits: outside its
type's allowed values the service answers 422 and no engine runs.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import random
import re
from decimal import Decimal
from pathlib import Path

import yaml

from pydmn import Range, feel
from webapp.governance.scenarios import scenario_inputs

P_NULL = 0.12          # a field is null ("not known")
P_ABSENT = 0.04        # a field of a structure is left out altogether
MAX_ITEMS = 3          # items of a generated list
SPAN = 400             # days: how far random dates stray from the model's own dates


def to_json(inputs: dict) -> str:
    """The request body a caller would send: numbers as JSON numbers, dates as ISO text."""
    def plain(value):
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, (dt.date, dt.datetime, dt.time)):
            return value.isoformat()
        raise TypeError(f"no JSON form for {value!r}")
    return json.dumps(inputs, default=plain, sort_keys=True)


def scenario_cases(model_path: Path, model) -> list[tuple[str, str]]:
    """(title, JSON input) of every scenario beside the model that the service evaluates:
    base inputs merged with the scenario's; those `expected: rejected` are refused (422) before
    any engine runs, so they are left out."""
    spec = yaml.safe_load(Path(model_path).with_name(f"{Path(model_path).stem}.scenarios.yaml").read_text())
    merged = scenario_inputs(Path(model_path), model)
    return [(title, to_json(inputs)) for (title, inputs), scenario in zip(merged, spec["scenarios"])
            if "rejected" not in (scenario.get("expected") or {})]


class Landmarks:
    """The literals the model's logic mentions (numbers, dates, strings): the boundaries worth
    generating values at and next to."""

    def __init__(self, model_xml: str):
        texts = [html.unescape(t) for t in re.findall(r"<text>(.*?)</text>", model_xml, re.S)]
        strings, numbers, dates, windows = set(), set(), set(), set()
        for text in texts:
            for iso in re.findall(r'(?:date\(\s*"|@")(-?\d{4,}-\d\d-\d\d)"', text):
                dates.add(dt.date.fromisoformat(iso))
            for count, unit in re.findall(r'(?:duration\(\s*"|@")P(\d+)([DW])"', text):
                windows.add(int(count) * (7 if unit == "W" else 1))
            # codes, not prose: the strings a rule could test a field against
            strings.update(s for s in re.findall(r'"((?:[^"\\]|\\.)*)"', text) if re.fullmatch(r"[\w.\-]{1,40}", s))
            bare = re.sub(r'"(?:[^"\\]|\\.)*"', " ", text)
            numbers.update(Decimal(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", bare))
        self.strings = sorted(strings)
        self.numbers = sorted(numbers)
        self.dates = sorted(dates) or [dt.date(2026, 1, 1)]
        # distances in days a date may lie from another: each number as days and as weeks, and
        # the durations the logic writes (duration("P100D"))
        self.day_offsets = sorted({0} | {int(n) for n in self.numbers if n == int(n) and n <= SPAN}
                                  | {int(n) * 7 for n in self.numbers if n == int(n) and n * 7 <= SPAN}
                                  | {w for w in windows if w <= SPAN})


class Generator:
    """Seeded inputs for a loaded model: random and boundary values for every field, nulls,
    absent fields, empty and longer lists."""

    def __init__(self, model, model_xml: str, seed: int):
        self.model = model
        self.marks = Landmarks(model_xml)
        self.rng = random.Random(seed)

    def inputs(self, count: int) -> list[tuple[str, str]]:
        return [(f"generated {n + 1}", to_json(self.one())) for n in range(count)]

    def without_one_input(self, count: int) -> list[tuple[str, str]]:
        """Inputs each missing one whole input data (the service's evaluation endpoint admits
        them; its CAR-T determination endpoint requires every input data)."""
        cases = []
        for n in range(count):
            inputs = self.one()
            gone = self.rng.choice(sorted(inputs))
            del inputs[gone]
            cases.append((f"generated without {gone} {n + 1}", to_json(inputs)))
        return cases

    def one(self) -> dict:
        # One anchor date per input: dates near each other (a request and a transplant N days
        # before it) are where the model's windows decide.
        self.anchor = self.rng.choice(self.marks.dates) + dt.timedelta(days=self.rng.randint(-60, 60))
        return {name: self.value(self.model.data_type(name))
                for name in self.model.definitions.input_data}

    def value(self, dtype, top: bool = True):
        if not top and self.rng.random() < P_NULL:
            return None
        if dtype.is_collection:
            item = dtype.element or dataclasses.replace(dtype, is_collection=False)
            # The service refuses a null item of a list of structures (an unknown one is a structure
            # of nulls), so only items of other lists may be null.
            return [self.value(item, top=bool(item.fields)) for _ in range(self.rng.choice((0, 0, 1, 1, 2, MAX_ITEMS)))]
        if dtype.fields:
            return {name: self.value(sub, top=False) for name, sub in dtype.fields.items()
                    if self.rng.random() >= P_ABSENT}
        return self.scalar(dtype)

    def scalar(self, dtype):
        rng = self.rng
        if dtype.allowed_values:
            return rng.choice(dtype.allowed_values)
        base = dtype.base
        if base == "boolean":
            return rng.random() < 0.5
        if base == "number":
            return self._admitted(dtype, self._numbers(dtype))
        if base == "date":
            return self._admitted(dtype, [self._date()])
        if base == "string":
            return self._admitted(dtype, self.marks.strings + ["", "something else"])
        return None     # no kind this harness generates: the value is not known

    def _numbers(self, dtype) -> list[Decimal]:
        """Random numbers (whole and fractional), or the model's own numbers and the ends of the
        allowed range with their neighbours."""
        rng = self.rng
        if rng.random() < 0.4:
            return [Decimal(rng.randint(-5, 150)), Decimal(rng.randint(0, 400)) / 4]
        return [n + d for n in self.marks.numbers + self._bounds(dtype) for d in (-1, 0, 1)]

    def _bounds(self, dtype) -> list[Decimal]:
        """The ends of an allowed range (`[1..10]`), the likeliest boundaries of all."""
        try:
            found = feel.evaluate(dtype.allowed_values_text, {}) if dtype.allowed_values_text else None
        except Exception:
            return []
        if isinstance(found, Range):
            return [b for b in (found.start, found.end) if isinstance(b, Decimal)]
        return []

    def _date(self) -> dt.date:
        rng = self.rng
        if rng.random() < 0.25:
            return rng.choice(self.marks.dates) + dt.timedelta(days=rng.choice((-1, 0, 1)))
        if rng.random() < 0.6:
            return self.anchor - dt.timedelta(days=rng.choice(self.marks.day_offsets) + rng.choice((-1, 0, 1)))
        return self.anchor + dt.timedelta(days=rng.randint(-SPAN, 30))

    def _admitted(self, dtype, picks: list):
        """A pick the service admits (its type's allowed values and constraints), else an end of
        the allowed range, else null."""
        rng = self.rng
        fits = [p for p in picks if dtype.allows(p)]
        if fits:
            return rng.choice(fits)
        ends = [b for b in self._bounds(dtype) if dtype.allows(b)]
        return rng.choice(ends) if ends else None
