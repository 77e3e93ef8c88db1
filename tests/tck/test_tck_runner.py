"""The TCK runner's own parts: reading test files, comparing values, CSV lines, summary."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest

import pydmn.feel
from pydmn import tck

TEST_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <modelName>m.dmn</modelName>
  <testCase id="001">
    <inputNode name="Person">
      <component name="name"><value xsi:type="xsd:string">Ann</value></component>
      <component name="tags"><list><item><value xsi:type="xsd:string">a</value></item>
        <item><value xsi:nil="true"/></item></list></component>
    </inputNode>
    <inputNode name="Far" namespace="http://x"><value xsi:type="xsd:boolean">true</value></inputNode>
    <resultNode name="Out" type="decision" errorResult="true">
      <expected><value xsi:nil="true"/></expected>
    </resultNode>
    <resultNode name="N"><expected><value xsi:type="xsd:decimal">1.50</value></expected></resultNode>
  </testCase>
  <testCase id="002" invocableName="Svc" type="decisionService">
    <resultNode name="Out"><expected><list/></expected></resultNode>
  </testCase>
</testCases>"""


def test_reads_components_lists_nil_namespaces_and_invocables(tmp_path):
    folder = tmp_path / "compliance-level-9" / "0001-x"
    folder.mkdir(parents=True)
    path = folder / "0001-x-test-01.xml"
    path.write_text(TEST_FILE)
    test = tck.read_test_file(path)
    assert test.model_name == "m.dmn" and test.folder == "compliance-level-9/0001-x"
    one, two = test.cases
    assert one.inputs == {"Person": {"name": "Ann", "tags": ["a", None]}}
    assert one.namespaces == {"http://x": {"Far": True}}
    assert [(r.name, r.expected, r.error_result) for r in one.results] == [
        ("Out", None, True), ("N", Decimal("1.50"), False)]
    assert (two.invocable, two.kind, two.results[0].expected) == ("Svc", "decisionService", [])
    assert tck.find_test_files([tmp_path]) == [path]


def test_same_compares_numbers_with_tolerance_and_structures_deeply():
    assert tck.same(Decimal("1.50"), Decimal("1.5"))
    assert tck.same(Decimal("2778.6935494327668"), Decimal("2778.693549432766768088520383236299"))
    assert not tck.same(Decimal("1"), Decimal("1.001"))
    assert not tck.same(Decimal("1"), True) and not tck.same(True, Decimal(1))
    assert not tck.same("1", Decimal(1)) and not tck.same(None, "")
    assert tck.same({"a": [Decimal(1), None]}, {"a": [Decimal("1.0"), None]})
    assert not tck.same({"a": 1}, {"a": 1, "b": 2}) and not tck.same([1], [1, 2])


def test_csv_lines_are_per_test_case_with_the_worst_status():
    outcomes = [tck.NodeOutcome("compliance-level-2/0004-x", "0004-x-test-01", "001", "A",
                                "SUCCESS", level="compliance-level-2"),
                tck.NodeOutcome("compliance-level-2/0004-x", "0004-x-test-01", "001", "B",
                                "FAILURE", detail="bad", level="compliance-level-2"),
                tck.NodeOutcome("compliance-level-2/0004-x", "0004-x-test-01", "002", "A",
                                "SUCCESS", level="compliance-level-2")]
    out = io.StringIO()
    tck.write_csv(outcomes, out)
    assert out.getvalue().splitlines() == [
        '"compliance-level-2/0004-x","0004-x-test-01","001","FAILURE","bad"',
        '"compliance-level-2/0004-x","0004-x-test-01","002","SUCCESS",""']
    assert tck.summary(outcomes) == [
        "compliance-level-2: 2 passed, 1 failed (non-null expected: 0/0)"]


def test_xsd_temporal_values_become_feel_kinds():
    import datetime as dt
    from pydmn.feel.values import YearsMonths
    assert tck.parse_scalar("2017-01-31", "xsd:date") == dt.date(2017, 1, 31)
    assert tck.parse_scalar("P1Y2M", "xsd:duration") == YearsMonths(14)
    assert tck.parse_scalar("-PT1H", "xsd:duration") == -dt.timedelta(hours=1)
    z = tck.parse_scalar("2017-01-01T10:00:00Z", "xsd:dateTime")
    plus0 = tck.parse_scalar("2017-01-01T10:00:00+00:00", "xsd:dateTime")
    paris = tck.parse_scalar("2017-01-01T10:00:00@Europe/Paris", "xsd:dateTime")
    local = tck.parse_scalar("2017-01-01T10:00:00", "xsd:dateTime")
    assert tck.same(z, plus0) and not tck.same(z, paris) and not tck.same(z, local)
    assert tck.same(tck.parse_scalar("10:30:00+01:00", "xsd:time"),
                    dt.time(10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert tck.same(tck.parse_scalar("10:30:00-05:00:01", "xsd:time"),
                    dt.time(10, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5, seconds=1))))


BKM_MODEL = """<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="d" name="m"
    namespace="http://x"><businessKnowledgeModel id="b" name="Twice"><variable name="Twice"/>
  <encapsulatedLogic><formalParameter name="n" typeRef="number"/><literalExpression>
  <text>n * 2</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>
  <decision id="x" name="Broken"><variable name="Broken"/><literalExpression>
  <text>1 + 1</text></literalExpression></decision></definitions>"""
BKM_TESTS = """<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <modelName>m.dmn</modelName>
  <testCase id="001" invocableName="Twice" type="bkm">
    <inputNode name="n"><value xsi:type="xsd:decimal">21</value></inputNode>
    <resultNode name="Twice"><expected><value xsi:type="xsd:decimal">42</value></expected></resultNode>
  </testCase>
  <testCase id="002"><resultNode name="Broken"><expected><value xsi:nil="true"/>
  </expected></resultNode></testCase>
</testCases>"""


def test_a_bkm_is_invoked_and_an_internal_error_is_a_failure(tmp_path, monkeypatch):
    folder = tmp_path / "compliance-level-3" / "0001-bkm"
    folder.mkdir(parents=True)
    (folder / "m.dmn").write_text(BKM_MODEL)
    path = folder / "0001-bkm-test-01.xml"
    path.write_text(BKM_TESTS)
    test = tck.read_test_file(path)
    [twice] = tck.run_case(test, test.cases[0])
    assert (twice.status, twice.actual) == ("SUCCESS", Decimal(42))
    # a defect reached the engine's catch-all: the node fails even though null was expected
    from pydmn.feel import operators

    def defect(a, b):
        raise TypeError("a defect")
    monkeypatch.setattr(operators, "add", defect)
    monkeypatch.setattr(tck, "_model_cache", {})
    pydmn.feel._compile_expression.cache_clear()
    try:
        [broken] = tck.run_case(test, test.cases[1])
    finally:
        monkeypatch.undo()
        pydmn.feel._compile_expression.cache_clear()
    assert broken.status == "FAILURE" and "internal error (TypeError: a defect)" in broken.detail


def test_a_path_with_no_test_file_fails_the_run_with_its_reason(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "missing", tmp_path / "empty"):
        with pytest.raises(SystemExit) as stop:
            tck.main([str(path)])
        assert stop.value.code == 2
        assert f"no TCK test file (*-test-*.xml) at {path}" in capsys.readouterr().err
