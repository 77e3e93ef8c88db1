"""Unary-test cells read as sets of values, for decision table analysis.

Analysis needs only the shapes committees write in tables: `-`, literals, lists, comparisons,
intervals and `not(...)`. Anything else (names, arithmetic, function calls, `?`) becomes UNKNOWN,
and the table analysis treats UNKNOWN so that it never reports a finding it cannot prove.
The FEEL parser is not used on purpose: it yields the full grammar, while analysis needs a closed,
comparable value form; and a cell that FEEL accepts but this reader does not is merely "unknown".
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Span:
    """One positive test, as the value range [low, high] (None = unbounded), or a single point."""
    low: object = None
    high: object = None
    low_incl: bool = True
    high_incl: bool = True

    @property
    def is_point(self) -> bool:
        return self.low is not None and self.low == self.high and self.low_incl and self.high_incl


@dataclass(frozen=True, slots=True)
class Cell:
    """A parsed cell: any value (`-`), a union of tests, or its complement (`not(...)`)."""
    tests: tuple[Span, ...] = ()
    negated: bool = False
    any: bool = False
    has_null: bool = False          # the list names `null`


ANY_CELL = Cell(any=True)

_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")
_TEMPORAL = re.compile(r'^(date|@)\s*\(?\s*"(\d{4}-\d{2}-\d{2})"\s*\)?$')


def literal(text: str):
    """A literal's value, or UNKNOWN. Supports numbers, strings, booleans and dates."""
    text = text.strip()
    if _NUMBER.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return UNKNOWN
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"' and '"' not in text[1:-1].replace('\\"', ""):
        return text[1:-1].replace('\\"', '"')
    if text in ("true", "false"):
        return text == "true"
    m = _TEMPORAL.match(text)
    if m and (m.group(1) == "date" or text.startswith("@")):
        try:
            return dt.date.fromisoformat(m.group(2))
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split at `sep` outside quotes, parentheses and brackets (interval ends may be `]` or `[`)."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth <= 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


_INTERVAL = re.compile(r"^([\[\]\(])\s*(.+?)\s*\.\.\s*(.+?)\s*([\[\]\)])$", re.S)
_COMPARISON = re.compile(r"^(<=|>=|<|>|!=|=)\s*(.+)$", re.S)


def _test(text: str):
    """One simple positive unary test -> Span, "null", ("ne", value) or UNKNOWN."""
    if text == "null":
        return "null"
    m = _INTERVAL.match(text)
    if m:
        low, high = literal(m.group(2)), literal(m.group(3))
        if low is UNKNOWN or high is UNKNOWN or type(low) is not type(high) or isinstance(low, (str, bool)):
            return UNKNOWN
        return Span(low, high, m.group(1) == "[", m.group(4) == "]")
    m = _COMPARISON.match(text)
    if m:
        op, value = m.group(1), literal(m.group(2))
        if value is UNKNOWN or (op not in ("=", "!=") and isinstance(value, (str, bool))):
            return UNKNOWN
        return {"<": Span(None, value, True, False), "<=": Span(None, value, True, True),
                ">": Span(value, None, False, True), ">=": Span(value, None, True, True),
                "=": Span(value, value), "!=": ("ne", value)}[op]
    value = literal(text)
    return UNKNOWN if value is UNKNOWN else Span(value, value)


def parse_cell(text: str | None):
    """Cell for the unary-tests text, or UNKNOWN when its meaning is beyond this reader."""
    text = (text or "").strip()
    if text in ("", "-"):
        return ANY_CELL
    negated = False
    m = re.match(r"^not\s*\((.*)\)$", text, re.S)
    if m:
        negated, text = True, m.group(1).strip()
    tests, has_null = [], False
    for part in split_top(text):
        t = _test(part)
        if t is UNKNOWN or not part:
            return UNKNOWN
        if t == "null":
            has_null = True
            continue
        if isinstance(t, tuple):   # `!= x` is `not(x)` when alone; in a list it is beyond us
            if len(split_top(text)) > 1 or negated:
                return UNKNOWN
            return Cell((Span(t[1], t[1]),), negated=True)
        tests.append(t)
    return Cell(tuple(tests), negated, has_null=has_null)


def interval_bounds(text: str) -> tuple[str, str] | None:
    """The two bound texts of an interval cell (`[1..10)`), else None."""
    m = _INTERVAL.match(text.strip())
    return (m.group(2), m.group(3)) if m else None


def holds(cell: Cell, value) -> bool:
    """Whether a literal value satisfies an analysable cell (used for allowed values)."""
    if cell.any:
        return True
    hit = any(contains(t, value) for t in cell.tests)
    return hit != cell.negated


def values_of(cell) -> list[object]:
    """Every literal bound a cell mentions (for building a column's elementary segments)."""
    if not isinstance(cell, Cell):
        return []
    out: list[object] = []
    for t in cell.tests:
        out.extend(v for v in (t.low, t.high) if v is not None)
    return out


def contains(test: Span, value) -> bool:
    """Whether `value` satisfies `test` (values of another kind never do)."""
    for bound in (test.low, test.high):
        if bound is not None and not _same_kind(bound, value):
            return False
    if test.low is not None and (value < test.low or (value == test.low and not test.low_incl)):
        return False
    if test.high is not None and (value > test.high or (value == test.high and not test.high_incl)):
        return False
    return True


def _same_kind(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return isinstance(a, Decimal) and isinstance(b, Decimal)
    return type(a) is type(b)
