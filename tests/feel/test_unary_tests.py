"""Unary tests (DMN 1.5 10.3.2.9.4 rules 7-15) and the `in` operator (rule 51 c/d)."""
from decimal import Decimal

import pytest

from pydmn.feel import compile_unary_tests, evaluate, unary_test, Scope
from pydmn.feel.values import Range

D = Decimal

UNARY = [
    ("-", 5, True), ("-", None, True),
    ("< 5", 3, True), ("< 5", 5, False), ("<= 5", 5, True), ("> 5", 6, True), (">= 5", 4, False),
    ("= 5", 5, True), ("!= 5", 5, False), ("!= 5", 4, True),
    ("5", 5, True), ("5", 4, False), ('"a", "b"', "b", True), ('"a", "b"', "c", False),
    ("[1..5]", 1, True), ("[1..5]", 5, True), ("(1..5)", 1, False), ("]1..5[", 5, False),
    ("[1..5], > 10", 11, True), ("[1..5], > 10", 7, False),
    ("not(5)", 5, False), ("not(5)", 4, True), ("not(< 5, > 10)", 7, True),
    ("not(< 5, > 10)", 11, False),
    ("? > 3", 4, True), ("? > 3", 2, False), ("? = 3 or ? = 4", 4, True), ("? > 3", None, None),
    ("[1, 2, 3]", 2, True), ("[1, 2, 3]", 4, False),
    ("x", 7, True), ("x + 1", 8, True), ("< x", 6, True), ("[x..10]", 7, True),
    ("null", None, True), ("null", 1, False), ("< 5", None, None),
    ("true", True, True), ("false", True, False),
    ('"a"', 1, None),
    ("< 5", "a", None),
    ("[[1, 2]]", [1, 2], True),
]


@pytest.mark.parametrize("text,value,expected", UNARY)
def test_unary(text, value, expected):
    assert unary_test(text, value, {"x": 7}) is expected


IN = [
    ("5 in (1, 5)", True), ("5 in (1, 2)", False), ("5 in [1..5]", True), ("5 in [1..5)", False),
    ("5 in < 6", True), ("5 in (< 6)", True), ("5 in (> 6, < 0)", False), ("5 in (=5)", True),
    ("5 in (!=5)", False), ("5 in [1, 5]", True), ('"a" in ["a", "b"]', True),
    ("[1, 2] in [[1, 2]]", True), ("[1, 2] in ([1, 2])", True), ("5 in (1)", False),
    ("5 in x", False), ("7 in x", True), ("null in (null)", True), ("5 in (<= 5)", True),
    ("5 in (5..10]", False), ("5 in 5", True), ("true in (=true)", True),
    ("true in [false, 2, 3]", False), ("5 in (null..10]", None), ("5 in [1..null]", None),
    ("5 in (< 10)", True),
]


@pytest.mark.parametrize("text,expected", IN)
def test_in(text, expected):
    assert evaluate(text, {"x": 7}) is expected


# A simple positive unary test is an expression too (rule 2i): the range it stands for.
AS_EXPRESSIONS = [
    ("< 5", Range(None, D(5), False, False)),
    (">= x", Range(D(7), None, True, False)),
    ("< 5 + 1", Range(None, D(6), False, False)),
    ("[<5, >10]", [Range(None, D(5), False, False), Range(D(10), None, False, False)]),
    ("{r: <= 10}.r", Range(None, D(10), False, True)),
    ("includes(< 5, 3)", True),
    ("before(> 10, 7)", False),
    ("x < 5", False),
]


@pytest.mark.parametrize("text,expected", AS_EXPRESSIONS)
def test_unary_test_as_expression(text, expected):
    assert evaluate(text, {"x": 7}) == expected


def test_unary_tests_compile_once_and_see_scope():
    test = compile_unary_tests("> limit", frozenset())
    assert test(Scope({"limit": 5}), D(6)) is True
    assert test(Scope({"limit": 7}), D(6)) is False


def test_multi_word_names_in_unary_tests():
    test = compile_unary_tests("< Credit Limit", frozenset({"Credit Limit"}))
    assert test(Scope({"Credit Limit": 100}), D(99)) is True
