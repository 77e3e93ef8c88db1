"""How much work one evaluation may do: `Budget` (public, pydmn.Budget and pydmn.feel.Budget) and
its `Meter`, the running count of one evaluation.

A model is content: a published version may loop (`for i in 1..1000, j in 1..1000, k in 1..1000`),
recurse, or double a string until memory runs out, on one request's input only. Every operation
whose cost grows with its data charges the meter of the evaluation it runs in: one step per item
an iteration (`for`, `some`, `every`, a filter) walks, per function call, per item or character of
a list, context or string that a built-in or `+` builds, per item a comparison or a conversion
walks. Past `steps`, or once its deadline passed (the clock is read every CLOCK_STEPS steps), the
operation raises `OverBudget`, which the one guard around each compiled expression (and each
decision) turns into null and a `limit` message naming the budget. Every later charge of that
evaluation raises again at once, so the evaluation unwinds instead of going on.

The meter of the running evaluation is a context variable: code deep in the operators (a list
equality) charges it without a scope in hand, and threads never share one. `Model.evaluate`,
`Model.invoke`, `feel.evaluate` and `feel.unary_test` each run under a meter of their own budget
(the default one when none is given); a compiled expression called directly is metered inside
`with budget.meter():` and not at all outside one.

Cheap when nothing is charged, as a decision table of literals: each thread keeps one meter, idle
between evaluations; an evaluation only hands it its budget, and the meter counts from the first
charge on (the clock of `seconds` too). A decision table evaluation pays a context variable read
and two attribute stores.
"""
from __future__ import annotations

import math
import time
from contextvars import ContextVar, Token
from dataclasses import dataclass
from threading import get_ident
from typing import TYPE_CHECKING

if TYPE_CHECKING:       # the scope imports the operators, which charge this module's meters
    from pydmn.feel.scope import Scope

CLOCK_STEPS = 256           # steps between two readings of the clock
# What one operation that copies or builds a value without recursing into it (a string `+`, a
# built-in's result, a context copied for a filter, a flat list bound to a type) may copy or build
# uncharged: such operations are bounded by the charged steps around them (an iteration, a call),
# so the free part is a constant factor, and a determination's short texts and small lists cost no
# charge at all. Iteration and recursive walks (equality, paths, conversions of nested lists) are
# charged from the first item: their nesting, or shared sublists, would multiply a free size.
FREE_ITEMS = 16
FREE_CHARS = 256
_UNLIMITED = 2 ** 62        # the steps of a budget without a limit of steps: finite, so counted

_CURRENT: ContextVar["Meter | None"] = ContextVar("pydmn_meter", default=None)
current = _CURRENT.get      # the meter of this context (idle outside an evaluation), or None


@dataclass(frozen=True, slots=True)
class Budget:
    """The work one evaluation may do. `steps`: see the module docstring; `seconds`: wall-clock
    time from its first charged step; `deadline`: a `time.monotonic()` instant it must end by (a
    request's, shared by the evaluations it makes), whichever comes first. None: no limit of that
    kind. The default is 10,000,000 steps and no clock: the same answer on any machine."""
    steps: int | None = 10_000_000
    seconds: float | None = None
    deadline: float | None = None

    def __post_init__(self) -> None:
        if self.steps is not None and (isinstance(self.steps, bool) or not isinstance(self.steps, int)
                                       or self.steps < 0):
            raise ValueError(f"steps must be a whole number >= 0 or None, not {self.steps!r}")
        if self.seconds is not None and not self.seconds >= 0:
            raise ValueError(f"seconds must be >= 0 or None, not {self.seconds!r}")

    def meter(self) -> "Meter":
        """A fresh meter of this budget; `with` it, the evaluations inside charge it."""
        return Meter(self)


DEFAULT = Budget()


class OverBudget(Exception):
    """Raised by a charge past the budget; never leaves the engine (the guards report it)."""

    def report(self, scope: Scope, element_id: str | None = None) -> None:
        """Null and the `limit` message, once per message list (each guard it unwinds through
        would report it again)."""
        text = str(self)
        if not any(m.kind == "limit" and m.text == text for m in scope.messages):
            scope.report("limit", text, element_id)


class Meter:
    """One evaluation's count against its budget. `spent`: steps charged; `exceeded`: None, or the
    limit it went past: "steps", "seconds" (its own time) or "deadline" (the instant it was given).
    Idle (no budget), it meters nothing; with a budget, its first charge arms it."""
    __slots__ = ("budget", "owner", "armed", "start", "left", "check_at", "end", "timed", "exceeded", "_token")
    budget: Budget | None
    owner: int
    armed: bool
    start: int
    left: int
    check_at: float         # math.inf: the next charge takes the slow path
    end: float | None
    timed: bool
    exceeded: str | None
    _token: Token[Meter | None] | None

    def __init__(self, budget: Budget | None = None):
        self.owner = get_ident()
        self._token = None
        self._idle()
        self.budget = budget

    def _idle(self) -> None:
        self.budget, self.armed, self.exceeded = None, False, None
        self.start = self.left = 0
        self.check_at = math.inf        # the next charge takes the slow path, which arms
        self.end, self.timed = None, False

    @property
    def spent(self) -> int:
        return self.start - self.left if self.armed else 0

    def charge(self, n: int) -> None:
        """Count `n` steps; OverBudget past the budget (and at every charge after that)."""
        self.left -= n
        if self.left < self.check_at:
            self._check()

    def _arm(self, budget: Budget) -> None:
        self.start = _UNLIMITED if budget.steps is None else budget.steps
        self.left += self.start                 # what was charged before counts
        self.end, self.timed = budget.deadline, False
        if budget.seconds is not None:
            end = time.monotonic() + budget.seconds
            if self.end is None or end < self.end:
                self.end, self.timed = end, True
        self.check_at = 0 if self.end is None else max(self.left - CLOCK_STEPS, 0)
        self.armed = True

    def _check(self) -> None:
        if not self.armed:
            if self.budget is None:             # outside any evaluation: not metered
                self.left = 0
                return
            self._arm(self.budget)
        if self.exceeded is None:
            if self.left < 0:
                self.exceeded = "steps"
            elif self.end is not None and time.monotonic() > self.end:
                self.exceeded = "seconds" if self.timed else "deadline"
            else:
                self.check_at = max(self.left - CLOCK_STEPS, 0) if self.end is not None else 0
                return
            self.check_at = math.inf        # from now on every charge raises
        raise OverBudget(self.text())

    def text(self) -> str:
        """The `limit` message: which budget, and how large it was."""
        budget = self.budget
        if budget is None:                  # never exceeded: only an armed meter raises
            return "evaluation budget exceeded"
        if self.exceeded == "steps":
            return (f"evaluation budget exceeded: more than {budget.steps:,} steps (iterations, calls, "
                    f"items and characters built or compared)")
        if self.exceeded == "seconds":
            return f"evaluation budget exceeded: not finished within {budget.seconds:g} s"
        return "evaluation budget exceeded: not finished by its deadline"

    def __enter__(self) -> "Meter":
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
        self._token = None


def begin(budget: Budget) -> Meter:
    """Start an evaluation under `budget` in this context: its idle meter, or a meter of its own
    when this context's is busy (an evaluation inside an evaluation) or another thread's (a copied
    context). `end` it."""
    meter = _CURRENT.get()
    if meter is None:
        meter = Meter()
        _CURRENT.set(meter)                 # this context's meter from now on, idle between evaluations
    elif meter.budget is not None or meter.owner != get_ident():
        meter = Meter(budget)
        meter._token = _CURRENT.set(meter)
        return meter
    meter.budget = budget
    return meter


def end(meter: Meter) -> tuple[int, str | None]:
    """(steps spent, exceeded) of the evaluation `begin` started; its meter is idle again."""
    if not meter.armed and meter._token is None:        # nothing was charged: the common case
        meter.budget = None
        return 0, None
    spent, exceeded = meter.spent, meter.exceeded
    if meter._token is not None:
        meter.__exit__()
    else:
        meter._idle()
    return spent, exceeded


def charge(n: int) -> None:
    """Charge `n` steps to this context's meter, if any: `Meter.charge` inline, one call the less
    on the path every charge takes."""
    meter = _CURRENT.get()
    if meter is not None:
        meter.left -= n
        if meter.left < meter.check_at:
            meter._check()
