"""Requirements graph, boxed expressions, BKMs, decision services, imports and types."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import pydmn
from dmn_text import NS, decision, definitions, esc, input_data, literal


def test_dependency_order_and_each_decision_once():
    body = (input_data("n", "number") + decision("A", literal("n + 1"), inputs=["n"])
            + decision("B", literal("A * 2"), decisions=["A"])
            + decision("C", literal("A + B"), decisions=["A", "B"]))
    result = pydmn.load(definitions(body)).evaluate({"n": 1})
    assert (result["A"], result["B"], result["C"]) == (2, 4, 6)
    assert all(d.status == "succeeded" for d in result.decisions.values())


@pytest.mark.parametrize("order", [["B", "C"], ["C", "B"]])
def test_a_decision_required_on_two_paths_is_evaluated_first_and_once(order):
    body = (decision("C", literal("1")) + decision("B", literal("C + 1"), decisions=["C"])
            + decision("A", literal("B + C"), decisions=order))
    result = pydmn.load(definitions(body)).evaluate({}, decision="A")
    assert (result["A"], result["B"], result["C"]) == (3, 2, 1) and result.messages == []


def test_decisions_without_ids_keep_their_own_results():
    body = "".join(f'<decision name="N{i}"><literalExpression><text>{i}</text></literalExpression>'
                   "</decision>" for i in range(3))
    result = pydmn.load(definitions(body)).evaluate({})
    assert [result[f"N{i}"] for i in range(3)] == [0, 1, 2]


def test_only_the_requested_decision_and_its_requirements_run():
    body = (input_data("n", "number") + decision("A", literal("n + 1"), inputs=["n"])
            + decision("B", literal("A * 2"), decisions=["A"]) + decision("Z", literal("1")))
    result = pydmn.load(definitions(body)).evaluate({"n": 1}, decision="B")
    assert result["B"] == 4 and result.decisions["Z"].status == "skipped"
    with pytest.raises(pydmn.EvaluationError):
        pydmn.load(definitions(body)).evaluate({}, decision="Nope")


def test_cycle_is_rejected_at_load():
    body = (decision("A", literal("B"), decisions=["B"])
            + decision("B", literal("A"), decisions=["A"]))
    with pytest.raises(pydmn.ModelError, match="cycle"):
        pydmn.load(definitions(body))


def test_dangling_requirement_is_rejected_at_load():
    with pytest.raises(pydmn.ModelError) as err:
        pydmn.load(definitions(decision("A", literal("1"), decisions=["Missing"])))
    assert err.value.element_id == "d_A"


def test_context_with_final_result_relation_list_and_conditional():
    ctx = ('<context><contextEntry><variable name="a"/>' + literal("2") + "</contextEntry>"
           '<contextEntry><variable name="b"/>' + literal("a * 3") + "</contextEntry>"
           "<contextEntry>" + literal("a + b") + "</contextEntry></context>")
    rel = ('<relation><column name="k"/><column name="v"/>'
           "<row>" + literal('"x"') + literal("1") + "</row>"
           "<row>" + literal('"y"') + literal("2") + "</row></relation>")
    lst = "<list>" + literal("1") + literal('"two"') + "</list>"
    cond = ("<conditional><if>" + literal("1 > 2") + "</if><then>" + literal('"yes"')
            + "</then><else>" + literal('"no"') + "</else></conditional>")
    body = (decision("Ctx", ctx) + decision("Rel", rel) + decision("Lst", lst)
            + decision("Cond", cond))
    result = pydmn.load(definitions(body)).evaluate({})
    assert result["Ctx"] == 8
    assert result["Rel"] == [{"k": "x", "v": 1}, {"k": "y", "v": 2}]
    assert result["Lst"] == [1, "two"]
    assert result["Cond"] == "no"


def test_filter_iteration_and_quantifiers():
    flt = ('<filter><in>' + literal("[1, 5, 10]") + '</in><match>' + literal("item > 2")
           + "</match></filter>")
    loop = ('<for iteratorVariable="i"><in>' + literal("[1, 2]") + '</in><return>'
            + literal("i * 10") + "</return></for>")
    some = ('<some iteratorVariable="i"><in>' + literal("[1, 2]") + '</in><satisfies>'
            + literal("i > 1") + "</satisfies></some>")
    every = ('<every iteratorVariable="i"><in>' + literal("[1, 2]") + '</in><satisfies>'
             + literal("i > 1") + "</satisfies></every>")
    body = (decision("F", flt) + decision("L", loop) + decision("S", some)
            + decision("E", every))
    result = pydmn.load(definitions(body)).evaluate({})
    assert (result["F"], result["L"], result["S"], result["E"]) == ([5, 10], [10, 20], True,
                                                                      False)


BKM = ('<businessKnowledgeModel id="bkm_rate" name="Rate of"><variable name="Rate of"/>'
       '<encapsulatedLogic><formalParameter name="Base Amount" typeRef="number"/>'
       '<formalParameter name="pct" typeRef="number"/>'
       + literal("Base Amount * pct / 100") + "</encapsulatedLogic></businessKnowledgeModel>")


def test_bkm_by_feel_call_and_by_boxed_invocation_with_named_bindings():
    inv = ('<invocation>' + literal("Rate of")
           + '<binding><parameter name="pct"/>' + literal("10") + "</binding>"
           '<binding><parameter name="Base Amount"/>' + literal("200") + "</binding>"
           "</invocation>")
    body = (BKM + decision("Direct", literal("Rate of(50, 10)"), knowledge=["bkm_rate"])
            + decision("Boxed", inv, knowledge=["bkm_rate"]))
    model = pydmn.load(definitions(body))
    result = model.evaluate({})
    assert (result["Direct"], result["Boxed"]) == (5, 20)
    assert model.invoke("Rate of", {"Base Amount": 300, "pct": 1}) == 3


def test_bkm_parameter_of_wrong_type_is_null_with_type_mismatch():
    body = BKM + decision("D", literal('Rate of("lots", 10)'), knowledge=["bkm_rate"])
    d = pydmn.load(definitions(body)).evaluate({}).decisions["D"]
    assert d.value is None and any(m.kind == "type-mismatch" for m in d.messages)


def test_java_function_is_null_with_message():
    fn = ('<context><contextEntry><variable name="f"/><functionDefinition kind="Java">'
          '<formalParameter name="a"/>' + literal("x") + '</functionDefinition></contextEntry>'
          '<contextEntry>' + literal("f(1)") + "</contextEntry></context>")
    d = pydmn.load(definitions(decision("D", fn))).evaluate({}).decisions["D"]
    assert d.value is None and d.messages


def test_decision_service_invocation_with_input_data_then_input_decisions():
    body = (input_data("a", "string") + decision("Inner", literal('"never"'))
            + decision("Out", literal('a + " " + Inner'), inputs=["a"], decisions=["Inner"])
            + '<decisionService id="ds" name="Svc"><variable name="Svc"/>'
              '<outputDecision href="#d_Out"/><inputDecision href="#d_Inner"/>'
              '<inputData href="#i_a"/></decisionService>'
            + decision("Caller", literal('Svc("x", "y")'), knowledge=["ds"]))
    model = pydmn.load(definitions(body))
    assert model.invoke("Svc", {"a": "p", "Inner": "q"}) == "p q"
    assert model.evaluate({}, decision="Caller")["Caller"] == "x y"


def test_import_exposes_prefixed_types_bkms_and_decisions():
    lib_ns = "http://example.com/lib"
    lib = definitions(
        '<itemDefinition name="tPerson"><itemComponent name="name"><typeRef>string</typeRef>'
        '</itemComponent><itemComponent name="age"><typeRef>number</typeRef></itemComponent>'
        '</itemDefinition>'
        '<businessKnowledgeModel id="hello" name="Say Hello"><variable name="Say Hello"/>'
        '<encapsulatedLogic><formalParameter name="p" typeRef="tPerson"/>'
        + literal('"Hello " + p.name') + "</encapsulatedLogic></businessKnowledgeModel>"
        + decision("Lib Answer", literal('"42"'), ident="lib_answer"),
        name="lib", namespace=lib_ns)
    main = definitions(
        f'<import namespace="{lib_ns}" name="lib" importType="{NS}"/>'
        + input_data("Who", "lib.tPerson")
        + '<decision id="d_G" name="G"><variable name="G"/>'
          '<informationRequirement><requiredInput href="#i_Who"/></informationRequirement>'
          f'<informationRequirement><requiredDecision href="{lib_ns}#lib_answer"/>'
          '</informationRequirement>'
          f'<knowledgeRequirement><requiredKnowledge href="{lib_ns}#hello"/>'
          '</knowledgeRequirement>'
        + literal('lib.Say Hello(Who) + " " + lib.Lib Answer') + "</decision>")
    model = pydmn.load(main, imports=[lib])
    # the definitions stay as read; the model knows what the hrefs name
    assert model.definitions.decisions["G"].required_decisions == [f"{lib_ns}#lib_answer"]
    assert [link.variable for link in model.requirements["G"]] == [
        "Who", "lib.Lib Answer", "lib.Say Hello"]
    assert model.evaluate({"Who": {"name": "Ann", "age": 3}})["G"] == "Hello Ann 42"
    assert set(model.data_type("Who").fields) == {"name", "age"}
    with pytest.raises(pydmn.ModelError, match="imports"):
        pydmn.load(main)


ITEMS = ('<itemDefinition name="tColor"><typeRef>string</typeRef>'
         '<allowedValues><text>"red","green"</text></allowedValues></itemDefinition>'
         '<itemDefinition name="tColors" isCollection="true"><typeRef>tColor</typeRef>'
         '</itemDefinition>')


def test_data_type_describes_structures_collections_and_allowed_values():
    body = ITEMS + input_data("Colors", "tColors") + input_data("When", "date")
    model = pydmn.load(definitions(body))
    colors = model.data_type("Colors")
    assert colors.is_collection and colors.element.base == "string"
    assert colors.element.allowed_values == ["red", "green"]
    assert model.data_type("When").base == "date"


def test_inputs_are_coerced_to_their_types():
    body = (ITEMS + input_data("C", "tColor") + input_data("Cs", "tColors")
            + input_data("When", "date")
            + decision("Echo", literal("[C, Cs, When]"), inputs=["C", "Cs", "When"]))
    model = pydmn.load(definitions(body))
    r = model.evaluate({"C": "blue", "Cs": "red", "When": "2024-02-29"})
    assert r["Echo"] == [None, ["red"], dt.date(2024, 2, 29)]
    assert [(m.kind, m.element_id) for m in r.messages] == [("not-allowed", "i_C")]
    r = model.evaluate({"C": 5, "Cs": ["red"], "When": "2024-02-30"})
    assert r["Echo"] == [None, ["red"], None]
    assert [(m.kind, m.element_id) for m in r.messages] == [("type-mismatch", "i_C"),
                                                            ("type-mismatch", "i_When")]


def test_decision_result_not_conforming_to_its_type_is_null():
    body = (decision("N", literal('"text"'), type_ref="number")
            + decision("One", literal("[7]"), type_ref="number"))
    r = pydmn.load(definitions(body)).evaluate({})
    assert r["N"] is None and r.decisions["N"].status == "failed"
    assert r["One"] == Decimal(7)     # singleton list -> element


def test_foreign_expression_language_is_null_with_message():
    body = decision("D", '<literalExpression expressionLanguage="javascript"><text>1+1</text>'
                         '</literalExpression>')
    d = pydmn.load(definitions(body)).evaluate({}).decisions["D"]
    assert d.value is None and d.messages


def test_evaluation_never_raises_on_bad_operations():
    body = input_data("x") + decision("D", literal(esc("x / 0")), inputs=["x"])
    d = pydmn.load(definitions(body)).evaluate({"x": 1}).decisions["D"]
    assert d.value is None


def test_runaway_recursion_is_null_with_limit_message_not_an_exception():
    bkm = ('<businessKnowledgeModel id="loop" name="loop"><variable name="loop"/>'
           '<encapsulatedLogic><formalParameter name="n" typeRef="number"/>'
           + literal("loop(n + 1)") + "</encapsulatedLogic>"
           "</businessKnowledgeModel>")
    body = bkm + decision("D", literal("loop(0)"), knowledge=["loop"])
    d = pydmn.load(definitions(body)).evaluate({}).decisions["D"]
    assert d.value is None and d.status == "failed"
    assert any(m.kind == "limit" for m in d.messages)


def test_non_conforming_argument_makes_the_invocation_null():
    body = BKM + decision("D", literal('Rate of(Base Amount: "x", pct: 1)'),
                          knowledge=["bkm_rate"])
    assert pydmn.load(definitions(body)).evaluate({})["D"] is None


def test_inputs_without_feel_kind_or_missing_become_null_with_messages():
    body = (input_data("n", "number") + input_data("m", "number")
            + decision("D", literal("n"), inputs=["n", "m"]))
    r = pydmn.load(definitions(body)).evaluate({"n": object()})
    assert r["D"] is None
    kinds = {m.kind for m in r.messages}
    assert "missing-input" in kinds and kinds & {"type-mismatch", "invalid-type"}
    assert all("object at" not in m.text for m in r.messages)     # no values in messages


def test_type_constraint_constrains_a_collection_and_allowed_values_each_item():
    # DMN 1.5 7.3.2: typeConstraint "directly constrains the collection and is not projected on
    # the collection elements"; the deprecated allowedValues is.
    body = ('<itemDefinition name="tSmalls" isCollection="true"><typeRef>number</typeRef>'
            '<allowedValues><text>&lt; 10</text></allowedValues>'
            '<typeConstraint><text>count(?) &lt; 3</text></typeConstraint></itemDefinition>'
            + input_data("xs", "tSmalls") + decision("D", literal("xs"), inputs=["xs"]))
    model = pydmn.load(definitions(body))
    assert model.evaluate({"xs": [1, 2]})["D"] == [1, 2]
    assert model.evaluate({"xs": [1, 20]})["D"] is None         # an item not allowed
    assert model.evaluate({"xs": [1, 2, 3]})["D"] is None       # the collection not allowed
    assert model.evaluate({"xs": 5})["D"] == [5]                 # a singleton list, allowed


def test_type_constraint_on_a_single_value():
    body = ('<itemDefinition name="tSmall"><typeRef>number</typeRef>'
            '<typeConstraint><text>&lt; 10</text></typeConstraint></itemDefinition>'
            + input_data("x", "tSmall") + decision("D", literal("x"), inputs=["x"]))
    model = pydmn.load(definitions(body))
    assert model.evaluate({"x": 5})["D"] == 5
    assert model.evaluate({"x": 50})["D"] is None


def test_instance_of_an_item_definition():
    items = ('<itemDefinition name="tAge"><typeRef>number</typeRef><allowedValues><text>[0..150]'
             '</text></allowedValues></itemDefinition><itemDefinition name="tPerson">'
             '<itemComponent name="name"><typeRef>string</typeRef></itemComponent>'
             '<itemComponent name="age"><typeRef>tAge</typeRef></itemComponent></itemDefinition>')
    text = ('[5 instance of tAge, 200 instance of tAge, "x" instance of tAge, '
            '{name: "a", age: 3} instance of tPerson, {name: 1, age: 3} instance of tPerson, '
            '5 instance of tNothing, [1, 2] instance of list<tAge>, '
            '{name: "a", age: 200} instance of tPerson]')
    model = pydmn.load(definitions(items + decision("D", literal(text))))
    # DMN 1.5 10.3.2.9: `instance of` tests the type, not its allowed values (200 is a number)
    assert model.evaluate({})["D"] == [True, True, False, True, False, False, True, True]
