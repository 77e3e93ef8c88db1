"""What a unary test means for a value (DMN 1.5 10.3.2.9.4, rules 7-15): pure functions on FEEL
values, which the compiled tests of compiler.py and `x in ...` apply."""
from __future__ import annotations

from pydmn.feel import operators as ops
from pydmn.feel.budget import charge
from pydmn.feel.values import Range


def in_range(value, r: Range):
    """Whether `value` lies in range `r` (None when it cannot be compared)."""
    if value is None:
        return None
    if r.op is not None:
        same = ops.eq(value, r.start)
        return same if same is None or r.op == "=" else not same
    results = []
    if r.start is not None:
        results.append((ops.le if r.start_included else ops.lt)(r.start, value))
    if r.end is not None:
        results.append((ops.le if r.end_included else ops.lt)(value, r.end))
    if False in results:
        return False
    return None if None in results else True


def matches(value, target):
    """The positive unary test semantics for an evaluated expression `target` (no `?`)."""
    if isinstance(target, Range):
        return in_range(value, target)
    if isinstance(target, list):
        if isinstance(value, list) and ops.eq(value, target) is True:
            return True
        # Membership: items of another kind simply do not match (`true in [false, 2]` is false).
        charge(len(target))
        for t in target:
            r = in_range(value, t) if isinstance(t, Range) else ops.eq(value, t)
            if r is True:
                return True
        return False
    return ops.eq(value, target)
