"""The CAR-T model means the same on Drools (the Apache KIE engine the committee's editor runs) as on
pydmn: every decision's value and status, over every scenario and 300 seeded generated inputs.

The executor is the `@kie-tools/jitexecutor-native` npm package (`npm ci --prefix tests/drools`,
which `make test` runs); a missing or broken executor fails these tests. The wide run (3,000+
inputs) is `make drools`; its figures are in docs/feel.md, "Agreement with Drools".
"""
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from lxml import etree

import pydmn
from drools_agreement import MODEL, Comparison, warned_empty_collects
from drools_executor import Executor
from drools_inputs import Generator, scenario_cases, to_json
from pydmn.analysis import validate
from pydmn.analysis.semantics import Semantics
from webapp.serving.jsonvalues import parse_body
from webapp.serving.inputs import inputs_schema, validate_inputs

HERE = Path(__file__).resolve().parent
GENERATED = 300
SEED = 19
DMN = "https://www.omg.org/spec/DMN/20191111/MODEL/"


@pytest.fixture(scope="module")
def executor():
    with Executor() as running:
        yield running


def test_every_decision_agrees_on_every_scenario_and_300_generated_inputs(executor):
    model = pydmn.load(MODEL)
    scenarios = scenario_cases(MODEL, model)
    cases = scenarios + Generator(model, MODEL.read_text(), SEED).inputs(GENERATED)
    comparison = Comparison(MODEL, executor, warned_empty_collects(MODEL)).run(cases)
    print(comparison.figures())
    assert len(scenarios) > 100 and comparison.refused == 0
    assert comparison.inputs == len(scenarios) + GENERATED
    assert comparison.decisions == comparison.inputs * len(model.definitions.decisions)
    shown = "\n".join(f"{d.case} / {d.decision} [{d.kind}]: pydmn {d.ours} vs Drools {d.theirs}"
                      for d in comparison.disagreements[:10])
    assert comparison.disagreements == [], f"{comparison.figures()}\n{shown}"
    assert comparison.agreed + sum(comparison.tolerated.values()) == comparison.decisions


def _typed_by_item_definition(path: Path, tmp_path: Path) -> tuple[Path, str, str]:
    """The model with one input column that tests null typed by its item definition again (as
    v2 of the model was): the construct Drools reads differently."""
    defs = pydmn.read(path)
    semantics = Semantics(defs)
    for name, _, table in pydmn.decision_tables(defs):
        for c, clause in enumerate(table.inputs):
            declared = semantics.column_type_ref(clause)
            tests_null = any(re.search(r"\bnull\b", r.input_entries[c]) for r in table.rules)
            if declared != clause.type_ref and tests_null and semantics.constraint(declared):
                root = etree.parse(str(path)).getroot()
                node = root.xpath("//*[@id=$id]/*[local-name()='inputExpression']", id=clause.id)[0]
                node.set("typeRef", declared)
                out = tmp_path / path.name
                out.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
                return out, clause.id, name
    raise AssertionError("no input column of the model tests null on a constrained type")


def test_an_input_typed_by_a_constrained_item_definition_is_a_disagreement_and_a_warning(executor, tmp_path):
    mutant, clause_id, table = _typed_by_item_definition(MODEL, tmp_path)
    assert [(f.severity, f.element_id) for f in validate(mutant) if f.code == "portability-input-type"] \
        == [("warning", clause_id)]
    assert not [f for f in validate(MODEL) if f.code == "portability-input-type"]
    model = pydmn.load(mutant)
    comparison = Comparison(mutant, executor, warned_empty_collects(mutant)).run(
        Generator(model, mutant.read_text(), SEED).inputs(40))
    roots = [d for d in comparison.disagreements if d.kind == "input-type-constraint" and not d.cascade]
    assert {d.decision for d in roots} == {table}, comparison.figures()
    assert all(d.theirs[0] == "failed" and d.ours[0] == "succeeded" for d in roots)


def test_an_absent_input_data_is_skipped_on_drools_and_null_with_a_warning_on_pydmn(executor):
    model = pydmn.load(MODEL)
    (title, body), *_ = scenario_cases(MODEL, model)
    complete = json.loads(body)
    warned = warned_empty_collects(MODEL)
    for name in model.definitions.input_data:
        partial = {k: v for k, v in complete.items() if k != name}
        comparison = Comparison(MODEL, executor, warned).run([(f"without {name}", json.dumps(partial))])
        roots = [d for d in comparison.disagreements if not d.cascade]
        assert roots and {d.kind for d in comparison.disagreements} == {"absent-input-data"}
        assert all(d.theirs[0] == "skipped" and d.ours[0] == "succeeded" for d in roots)
        requiring = {n for n, d in model.definitions.decisions.items() if name in d.required_inputs}
        assert {d.decision for d in roots} == requiring
        loaded, errors = validate_inputs(inputs_schema(model, False, "Inputs"), parse_body(json.dumps(partial).encode()))
        assert not errors
        assert any(m.kind == "missing-input" and name in m.text for m in model.evaluate(loaded).messages)


def test_an_empty_collect_is_null_on_pydmn_and_empty_on_drools_and_tolerated_only_where_warned(executor):
    path = HERE / "data" / "empty-collect.dmn"
    assert warned_empty_collects(path) == {"Flags"}
    cases = [("high", to_json({"Score": 95})), ("low", to_json({"Score": 50})),
             ("unknown", to_json({"Score": None}))]
    unwarned = Comparison(path, executor).run(cases)
    assert [(d.case, d.decision, d.kind, d.cascade) for d in unwarned.disagreements] == [
        ("low", "Flags", "empty-collect", False), ("low", "Flag count", "empty-collect", True)]
    [flags, count] = unwarned.disagreements
    assert flags.ours == ("succeeded", None) and flags.theirs[:2] == ("succeeded", [])
    assert count.ours[1] is None and count.theirs[1] == 0
    warned = Comparison(path, executor, frozenset({"Flags"})).run(cases)
    assert dict(warned.tolerated) == {"Flags": 1}
    # what reads the empty table still counts: the committee must write the model to agree
    assert [(d.decision, d.cascade) for d in warned.disagreements] == [("Flag count", True)]


def test_generation_follows_the_data_dictionary_lists_of_structures_and_new_input_data():
    """No hand list of fields: a list of {type, date} and a new date input (v3's shape) are
    generated from the item definitions, with nulls, absent fields, empty lists and values the
    service's schema admits."""
    path = HERE / "data" / "transplant-list.dmn"
    model = pydmn.load(path)
    generator = Generator(model, path.read_text(), SEED)
    assert generator.marks.day_offsets == [0, 100]      # duration("P100D") in the logic
    schema = inputs_schema(model, False, "Inputs")
    bodies = [json.loads(body) for _, body in generator.inputs(400)]
    assert all(validate_inputs(schema, parse_body(json.dumps(b).encode()))[1] is None for b in bodies)
    assert all(set(b) == {"History", "Service date"} for b in bodies)
    lists = [b["History"].get("transplants", "absent") for b in bodies]
    items = [t for found in lists if isinstance(found, list) for t in found if t is not None]
    assert {len(found) for found in lists if isinstance(found, list)} >= {0, 1, 2}
    assert None in lists and "absent" in lists
    assert {t.get("type") for t in items} >= {"allogeneic_hct", "autologous_hct", "solid_organ", None}
    infusions = [b["History"].get("infusions", "absent") for b in bodies]
    assert {1, 10} <= set(infusions) and all(1 <= n <= 10 for n in infusions if n not in (None, "absent"))
    # dates a window apart: a transplant 99, 100 and 101 days before the service's date
    apart = {(dt.date.fromisoformat(b["Service date"]) - dt.date.fromisoformat(t["date"])).days
             for b in bodies for t in b["History"].get("transplants") or [] if t and t.get("date")}
    assert {99, 100, 101} <= apart and len({b["Service date"] for b in bodies}) > 50
