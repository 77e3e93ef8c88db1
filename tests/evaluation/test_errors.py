"""The error discipline: one table of message kinds and severities, failed decisions, missing
inputs named, strict mode."""
from __future__ import annotations

import pytest

import pydmn
from dmn_text import NS, decision, definitions, input_data, literal, table
from pydmn.errors import SEVERITY, Message


def test_every_kind_has_one_severity_and_unknown_kinds_are_refused():
    assert set(SEVERITY.values()) <= {"error", "warning", "info"}
    assert Message("invalid-type", "x").severity == "error"
    assert Message("missing-input", "x").severity == "warning"
    with pytest.raises(ValueError, match="unknown message kind"):
        Message("typo-kind", "x")


@pytest.mark.parametrize("body, kind", [
    (literal('1 + "x"'), "invalid-type"),
    (literal("no such fn(1)"), "no-variable"),
    (literal("5(1)"), "no-function"),
    (literal("1 / 0"), "arithmetic"),
    (literal('date("2024-13-01")'), "invalid-argument"),
    ('<conditional><if>' + literal("1") + '</if><then>' + literal("2") + '</then><else>'
     + literal("3") + '</else></conditional>', "invalid-type"),
    (table(["1"], ["o"], [[["-"], ['"a"']], [["-"], ['"b"']]]), "hit-policy"),
    (table(["1"], ["o"], [[["-"], ['"a"']], [["-"], ["1"]]], hit="COLLECT",
           aggregation="SUM"), "invalid-type"),
])
def test_an_error_anywhere_fails_the_decision_with_its_kind(body, kind):
    d = pydmn.load(definitions(decision("D", body))).evaluate({}).decisions["D"]
    assert d.value is None and d.status == "failed"
    assert kind in [m.kind for m in d.messages]
    assert all(m.severity == SEVERITY[m.kind] for m in d.messages)


def test_an_error_fails_the_decision_even_when_a_value_comes_out():
    ctx = ('<context><contextEntry><variable name="bad"/>' + literal('1 + "x"')
           + '</contextEntry><contextEntry>' + literal("2") + "</contextEntry></context>")
    d = pydmn.load(definitions(decision("D", ctx))).evaluate({}).decisions["D"]
    assert (d.value, d.status) == (2, "failed")


def test_a_required_input_not_given_is_named_once_and_does_not_fail():
    body = (input_data("Age", "number") + input_data("Unused", "number")
            + decision("A", literal("Age"), inputs=["Age"])
            + decision("B", literal("Age + 1"), inputs=["Age"]))
    r = pydmn.load(definitions(body)).evaluate({})
    assert [(m.kind, m.text, m.element_id) for m in r.messages] == [
        ("missing-input", "input 'Age' was not given", "i_Age")]
    assert r.decisions["A"].status == r.decisions["B"].status == "succeeded"
    assert pydmn.load(definitions(body)).evaluate({"Age": None}).messages == []


LIB_NS = "http://example.com/lib"
LIB = definitions(input_data("Person name", "string")
                  + decision("Greeting", literal('"Hello " + Person name'),
                             inputs=["Person name"], ident="greeting"),
                  name="lib", namespace=LIB_NS)
MID_NS = "http://example.com/mid"
MID = definitions(f'<import namespace="{LIB_NS}" name="modelA" importType="{NS}"/>'
                  '<decision id="loud" name="Loud"><variable name="Loud"/>'
                  f'<informationRequirement><requiredDecision href="{LIB_NS}#greeting"/>'
                  '</informationRequirement>'
                  + literal('upper case(modelA.Greeting)') + "</decision>",
                  name="Model B", namespace=MID_NS)
TOP = definitions(f'<import namespace="{MID_NS}" name="Model B" importType="{NS}"/>'
                  '<decision id="d_top" name="Top"><variable name="Top"/>'
                  f'<informationRequirement><requiredDecision href="{MID_NS}#loud"/>'
                  '</informationRequirement>' + literal("Model B.Loud + \"!\"") + "</decision>")


def test_imports_of_imports_and_their_inputs_by_import_name(tmp_path):
    paths = []
    for name, text in (("lib.dmn", LIB), ("mid.dmn", MID)):
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    model = pydmn.load(TOP, imports=paths)
    r = model.evaluate({"Model B": {"modelA": {"Person name": "Ann"}}})
    assert (r["Top"], r.messages) == ("HELLO ANN!", [])
    assert model.imports["Model B"].imports["modelA"].name == "lib"


def test_an_imported_input_not_given_is_named_by_its_import_name():
    lib_input = definitions(input_data("Person name", "string"), name="lib", namespace=LIB_NS)
    main = definitions(f'<import namespace="{LIB_NS}" name="modelA" importType="{NS}"/>'
                       '<decision id="d_D" name="D"><variable name="D"/>'
                       f'<informationRequirement><requiredInput href="{LIB_NS}#i_Person_name"/>'
                       '</informationRequirement>' + literal("modelA.Person name") + "</decision>")
    model = pydmn.load(main, imports=[lib_input])
    r = model.evaluate({})
    assert r["D"] is None
    assert [(m.kind, m.text) for m in r.messages] == [
        ("missing-input", "input 'modelA.Person name' was not given")]
    assert model.evaluate({"modelA": {"Person name": "Ann"}})["D"] == "Ann"


def test_strict_mode_raises_on_the_first_error():
    body = decision("A", literal("1")) + decision("B", literal('1 + "x"'))
    model = pydmn.load(definitions(body))
    assert model.evaluate({})["A"] == 1
    with pytest.raises(pydmn.EvaluationFailed) as failed:
        model.evaluate({}, strict=True)
    assert (failed.value.message.kind, failed.value.message.element_id) == ("invalid-type", None)
    bkm = ('<businessKnowledgeModel id="f" name="f"><variable name="f"/><encapsulatedLogic>'
           '<formalParameter name="x"/>' + literal("x / 0") + "</encapsulatedLogic>"
           "</businessKnowledgeModel>")
    model = pydmn.load(definitions(bkm))
    assert model.invoke("f", {"x": 1}) is None
    with pytest.raises(pydmn.EvaluationFailed, match="arithmetic"):
        model.invoke("f", {"x": 1}, strict=True)


def test_a_warning_does_not_raise_in_strict_mode():
    body = input_data("n", "number") + decision("D", literal("n"), inputs=["n"])
    r = pydmn.load(definitions(body)).evaluate({}, strict=True)
    assert [m.kind for m in r.messages] == ["missing-input"]
