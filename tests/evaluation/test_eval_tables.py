"""Decision tables through the public API: hit policies, defaults, checks, matched rules."""
from __future__ import annotations

from decimal import Decimal

import pytest

import pydmn
from dmn_text import decision, definitions, input_data, table


def model_with(tbl: str, inputs=("x",)):
    body = "".join(input_data(i) for i in inputs) + decision("D", tbl, inputs=inputs)
    return pydmn.load(definitions(body))


def run(tbl, **inputs):
    result = model_with(tbl, tuple(inputs) or ("x",)).evaluate(inputs)
    return result.decisions["D"]


RULES = [([">= 10"], ['"big"'], ["ten or more"]), (["< 10"], ['"small"'], ["under ten"]),
         (["[5..15]"], ['"mid"'], ["around ten"])]


def test_unique_single_match_gives_value_and_matched_rule_with_annotations():
    d = run(table(["x"], ["size"], RULES[:2], annotations=["why"]), x=3)
    assert d.value == "small" and d.status == "succeeded"
    assert [(m.rule_id, m.index, m.annotations) for m in d.matched_rules] == [
        ("r2", 2, {"why": "under ten"})]


def test_unique_with_two_matches_is_null_with_hit_policy_message():
    d = run(table(["x"], ["size"], RULES), x=12)
    assert d.value is None and d.status == "failed"
    assert any(m.kind == "hit-policy" for m in d.messages)


def test_first_rule_order_collect_and_any():
    assert run(table(["x"], ["s"], RULES, hit="FIRST"), x=12).value == "big"
    assert run(table(["x"], ["s"], RULES, hit="RULE ORDER"), x=12).value == ["big", "mid"]
    assert run(table(["x"], ["s"], RULES, hit="COLLECT"), x=12).value == ["big", "mid"]
    same = [([">= 10"], ['"y"']), (["> 5"], ['"y"'])]
    assert run(table(["x"], ["s"], same, hit="ANY"), x=12).value == "y"
    d = run(table(["x"], ["s"], RULES, hit="ANY"), x=12)
    assert d.value is None and any(m.kind == "hit-policy" for m in d.messages)


def test_priority_and_output_order_follow_output_values():
    ov = {0: '"mid","small","big"'}
    d = run(table(["x"], ["s"], RULES, hit="PRIORITY", output_values=ov), x=12)
    assert d.value == "mid" and [m.index for m in d.matched_rules] == [3]
    d = run(table(["x"], ["s"], RULES, hit="OUTPUT ORDER", output_values=ov), x=12)
    assert d.value == ["mid", "big"]


@pytest.mark.parametrize("agg,expected", [("SUM", Decimal(30)), ("MIN", Decimal(10)),
                                          ("MAX", Decimal(20)), ("COUNT", Decimal(2))])
def test_collect_aggregations(agg, expected):
    rules = [(["> 0"], ["10"]), (["> 1"], ["20"]), (["> 100"], ["40"])]
    assert run(table(["x"], ["n"], rules, hit="COLLECT", aggregation=agg), x=5).value == expected


def test_no_match_gives_default_output_or_null():
    rules = [(["> 100"], ['"big"'])]
    assert run(table(["x"], ["s"], rules), x=1).value is None
    assert run(table(["x"], ["s"], rules, defaults={0: '"none"'}), x=1).value == "none"


def test_multiple_outputs_give_a_context_by_output_name():
    rules = [(["> 0"], ['"pos"', "x * 2"])]
    assert run(table(["x"], ["sign", "double"], rules), x=4).value == {
        "sign": "pos", "double": Decimal(8)}


def test_input_outside_input_values_is_null_with_message():
    d = run(table(["x"], ["s"], RULES[:2], input_values={0: "[0..100]"}), x=500)
    assert d.value is None and any(m.kind == "input-value" for m in d.messages)


def test_output_outside_output_values_is_null_with_message():
    d = run(table(["x"], ["s"], RULES[:2], output_values={0: '"big"'}), x=3)
    assert d.value is None and any(m.kind == "output-value" for m in d.messages)


def test_cells_compile_at_load_so_a_bad_cell_is_a_model_error():
    with pytest.raises(pydmn.ModelError) as err:
        model_with(table(["x"], ["s"], [(["> > 3"], ['"a"'])]))
    assert err.value.element_id == "r1"


def test_names_with_spaces_in_inputs_and_entries():
    tbl = table(["Monthly Salary"], ["s"], [(["> 1000"], ["Monthly Salary / 2"])])
    assert run(tbl, **{"Monthly Salary": 3000}).value == Decimal(1500)


def test_a_table_reports_the_values_its_input_expressions_had():
    # The service explains a finding with the facts its rule tested: the values come from the engine.
    d = run(table(["x", "x * 2"], ["s"], [(["< 10", "-"], ['"small"'])]), x=3)
    assert d.input_values == (Decimal(3), Decimal(6))
    assert run(table(["x"], ["s"], [(["> 10"], ['"big"'])]), x=3).input_values == (Decimal(3),)   # no match
    assert run(table(["x"], ["s"], [(["> 10"], ['"big"'])], input_values={0: "1, 2"}), x=3).input_values == (
        Decimal(3),)                                                                               # refused input
