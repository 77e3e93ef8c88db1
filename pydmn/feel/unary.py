"""Unary tests (DMN 1.5 10.3.2.9.4, rules 7-15) compiled to `fn(scope, input) -> bool | None`.

Also the semantics of `x in ...`. Tests against literals of the common kinds (numbers, strings)
get fast paths: decision tables run them for every rule on every evaluation.
"""
from __future__ import annotations

import operator
from decimal import Decimal

from pydmn.feel import ast
from pydmn.feel.compiler import _ORDER, _mentions, _range, compile_node, ops
from pydmn.feel.values import Range

_FAST = (Decimal, str)
_FAST_EQ = (Decimal, str, bool)
_PY_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


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
        for t in target:
            r = in_range(value, t) if isinstance(t, Range) else ops.eq(value, t)
            if r is True:
                return True
        return False
    return ops.eq(value, target)


def _uses_input(node) -> bool:
    """Whether `?` occurs in the node (then a boolean result is the test's answer)."""
    return _mentions(node, "?")


def compile_test(node: ast.Node):
    """One positive unary test."""
    if isinstance(node, ast.UnaryComparison):
        op = node.op
        if op in ("=", "!="):
            negate = op == "!="
            operand = compile_node(node.operand)

            def eq_test(scope, value):
                r = ops.eq(value, operand(scope))
                return r if r is None or not negate else not r
            return eq_test
        fn = _ORDER[op]()
        if isinstance(node.operand, ast.Literal):
            const = node.operand.value
            if type(const) in _FAST:
                # Decision tables compare numbers and strings with literals most of the time.
                py, kind = _PY_ORDER[op], type(const)
                return lambda scope, value: (py(value, const) if type(value) is kind
                                             else fn(value, const))
            return lambda scope, value: fn(value, const)
        operand = compile_node(node.operand)
        return lambda scope, value: fn(value, operand(scope))
    if isinstance(node, ast.RangeExpr):
        make = _range(node)
        if all(isinstance(b, ast.Literal) and b.value is not None
               for b in (node.start, node.end)):
            fixed = Range(node.start.value, node.end.value, node.start_included,
                          node.end_included)
            lo, hi = fixed.start, fixed.end
            if type(lo) in _FAST and type(hi) is type(lo):
                kind = type(lo)
                lo_op = _PY_ORDER["<=" if fixed.start_included else "<"]
                hi_op = _PY_ORDER["<=" if fixed.end_included else "<"]
                return lambda scope, value: (lo_op(lo, value) and hi_op(value, hi)
                                             if type(value) is kind else in_range(value, fixed))
            return lambda scope, value: in_range(value, fixed)

        def range_test(scope, value):
            r = make(scope)
            return None if r is None else in_range(value, r)
        return range_test
    if isinstance(node, ast.Literal):
        const = node.value
        eq = ops.eq
        if type(const) in _FAST_EQ:
            kind = type(const)
            return lambda scope, value: value == const if type(value) is kind else eq(value, const)
        return lambda scope, value: eq(value, const)
    expr = compile_node(node)
    if _uses_input(node):
        def input_test(scope, value):
            result = expr(scope.child({"?": value}))
            if isinstance(result, bool) or result is None:
                # null from `? > 5` on a null input is unknown, not "equals the input"
                return result
            return matches(value, result)
        return input_test
    return lambda scope, value: matches(value, expr(scope))


def disjunction(tests):
    if len(tests) == 1:
        return tests[0]

    def run(scope, value):
        unknown = False
        for t in tests:
            r = t(scope, value)
            if r is True:
                return True
            if r is not False:
                unknown = True
        return None if unknown else False
    return run


def compile_unary(node: ast.Node):
    if isinstance(node, ast.AnyInput):
        return lambda scope, value: True
    test = disjunction([compile_test(t) for t in node.tests])
    if not node.negated:
        return test

    def negated(scope, value):
        r = test(scope, value)
        return None if r is None else not r
    return negated
