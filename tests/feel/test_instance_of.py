"""`instance of` with DMN 1.5 types (10.3.2.9, rules 53-54)."""
import pytest

from pydmn.feel import evaluate

CASES = [
    ("1 instance of number", True), ('"a" instance of string', True),
    ("1 instance of string", False), ("true instance of boolean", True),
    ("null instance of Null", True), ("null instance of number", False),
    ("1 instance of Any", True), ("[1, 2] instance of list<number>", True),
    ('[1, "a"] instance of list<number>', False), ("[] instance of list<string>", True),
    ("{a: 1} instance of context<a: number>", True),
    ("{a: 1} instance of context<a: string>", False),
    ("{a: 1, b: 2} instance of context<a: number>", True),
    ("{b: 2} instance of context<a: number>", False),
    ("[1..5] instance of range<number>", True), ("(function(a) a) instance of function<Any> -> Any", True),
    ("1 instance of function<Any> -> Any", False), ("{a: 1} instance of context", True),
    ("[[1]] instance of list<list<number>>", True),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_instance_of(text, expected):
    assert evaluate(text) is expected
