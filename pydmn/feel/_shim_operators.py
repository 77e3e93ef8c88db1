"""TEMP: stand-in for pydmn.feel.operators until the operators engineer's module lands.
The lead removes this file; compiler.py only falls back to it when operators.py is missing."""
from decimal import Decimal
import datetime as dt
from pydmn.feel.values import FEEL_CONTEXT, FeelFunction, Range, YearsMonths


def to_feel(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    if isinstance(v, (list, tuple)):
        return [to_feel(x) for x in v]
    if isinstance(v, dict):
        return {k: to_feel(x) for k, x in v.items()}
    return v


def _num(a, b):
    return isinstance(a, Decimal) and isinstance(b, Decimal)


def add(a, b):
    if _num(a, b):
        return FEEL_CONTEXT.add(a, b)
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    return None


def sub(a, b):
    return FEEL_CONTEXT.subtract(a, b) if _num(a, b) else None


def mul(a, b):
    return FEEL_CONTEXT.multiply(a, b) if _num(a, b) else None


def div(a, b):
    if _num(a, b) and b:
        return FEEL_CONTEXT.divide(a, b)
    return None


def pow(a, b):
    return FEEL_CONTEXT.power(a, b) if _num(a, b) else None


def neg(a):
    return -a if isinstance(a, Decimal) else None


def kind_of(v):
    return {type(None): "Null", Decimal: "number", str: "string", bool: "boolean",
            list: "list", dict: "context"}.get(type(v), type(v).__name__)


def eq(a, b):
    if a is None or b is None:
        return a is None and b is None
    if kind_of(a) != kind_of(b):
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            r = eq(x, y)
            if r is not True:
                return r
        return True
    return a == b


def compare(a, b):
    if a is None or b is None or kind_of(a) != kind_of(b) or isinstance(a, (bool, list, dict)):
        return None
    return (a > b) - (a < b)


def lt(a, b):
    c = compare(a, b)
    return None if c is None else c < 0


def le(a, b):
    c = compare(a, b)
    return None if c is None else c <= 0


def gt(a, b):
    c = compare(a, b)
    return None if c is None else c > 0


def ge(a, b):
    c = compare(a, b)
    return None if c is None else c >= 0
