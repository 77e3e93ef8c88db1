"""Scope: lookup through parents, shared messages, conversion of Python inputs."""
from decimal import Decimal

from pydmn.feel import Scope, compile_expression, evaluate, unary_test


def test_child_sees_parent_and_shadows_it():
    parent = Scope({"a": 1, "b": 2})
    child = parent.child({"b": Decimal(5)})
    assert child.lookup("a") == Decimal(1)
    assert child.lookup("b") == Decimal(5)
    assert parent.lookup("b") == Decimal(2)


def test_child_shares_messages():
    parent = Scope({})
    child = parent.child({})
    assert child.lookup("missing") is None
    assert parent.messages is child.messages
    assert [m.kind for m in parent.messages] == ["no-variable"]


def test_python_inputs_are_converted():
    scope = Scope({"n": 3, "x": 0.5, "items": [1, 2]})
    assert compile_expression("n + x")(scope) == Decimal("3.5")
    assert compile_expression("items[2]")(scope) == Decimal(2)


def test_explicit_messages_list_is_used():
    messages = []
    scope = Scope({}, messages=messages)
    compile_expression("1 / 0")(scope)
    assert messages and messages[0].kind == "arithmetic"


def test_evaluate_and_unary_test_helpers():
    assert evaluate("a + b", {"a": 1, "b": 2}) == Decimal(3)
    assert evaluate("Loan Amount * 2", {"Loan Amount": 5}) == Decimal(10)
    assert unary_test("[1..5]", 3) is True
    assert unary_test("< limit", 3, {"limit": 2}) is False


def test_compiled_expression_is_reused_across_scopes():
    fn = compile_expression("x * 2")
    assert fn(Scope({"x": 2})) == Decimal(4)
    assert fn(Scope({"x": 3})) == Decimal(6)
