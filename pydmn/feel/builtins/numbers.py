"""Numeric built-ins (DMN 1.5 10.3.4.4, with the 1.5 rounding family).

All arithmetic runs in FEEL_CONTEXT (Decimal128: 34 digits, round half even), so sqrt, log and exp
come out at 34 significant digits. Rounding to a scale uses its own exact context: quantizing may
need more than 34 digits of working precision even when the result fits.
"""
from __future__ import annotations

import datetime as dt
import decimal
import secrets
from decimal import Decimal

from pydmn.feel.builtins.registry import Invalid, builtin
from pydmn.feel.values import FEEL_CONTEXT, YearsMonths, kind_of

# Decimal128's exponent range bounds the scale (DMN 1.5 10.3.4.4).
MIN_SCALE, MAX_SCALE = -6111, 6176
_ZERO = Decimal(0)


# --- argument checks -------------------------------------------------------------------------

def _number(value, what: str = "n") -> Decimal:
    # only Decimal: a Python bool (an int) or a stray int/float is not a FEEL number
    if not isinstance(value, Decimal) or not value.is_finite():
        raise Invalid(f"{what} must be a number, not {kind_of(value)}")
    return value


def _is_integer(n: Decimal) -> bool:
    return n == n.to_integral_value()


def _integer(value, what: str) -> int:
    n = _number(value, what)
    if not _is_integer(n):
        raise Invalid(f"{what} must be an integer, not {n}")
    return int(n)


def _scale(value) -> int:
    scale = _integer(value, "scale")
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise Invalid(f"scale {scale} is outside {MIN_SCALE}..{MAX_SCALE}")
    return scale


def _round(n: Decimal, scale: int, rounding: str) -> Decimal:
    """n rounded to `scale` digits after the point (a negative scale rounds left of it)."""
    exponent = n.as_tuple().exponent      # an int: FEEL numbers are finite
    if isinstance(exponent, int) and -exponent <= scale:
        return n   # already no finer than the scale: nothing to round
    digits = max(FEEL_CONTEXT.prec, n.adjusted() + scale + 2)
    rounded = n.quantize(Decimal(1).scaleb(-scale),
                         context=decimal.Context(prec=digits, rounding=rounding,
                                                 Emax=FEEL_CONTEXT.Emax, Emin=FEEL_CONTEXT.Emin))
    return FEEL_CONTEXT.plus(rounded) if rounded else abs(rounded)   # no -0 in FEEL


# --- rounding --------------------------------------------------------------------------------

@builtin("decimal", "n", "scale")
def decimal_(n, scale):
    # the TCK expects decimal(1/3, 2.5) = 0.33: a fractional scale is truncated here
    whole = _number(scale, "scale").to_integral_value(rounding=decimal.ROUND_DOWN)
    return _round(_number(n), _scale(whole), decimal.ROUND_HALF_EVEN)


@builtin("floor", "n", "scale")
def floor(n, scale=_ZERO):
    return _round(_number(n), _scale(scale), decimal.ROUND_FLOOR)


@builtin("ceiling", "n", "scale")
def ceiling(n, scale=_ZERO):
    return _round(_number(n), _scale(scale), decimal.ROUND_CEILING)


@builtin("round up", "n", "scale")
def round_up(n, scale):
    return _round(_number(n), _scale(scale), decimal.ROUND_UP)


@builtin("round down", "n", "scale")
def round_down(n, scale):
    return _round(_number(n), _scale(scale), decimal.ROUND_DOWN)


@builtin("round half up", "n", "scale")
def round_half_up(n, scale):
    return _round(_number(n), _scale(scale), decimal.ROUND_HALF_UP)


@builtin("round half down", "n", "scale")
def round_half_down(n, scale):
    return _round(_number(n), _scale(scale), decimal.ROUND_HALF_DOWN)


# --- arithmetic ------------------------------------------------------------------------------

@builtin("abs", "n")
def abs_(n):
    if isinstance(n, dt.timedelta):
        return abs(n)
    if isinstance(n, YearsMonths):
        return YearsMonths(abs(n.months))
    return FEEL_CONTEXT.abs(_number(n))


@builtin("modulo", "dividend", "divisor")
def modulo(dividend, divisor):
    a, b = _number(dividend, "dividend"), _number(divisor, "divisor")
    if not b:
        raise Invalid("divisor is zero")
    # spec: dividend - divisor * floor(dividend / divisor), i.e. the sign follows the divisor;
    # Decimal's remainder is exact but follows the dividend, so shift it over when they differ
    rest = FEEL_CONTEXT.remainder(a, b)
    if rest and (rest < 0) != (b < 0):
        rest = FEEL_CONTEXT.add(rest, b)
    return rest if rest else _ZERO


@builtin("sqrt", "number")
def sqrt(number):
    n = _number(number, "number")
    if n < 0:
        raise Invalid(f"sqrt of the negative number {n}")
    return FEEL_CONTEXT.sqrt(n)


@builtin("log", "number")
def log(number):
    n = _number(number, "number")
    if n <= 0:
        raise Invalid(f"log of the non-positive number {n}")
    return FEEL_CONTEXT.ln(n)


@builtin("exp", "number")
def exp(number):
    return FEEL_CONTEXT.exp(_number(number, "number"))


@builtin("odd", "number")
def odd(number):
    return _integer(number, "number") % 2 == 1


@builtin("even", "number")
def even(number):
    return _integer(number, "number") % 2 == 0


@builtin("random number")
def random_number():
    # 34 random digits in [0, 1): a full-precision FEEL number, from the OS's generator
    return Decimal(secrets.randbelow(10 ** FEEL_CONTEXT.prec)).scaleb(-FEEL_CONTEXT.prec)
