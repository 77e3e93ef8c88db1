"""Arithmetic expressions, precedence and numeric literals (DMN 1.5 10.3.2.3.1, rules 19-24)."""
from decimal import Decimal

import pytest

from pydmn.feel import evaluate

D = Decimal

CASES = [
    ("1 + 2 * 3", D(7)),
    ("2 * (3 + 5)", D(16)),
    ("(1 + 2) * 3", D(9)),
    ("10 - 4 - 3", D(3)),
    ("12 / 4 / 3", D(1)),
    ("2 ** 3", D(8)),
    ("-2 ** 2", D(4)),
    ("2 ** -1", D("0.5")),
    ("0 ** 0", D(1)),
    ("0 ** -1", None),           # Infinity is no FEEL number
    ("10 ** 10000000", None),
    ("- 5 + 2", D(-3)),
    ("--5", D(5)),
    ("1.5 + .5", D("2.0")),
    ("1.23e4", D("1.23e4")),
    ("12300 = 1.23e+4", True),
    ("0.000123 = 1.23e-4", True),
    ("1 / 0", None),
    ("1 + null", None),
    ("null * 3", None),
    ("1 + \"a\"", None),
    ("\"a\" + \"b\"", "ab"),
    ("0.1 + 0.2 = 0.3", True),
    ("1 / 3 * 3", D("0.9999999999999999999999999999999999")),
    ("a + b", D(3)),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_arithmetic(text, expected):
    assert evaluate(text, {"a": 1, "b": 2}) == expected


def test_division_by_zero_is_reported(run):
    value, messages = run("1 / 0")
    assert value is None
    assert [m.kind for m in messages] == ["arithmetic"]


def test_type_error_is_reported(run):
    value, messages = run('1 + "a"')
    assert value is None
    assert messages[0].kind == "invalid-type"
