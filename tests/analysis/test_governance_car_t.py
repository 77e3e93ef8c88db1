"""The CAR-T policy model: validates clean, exports hold every rule, and a moved window diffs exactly."""
import io
import re
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook

import pydmn
from pydmn.analysis import has_errors, validate
from pydmn.analysis.diff import diff_files
from pydmn.analysis.semantics import tables_of
from pydmn.model.reader import parse_definitions
from webapp.export import export_model
from webapp.export.document import build_document
from webapp.governance_cli import scenario_results
from webapp.scenarios import scenario_inputs

MODEL = Path(__file__).resolve().parents[2] / "decisions" / "car-t-candidate-selection.dmn"


def test_car_t_validates_without_errors():
    findings = validate(MODEL)
    assert not has_errors(findings), "\n".join(str(f) for f in findings if f.severity == "error")


def test_car_t_exports_hold_every_rule():
    doc = build_document(MODEL)
    defs = parse_definitions(MODEL.read_bytes())
    expected = [(name, r.id) for name, _, t in tables_of(defs) for r in t.rules]
    assert expected and [(t["decision"], r["id"]) for t in doc["tables"] for r in t["rules"]] == expected
    html = export_model(MODEL, "html")[0].decode()
    assert all(f'data-rule-id="{rid}"' in html for _, rid in expected)
    wb = load_workbook(io.BytesIO(export_model(MODEL, "xlsx")[0]))
    ids = [row[1] for ws in wb.worksheets[1:-1] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert ids == [rid for _, rid in expected]
    md = export_model(MODEL, "md")[0].decode()
    assert sum(line.startswith("| ") and line.split("|")[1].strip().isdigit()
               for line in md.splitlines()) == len(expected)


def window_cells(defs):
    """(rule, column index, column name) of table cells holding the 100-day window."""
    found = []
    for _, _, table in tables_of(defs):
        for c, clause in enumerate(table.inputs):
            column = f"{clause.label or ''} {clause.text}"
            if not re.search(r"day", column, re.I):
                continue
            for rule in table.rules:
                if re.search(r"\b100\b", rule.input_entries[c]):
                    found.append((rule, c, clause.label or clause.text))
    return found


def moved_copy(tmp_path, rule, column_index):
    root = etree.fromstring(MODEL.read_bytes())
    node = root.xpath("//*[@id=$id]", id=rule.id)[0]
    entry = [e for e in node if etree.QName(e).localname == "inputEntry"][column_index]
    text = [t for t in entry if etree.QName(t).localname == "text"][0]
    text.text = re.sub(r"\b100\b", "180", text.text)
    path = tmp_path / MODEL.name
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path, text.text


def test_moving_the_100_day_window_names_exactly_that_cell(tmp_path):
    defs = parse_definitions(MODEL.read_bytes())
    cells = window_cells(defs)
    assert len(cells) >= 1, "no table cell with the 100-day window"
    for rule, c, column in cells:
        new, new_text = moved_copy(tmp_path, rule, c)
        [change] = diff_files(MODEL, new).changes
        assert (change.kind, change.rule_id, change.column) == ("cell", rule.id, column)
        assert "100" in change.old and change.new == new_text.strip()


def test_moving_the_whole_window_names_exactly_its_cells(tmp_path):
    cells = window_cells(parse_definitions(MODEL.read_bytes()))
    root = etree.fromstring(MODEL.read_bytes())
    for rule, c, _ in cells:
        node = root.xpath("//*[@id=$id]", id=rule.id)[0]
        entry = [e for e in node if etree.QName(e).localname == "inputEntry"][c]
        text = [t for t in entry if etree.QName(t).localname == "text"][0]
        text.text = re.sub(r"\b100\b", "180", text.text)
    new = tmp_path / MODEL.name
    new.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    changes = diff_files(MODEL, new).changes
    assert sorted((c.kind, c.rule_id, c.column) for c in changes) == \
        sorted(("cell", rule.id, column) for rule, _, column in cells)
    assert all(c.old.replace("100", "180") == c.new for c in changes)


def test_moving_the_window_changes_scenario_results(tmp_path):
    cases = scenario_inputs(MODEL, pydmn.load(str(MODEL)))
    assert cases, "the CAR-T model's scenarios are missing"
    rule, c, _ = window_cells(parse_definitions(MODEL.read_bytes()))[0]
    new, _ = moved_copy(tmp_path, rule, c)
    changed = scenario_results(MODEL, new, None)
    assert changed, "no scenario exercises the 100-day window"
    old_m, new_m = pydmn.load(str(MODEL)), pydmn.load(str(new))
    names = {c.column for c in changed}
    for name, inputs in cases:
        a, b = old_m.evaluate(dict(inputs)), new_m.evaluate(dict(inputs))
        differs = any(a.decisions[d].value != b.decisions[d].value for d in a.decisions)
        assert differs == (name in names), name
