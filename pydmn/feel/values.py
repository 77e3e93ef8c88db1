"""FEEL's value kinds that Python has no type for.

The closed set of FEEL values as Python holds them:
null -> None; number -> Decimal (34 digits); string -> str; boolean -> bool; date -> datetime.date;
time -> datetime.time (tzinfo None, a fixed offset, or a ZoneInfo); date and time -> datetime.datetime;
days and time duration -> datetime.timedelta; years and months duration -> YearsMonths;
list -> list; context -> dict (str keys, insertion ordered); range -> Range; function -> FeelFunction.
"""
from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Sequence, TypeAlias

from pydmn.feel.widedates import FineTime, WideDate, WideDateTime

if TYPE_CHECKING:       # the scope holds values of this module's kinds
    from pydmn.feel.scope import Scope

# Any value of the closed set above. Any, not a Union: the engine dispatches on the kinds at run
# time (one FEEL operator takes many), and a caller reads a decision's value as the model's type
# says, which Python's types cannot follow.
FeelValue: TypeAlias = Any

# FEEL numbers: IEEE 754-2008 Decimal128, 34 significant digits, round half even.
FEEL_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN,
                               Emax=6144, Emin=-6143, traps=[decimal.InvalidOperation,
                                                             decimal.DivisionByZero,
                                                             decimal.Overflow])


@dataclass(frozen=True, slots=True)
class YearsMonths:
    """A years and months duration, held as a signed count of months."""
    months: int

    @property
    def years(self) -> int:
        return int(self.months / 12)


@dataclass(frozen=True, slots=True)
class Range:
    """A FEEL range. A bound of None is open-ended (the ranges `< 5`, `>= x` give one).

    `op` marks the unary ranges `(= x)` and `(!= x)`: bounds x..x, yet not equal to the range
    literal `[x..x]` (TCK 0068, 0074)."""
    start: FeelValue
    end: FeelValue
    start_included: bool
    end_included: bool
    op: str | None = None


class FeelFunction:
    """Anything FEEL can invoke: built-ins, user-defined functions, BKMs, decision services.

    `params` are the parameter names (named invocation binds by them). `invoke` receives the
    already-evaluated positional arguments, or the named ones, and the calling scope (for messages).
    """
    params: Sequence[str] = ()
    name: str = "anonymous function"

    def invoke(self, args: list[FeelValue] | None, named: dict[str, FeelValue] | None,
               scope: Scope) -> FeelValue:  # pragma: no cover
        raise NotImplementedError


@dataclass(slots=True)
class PyFunction(FeelFunction):
    """A Python callable exposed to FEEL with fixed parameter names."""
    fn: Callable[..., FeelValue]
    params: Sequence[str]
    name: str = "function"

    def invoke(self, args: list[FeelValue] | None, named: dict[str, FeelValue] | None,
               scope: Scope) -> FeelValue:
        if named is not None:
            args = [named.get(p) for p in self.params]
        return self.fn(*args or ())


_KINDS = {
    type(None): "Null", Decimal: "number", str: "string", bool: "boolean", list: "list",
    dict: "context", dt.datetime: "date and time", dt.date: "date", dt.time: "time",
    dt.timedelta: "days and time duration", YearsMonths: "years and months duration",
    Range: "range", WideDate: "date", WideDateTime: "date and time", FineTime: "time",
}


FEEL_KINDS = frozenset({*_KINDS.values(), "function"})


def kind_of(value: object) -> str:
    """The FEEL kind of a value ("number", "date and time", ..., "Null" for null): the one place
    Python types map to FEEL's."""
    kind = _KINDS.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, FeelFunction):
        return "function"
    for py, name in _KINDS.items():   # subclasses (a ZoneInfo-aware datetime is a datetime)
        if isinstance(value, py):
            return name
    return type(value).__name__
