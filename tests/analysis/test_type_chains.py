"""Item definitions that refine one another (A's typeRef names B, ...) are followed alike by the
engine and by validation: as deep as the engine loads, validation still sees the structure and the
allowed values at the end of the chain; a chain that refers to itself is the engine's error and
leaves validation with an unknown type, not a crash."""
import pytest

import pydmn
from pydmn.analysis import validate
from pydmn.errors import ModelError
from pydmn.model.typerefs import MAX_TYPE_DEPTH

NS = "https://www.omg.org/spec/DMN/20230324/MODEL/"
DEEP = MAX_TYPE_DEPTH - 2       # item definitions in a chain the engine loads


def _model(items: str, text: str, table: str = "") -> bytes:
    logic = table or f'<literalExpression id="e1"><text>{text}</text></literalExpression>'
    return (f'<definitions xmlns="{NS}" id="d" name="m" namespace="http://x">{items}'
            '<inputData id="i" name="x"><variable name="x" typeRef="t0"/></inputData>'
            '<decision id="d1" name="D"><variable name="D"/><informationRequirement>'
            '<requiredInput href="#i"/></informationRequirement>'
            f'{logic}'
            '</decision></definitions>').encode()


def _chain(n: int, last: str) -> str:
    return "".join(f'<itemDefinition name="t{i}"><typeRef>t{i + 1}</typeRef></itemDefinition>'
                   for i in range(n)) + f'<itemDefinition name="t{n}">{last}</itemDefinition>'


STRUCT = ('<itemComponent name="name"><typeRef>string</typeRef></itemComponent>'
          '<itemComponent name="age"><typeRef>number</typeRef></itemComponent>')


def test_a_deep_chain_loads_and_validation_sees_the_components_at_its_end():
    xml = _model(_chain(DEEP, STRUCT), "x.nmae")
    assert pydmn.load(xml).evaluate({"x": {"name": "Ann", "age": 3}})["D"] is None
    found = [f for f in validate(xml) if f.code == "unresolved-name"]
    assert len(found) == 1 and "no component 'nmae'" in found[0].message
    assert not [f for f in validate(_model(_chain(DEEP, STRUCT), "x.name"))
                if f.severity == "error"]


def test_a_deep_chain_keeps_the_allowed_values_at_its_end_for_the_table_check():
    last = '<typeRef>string</typeRef><allowedValues><text>"a","b"</text></allowedValues>'
    table = ('<decisionTable id="dt"><input id="c1"><inputExpression typeRef="t0"><text>x</text>'
             '</inputExpression></input><output id="o1" typeRef="string"/>'
             '<rule id="r1"><inputEntry><text>"c"</text></inputEntry>'
             '<outputEntry><text>"yes"</text></outputEntry></rule></decisionTable>')
    xml = _model(_chain(DEEP, last), "", table)
    assert pydmn.load(xml).evaluate({"x": "a"})["D"] is None
    found = [f for f in validate(xml) if f.code == "value-not-allowed"]
    assert len(found) == 1 and '"c"' in found[0].message and '"a","b"' in found[0].message


def test_past_the_depth_limit_the_engine_refuses_and_validation_does_not_crash():
    xml = _model(_chain(MAX_TYPE_DEPTH + 1, STRUCT), "x.nmae")
    with pytest.raises(ModelError, match=f"chained deeper than {MAX_TYPE_DEPTH}"):
        pydmn.load(xml)
    assert not [f for f in validate(xml) if f.code == "unresolved-name"]   # unknown: no claim


def test_a_chain_that_refers_to_itself_is_the_engines_error_and_unknown_to_validation():
    items = ('<itemDefinition name="t0"><typeRef>t1</typeRef></itemDefinition>'
             '<itemDefinition name="t1"><typeRef>t0</typeRef></itemDefinition>')
    xml = _model(items, "x.nmae")
    with pytest.raises(ModelError, match="refers to itself"):
        pydmn.load(xml)
    assert not [f for f in validate(xml) if f.code == "unresolved-name"]
