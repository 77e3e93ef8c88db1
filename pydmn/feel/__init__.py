"""FEEL, the expression language of DMN 1.5: parse once, evaluate many times. A public module.

    ce = compile_expression("a + b", names)      # raises FeelSyntaxError
    ce(Scope({"a": 1, "b": 2}))                  # -> Decimal("3"); never raises
    ut = compile_unary_tests("[1..5]", names)
    ut(scope, Decimal(3))                        # -> True
    evaluate("a + b", {"a": 1, "b": 2})          # -> Decimal("3")
    evaluate(text, variables, budget=Budget(steps=10_000, seconds=1))   # null + `limit` past it
    string(value)                                # FEEL's text of any value, as string() gives it

Its submodules are internal: the names in `__all__` are the FEEL API.
"""
from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, TypeAlias

from pydmn.errors import EvaluationFailed, FeelSyntaxError
from pydmn.feel import range_literal  # noqa: F401  (registers range(from))
from pydmn.feel.budget import DEFAULT, Budget, OverBudget, begin, end
from pydmn.feel.compiler import compile_node, compile_unary
from pydmn.feel.operators import to_feel
from pydmn.feel.operators import to_string as string
from pydmn.feel.parser import parse_expression, parse_unary_tests
from pydmn.feel.scope import Scope
from pydmn.feel.values import FEEL_CONTEXT, FeelValue, kind_of

__all__ = ["compile_expression", "compile_unary_tests", "Scope", "evaluate", "unary_test",
           "string", "kind_of", "FEEL_CONTEXT", "FeelSyntaxError", "Budget", "FeelValue",
           "Expression", "UnaryTests"]

Expression: TypeAlias = Callable[[Scope], FeelValue]
# True, False, or None (null: the test could not be applied)
UnaryTests: TypeAlias = Callable[[Scope, FeelValue], "bool | None"]


def _failure(exc: BaseException, text: str, what: str) -> tuple[str, str]:
    """The message an exception escaping an evaluation becomes (kind, text)."""
    if isinstance(exc, RecursionError):
        return "limit", f"{what} recursed too deeply in {text[:60]!r}"
    if isinstance(exc, (decimal.Overflow, decimal.DivisionByZero, decimal.InvalidOperation)):
        return "arithmetic", f"arithmetic failure ({type(exc).__name__}) in {text[:60]!r}"
    # anything else is a defect of the engine: reported as such, never expected
    return "internal", f"internal error ({type(exc).__name__}: {exc}) in {text[:60]!r}"


def _guard(fn: Expression, text: str) -> Expression:
    """The one place evaluation failures that escaped the closures become null + message."""
    def run(scope: Scope) -> FeelValue:
        try:
            return fn(scope)
        except (EvaluationFailed, MemoryError):   # strict mode's first error; the process's memory
            raise
        except OverBudget as exc:
            return exc.report(scope)
        except Exception as exc:  # noqa: BLE001 - a FEEL expression never raises
            kind, why = _failure(exc, text, "expression")
        return scope.report(kind, why)
    return run


def _guard_test(test: UnaryTests, text: str) -> UnaryTests:
    def run(scope: Scope, value: FeelValue) -> bool | None:
        try:
            return test(scope, value)
        except (EvaluationFailed, MemoryError):
            raise
        except OverBudget as exc:
            return exc.report(scope)
        except Exception as exc:  # noqa: BLE001 - a unary test never raises
            kind, why = _failure(exc, text, "unary test")
        return scope.report(kind, why)
    return run


def _with_text(exc: FeelSyntaxError, text: str) -> FeelSyntaxError:
    if exc.text:
        return exc
    return FeelSyntaxError(str(exc), text, exc.position)


@lru_cache(maxsize=8192)
def _compile_expression(text: str, names: frozenset[str]) -> Expression:
    try:
        return _guard(compile_node(parse_expression(text, names)), text)
    except FeelSyntaxError as exc:
        raise _with_text(exc, text) from None


@lru_cache(maxsize=8192)
def _compile_unary(text: str, names: frozenset[str]) -> UnaryTests:
    try:
        return _guard_test(compile_unary(parse_unary_tests(text, names)), text)
    except FeelSyntaxError as exc:
        raise _with_text(exc, text) from None


def compile_expression(text: str, names: Iterable[str] = frozenset()) -> Expression:
    """Compile FEEL `text` into `fn(scope) -> value`. `names`: multi-word names in scope."""
    return _compile_expression(text, frozenset(names) if names else frozenset())


def compile_unary_tests(text: str, names: Iterable[str] = frozenset()) -> UnaryTests:
    """Compile unary tests into `fn(scope, input) -> True | False | None`."""
    return _compile_unary(text, frozenset(names) if names else frozenset())


def _multi_word(variables: Mapping[str, Any] | None) -> frozenset[str]:
    return frozenset(k for k in variables or () if not k.isidentifier())


def evaluate(text: str, variables: Mapping[str, Any] | None = None,
             budget: Budget = DEFAULT) -> FeelValue:
    """Evaluate one expression with Python `variables` (converted to FEEL values), under
    `budget` (past it: null and a `limit` message)."""
    scope = Scope(dict(variables or {}))
    compiled = compile_expression(text, _multi_word(variables))
    meter = begin(budget)
    try:
        return compiled(scope)
    finally:
        end(meter)


def unary_test(text: str, value: Any, variables: Mapping[str, Any] | None = None,
               budget: Budget = DEFAULT) -> bool | None:
    """Whether `value` satisfies the unary tests `text` (None past `budget`)."""
    scope = Scope(dict(variables or {}))
    compiled = compile_unary_tests(text, _multi_word(variables))
    meter = begin(budget)
    try:
        return compiled(scope, to_feel(value))
    finally:
        end(meter)
