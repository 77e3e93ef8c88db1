"""FEEL, the expression language of DMN 1.5: parse once, evaluate many times.

    ce = compile_expression("a + b", names)      # raises FeelSyntaxError
    ce(Scope({"a": 1, "b": 2}))                  # -> Decimal("3"); never raises
    ut = compile_unary_tests("[1..5]", names)
    ut(scope, Decimal(3))                        # -> True
"""
from __future__ import annotations

import decimal
from functools import lru_cache

from pydmn.errors import FeelSyntaxError, Message
from pydmn.feel.scope import Scope

__all__ = ["compile_expression", "compile_unary_tests", "Scope", "evaluate", "unary_test",
           "FeelSyntaxError"]


def _guard(fn, text: str):
    """The one place evaluation failures that escaped the closures become null + message."""
    def run(scope):
        try:
            return fn(scope)
        except RecursionError:
            kind, why = "limit", "expression recursed too deeply"
        except (decimal.Overflow, decimal.DivisionByZero, decimal.InvalidOperation) as exc:
            kind, why = "arithmetic", f"arithmetic failure ({type(exc).__name__})"
        except Exception as exc:   # a fault in an operator or built-in must not stop a model
            kind, why = "evaluation", f"evaluation failed ({type(exc).__name__}: {exc})"
        scope.messages.append(Message("error", kind, f"{why} in {text[:60]!r}"))
        return None
    return run


def _with_text(exc: FeelSyntaxError, text: str) -> FeelSyntaxError:
    if exc.text:
        return exc
    return FeelSyntaxError(str(exc), text, exc.position)


@lru_cache(maxsize=8192)
def _compile_expression(text: str, names: frozenset):
    from pydmn.feel.compiler import compile_node
    from pydmn.feel.parser import parse_expression
    try:
        return _guard(compile_node(parse_expression(text, names)), text)
    except FeelSyntaxError as exc:
        raise _with_text(exc, text) from None


@lru_cache(maxsize=8192)
def _compile_unary(text: str, names: frozenset):
    from pydmn.feel.unary import compile_unary
    from pydmn.feel.parser import parse_unary_tests
    try:
        test = compile_unary(parse_unary_tests(text, names))
    except FeelSyntaxError as exc:
        raise _with_text(exc, text) from None

    def run(scope, value):
        try:
            return test(scope, value)
        except RecursionError:
            kind, why = "limit", "unary test recursed too deeply"
        except Exception as exc:
            kind, why = "evaluation", f"unary test failed ({type(exc).__name__}: {exc})"
        scope.messages.append(Message("error", kind, f"{why} in {text[:60]!r}"))
        return None
    return run


def compile_expression(text: str, names=frozenset()):
    """Compile FEEL `text` into `fn(scope) -> value`. `names`: multi-word names in scope."""
    return _compile_expression(text, frozenset(names) if names else frozenset())


def compile_unary_tests(text: str, names=frozenset()):
    """Compile unary tests into `fn(scope, input) -> True | False | None`."""
    return _compile_unary(text, frozenset(names) if names else frozenset())


def _multi_word(variables) -> frozenset:
    return frozenset(k for k in variables or () if not k.isidentifier())


def evaluate(text: str, variables=None):
    """Evaluate one expression with Python `variables` (converted to FEEL values)."""
    scope = Scope(dict(variables or {}))
    return compile_expression(text, _multi_word(variables))(scope)


def unary_test(text: str, value, variables=None):
    """Whether `value` satisfies the unary tests `text`."""
    from pydmn.feel.operators import to_feel
    scope = Scope(dict(variables or {}))
    return compile_unary_tests(text, _multi_word(variables))(scope, to_feel(value))
