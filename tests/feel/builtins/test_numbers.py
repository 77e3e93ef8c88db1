"""Numeric built-ins (DMN 1.5 10.3.4.4 and the 1.5 rounding family) through the public FEEL API."""
import datetime as dt
from decimal import Decimal

import pytest

from pydmn.feel import evaluate
from pydmn.feel.values import YearsMonths

D = Decimal

VALID = [
    ('decimal(1/3, 2)', D("0.33")),
    ('decimal(1/3, 2.5)', D("0.33")),
    ('decimal(1.5, 0)', D(2)),
    ('decimal(2.5, 0)', D(2)),          # half even
    ('decimal(0.515, 2)', D("0.52")),
    ('decimal(n: 15/7, scale: 3)', D("2.143")),
    ('decimal(1234, -2)', D(1200)),
    ('floor(1.5)', D(1)),
    ('floor(-1.5)', D(-2)),
    ('floor(-1.56, 1)', D("-1.6")),
    ('floor(n: 1.56, scale: 1)', D("1.5")),
    ('ceiling(1.5)', D(2)),
    ('ceiling(-1.5)', D(-1)),
    ('ceiling(-0.3333)', D(0)),
    ('ceiling(-1.56, 1)', D("-1.5")),
    ('round up(5.5, 0)', D(6)),
    ('round up(-5.5, 0)', D(-6)),
    ('round up(1.121, 2)', D("1.13")),
    ('round down(-5.5, 0)', D(-5)),
    ('round down(1.129, 2)', D("1.12")),
    ('round half up(5.5, 0)', D(6)),
    ('round half up(-5.5, 0)', D(-6)),
    ('round half up(1.121, 2)', D("1.12")),
    ('round half down(5.5, 0)', D(5)),
    ('round half down(-5.5, 0)', D(-5)),
    ('round half down(-1.126, 2)', D("-1.13")),
    ('round up(5.5, 6176)', D("5.5")),
    ('round up(5.5, -6111)', D("1E+6111")),
    ('abs(-1)', D(1)),
    ('abs(n: -1.5)', D("1.5")),
    ('abs(duration("-P1D"))', dt.timedelta(days=1)),
    ('abs(duration("-P1Y2M"))', YearsMonths(14)),
    ('modulo(10, 4)', D(2)),
    ('modulo(-12, 5)', D(3)),
    ('modulo(12, -5)', D(-3)),
    ('modulo(-12, -5)', D(-2)),
    ('modulo(-10.1, 4.5)', D("3.4")),
    ('modulo(10.1, -4.5)', D("-3.4")),
    ('modulo(dividend: 10, divisor: 4)', D(2)),
    ('sqrt(16)', D(4)),
    ('sqrt(0)', D(0)),
    ('exp(0)', D(1)),
    ('odd(-1)', True),
    ('odd(2)', False),
    ('even(-2)', True),
    ('even(0)', True),
]

INVALID = [
    'decimal(1.5, null)',
    'decimal("1.5", 0)',
    'floor(null, 1)',
    'floor(1.56, null)',
    'floor(1.5, "1")',
    'floor(n: 1.5, scal: 1)',
    'ceiling("1.5")',
    'ceiling(1.5, 1, 2)',
    'round up(1234.12)',
    'round up(5.5, 1.1)',
    'round down(5.5, -6112)',
    'round half up(5.5, 6177)',
    'round half down(true, 0)',
    'abs(true)',
    'abs("-1")',
    'abs(number: -1)',
    'abs(date("2018-12-06"))',
    'modulo(10, 0)',
    'modulo(null, 4)',
    'modulo(true, true)',
    'modulo(duration("P10D"), 4)',
    'sqrt(-1)',
    'sqrt(true)',
    'log(0)',
    'log(-1)',
    'log("4")',
    'exp(duration("P4D"))',
    'odd(1.5)',
    'even(true)',
    'even(n: 4)',
    'random number(1)',
]


@pytest.mark.parametrize("text, expected", VALID)
def test_value(text, expected):
    result = evaluate(text)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize("text", INVALID)
def test_invalid_is_null_with_message(text, assert_invalid):
    assert_invalid(text)


def test_a_result_beyond_decimal128_is_an_arithmetic_error(assert_invalid):
    assert_invalid("exp(100000)", "Overflow", kind="arithmetic")


@pytest.mark.parametrize("text, expected", [
    ("sqrt(2)", "1.414213562373095048801688724209698"),
    ("log(4)", "1.386294361119890618834464242916353"),
    ("exp(-1)", "0.3678794411714423215955237701614609"),
])
def test_irrational_results_have_34_digits(text, expected):
    assert evaluate(text) == D(expected)


def test_rounding_never_yields_negative_zero():
    assert str(evaluate("round half up(-0.001, 2)")) == "0.00"
    assert str(evaluate("ceiling(-0.5)")) == "0"


def test_random_number_is_in_the_unit_interval():
    values = {evaluate("random number()") for _ in range(20)}
    assert all(isinstance(v, Decimal) and 0 <= v < 1 for v in values)
    assert len(values) > 1
