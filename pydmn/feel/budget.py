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
"""
from __future__ import annotations

import contextvars
import math
import time
from dataclasses import dataclass

CLOCK_STEPS = 256           # steps between two readings of the clock
_UNLIMITED = 2 ** 62        # the steps of a budget without a limit of steps: finite, so counted

_CURRENT: contextvars.ContextVar["Meter | None"] = contextvars.ContextVar("pydmn_meter", default=None)
current = _CURRENT.get      # the meter of the evaluation running in this context, or None


@dataclass(frozen=True, slots=True)
class Budget:
    """The work one evaluation may do. `steps`: see the module docstring; `seconds`: wall-clock
    time from its start; `deadline`: a `time.monotonic()` instant it must end by (a request's,
    shared by the evaluations it makes), whichever comes first. None: no limit of that kind."""
    steps: int | None = 10_000_000
    seconds: float | None = 60.0
    deadline: float | None = None

    def __post_init__(self):
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

    def report(self, scope, element_id: str | None = None) -> None:
        """Null and the `limit` message, once per message list (each guard it unwinds through
        would report it again)."""
        text = str(self)
        if not any(m.kind == "limit" and m.text == text for m in scope.messages):
            scope.report("limit", text, element_id)


class Meter:
    """One evaluation's count against its budget. `spent`: steps charged; `exceeded`: None, or the
    limit it went past: "steps", "seconds" (its own time) or "deadline" (the instant it was given)."""
    __slots__ = ("budget", "start", "left", "check_at", "end", "timed", "exceeded", "_token")

    def __init__(self, budget: Budget = DEFAULT):
        self.budget = budget
        self.start = self.left = _UNLIMITED if budget.steps is None else budget.steps
        self.end = budget.deadline
        self.timed = False      # whether `seconds` (not `deadline`) sets the end
        if budget.seconds is not None:
            end = time.monotonic() + budget.seconds
            if self.end is None or end < self.end:
                self.end, self.timed = end, True
        self.exceeded = None
        self.check_at = 0 if self.end is None else max(self.left - CLOCK_STEPS, 0)

    @property
    def spent(self) -> int:
        return self.start - self.left

    def charge(self, n: int) -> None:
        """Count `n` steps; OverBudget past the budget (and at every charge after that)."""
        self.left -= n
        if self.left < self.check_at:
            self._check()

    def _check(self) -> None:
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
        if self.exceeded == "steps":
            return (f"evaluation budget exceeded: more than {budget.steps:,} steps (iterations, calls, "
                    f"items and characters built or compared)")
        if self.exceeded == "seconds":
            return f"evaluation budget exceeded: not finished within {budget.seconds:g} s"
        return "evaluation budget exceeded: not finished by its deadline"

    def __enter__(self) -> "Meter":
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc) -> None:
        _CURRENT.reset(self._token)


def charge(n: int) -> None:
    """Charge the running evaluation's meter, if any (for code without one in hand)."""
    meter = _CURRENT.get()
    if meter is not None:
        meter.charge(n)
