"""DMN 1.5 10.3.2.9.4 where a model binds values to typed variables: a decision's result, a BKM's
or decision service's result (a function item's output type), parameters, context entries."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import pydmn
from dmn_text import decision, definitions, literal

UTC_MIDNIGHT = dt.datetime(2000, 1, 2, tzinfo=dt.timezone.utc)
ITEMS = ('<itemDefinition name="tNumbers" isCollection="true"><typeRef>number</typeRef>'
         '</itemDefinition>'
         '<itemDefinition name="tReturnsNumbers"><functionItem outputTypeRef="tNumbers"/>'
         '</itemDefinition>'
         '<itemDefinition name="tReturnsNumber"><functionItem outputTypeRef="number"/>'
         '</itemDefinition>'
         '<itemDefinition name="tReturnsStamp"><functionItem outputTypeRef="date and time"/>'
         '</itemDefinition>')


@pytest.mark.parametrize("text, type_ref, expected", [
    ('"abc"', "list&lt;string&gt;", ["abc"]),
    ("1", "tNumbers", [Decimal(1)]),
    ('["abc"]', "string", "abc"),
    ('["abc", "def"]', "string", None),
    ('date(2000, 1, 2)', "date and time", UTC_MIDNIGHT),
    ('[date(2000, 1, 2)]', "date and time", UTC_MIDNIGHT),
    ('date(2000, 1, 2)', "list&lt;date and time&gt;", [UTC_MIDNIGHT]),
    ('date(2000, 1, 2)', "time", None),
])
def test_a_decision_result_is_converted_to_its_type(text, type_ref, expected):
    d = pydmn.load(definitions(ITEMS + decision("D", literal(text), type_ref=type_ref))) \
        .evaluate({}).decisions["D"]
    assert d.value == expected
    assert d.status == ("succeeded" if expected is not None else "failed")


def _bkm(name: str, type_ref: str, body: str) -> str:
    return (f'<businessKnowledgeModel id="{name}" name="{name}"><variable name="{name}" '
            f'typeRef="{type_ref}"/><encapsulatedLogic>{literal(body)}</encapsulatedLogic>'
            "</businessKnowledgeModel>")


def _service(name: str, type_ref: str, body: str) -> str:
    return (f'<decisionService id="s_{name}" name="{name}"><variable name="{name}" '
            f'typeRef="{type_ref}"/><outputDecision href="#d_{name} body"/></decisionService>'
            + decision(f"{name} body", literal(body), ident=f"d_{name} body"))


@pytest.mark.parametrize("make", [_bkm, _service])
@pytest.mark.parametrize("type_ref, body, expected", [
    ("tReturnsNumbers", "1", [Decimal(1)]),
    ("tReturnsNumber", "[1]", Decimal(1)),
    ("tReturnsStamp", "date(2000, 1, 2)", UTC_MIDNIGHT),
])
def test_a_function_items_output_type_converts_what_a_bkm_or_service_returns(
        make, type_ref, body, expected):
    model = pydmn.load(definitions(ITEMS + make("F", type_ref, body)))
    assert model.invoke("F", {}) == expected


def test_bkm_parameters_and_context_entries_convert_too():
    bkm = ('<businessKnowledgeModel id="f" name="f"><variable name="f"/><encapsulatedLogic>'
           '<formalParameter name="when" typeRef="date and time"/>'
           '<formalParameter name="xs" typeRef="tNumbers"/>'
           + literal("[when, xs]") + "</encapsulatedLogic></businessKnowledgeModel>")
    ctx = ('<context><contextEntry><variable name="n" typeRef="number"/>' + literal("[7]")
           + '</contextEntry><contextEntry>' + literal("n + 1") + "</contextEntry></context>")
    model = pydmn.load(definitions(ITEMS + bkm + decision("C", ctx)))
    assert model.invoke("f", {"when": dt.date(2000, 1, 2), "xs": 3}) == [UTC_MIDNIGHT,
                                                                          [Decimal(3)]]
    assert model.evaluate({})["C"] == 8
