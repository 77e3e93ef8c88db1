"""Decision table analysis: exact on finite domains and numeric intervals, silent on the unknown."""
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from pydmn.analysis import validate
from pydmn.analysis.tables import analyse_table
from pydmn.model.elements import DecisionTable, InputClause, OutputClause, Rule


def table(policy, columns, rules, outputs=None):
    return DecisionTable(
        id="t", hit_policy=policy,
        inputs=[InputClause(id=f"i{k}", label=name, text=name, type_ref=t) for k, (name, t) in enumerate(columns)],
        outputs=outputs or [OutputClause(id="o", name="out")],
        rules=[Rule(id=f"r{n}", index=n, input_entries=ins, output_entries=outs)
               for n, (ins, outs) in enumerate(rules, start=1)])


def by_code(findings, code):
    return [f for f in findings if f.code == code]


def info(clause):
    return clause.type_ref, None


def test_unique_overlap_names_both_rules_and_an_example():
    t = table("UNIQUE", [("Age", "number")], [(["[0..18]"], ['"a"']), (["[18..99]"], ['"b"'])])
    [overlap] = by_code(analyse_table(t, column_info=info), "overlap")
    assert overlap.severity == "error" and overlap.rule_ids == ("r1", "r2")
    assert overlap.example == {"Age": "18"}


def test_gaps_are_reported_as_example_inputs():
    t = table("UNIQUE", [("Age", "number"), ("Member", "boolean")],
              [(["< 18", "-"], ["1"]), (["> 18", "true"], ["2"]), ([">= 18", "false"], ["3"])])
    gaps = by_code(analyse_table(t, column_info=info), "gap")
    assert [g.example for g in gaps] == [{"Age": "18", "Member": "true"}]


def test_default_output_and_multi_hit_tables_have_no_gaps():
    rules = [(["< 18"], ["1"])]
    assert not by_code(analyse_table(table("COLLECT", [("Age", "number")], rules)), "gap")
    with_default = table("UNIQUE", [("Age", "number")], rules,
                         [OutputClause(id="o", name="out", default_output="0")])
    assert not by_code(analyse_table(with_default), "gap")


def test_first_masks_a_rule_covered_by_several_earlier_rules():
    t = table("FIRST", [("Score", "number")],
              [(["< 50"], ['"low"']), ([">= 50"], ['"high"']), (["[40..60]"], ['"mid"'])])
    [dead] = by_code(analyse_table(t), "dead-rule")
    assert (dead.rule_ids, dead.rows, dead.masked_by) == (("r3",), (3,), ("r1", "r2"))
    assert "rule 3 (r3) can never fire" in dead.message
    assert dead.message.endswith("rule 1 (r1), rule 2 (r2)")


def test_priority_dead_rule_and_output_order():
    outputs = [OutputClause(id="o", name="Risk", output_values='"high","medium","low"')]
    t = table("PRIORITY", [("Score", "number")],
              [(["> 10"], ['"high"']), (["> 20"], ['"medium"']), (["<= 10"], ['"low"']),
               (["> 5"], ['"unknown"'])], outputs)
    findings = analyse_table(t)
    assert [(f.rule_ids, f.masked_by) for f in by_code(findings, "dead-rule")] == [(("r2",), ("r1",))]
    [order] = by_code(findings, "output-order")
    assert order.rule_ids == ("r4",) and '"unknown"' in order.message


def test_priority_without_output_values_is_an_error():
    t = table("PRIORITY", [("Score", "number")], [(["> 10"], ["1"])])
    assert by_code(analyse_table(t), "output-order")[0].severity == "error"


def test_any_with_equal_outputs_is_fine_but_redundant_rule_is_noted():
    t = table("ANY", [("B", "boolean")], [(["-"], ["1"]), (["true"], ["1"])])
    findings = analyse_table(t, column_info=info)
    assert not by_code(findings, "overlap")
    assert by_code(findings, "dead-rule")[0].rule_ids[0] == "r2"


def test_unknown_cells_never_cause_findings():
    t = table("UNIQUE", [("Age", "number")], [(["< limit"], ["1"]), (["> 10"], ["2"])])
    findings = analyse_table(t)
    assert not by_code(findings, "overlap") and not by_code(findings, "gap")


def test_dates_are_discrete_days():
    t = table("UNIQUE", [("D", "date")], [(['< date("2024-01-02")'], ["1"]),
                                          (['>= date("2024-01-02")'], ["2"])])
    assert analyse_table(t) == []
    t = table("UNIQUE", [("D", "date")], [(['<= date("2024-01-01")'], ["1"]),
                                          (['> date("2024-01-02")'], ["2"])])
    [gap] = analyse_table(t)
    assert gap.example == {"D": 'date("2024-01-02")'}


def test_finite_allowed_values_are_exact():
    t = table("UNIQUE", [("Colour", "tColour")], [(['"red"'], ["1"]), (['not("red")'], ["2"])])
    assert analyse_table(t, column_info=lambda c: ("string", ["red", "green", "blue"])) == []
    t = table("UNIQUE", [("Colour", "tColour")], [(['"red"'], ["1"]), (['"blue"'], ["2"])])
    [gap] = analyse_table(t, column_info=lambda c: ("string", ["red", "green", "blue"]))
    assert gap.example == {"Colour": '"green"'} and gap.severity == "warning"


# -- the analysis agrees with brute force on random tables ---------------------------------------
BOUNDS = [0, 10, 20, 30]
OPS = ["<", "<=", ">", ">=", "=", "[..]", "(..)", "-"]


def cell_text(op, a, b):
    lo, hi = min(a, b), max(a, b)
    return {"<": f"< {a}", "<=": f"<= {a}", ">": f"> {a}", ">=": f">= {a}", "=": str(a),
            "[..]": f"[{lo}..{hi}]", "(..)": f"({lo}..{hi})", "-": "-"}[op]


def cell_holds(op, a, b, x):
    if x is None:                      # FEEL: only "-" (of these shapes) matches a null input
        return op == "-"
    lo, hi = min(a, b), max(a, b)
    return {"<": x < a, "<=": x <= a, ">": x > a, ">=": x >= a, "=": x == a,
            "[..]": lo <= x <= hi, "(..)": lo < x < hi, "-": True}[op]


cells = st.tuples(st.sampled_from(OPS), st.sampled_from(BOUNDS), st.sampled_from(BOUNDS))
rule_lists = st.lists(st.tuples(cells, st.booleans() | st.none()), min_size=1, max_size=5)
SAMPLES = [Decimal(x) / 2 for x in range(-2, 64)]   # every bound and a point between any two


@settings(max_examples=150, deadline=None)
@given(rule_lists)
def test_overlaps_and_gaps_match_brute_force(rules):
    t = table("UNIQUE", [("X", "number"), ("B", "boolean")],
              [([cell_text(*c), "-" if flag is None else str(flag).lower()], [str(i)])
               for i, (c, flag) in enumerate(rules)])
    findings = analyse_table(t, column_info=info)

    def matches(rule, x, flag):
        (c, f) = rule
        return cell_holds(*c, x) and (f is None or f == flag)
    points = [(x, flag) for x in SAMPLES for flag in (True, False)]
    covered = all(any(matches(r, x, f) for r in rules) for x, f in points)   # gaps: non-null only
    points += [(x, flag) for x in SAMPLES + [None] for flag in (True, False, None) if None in (x, flag)]
    assert covered == (not by_code(findings, "gap"))
    pairs = {(f"r{i + 1}", f"r{j + 1}") for i in range(len(rules)) for j in range(i + 1, len(rules))
             if any(matches(rules[i], x, f) and matches(rules[j], x, f) for x, f in points)}
    assert pairs == {f.rule_ids for f in by_code(findings, "overlap")}
    for gap in by_code(findings, "gap"):
        x, flag = Decimal(gap.example["X"]), gap.example["B"] == "true"
        assert not any(matches(r, x, flag) for r in rules)
    for overlap in by_code(findings, "overlap"):
        x = None if overlap.example["X"] == "null" else Decimal(overlap.example["X"])
        flag = {"true": True, "false": False, "null": None}[overlap.example["B"]]
        i, j = (int(r[1:]) - 1 for r in overlap.rule_ids)
        assert matches(rules[i], x, flag) and matches(rules[j], x, flag)


@settings(max_examples=150, deadline=None)
@given(rule_lists)
def test_first_masked_rules_match_brute_force(rules):
    t = table("FIRST", [("X", "number"), ("B", "boolean")],
              [([cell_text(*c), "-" if flag is None else str(flag).lower()], [str(i)])
               for i, (c, flag) in enumerate(rules)])
    findings = analyse_table(t, column_info=info)

    def matches(rule, x, flag):
        (c, f) = rule
        return cell_holds(*c, x) and (f is None or f == flag)
    points = [(x, flag) for x in SAMPLES + [None] for flag in (True, False, None)]
    fires = {next(i for i, r in enumerate(rules) if matches(r, x, f))
             for x, f in points if any(matches(r, x, f) for r in rules)}
    never = {f"r{i + 1}" for i in range(len(rules)) if i not in fires}
    assert never == {f.rule_ids[0] for f in by_code(findings, "dead-rule")}



COLOUR = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_C" name="C"
             namespace="https://example.test/c">
  <itemDefinition id="ItemDefinition_tColour" name="tColour">
    <typeRef>string</typeRef>
    <allowedValues id="UnaryTests_tColour"><text>"red","green"</text></allowedValues>
  </itemDefinition>
  <itemDefinition id="ItemDefinition_tCar" name="tCar">
    <itemComponent id="ItemDefinition_tCar_colour" name="colour"><typeRef>tColour</typeRef></itemComponent>
  </itemDefinition>
  <inputData id="InputData_Car" name="Car"><variable id="InformationItem_Car" name="Car" typeRef="tCar"/></inputData>
  <decision id="Decision_Stop" name="Stop">
    <variable id="InformationItem_Stop" name="Stop" typeRef="boolean"/>
    <informationRequirement id="InformationRequirement_Stop"><requiredInput href="#InputData_Car"/></informationRequirement>
    <decisionTable id="DecisionTable_Stop" hitPolicy="UNIQUE">
      <input id="InputClause_Stop_Colour" label="Colour">
        <inputExpression id="InputExpression_Stop_Colour" typeRef="string"><text>Car.colour</text></inputExpression>
      </input>
      <output id="OutputClause_Stop" typeRef="boolean"/>
      <rule id="DecisionRule_Stop_1">
        <inputEntry id="UnaryTests_Stop_1"><text>"red"</text></inputEntry>
        <outputEntry id="LiteralExpression_Stop_1"><text>true</text></outputEntry>
      </rule>
      <rule id="DecisionRule_Stop_2">
        <inputEntry id="UnaryTests_Stop_2"><text>{second}</text></inputEntry>
        <outputEntry id="LiteralExpression_Stop_2"><text>false</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_a_column_on_its_base_type_is_analysed_over_the_values_its_expression_reads():
    """Typed `string` for Drools, the column still has tColour's two values: covering both
    leaves no gap; leaving one out is a gap naming it."""
    assert [f for f in validate(COLOUR.format(second='"green"').encode()) if f.code == "gap"] == []
    [gap] = [f for f in validate(COLOUR.format(second='"blue"').encode()) if f.code == "gap"]
    assert gap.severity == "warning" and gap.example == {"Colour": '"green"'}
