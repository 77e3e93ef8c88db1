"""Names with spaces and special characters (DMN 1.5 10.3.1.2 rules 25-31, 10.3.2.12)."""
from decimal import Decimal

import pytest

from pydmn.feel import compile_expression, Scope
from pydmn.feel.parser import parse_expression
from pydmn.feel import ast
from pydmn.feel.builtins import BUILTINS

D = Decimal

CASES = [
    # text, variables, known multi-word names, expected
    ("Monthly Salary * 12", {"Monthly Salary": 100}, set(), D(1200)),
    ("Monthly  Salary * 12", {"Monthly Salary": 100}, {"Monthly Salary"}, D(1200)),
    ("Applicant's age + 1", {"Applicant's age": 30}, {"Applicant's age"}, D(31)),
    ("Is Affordable? and true", {"Is Affordable?": True}, {"Is Affordable?"}, True),
    ("Loan-Amount / 2", {"Loan-Amount": 10}, {"Loan-Amount"}, D(5)),
    ("Loan-Amount / 2", {"Loan": 10, "Amount": 2}, set(), D(9)),
    ("a/b + 1", {"a/b": 1}, {"a/b"}, D(2)),
    ("rate + 1", {"rate": 1}, set(), D(2)),
    ("Loan Amount Total", {"Loan Amount Total": 7}, {"Loan Amount"}, D(7)),
    ("Buy or Sell", {"Buy or Sell": "buy"}, {"Buy or Sell"}, "buy"),
    ("Buy or Sell", {"Buy": False, "Sell": True}, set(), True),
    ("{first name: \"Ann\", greeting: \"Hi \" + first name}.greeting", {}, set(), "Hi Ann"),
    ("{Is Valid?: true, r: Is Valid?}.r", {}, set(), True),
    ("{\"a b\": 1, c: a b + 1}.c", {}, set(), D(2)),
    ("{🐎: \"bar\"}.🐎", {}, set(), "bar"),
    ("{x: {y z: 5}}.x.y z", {}, set(), D(5)),
    ("(function(start value) start value * 2)(3)", {}, set(), D(6)),
]


@pytest.mark.parametrize("text,variables,names,expected", CASES)
def test_names(text, variables, names, expected):
    assert compile_expression(text, frozenset(names))(Scope(variables)) == expected


def test_longest_known_name_wins():
    tree = parse_expression("Loan Amount Due", frozenset({"Loan Amount", "Loan Amount Due"}))
    assert tree == ast.Name("Loan Amount Due")


def test_keywords_split_unknown_names():
    tree = parse_expression("a and b", frozenset())
    assert tree == ast.And(ast.Name("a"), ast.Name("b"))


def test_builtin_multi_word_names_are_always_known():
    tree = parse_expression('date and time("2024-01-01T00:00:00")', frozenset())
    assert tree.callee == ast.Name("date and time")


def test_unknown_name_is_null_with_message(run):
    value, messages = run("no such thing + 1")
    assert value is None
    assert messages[0].kind == "no-variable" and "no such thing" in messages[0].text


def test_known_dotted_name_falls_back_to_a_path():
    fn = compile_expression("Model.Decision + 1", frozenset({"Model.Decision"}))
    assert fn(Scope({"Model": {"Decision": 1}})) == D(2)
    assert fn(Scope({"Model.Decision": 5})) == D(6)


MULTI_WORD_BUILTINS = sorted(n for n in BUILTINS if " " in n)


@pytest.mark.parametrize("name", MULTI_WORD_BUILTINS)
def test_every_multi_word_builtin_is_read_as_one_name(name):
    # spaced out, and beside a model name made of its first words
    spaced = name.replace(" ", " \n ")
    names = frozenset({name.rsplit(" ", 1)[0] + " or", "x"})
    tree = parse_expression(f"{spaced}(x)", names)
    assert isinstance(tree, ast.Invocation) and tree.callee == ast.Name(name)


def test_random_number_is_called():
    value = compile_expression("random number()")(Scope())
    assert isinstance(value, Decimal) and 0 <= value < 1
    assert compile_expression("random number() < 1")(Scope()) is True


def test_is_defined_is_not_a_builtin_of_dmn_15():
    """DMN 1.5 10.3.4 has no `is defined`: calling it is an unknown function, null and a message."""
    scope = Scope({"x": 1})
    assert compile_expression("is defined(x)")(scope) is None
    assert scope.messages and "is defined" in scope.messages[0].text
