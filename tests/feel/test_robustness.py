"""Property tests: any text either compiles or raises FeelSyntaxError; evaluation never raises,
and never reaches the catch-all that reports a defect of the engine ("internal")."""
from hypothesis import given, settings, strategies as st

import pydmn.feel
from pydmn.errors import FeelSyntaxError
from pydmn.feel import Scope, compile_expression, compile_unary_tests

ATOMS = ["1", "2.5", '"s"', "x", "y z", "true", "null", "[1, 2]", "{a: 1}", "a", "?", "0",
         "-", "+", "*", "/", "**", "=", "!=", "<", ">=", "and", "or", "in", "between", "if",
         "then", "else", "for", "return", "some", "satisfies", "(", ")", "[", "]", "{", "}",
         ",", ":", ".", "..", "function", "not", "instance of", "number", "item", "@\"P1D\""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=12))
def test_compile_and_evaluate_never_crash(tokens):
    text = " ".join(tokens)
    scope = Scope({"x": 1, "y z": 2, "a": [1, 2]})
    try:
        fn = compile_expression(text)
    except FeelSyntaxError:
        return
    fn(scope)          # must not raise, whatever the result
    assert not [m for m in scope.messages if m.kind == "internal"], text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=8), st.sampled_from([1, "s", None]))
def test_unary_tests_never_crash(tokens, value):
    text = " ".join(tokens)
    try:
        test = compile_unary_tests(text)
    except FeelSyntaxError:
        return
    scope = Scope({"x": 1})
    assert test(scope, value) in (True, False, None)
    assert not [m for m in scope.messages if m.kind == "internal"], text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_only_raises_syntax_errors(text):
    try:
        fn = compile_expression(text)
    except FeelSyntaxError:
        return
    scope = Scope({})
    fn(scope)
    assert not [m for m in scope.messages if m.kind == "internal"], text


def test_a_defect_of_an_operator_is_reported_as_internal_and_fails_the_checks(monkeypatch):
    # the catch-all exists for the service's sake; the checks above must see when it is hit
    from pydmn.feel import operators

    def broken(a, b):
        raise TypeError("defect")
    monkeypatch.setattr(operators, "add", broken)
    pydmn.feel._compile_expression.cache_clear()     # compiled closures hold the operator
    try:
        scope = Scope({"x": 1})
        assert compile_expression("x + 1")(scope) is None
    finally:
        monkeypatch.undo()
        pydmn.feel._compile_expression.cache_clear()
    assert [(m.kind, m.severity) for m in scope.messages] == [("internal", "error")]
