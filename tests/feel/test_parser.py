"""Parsing: precedence, syntax errors, limits, comments and string escapes."""
import pytest

from pydmn.errors import FeelSyntaxError
from pydmn.feel import ast, compile_expression, compile_unary_tests, evaluate
from pydmn.feel.parser import parse_expression

TREES = [
    ("1 + 2 * 3", ast.Arithmetic("+", ast.Literal(1), ast.Arithmetic("*", ast.Literal(2),
                                                                     ast.Literal(3)))),
    ("a or b and c", ast.Or(ast.Name("a"), ast.And(ast.Name("b"), ast.Name("c")))),
    ("a.b[c](d)", ast.Invocation(ast.Filter(ast.Path(ast.Name("a"), "b"), ast.Name("c")),
                                 (ast.Name("d"),), None)),
    ("a < b = true", ast.Comparison("=", ast.Comparison("<", ast.Name("a"), ast.Name("b")),
                                    ast.Literal(True))),
    ("]a..b[", ast.RangeExpr(ast.Name("a"), ast.Name("b"), False, False)),
]


@pytest.mark.parametrize("text,tree", TREES)
def test_trees(text, tree):
    assert parse_expression(text) == tree


BAD = ["1 +", "(1", "[1, 2", "{a 1}", "if a then b", "for in x return 1", "a ! b", "\"open",
       "1 2", "@2020", "", "   ", "x[", "function(a b", "{a: 1, a: 2}"]


@pytest.mark.parametrize("text", BAD)
def test_syntax_errors(text):
    with pytest.raises(FeelSyntaxError):
        compile_expression(text)


def test_syntax_error_has_position():
    with pytest.raises(FeelSyntaxError) as info:
        compile_expression("1 + * 2")
    assert info.value.position == 4 and info.value.text == "1 + * 2"


@pytest.mark.parametrize("text", ["+".join(["1"] * 3000), "[" * 3000 + "]" * 3000,
                                  "{a: " * 2000 + "1" + "}" * 2000,
                                  "if true then " * 1000 + "1" + " else 2" * 1000])
def test_deep_nesting_is_a_syntax_error_not_a_crash(text):
    with pytest.raises(FeelSyntaxError):
        compile_expression(text)


@pytest.mark.parametrize("text,expected", [("(" * 100 + "1" + ")" * 100, 1),
                                           ("-" * 5001 + "1", -1)])
def test_deep_text_without_deep_tree_evaluates(text, expected):
    assert evaluate(text) == expected


def test_bad_unary_tests():
    with pytest.raises(FeelSyntaxError):
        compile_unary_tests("< < 5")


ESCAPES = [
    (r'"a\"b"', 'a"b'), (r'"a\\b"', "a\\b"), (r'"a\nb"', "a\nb"), (r'"\u0041"', "A"),
    (r'"\uD83D\uDE00"', "\U0001F600"), (r'"\U01F600"', "\U0001F600"), ('"😀"', "😀"),
    (r'"\d+"', r"\d+"), ('"tab\there"', "tab\there"),
]


@pytest.mark.parametrize("text,expected", ESCAPES)
def test_string_escapes(text, expected):
    assert evaluate(text) == expected


@pytest.mark.parametrize("text", ["1 + /* two */ 2", "1 + 2 // a comment", "// c\n1 + 2",
                                  "/* multi\nline */ 1 + 2"])
def test_comments(text):
    assert evaluate(text) == 3


def test_bracket_after_a_type_closes_the_list():
    assert evaluate("[[1, 2] instance of list<number>]") == [True]
