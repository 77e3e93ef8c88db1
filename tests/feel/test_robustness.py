"""Property tests: any text either compiles or raises FeelSyntaxError; evaluation never raises."""
from hypothesis import given, settings, strategies as st

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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=8), st.sampled_from([1, "s", None]))
def test_unary_tests_never_crash(tokens, value):
    text = " ".join(tokens)
    try:
        test = compile_unary_tests(text)
    except FeelSyntaxError:
        return
    assert test(Scope({"x": 1}), value) in (True, False, None)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_only_raises_syntax_errors(text):
    try:
        compile_expression(text)
    except FeelSyntaxError:
        pass
