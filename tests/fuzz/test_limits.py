"""FEEL text and model shapes at their limits: what is refused is refused before the parser runs
(or as soon as the tree gets too deep), with an error that names the limit and the element; what
is accepted loads. Outcomes only: no timing is asserted."""
from __future__ import annotations

import pytest

import pydmn
from pydmn.errors import FeelSyntaxError, ModelError
from pydmn.feel import compile_expression, evaluate, parser
from pydmn.feel.parser import MAX_DEPTH, MAX_NESTING

NS = "https://www.omg.org/spec/DMN/20230324/MODEL/"


def _model(body: str) -> str:
    return f'<definitions xmlns="{NS}" id="d" name="m" namespace="http://x">{body}</definitions>'


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _decisions(texts) -> str:
    return _model("".join(f'<decision id="d{i}" name="D{i}"><literalExpression id="e{i}">'
                          f"<text>{_esc(t)}</text></literalExpression></decision>"
                          for i, t in enumerate(texts)))


def _nested(n: int) -> dict[str, str]:
    """Every kind of nesting the pre-scan counts, `n` deep."""
    return {
        "(": "(" * n + "1" + ")" * n,
        "[": "[" * n + "1" + "]" * n,
        "{": "{a: " * n + "1" + "}" * n,
        "if": "if true then " * n + "1" + " else 2" * n,
        "for": "for x in [1] return " * n + "x",
        "some": "some x in [true] satisfies " * n + "x",
        "every": "every x in [true] satisfies " * n + "x",
        "function": "function(a) " * n + "a",
        "mixed": "(" * (n % 4) + "([{a: if true then " * (n // 4) + "1"
                 + " else 0}])" * (n // 4) + ")" * (n % 4),
    }


@pytest.fixture
def no_parser(monkeypatch):
    """The parser must not be reached: the pre-scan refuses first."""
    def refuse():
        raise AssertionError("the parser ran")
    monkeypatch.setattr(parser, "_lark", refuse)


@pytest.mark.parametrize("kind", sorted(_nested(1)))
def test_nesting_past_the_limit_is_refused_before_parsing(kind, no_parser):
    for n in (MAX_NESTING + 1, 99_999 if kind in "([" else 2_000):
        text = _nested(n)[kind]
        with pytest.raises(FeelSyntaxError, match=f"nested deeper than {MAX_NESTING}"):
            compile_expression(text + " ")     # not cached: a text of its own


@pytest.mark.parametrize("kind", ["(", "[", "if", "for", "some", "function"])
def test_nesting_at_the_limit_still_parses(kind):
    compile_expression(_nested(MAX_NESTING if kind == "(" else 30)[kind])


def test_brackets_and_keywords_in_strings_and_comments_do_not_count():
    text = '"' + "(" * 500 + "if for" + '" + /* ' + "[" * 500 + " */ " + '"x"'
    assert evaluate(text) == "(" * 500 + "if forx"


def test_ten_deep_expressions_in_a_model_stop_at_the_first_naming_element_and_limit():
    xml = _decisions(["(" * 99_999 + "1" + ")" * 99_999] * 10)
    assert len(xml) < 2 * 1024 * 1024
    with pytest.raises(ModelError) as refused:
        pydmn.load(xml)
    assert refused.value.element_id == "e0"
    assert f"nested deeper than {MAX_NESTING}" in str(refused.value)


@pytest.mark.parametrize("text", ["1" + " + 1" * 49_000, "-" * 100_000 + "x",
                                  "a" + ".b" * 90_000, "f" + "()" * 90_000,
                                  "x" + "[1]" * 60_000, "1 < 2 = true" * 15_000])
def test_chains_without_brackets_stop_at_the_tree_depth_limit(text):
    with pytest.raises(FeelSyntaxError, match=f"nested deeper than {MAX_DEPTH}"):
        compile_expression(text)


def test_a_chain_within_the_depth_limit_evaluates():
    assert evaluate("1" + " + 1" * (MAX_DEPTH - 3)) == MAX_DEPTH - 2
    assert evaluate("-" * 5_001 + "1") == -1       # folds into one literal


@pytest.mark.parametrize("text, problem", [('"abc', "unterminated string"),
                                           ("1 /* x" + " /* " * 30_000, "unterminated comment")])
def test_unterminated_strings_and_comments(text, problem, no_parser):
    with pytest.raises(FeelSyntaxError, match=problem):
        compile_expression(text)


def test_text_past_the_length_limit():
    with pytest.raises(FeelSyntaxError, match=f"longer than {parser.MAX_TEXT}"):
        compile_expression('"' + "a" * parser.MAX_TEXT + '"')


def test_long_strings_and_wide_lists_load():
    texts = [f'"{"a" * 199_000}{i}"' for i in range(10)] + \
        ["[" + ", ".join(str(j) for j in range(5_000)) + "]"]
    model = pydmn.load(_decisions(texts))
    result = model.evaluate({})
    assert len(result["D3"]) == 199_001 and result["D10"][-1] == 4_999


def test_many_decisions_with_multi_word_names_load():
    # every name is known to every expression: finding the names in a text must not cost their
    # number (names that share their first words, like these, made it quadratic)
    n = 3_000
    body = '<decision id="d0" name="Decision number 0"><literalExpression><text>0</text>' \
           "</literalExpression></decision>"
    body += "".join(f'<decision id="d{i}" name="Decision number {i}"><informationRequirement>'
                    f'<requiredDecision href="#d{i - 1}"/></informationRequirement>'
                    f"<literalExpression><text>Decision number {i - 1} + 1</text>"
                    "</literalExpression></decision>" for i in range(1, n))
    result = pydmn.load(_model(body)).evaluate({}, decision=f"Decision number {n - 1}")
    assert (result[f"Decision number {n - 1}"], result.messages) == (n - 1, [])


def test_a_decision_table_of_many_rules_loads_and_decides():
    rules = "".join(f'<rule id="r{i}"><inputEntry><text>[{i}..{i + 1})</text></inputEntry>'
                    f"<outputEntry><text>{i}</text></outputEntry></rule>" for i in range(5_000))
    xml = _model('<inputData id="i" name="x"><variable name="x"/></inputData>'
                 '<decision id="t" name="T"><informationRequirement><requiredInput href="#i"/>'
                 '</informationRequirement><decisionTable hitPolicy="FIRST"><input id="in">'
                 '<inputExpression><text>x</text></inputExpression></input><output id="o" '
                 f'name="o"/>{rules}</decisionTable></decision>')
    assert pydmn.load(xml).evaluate({"x": 4_321.5})["T"] == 4_321


def test_a_long_requirements_chain_evaluates_without_recursion():
    n = 3_000
    chain = "".join(f'<decision id="d{i}" name="D{i}"><informationRequirement><requiredDecision '
                    f'href="#d{i + 1}"/></informationRequirement><literalExpression><text>'
                    f"D{i + 1} + 1</text></literalExpression></decision>" for i in range(n))
    xml = _model(chain + f'<decision id="d{n}" name="D{n}"><literalExpression><text>0</text>'
                 "</literalExpression></decision>")
    result = pydmn.load(xml).evaluate({}, decision="D0")
    assert (result["D0"], result.messages) == (n, [])


def test_a_long_chain_of_type_references_is_refused():
    n = 3_000
    items = "".join(f'<itemDefinition name="t{i}"><typeRef>t{i + 1}</typeRef></itemDefinition>'
                    for i in range(n))
    xml = _model(items + f'<itemDefinition name="t{n}"><typeRef>number</typeRef>'
                 '</itemDefinition><inputData id="i" name="x"><variable name="x" typeRef="t0"/>'
                 "</inputData>")
    with pytest.raises(ModelError, match="type references chained deeper than"):
        pydmn.load(xml)
