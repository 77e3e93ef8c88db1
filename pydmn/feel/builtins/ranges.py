"""Range functions (DMN 1.5 10.3.4.11, Allen's interval relations on points and ranges);
`range(from)` (10.3.4.12) reads FEEL text, so it lives above the parser (pydmn.feel.range_literal).

Each function of 10.3.4.11 has overloads for (point, point), (point, range), (range, point) and
(range, range), all with two parameters, so a positional call cannot be told apart by count: one
Python function per FEEL name dispatches on which arguments are ranges, and the per-overload
parameter names are registered only so that named invocation accepts them. A point is any
comparable value; a range bound of None (`< 5`) is open, below or above every point.
"""
from __future__ import annotations

from pydmn.feel import operators
from pydmn.feel.builtins.registry import Invalid, builtin
from pydmn.feel.values import Range

_PAIRS = (("point1", "point2"), ("point", "range"), ("range", "point"), ("range1", "range2"))


class _Infinity:
    """An open range bound: `below` is less than every point, otherwise greater."""
    __slots__ = ("below",)

    def __init__(self, below: bool):
        self.below = below


_LOW, _HIGH = _Infinity(True), _Infinity(False)


def _cmp(a, b) -> int:
    if isinstance(a, _Infinity) or isinstance(b, _Infinity):
        rank_a = 0 if not isinstance(a, _Infinity) else (-1 if a.below else 1)
        rank_b = 0 if not isinstance(b, _Infinity) else (-1 if b.below else 1)
        return (rank_a > rank_b) - (rank_a < rank_b)
    c = operators.compare(a, b)
    if c is None:
        raise Invalid(f"{operators.kind_of(a)} and {operators.kind_of(b)} do not compare")
    return c


def _lt(a, b) -> bool:
    return _cmp(a, b) < 0


def _gt(a, b) -> bool:
    return _cmp(a, b) > 0


def _eq(a, b) -> bool:
    return _cmp(a, b) == 0


class _R:
    """A range with open bounds as infinities, so that the spec's formulas apply unchanged."""
    __slots__ = ("s", "e", "si", "ei")

    def __init__(self, r: Range):
        self.s = _LOW if r.start is None else r.start
        self.e = _HIGH if r.end is None else r.end
        self.si, self.ei = r.start_included, r.end_included


def _relation(name: str, points=None, point_range=None, range_point=None, ranges=None):
    """Register FEEL `name`: each argument is the formula of one overload, or None if the spec
    defines none (the call is then invalid)."""
    def dispatch(a, b):
        if a is None or b is None:
            raise Invalid("an argument is null")
        key = (isinstance(a, Range), isinstance(b, Range))
        formula = {(False, False): points, (False, True): point_range,
                   (True, False): range_point, (True, True): ranges}[key]
        if formula is None:
            raise Invalid(f"{name}() is not defined for these argument kinds")
        return formula(_R(a) if key[0] else a, _R(b) if key[1] else b)
    for params, formula in zip(_PAIRS, (points, point_range, range_point, ranges)):
        if formula is not None:
            builtin(name, *params)(dispatch)


# The formulas of DMN 1.5 Table 78, argument by argument.

_relation(
    "before",
    points=lambda p1, p2: _lt(p1, p2),
    point_range=lambda p, r: _lt(p, r.s) or (_eq(p, r.s) and not r.si),
    range_point=lambda r, p: _lt(r.e, p) or (_eq(r.e, p) and not r.ei),
    ranges=lambda r1, r2: _lt(r1.e, r2.s) or ((not r1.ei or not r2.si) and _eq(r1.e, r2.s)),
)

_relation(
    "after",
    points=lambda p1, p2: _gt(p1, p2),
    point_range=lambda p, r: _gt(p, r.e) or (_eq(p, r.e) and not r.ei),
    range_point=lambda r, p: _gt(r.s, p) or (_eq(r.s, p) and not r.si),
    ranges=lambda r1, r2: _gt(r1.s, r2.e) or ((not r1.si or not r2.ei) and _eq(r1.s, r2.e)),
)

_relation(
    "meets",
    ranges=lambda r1, r2: r1.ei and r2.si and _eq(r1.e, r2.s),
)

_relation(
    "met by",
    ranges=lambda r1, r2: r1.si and r2.ei and _eq(r1.s, r2.e),
)

_relation(
    "overlaps",
    ranges=lambda r1, r2: (
        (_gt(r1.e, r2.s) or (_eq(r1.e, r2.s) and r1.ei and r2.si))
        and (_lt(r1.s, r2.e) or (_eq(r1.s, r2.e) and r1.si and r2.ei))),
)

_relation(
    "overlaps before",
    ranges=lambda r1, r2: (
        (_lt(r1.s, r2.s) or (_eq(r1.s, r2.s) and r1.si and not r2.si))
        and (_gt(r1.e, r2.s) or (_eq(r1.e, r2.s) and r1.ei and r2.si))
        and (_lt(r1.e, r2.e) or (_eq(r1.e, r2.e) and (not r1.ei or r2.ei)))),
)

_relation(
    "overlaps after",
    ranges=lambda r1, r2: (
        (_lt(r2.s, r1.s) or (_eq(r2.s, r1.s) and r2.si and not r1.si))
        and (_gt(r2.e, r1.s) or (_eq(r2.e, r1.s) and r2.ei and r1.si))
        and (_lt(r2.e, r1.e) or (_eq(r2.e, r1.e) and (not r2.ei or r1.ei)))),
)

_relation(
    "finishes",
    point_range=lambda p, r: r.ei and _eq(r.e, p),
    ranges=lambda r1, r2: (
        r1.ei == r2.ei and _eq(r1.e, r2.e)
        and (_gt(r1.s, r2.s) or (_eq(r1.s, r2.s) and (not r1.si or r2.si)))),
)

_relation(
    "finished by",
    range_point=lambda r, p: r.ei and _eq(r.e, p),
    ranges=lambda r1, r2: (
        r1.ei == r2.ei and _eq(r1.e, r2.e)
        and (_lt(r1.s, r2.s) or (_eq(r1.s, r2.s) and (r1.si or not r2.si)))),
)

_relation(
    "includes",
    range_point=lambda r, p: (
        (_lt(r.s, p) and _gt(r.e, p)) or (_eq(r.s, p) and r.si) or (_eq(r.e, p) and r.ei)),
    ranges=lambda r1, r2: (
        (_lt(r1.s, r2.s) or (_eq(r1.s, r2.s) and (r1.si or not r2.si)))
        and (_gt(r1.e, r2.e) or (_eq(r1.e, r2.e) and (r1.ei or not r2.ei)))),
)

_relation(
    "during",
    point_range=lambda p, r: (
        (_lt(r.s, p) and _gt(r.e, p)) or (_eq(r.s, p) and r.si) or (_eq(r.e, p) and r.ei)),
    ranges=lambda r1, r2: (
        (_lt(r2.s, r1.s) or (_eq(r2.s, r1.s) and (r2.si or not r1.si)))
        and (_gt(r2.e, r1.e) or (_eq(r2.e, r1.e) and (r2.ei or not r1.ei)))),
)

_relation(
    "starts",
    point_range=lambda p, r: _eq(r.s, p) and r.si,
    ranges=lambda r1, r2: (
        _eq(r1.s, r2.s) and r1.si == r2.si
        and (_lt(r1.e, r2.e) or (_eq(r1.e, r2.e) and (not r1.ei or r2.ei)))),
)

_relation(
    "started by",
    range_point=lambda r, p: _eq(r.s, p) and r.si,
    ranges=lambda r1, r2: (
        _eq(r1.s, r2.s) and r1.si == r2.si
        and (_gt(r1.e, r2.e) or (_eq(r1.e, r2.e) and (not r2.ei or r1.ei)))),
)

_relation(
    "coincides",
    points=lambda p1, p2: _eq(p1, p2),
    ranges=lambda r1, r2: (
        _eq(r1.s, r2.s) and r1.si == r2.si and _eq(r1.e, r2.e) and r1.ei == r2.ei),
)
