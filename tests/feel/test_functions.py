"""Function definitions, invocation, closures, recursion (DMN 1.5 10.3.2.13, rules 38-39, 57)."""
from decimal import Decimal

import pytest

from pydmn.feel import evaluate
from pydmn.feel.values import FeelFunction, PyFunction

D = Decimal

CASES = [
    ("(function(a, b) a + b)(1, 2)", D(3)),
    ("(function() 42)()", D(42)),
    ("(function(a, b) a - b)(b: 1, a: 5)", D(4)),
    ("{k: 3, f: function(x) x * k, r: f(2)}.r", D(6)),
    ("{fact: function(n) if n <= 1 then 1 else n * fact(n - 1), r: fact(6)}.r", D(720)),
    ("{add: function(a) function(b) a + b, r: add(2)(3)}.r", D(5)),
    ("(function(a: number) a)(1)", D(1)),
    ("(function(a: number) a)(\"x\")", None),
    ("(function(a) a)(1, 2)", None),
    ("(function(a) a)(b: 1)", None),
    ("5(1)", None),
    ("missing(1)", None),
    ("twice(4)", D(8)),
    ("twice(x: 5)", D(10)),
    ("function(a) a", "function"),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_functions(text, expected):
    twice = PyFunction(lambda x: x * 2, ["x"], "twice")
    value = evaluate(text, {"twice": twice})
    if expected == "function":
        assert isinstance(value, FeelFunction)
    else:
        assert value == expected


def test_invoking_a_non_function_is_reported(run):
    value, messages = run("x(1)", {"x": 5})
    assert value is None and messages[0].kind == "no-function"


def test_recursion_goes_deep_enough_for_real_models():
    assert evaluate("{f: function(n) if n = 0 then 0 else n + f(n - 1), r: f(150)}.r") == D(11325)


def test_runaway_recursion_yields_null_not_an_exception(run):
    value, messages = run("{f: function(n) f(n + 1), r: f(0)}.r")
    assert value is None
    assert messages and messages[-1].kind == "limit"


EXTERNAL = [
    ('{f: function(a, b) external {java: {class: "java.lang.Math", '
     'method signature: "max(double, double)"}}, r: f(123, 456)}.r', D(456)),
    ('{f: function(s) external {java: {class: "java.lang.Integer", '
     'method signature: "valueOf(java.lang.String)"}}, r: f("123")}.r', D(123)),
    ('{f: function(c) external {java: {class: "java.lang.String", '
     'method signature: "valueOf(char)"}}, r: f("abc")}.r', None),
    ('{f: function(a) external {java: {class: "java.lang.Foo", '
     'method signature: "valueOf(double)"}}, r: f(1)}.r', None),
]


@pytest.mark.parametrize("text,expected", EXTERNAL)
def test_external_java_functions(text, expected):
    assert evaluate(text) == expected
