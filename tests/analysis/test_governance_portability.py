"""Portability warnings: constructs Drools (the KIE engine) reads differently from pydmn, reported by
validation so the committee learns of them in the review (docs/feel.md, "Agreement with Drools")."""
from pydmn.analysis import validate

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_P" name="P"
             namespace="https://example.test/p">
  <itemDefinition id="ItemDefinition_tScore" name="tScore">
    <typeRef>number</typeRef>
    <allowedValues id="UnaryTests_tScore"><text>[0..100]</text></allowedValues>
  </itemDefinition>
  <inputData id="InputData_Score" name="Score">
    <variable id="InformationItem_Score" name="Score" typeRef="tScore"/>
  </inputData>
  <decision id="Decision_Band" name="Band">
    <variable id="InformationItem_Band" name="Band"/>
    <informationRequirement id="InformationRequirement_Band"><requiredInput href="#InputData_Score"/></informationRequirement>
    <decisionTable id="DecisionTable_Band" hitPolicy="{hit}">
      <input id="InputClause_Band_Score" label="Score">
        <inputExpression id="InputExpression_Band_Score" typeRef="{type_ref}">
          <text>Score</text>
        </inputExpression>{values}
      </input>
      <output id="OutputClause_Band" typeRef="string">{default}</output>
{rules}    </decisionTable>
  </decision>
{reader}</definitions>
"""
RULE = """      <rule id="DecisionRule_Band_{n}">
        <inputEntry id="UnaryTests_Band_{n}"><text>{cell}</text></inputEntry>
        <outputEntry id="LiteralExpression_Band_{n}"><text>"b{n}"</text></outputEntry>
      </rule>
"""
READER = """  <decision id="Decision_Report" name="Report">
    <variable id="InformationItem_Report" name="Report"/>
    <informationRequirement id="InformationRequirement_Report"><requiredDecision href="#Decision_Band"/></informationRequirement>
    <literalExpression id="LiteralExpression_Report"><text>count(Band)</text></literalExpression>
  </decision>
"""


def table_model(type_ref="tScore", cells=("null", "&gt;= 50", "&lt; 50"), hit="UNIQUE", input_values=None,
                reader=False, default=None) -> bytes:
    """A decision 'Band' with one input column reading Score; optionally a decision reading Band."""
    return MODEL.format(
        hit=hit, type_ref=type_ref,
        values=f'<inputValues id="UnaryTests_Band_values"><text>{input_values}</text></inputValues>'
        if input_values else "",
        default=f'<defaultOutputEntry id="LiteralExpression_Band_default"><text>{default}</text></defaultOutputEntry>'
        if default else "",
        rules="".join(RULE.format(n=n, cell=cell) for n, cell in enumerate(cells, 1)),
        reader=READER if reader else "").encode()


def portability(data: bytes, code: str):
    return [f for f in validate(data) if f.code == code]


def test_an_input_typed_by_a_constrained_type_while_a_rule_tests_null_is_a_warning_at_the_column():
    data = table_model(cells=("null", "&gt;= 50", "&lt; 50", "not(null)"))
    [finding] = portability(data, "portability-input-type")
    assert (finding.severity, finding.element_id, finding.table, finding.column) == \
        ("warning", "InputClause_Band_Score", "Band", "Score")
    assert finding.rows == (1, 4) and finding.rule_ids == ("DecisionRule_Band_1", "DecisionRule_Band_4")
    assert finding.line == data.decode().split("\n").index("          <text>Score</text>") + 1   # its own text
    assert "'tScore'" in finding.message and "[0..100]" in finding.message
    assert "rules 1, 4 test null" in finding.message
    assert "base type (number)" in finding.message


def test_an_input_on_its_base_type_or_without_a_null_test_is_no_warning():
    assert portability(table_model(type_ref="number"), "portability-input-type") == []
    assert portability(table_model(cells=("&gt;= 50", "&lt; 50")), "portability-input-type") == []


def test_the_columns_own_input_values_leaving_null_out_while_a_rule_tests_null_is_a_warning():
    [finding] = portability(table_model(type_ref="number", input_values="[0..100]"), "portability-input-type")
    assert finding.element_id == "InputClause_Band_Score"
    assert "input values [0..100] leave null out" in finding.message
    assert portability(table_model(type_ref="number", input_values="[0..100], null"), "portability-input-type") == []


def test_a_collect_table_another_decision_reads_that_some_input_leaves_unmatched_is_a_warning():
    data = table_model(type_ref="number", cells=("null", "&gt;= 50"), hit="COLLECT", reader=True)
    [finding] = portability(data, "portability-empty-collect")
    assert (finding.severity, finding.element_id, finding.table) == ("warning", "DecisionTable_Band", "Band")
    assert "no rule matches where Score: < 50" in finding.message and "'Report' reads it" in finding.message
    assert finding.example == {"Score": "49"}


def test_a_collect_table_that_always_matches_has_a_default_or_that_nothing_reads_is_no_warning():
    def warned(**kw):
        return portability(table_model(type_ref="number", hit="COLLECT", **kw), "portability-empty-collect")
    assert warned(cells=("null", "&gt;= 50", "&lt; 50"), reader=True) == []
    assert warned(cells=("null", "&gt;= 50"), reader=True, default='"none"') == []
    assert warned(cells=("null", "&gt;= 50")) == []
    # values the type refuses never reach the table: [0..100] leaves nothing above 100 unmatched
    covered = table_model(cells=("null", "[0..50)", "[50..100]"), hit="COLLECT", reader=True)
    assert portability(covered, "portability-empty-collect") == []


def test_an_unknown_value_that_enters_unmatched_is_a_warning_one_another_decision_gives_is_not():
    """A null Score (input data) that no rule matches reaches the table; a null another decision
    gives is left out, since the analysis cannot see how derived values depend on each other."""
    data = table_model(type_ref="number", cells=("&gt;= 50", "&lt; 50"), hit="COLLECT", reader=True)
    [finding] = portability(data, "portability-empty-collect")
    assert "where Score: null" in finding.message
    derived = data.decode().replace("<text>Score</text>", "<text>Checked score</text>").replace(
        '<requiredInput href="#InputData_Score"/>', '<requiredDecision href="#Decision_Checked"/>').replace(
        "</definitions>", '<decision id="Decision_Checked" name="Checked score"><variable id="InformationItem_Checked" '
        'name="Checked score" typeRef="number"/><informationRequirement id="InformationRequirement_Checked">'
        '<requiredInput href="#InputData_Score"/></informationRequirement><literalExpression '
        'id="LiteralExpression_Checked"><text>Score</text></literalExpression></decision></definitions>')
    assert [f for f in validate(derived.encode()) if f.severity == "error"] == []
    assert portability(derived.encode(), "portability-empty-collect") == []
