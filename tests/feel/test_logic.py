"""Three-valued and/or, comparisons, between, if (DMN 1.5 10.3.2.5-10.3.2.7)."""
from decimal import Decimal

import pytest

from pydmn.feel import evaluate

D = Decimal

CASES = [
    ("true and true", True), ("true and false", False), ("true and null", None),
    ("false and null", False), ("null and false", False), ("null and null", None),
    ("true and 1", None), ("false and 1", False),
    ("true or false", True), ("false or false", False), ("false or null", None),
    ("null or true", True), ("true or null", True), ("null or null", None), ("1 or true", True),
    ("true and false or true", True), ("false or true and false", False),
    ("1 < 2", True), ("2 <= 2", True), ("3 > 4", False), ("3 >= 4", False),
    ("1 = 1", True), ("1 != 1", False), ('"a" = "a"', True), ('"a" < "b"', True),
    ("null = null", True), ("1 = null", False), ("null != 1", True),
    ("[1, 2] = [1, 2]", True), ("[1, 2] = [2, 1]", False), ("{a: 1} = {a: 1}", True),
    ("1 < \"a\"", None), ("null < 1", None),
    ("5 between 1 and 10", True), ("1 between 1 and 10", True), ("11 between 1 and 10", False),
    ("5 between 1 and 10 and true", True), ("\"b\" between \"a\" and \"c\"", True),
    ("5 between \"a\" and 10", None),
    ("if 1 > 2 then \"a\" else \"b\"", "b"), ("if true then 1 else 2", D(1)),
    ("if null then 1 else 2", D(2)), ("if 5 then 1 else 2", D(2)),
    ("if true then if false then 1 else 2 else 3", D(2)),
    ("not(true)", False), ("not(false)", True), ("not(null)", None), ("not(1)", None),
    ("not(1 > 2) and true", True),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_logic(text, expected):
    assert evaluate(text) == expected


def test_and_short_circuits(run):
    # The right operand would record an unknown-variable message if it were evaluated.
    value, messages = run("false and missing")
    assert value is False and messages == []


def test_or_short_circuits(run):
    value, messages = run("true or missing")
    assert value is True and messages == []


def test_incomparable_is_reported(run):
    value, messages = run('1 < "a"')
    assert value is None and messages[0].kind == "not-comparable"
