"""`function(...) external {java: {...}}` (DMN 1.5 10.3.2.13.3) for the java.lang methods that
have an exact Python counterpart. Anything else (other classes, PMML) evaluates to null with
a message: the engine runs no foreign code."""
from __future__ import annotations

import math
import re
from typing import Callable
from decimal import Decimal, InvalidOperation

from pydmn.feel.values import FeelFunction


def _num(v):
    return float(v) if isinstance(v, Decimal) else None


def _dec(x):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _parse_number(text, integral):
    if not isinstance(text, str):
        return None
    try:
        return Decimal(int(text)) if integral else Decimal(text.strip())
    except (ValueError, InvalidOperation):
        return None


def _char(v):
    return v if isinstance(v, str) and len(v) == 1 else None


def _format(fmt, *args):
    if not isinstance(fmt, str):
        return None
    try:
        return re.sub(r"%[sdf]", "{}", fmt).format(*args)
    except (IndexError, ValueError):
        return None


_MATH1: dict[str, Callable[[float], float]] = {"cos": math.cos, "sin": math.sin, "tan": math.tan, "sqrt": math.sqrt,
          "exp": math.exp, "log": math.log, "abs": abs, "floor": math.floor, "ceil": math.ceil}

_NUMERIC = ("double", "int", "long", "float", "short", "byte")


def _lookup(cls: str | None, signature: str | None):
    m = re.fullmatch(r"\s*(\w+)\s*\((.*)\)\s*", signature or "")
    if not m:
        return None
    method, params = m.group(1), [p.strip() for p in m.group(2).split(",") if p.strip()]
    if cls == "java.lang.Math":
        if method in ("max", "min") and len(params) == 2 and all(p in _NUMERIC for p in params):
            pick = max if method == "max" else min
            return lambda a, b: pick(a, b) if isinstance(a, Decimal) and isinstance(b, Decimal) \
                else None
        if method in _MATH1 and len(params) == 1 and params[0] in _NUMERIC:
            fn = _MATH1[method]
            return lambda a: _dec(fn(_num(a))) if isinstance(a, Decimal) else None
        return None
    if method == "valueOf" and len(params) == 1:
        if cls == "java.lang.String" and params[0] == "char":
            return _char
        if cls in ("java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte"):
            if params[0] == "java.lang.String":
                return lambda s: _parse_number(s, True)
            return lambda n: n if isinstance(n, Decimal) and n == int(n) else None
        if cls in ("java.lang.Double", "java.lang.Float"):
            if params[0] == "java.lang.String":
                return lambda s: _parse_number(s, False)
            return lambda n: n if isinstance(n, Decimal) else None
    if cls == "java.lang.String" and method == "format":
        return _format
    return None


class ExternalFunction(FeelFunction):
    def __init__(self, params, target):
        self.params = params
        self.name = "external function"
        self.target = target

    def invoke(self, args, named, scope):
        if named is not None:
            args = [named.get(p) for p in self.params]
        if len(args) != len(self.params):
            return scope.report("invalid-argument",
                                f"external function takes {len(self.params)} arguments")
        if self.target is None:
            return scope.report("unsupported", "external function is not available in this engine")
        return self.target(*args)


def compile_external(params, body):
    """The closure for an external function definition whose mapping context is `body`."""
    def run(scope):
        spec = body(scope)
        java = spec.get("java") if isinstance(spec, dict) else None
        target = None
        if isinstance(java, dict):
            target = _lookup(java.get("class"), java.get("method signature"))
        return ExternalFunction(params, target)
    return run
