"""The CAR-T policy model: validates clean, exports hold every rule, and a moved window diffs exactly."""
import io
import re
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook

import pydmn
from pydmn.analysis import has_errors, validate
from pydmn.analysis.diff import diff_files
from pydmn import decision_tables as tables_of
from pydmn.model.reader import parse_definitions
from webapp.export import export_model
from webapp.export.document import build_document
from click.testing import CliRunner

import pytest
from pydmn.analysis.impact import impact
from webapp.cli.governance import _checked, diff_command
from webapp.governance.scenarios import scenario_file_of, scenario_inputs

MODEL = Path(__file__).resolve().parents[2] / "decisions" / "car-t-candidate-selection.dmn"
CHECKED = _checked(scenario_file_of(MODEL))      # the decision the scenario file checks


def test_car_t_validates_without_errors():
    findings = validate(MODEL)
    assert not has_errors(findings), "\n".join(str(f) for f in findings if f.severity == "error")


def test_car_t_validates_clean_with_base_typed_input_columns():
    # The model types its input expressions with base types (for Drools); the analysis still reads each
    # column's domain from what it reads: no note of a gap for values outside tOutcome or tLineOfBusiness.
    assert [str(f) for f in validate(MODEL)] == []


def table_sheets(wb):
    """The sheets of the decision tables, as the cover sheet lists them."""
    rows = list(wb["Cover"].iter_rows(values_only=True))
    start = rows.index(("Decision table", "Sheet")) + 1
    return [wb[sheet] for _, sheet in rows[start:]]


def test_car_t_exports_hold_every_rule():
    doc = build_document(MODEL)
    defs = parse_definitions(MODEL.read_bytes())
    expected = [(name, r.id) for name, _, t in tables_of(defs) for r in t.rules]
    assert expected and [(t["decision"], r["id"]) for t in doc["tables"] for r in t["rules"]] == expected
    html = export_model(MODEL, "html")[0].decode()
    assert all(f'data-rule-id="{rid}"' in html for _, rid in expected)
    wb = load_workbook(io.BytesIO(export_model(MODEL, "xlsx")[0]))
    ids = [row[1] for ws in table_sheets(wb) for row in ws.iter_rows(min_row=5, values_only=True)
           if isinstance(row[0], int)]
    assert ids == [rid for _, rid in expected]
    md = export_model(MODEL, "md")[0].decode()
    assert sum(line.startswith("| ") and line.split("|")[1].strip().isdigit()
               for line in md.splitlines()) == len(expected)


def number_cells(defs):
    """(rule, tag, column index, column name, text) of table cells holding a number literal."""
    found = []
    for _, _, table in tables_of(defs):
        for tag, entries, columns in (("inputEntry", "input_entries", table.inputs),
                                      ("outputEntry", "output_entries", table.outputs)):
            for rule in table.rules:
                for c, text in enumerate(getattr(rule, entries)):
                    if re.search(r"(?<![\w.])\d+(?![\w.])", text) and '"' not in text:
                        column = columns[c]
                        found.append((rule, tag, c, getattr(column, "name", None) or column.label
                                      or column.text, text))
    return found


def edited_copy(tmp_path, rule, tag, c, name="edited.dmn"):
    """The model with the first number of one cell raised by 80."""
    root = etree.fromstring(MODEL.read_bytes())
    node = root.xpath("//*[@id=$id]", id=rule.id)[0]
    entry = [e for e in node if etree.QName(e).localname == tag][c]
    text = [t for t in entry if etree.QName(t).localname == "text"][0]
    text.text = re.sub(r"(?<![\w.])(\d+)(?![\w.])", lambda m: str(int(m.group(1)) + 80), text.text, count=1)
    path = tmp_path / name
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path, text.text


def test_editing_one_number_names_exactly_that_cell(tmp_path):
    cells = number_cells(parse_definitions(MODEL.read_bytes()))
    assert cells, "no table cell holds a number"
    for rule, tag, c, column, text in cells:
        new, new_text = edited_copy(tmp_path, rule, tag, c)
        [change] = diff_files(MODEL, new).changes
        assert (change.kind, change.rule_id, change.column, change.row) == ("cell", rule.id, column, rule.index)
        assert change.old == " ".join(text.split()) and change.new == " ".join(new_text.split())


def test_impact_groups_scenarios_by_outcome_change_in_feel_text(tmp_path):
    model = pydmn.load(str(MODEL))
    cases = scenario_inputs(MODEL, model)
    assert cases, "the CAR-T model's scenarios are missing"
    for rule, tag, c, _, _ in number_cells(parse_definitions(MODEL.read_bytes())):
        new, _ = edited_copy(tmp_path, rule, tag, c)
        result = impact(model, pydmn.load(str(new)), cases, diff_files(MODEL, new), CHECKED)
        if any(h.old != h.new for g in result.groups for h in g.answer):
            break
    else:
        pytest.fail("no number in any table changes a scenario's answer")
    changed = {s for g in result.groups for s in g.scenarios}
    # Unchanged counts answers: a scenario whose trace alone changed ("answer unchanged; X changed") is one.
    answered = {s for g in result.groups if g.answer or g.renamed_only for s in g.scenarios}
    assert 0 < len(answered) < len(changed)
    assert result.total == len(cases) and result.unchanged == len(cases) - len(answered)
    new_model = pydmn.load(str(new))
    for name, inputs in cases:
        a, b = model.evaluate(dict(inputs)), new_model.evaluate(dict(inputs))
        differs = any(a.decisions[d].value != b.decisions[d].value for d in a.decisions)
        assert differs == (name in changed), name
    text = "\n".join(result.summary())
    assert all(g.describe() in text for g in result.groups)
    assert any(h.old != h.new for g in result.groups for h in g.answer), "no answer changed"
    # values are FEEL text: no Python reprs of numbers, nulls, dates, strings or dicts
    assert not re.search(r"Decimal\(|\bNone\b|datetime\.|\{'|': |\['", text), text


def _renamable_codes(defs, data: str):
    """(table, output column index, code) of string codes that appear nowhere else in the model."""
    for name, _, table in tables_of(defs):
        for c, output in enumerate(table.outputs):
            codes = {}
            for rule in table.rules:
                m = re.fullmatch(r'\s*"([\w.-]+)"\s*', rule.output_entries[c])
                if m:
                    codes[m.group(1)] = codes.get(m.group(1), 0) + 1
            for code, n in codes.items():
                if data.count(f'"{code}"') == n and code not in re.sub(r'"[\w.-]+"', "", data):
                    yield name, c, code


def test_a_renamed_code_is_one_rename_and_changes_answers_only_by_name(tmp_path):
    data = MODEL.read_text()
    model = pydmn.load(str(MODEL))
    cases = scenario_inputs(MODEL, model)
    tried = 0
    for table, c, code in _renamable_codes(parse_definitions(MODEL.read_bytes()), data):
        tried += 1
        new = tmp_path / "renamed.dmn"
        new.write_text(data.replace(f'"{code}"', f'"{code}-v2"'))
        diff = diff_files(MODEL, new)
        if {c.kind for c in diff.changes} != {"rename"}:
            continue            # the code also sits inside a longer cell: an edit of that cell
        assert (table, f'"{code}"', f'"{code}-v2"') in {(c.decision, c.old, c.new) for c in diff.changes}
        result = impact(model, pydmn.load(str(new)), cases, diff, CHECKED)
        if result.groups:
            assert all(g.renamed_only for g in result.groups)
            assert "changed only by renamed codes" in "\n".join(result.summary())
            return
        if tried > 40:
            break
    pytest.fail("no code found whose rename changes a scenario's answer")


def test_new_rules_no_scenario_exercises_are_flagged(tmp_path):
    defs = parse_definitions(MODEL.read_bytes())
    name, table, rule, c = next(
        (n, t, t.rules[0], c) for n, _, t in tables_of(defs) for c, clause in enumerate(t.inputs)
        if clause.type_ref in ("string", "number") and t.rules)
    root = etree.fromstring(MODEL.read_bytes())
    node = root.xpath("//*[@id=$id]", id=rule.id)[0]
    copy = etree.fromstring(etree.tostring(node))
    for element in copy.iter():
        if element.get("id"):
            element.set("id", element.get("id") + "_new")
    entry = [e for e in copy if etree.QName(e).localname == "inputEntry"][c]
    [t for t in entry if etree.QName(t).localname == "text"][0].text = \
        '"no such value"' if table.inputs[c].type_ref == "string" else "-987654"
    node.addnext(copy)
    new = tmp_path / "added.dmn"
    new.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    old = tmp_path / "old.dmn"           # no scenario file beside it: --scenarios names the YAML
    old.write_bytes(MODEL.read_bytes())
    quiet = CliRunner().invoke(diff_command, [str(old), str(new)])
    assert quiet.exit_code == 0 and quiet.output.startswith("No scenarios ran: no --scenarios file")
    result = CliRunner().invoke(diff_command, [str(old), str(new), "--scenarios",
                                               str(scenario_file_of(MODEL))])
    assert result.exit_code == 0, result.output
    assert f"not exercised by any scenario: {name} rule {rule.index + 1} ({rule.id}_new)" in result.output
    assert result.output.startswith(f"Impact on {len(scenario_inputs(MODEL, pydmn.load(str(MODEL))))} scenarios")
