"""AST -> Python closures, compiled once; evaluation does no parsing.

Expressions compile to `fn(scope) -> value`, unary tests (DMN 1.5 10.3.2.9.4, rules 7-15: decision
table input entries, allowed values, the right side of `in`) to `fn(scope, input) -> bool | None`.
Every closure follows FEEL's error rule: an undefined operation yields None and reports a message
on the scope; nothing raises. Arithmetic, comparison and equality come from operators.py, what a
test means for a value from unary.py, functions from builtins/.
"""
from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal
from typing import Any, Callable

from pydmn.errors import FeelSyntaxError
from pydmn.feel import ast
from pydmn.feel import operators as ops
from pydmn.feel.budget import FREE_ITEMS, charge
from pydmn.feel.builtins import BUILTINS
from pydmn.feel.builtins.temporal_parse import parse_temporal
from pydmn.feel.external import compile_external
from pydmn.feel.properties import get_property
from pydmn.feel.scope import Scope
from pydmn.feel.typecheck import conform, instance_check
from pydmn.feel.unary import in_range, matches
from pydmn.feel.values import FeelFunction, FeelValue, Range

Compiled = Callable[[Scope], FeelValue]

MAX_CALL_DEPTH = 200         # nested calls of FEEL-defined functions (a simple body takes ~4 Python frames)
MAX_RANGE = 1_000_000        # elements a `for i in a..b` may produce


def _const(value):
    return lambda scope: value


# --- expressions ------------------------------------------------------------------------------

def compile_node(node: ast.Node | None) -> Compiled:    # None (a missing bound): a syntax error
    method = _COMPILERS.get(type(node))
    if method is None:
        raise FeelSyntaxError(f"{type(node).__name__} is not an expression here")
    return method(node)


def _literal(node: ast.Literal):
    return _const(node.value)


def _temporal(node: ast.TemporalLiteral):
    # Parsed once here; text that is no date, time or duration is null at run time (with a
    # message), like the equivalent `date("...")` call, rather than a model that cannot load.
    text = node.text
    value = parse_temporal(text)
    if value is None:
        return lambda scope: scope.report("invalid-argument",
                                          f"@{text!r} is not a date, time or duration")
    return _const(value)


def _name(node: ast.Name):
    name = node.name
    if "." in name:
        # A known name with a dot (`Model.Decision` of an import) may also be a path.
        head, *rest = [p.strip() for p in name.split(".")]
        missing = object()

        def dotted(scope):
            value = scope.find(name, missing)
            if value is not missing:
                return value
            value = scope.lookup(head)
            for part in rest:
                value = get_property(value, part, scope)
            return value
        return dotted
    return lambda scope: scope.lookup(name)


def _list(node: ast.ListExpr):
    items = [compile_node(i) for i in node.items]
    if all(isinstance(i, ast.Literal) for i in node.items):
        values = [i.value for i in node.items]
        return lambda scope: list(values)
    return lambda scope: [fn(scope) for fn in items]


def _context(node: ast.ContextExpr):
    keys = [k for k, _ in node.entries]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise FeelSyntaxError(f"context key {dup!r} appears twice")
    entries = [(k, compile_node(v)) for k, v in node.entries]

    def run(scope):
        out: dict[str, FeelValue] = {}
        # Later entries see earlier ones; a function entry sees its own context (recursion).
        local = scope.child(out)
        for key, fn in entries:
            out[key] = fn(local)
        return out
    return run


def _range(node: ast.RangeExpr):
    # A bound that evaluates to null makes the range null (TCK 0072, 0068): only the unary
    # forms `< x`, `>= x` give open-ended ranges.
    start, end = compile_node(node.start), compile_node(node.end)
    si, ei = node.start_included, node.end_included

    def run(scope):
        a, b = start(scope), end(scope)
        if a is None or b is None:
            return scope.report("invalid-type", "a range bound is null")
        if a is not None and b is not None and ops.compare(a, b) is None:
            return scope.report("not-comparable", f"range bounds {ops.kind_of(a)} and "
                                                  f"{ops.kind_of(b)} differ in kind")
        return Range(a, b, si, ei)
    return run


_ARITH = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}


def _arith(node: ast.Arithmetic):
    fn = getattr(ops, _ARITH[node.op])
    left, right = compile_node(node.left), compile_node(node.right)
    op = node.op

    def run(scope):
        a = left(scope)
        b = right(scope)
        result = fn(a, b)
        if result is None and a is not None and b is not None:
            if op == "/" and isinstance(b, Decimal) and not b:
                return scope.report("arithmetic", "division by zero")
            return scope.report("invalid-type",
                                f"{ops.kind_of(a)} {op} {ops.kind_of(b)} is not defined")
        return result
    return run


def _negation(node: ast.Negation):
    operand = compile_node(node.operand)

    def run(scope):
        v = operand(scope)
        result = ops.neg(v)
        if result is None and v is not None:
            return scope.report("invalid-type", f"cannot negate a {ops.kind_of(v)}")
        return result
    return run


def _comparison(node: ast.Comparison):
    left, right = compile_node(node.left), compile_node(node.right)
    op = node.op
    if op in ("=", "!="):
        eq = ops.eq
        negate = op == "!="

        def run(scope):
            a = left(scope)
            b = right(scope)
            r = eq(a, b)
            if r is None:
                return scope.report("not-comparable",
                                    f"{ops.kind_of(a)} {op} {ops.kind_of(b)} is not defined")
            return (not r) if negate else r
        return run
    fn = _ORDER[op]

    def run_order(scope):
        a = left(scope)
        b = right(scope)
        r = fn(a, b)
        if r is None and a is not None and b is not None:
            return scope.report("not-comparable",
                                f"{ops.kind_of(a)} {op} {ops.kind_of(b)} is not defined")
        return r
    return run_order


_ORDER = {"<": ops.lt, "<=": ops.le, ">": ops.gt, ">=": ops.ge}


def _and(node: ast.And):
    left, right = compile_node(node.left), compile_node(node.right)

    def run(scope):
        a = left(scope)
        if a is False:
            return False
        b = right(scope)
        if b is False:
            return False
        return True if a is True and b is True else None
    return run


def _or(node: ast.Or):
    left, right = compile_node(node.left), compile_node(node.right)

    def run(scope):
        a = left(scope)
        if a is True:
            return True
        b = right(scope)
        if b is True:
            return True
        return False if a is False and b is False else None
    return run


def _between(node: ast.Between):
    value, low, high = compile_node(node.value), compile_node(node.low), compile_node(node.high)

    def run(scope):
        v, lo, hi = value(scope), low(scope), high(scope)
        a, b = ops.ge(v, lo), ops.le(v, hi)
        if a is False or b is False:
            return False
        if a is True and b is True:
            return True
        return scope.report("not-comparable", "between on values that do not compare")
    return run


def _in(node: ast.In):
    value = compile_node(node.value)
    test = disjunction([compile_test(t) for t in node.tests])
    return lambda scope: test(scope, value(scope))


def _instance_of(node: ast.InstanceOf):
    value = compile_node(node.value)
    type_ = node.type
    return lambda scope: instance_check(value(scope), type_, scope)


def _if(node: ast.If):
    cond, then, other = compile_node(node.cond), compile_node(node.then), compile_node(node.other)
    return lambda scope: then(scope) if cond(scope) is True else other(scope)


def _iteration_source(source, end):
    """The values one iteration context walks over: a list, `a..b`, or a numeric range; each
    value charged to the evaluation's budget before the walk."""
    def run(scope):
        v = source(scope)
        if end is not None:
            return _sequence(v, end(scope), scope)
        if isinstance(v, Range):
            # TCK 0084: a range value is not an iteration domain (only `a..b` is).
            return scope.report("invalid-type", "cannot iterate over a range; use a..b")
        if v is None:
            return scope.report("invalid-type", "cannot iterate over null")
        if isinstance(v, list):
            charge(len(v))
            return v
        return [v]
    return run


def _sequence(a, b, scope):
    """`a..b` in a for loop: integers, or dates a day apart; descending when b < a."""
    if type(a) is dt.date and type(b) is dt.date:
        days = (b - a).days
        if abs(days) > MAX_RANGE:
            return scope.report("limit", f"iteration range longer than {MAX_RANGE}")
        charge(abs(days) + 1)
        step = 1 if days >= 0 else -1
        return [a + dt.timedelta(days=i) for i in range(0, days + step, step)]
    if not (isinstance(a, Decimal) and isinstance(b, Decimal)) \
            or a != a.to_integral_value() or b != b.to_integral_value():
        return scope.report("invalid-type", "a..b in a for loop needs integers or dates")
    a, b = int(a), int(b)
    if abs(b - a) > MAX_RANGE:
        return scope.report("limit", f"iteration range longer than {MAX_RANGE}")
    charge(abs(b - a) + 1)
    step = 1 if b >= a else -1
    return [Decimal(i) for i in range(a, b + step, step)]


def _for(node: ast.For):
    contexts = [(name, _iteration_source(compile_node(src),
                                        compile_node(end) if end is not None else None))
                for name, src, end in node.contexts]
    body = compile_node(node.body)
    # `partial` (results so far) is bound only when the body names it: it costs a copy.
    uses_partial = ast.mentions(node.body, "partial")

    def run(scope):
        results: list[FeelValue] = []

        def loop(i, frame):
            if i == len(contexts):
                if uses_partial:
                    charge(len(results))
                    frame = frame.child({"partial": list(results)})
                results.append(body(frame))
                return True
            name, source = contexts[i]
            values = source(frame)
            if values is None:
                return False
            for v in values:
                if not loop(i + 1, frame.child({name: v})):
                    return False
            return True
        return results if loop(0, scope) else None
    return run


def _quantified(node: ast.Quantified):
    contexts = [(name, _iteration_source(compile_node(src), None)) for name, src in node.contexts]
    cond = compile_node(node.cond)
    want_some = node.kind == "some"

    def run(scope):
        def loop(i, frame):
            # Returns True when the quantifier is decided (some: found; every: a failure).
            if i == len(contexts):
                return (cond(frame) is True) == want_some
            name, source = contexts[i]
            values = source(frame)
            if values is None:
                return None
            for v in values:
                decided = loop(i + 1, frame.child({name: v}))
                if decided is None or decided:
                    return decided
            return False
        decided = loop(0, scope)
        if decided is None:
            return None
        return decided if want_some else not decided
    return run


def _path(node: ast.Path):
    source = compile_node(node.source)
    name = node.name
    return lambda scope: get_property(source(scope), name, scope)


def _filter(node: ast.Filter):
    source, cond = compile_node(node.source), compile_node(node.cond)
    if isinstance(node.cond, ast.Literal) and isinstance(node.cond.value, Decimal):
        index = node.cond.value
        return lambda scope: _index(source(scope), index, scope)

    def run(scope):
        items = source(scope)
        if items is None:
            return None
        if not isinstance(items, list):
            items = [items]
        if not items:
            probe = cond(Scope({}, parent=scope, messages=[]))
            return None if isinstance(probe, Decimal) else []
        charge(len(items))
        out = []
        for n, item in enumerate(items):
            if isinstance(item, dict):
                # A context's own entries win over the implicit `item` (TCK 0069 decision026).
                if len(item) > FREE_ITEMS:
                    charge(len(item))
                frame = {"item": item, **item}
            else:
                frame = {"item": item}
            r = cond(scope.child(frame))
            if n == 0 and isinstance(r, Decimal) and not isinstance(r, bool):
                return _index(items, r, scope)
            if r is True:
                out.append(item)
        return out
    return run


def _index(items, index, scope):
    if items is None:
        return None
    if not isinstance(items, list):
        items = [items]
    if index != index.to_integral_value():
        return scope.report("invalid-argument", f"list index {index} is not an integer")
    i = int(index)
    if 0 < i <= len(items):
        return items[i - 1]
    if 0 < -i <= len(items):
        return items[i]
    return None


def _invocation(node: ast.Invocation):
    if node.callee == ast.Name("not") and len(node.args) == 1 and node.named is None:
        return _not(compile_node(node.args[0]))
    callee = compile_node(node.callee)
    label = node.callee.name if isinstance(node.callee, ast.Name) else "expression"
    if node.named is not None:
        named = [(k, compile_node(v)) for k, v in node.named]

        def run_named(scope):
            fn = callee(scope)
            if not isinstance(fn, FeelFunction):
                return scope.report("no-function", f"{label!r} is not a function")
            return fn.invoke(None, {k: v(scope) for k, v in named}, scope)
        return run_named
    args = [compile_node(a) for a in node.args]

    def run(scope):
        fn = callee(scope)
        if not isinstance(fn, FeelFunction):
            return scope.report("no-function", f"{label!r} is not a function")
        return fn.invoke([a(scope) for a in args], None, scope)
    return run


def _not(operand):
    # `not(x)`: three-valued negation, compiled inline as decision tables use it a lot; other
    # kinds are the built-in's business (its message, its singleton-list conversion).
    negation = BUILTINS["not"]

    def run(scope):
        v = operand(scope)
        if type(v) is bool:
            return not v
        return None if v is None else negation.invoke([v], None, scope)
    return run


class UserFunction(FeelFunction):
    """A function defined in FEEL text: closes over the scope where it was defined."""

    def __init__(self, params, types, body, closure, name="anonymous function"):
        self.params = params
        self.types = types
        self.body = body
        self.closure = closure
        self.name = name
        self.depth = 0

    def invoke(self, args, named, scope):
        if named is not None:
            unknown = [k for k in named if k not in self.params]
            if unknown:
                return scope.report("invalid-argument", f"no parameter named {unknown[0]!r}")
            args = [named.get(p) for p in self.params]
        elif len(args) != len(self.params):
            return scope.report("invalid-argument",
                                f"function takes {len(self.params)} arguments, got {len(args)}")
        if any(self.types):
            converted = [conform(v, t, scope) if t is not None else v
                         for v, t in zip(args, self.types)]
            for value, given, param in zip(converted, args, self.params):
                if value is None and given is not None:
                    return scope.report("type-mismatch",
                                        f"argument {param!r} does not conform to its type")
            args = converted
        if self.depth >= MAX_CALL_DEPTH:
            return scope.report("limit", f"calls nested deeper than {MAX_CALL_DEPTH}")
        charge(1)
        local = Scope.__new__(Scope)
        local.variables = dict(zip(self.params, args))
        local.parent = self.closure
        local.messages = scope.messages
        self.depth += 1
        try:
            return self.body(local)
        finally:
            self.depth -= 1


def _function_def(node: ast.FunctionDef):
    params = [p for p, _ in node.params]
    types = [t for _, t in node.params]
    if node.external:
        return compile_external(params, compile_node(node.body))
    body = compile_node(node.body)
    return lambda scope: UserFunction(params, types, body, scope)


def _unary_comparison_expr(node: ast.UnaryComparison):
    # `< 5` read as a value: the DMN 1.5 unary range.
    operand = compile_node(node.operand)
    op = node.op

    def run(scope):
        v = operand(scope)
        if op == "<":
            return Range(None, v, False, False)
        if op == "<=":
            return Range(None, v, False, True)
        if op == ">":
            return Range(v, None, False, False)
        if op == ">=":
            return Range(v, None, True, False)
        return Range(v, v, op == "=", op == "=", op)
    return run


_COMPILERS: dict[type, Callable[[Any], Compiled]] = {
    ast.Literal: _literal, ast.TemporalLiteral: _temporal, ast.Name: _name,
    ast.ListExpr: _list, ast.ContextExpr: _context, ast.RangeExpr: _range,
    ast.Arithmetic: _arith, ast.Negation: _negation, ast.Comparison: _comparison,
    ast.And: _and, ast.Or: _or, ast.Between: _between, ast.In: _in,
    ast.InstanceOf: _instance_of, ast.If: _if, ast.For: _for, ast.Quantified: _quantified,
    ast.Path: _path, ast.Filter: _filter, ast.Invocation: _invocation,
    ast.FunctionDef: _function_def, ast.UnaryComparison: _unary_comparison_expr,
}


# --- unary tests ------------------------------------------------------------------------------

# Tests against literals of the common kinds (numbers, strings) get fast paths: decision tables
# run them for every rule on every evaluation.
_FAST = (Decimal, str)
_FAST_EQ = (Decimal, str, bool)
_PY_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


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
        fn = _ORDER[op]
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
        if (isinstance(node.start, ast.Literal) and node.start.value is not None
                and isinstance(node.end, ast.Literal) and node.end.value is not None):
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
    if ast.mentions(node, "?"):  # then a boolean result is the test's answer
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


def compile_unary(node: ast.UnaryTests | ast.AnyInput) -> Callable[[Scope, FeelValue], bool | None]:
    """Unary tests (`-`, a disjunction of positive tests, `not(...)`) -> fn(scope, input)."""
    if isinstance(node, ast.AnyInput):
        return lambda scope, value: True
    test = disjunction([compile_test(t) for t in node.tests])
    if not node.negated:
        return test

    def negated(scope, value):
        r = test(scope, value)
        return None if r is None else not r
    return negated
