"""Rule-level diff of two versions."""
from pathlib import Path

from click.testing import CliRunner

from pydmn.analysis.diff import diff_files
from webapp.cli.governance import diff_command

DATA = Path(__file__).parent / "data"
BASE = (DATA / "seeded-defects.dmn").read_text()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_identical_models_have_no_changes(tmp_path):
    assert diff_files(DATA / "seeded-defects.dmn", write(tmp_path, "b.dmn", BASE)).empty


def test_one_cell_change_is_named_exactly(tmp_path):
    new = write(tmp_path, "b.dmn", BASE.replace("<text>[18..65]</text>", "<text>[18..70]</text>"))
    diff = diff_files(DATA / "seeded-defects.dmn", new)
    [change] = diff.changes
    assert (change.kind, change.decision, change.rule_id, change.column, change.old, change.new) == \
        ("cell", "Discount", "r_adult", "Age", "[18..65]", "[18..70]")


def test_rules_matched_by_content_when_ids_change(tmp_path):
    text = BASE.replace('id="r_north"', 'id="r_north_v2"').replace('id="r_south"', 'id="x_south"')
    diff = diff_files(DATA / "seeded-defects.dmn", write(tmp_path, "b.dmn", text))
    assert diff.empty


def test_added_removed_moved_hit_policy_and_annotations(tmp_path):
    text = (BASE.replace('hitPolicy="ANY"', 'hitPolicy="FIRST"')
            .replace("<text>1.3</text>", "<text>1.3 (rev. 2)</text>")
            .replace('<rule id="r_any2"><inputEntry id="c24"><text>-</text></inputEntry><outputEntry id="c25"><text>false</text></outputEntry></rule>', ""))
    text = text.replace('<rule id="r_masked">', '<rule id="r_new"><inputEntry id="n1"><text>"west"</text></inputEntry>'
                        '<inputEntry id="n2"><text>-</text></inputEntry><outputEntry id="n3"><text>"W"</text></outputEntry></rule>'
                        '<rule id="r_masked">')
    south = '<rule id="r_south"><inputEntry id="c16"><text>"south"</text></inputEntry><inputEntry id="c17"><text>-</text></inputEntry><outputEntry id="c18"><text>"B"</text></outputEntry></rule>'
    text = text.replace(south, "").replace('<rule id="r_north">', south + '<rule id="r_north">')
    diff = diff_files(DATA / "seeded-defects.dmn", write(tmp_path, "b.dmn", text))
    kinds = sorted(c.kind for c in diff.changes)
    assert kinds == ["annotation", "hit-policy", "rule-added", "rule-moved", "rule-moved", "rule-removed"]
    assert diff.of_kind("hit-policy")[0].new == "FIRST"
    assert diff.of_kind("annotation")[0].new == "1.3 (rev. 2)"
    assert diff.of_kind("rule-added")[0].rule_id == "r_new"


def test_cli_text_and_html(tmp_path):
    new = write(tmp_path, "b.dmn", BASE.replace('typeRef="tRegion"/>', 'typeRef="string"/>'))
    result = CliRunner().invoke(diff_command, [str(DATA / "seeded-defects.dmn"), str(new)])
    assert result.exit_code == 0 and "[type] input data 'Region' type tRegion -> string" in result.output
    assert result.output.startswith("No scenarios ran: no --scenarios file was given")
    out = tmp_path / "diff.html"
    result = CliRunner().invoke(diff_command, [str(DATA / "seeded-defects.dmn"), str(new),
                                               "--format", "html", "-o", str(out)])
    assert result.exit_code == 0
    html = out.read_text()
    assert "tRegion" in html and 'class="change type"' in html


def test_every_single_cell_edit_is_named_exactly(tmp_path):
    from lxml import etree
    from pydmn import decision_tables as tables_of
    from pydmn.model.reader import parse_definitions
    defs = parse_definitions(BASE.encode())
    for name, _, table in tables_of(defs):
        for rule in table.rules:
            for kind, entries, columns in (("inputEntry", rule.input_entries, table.inputs),
                                           ("outputEntry", rule.output_entries, table.outputs)):
                for c in range(len(entries)):
                    root = etree.fromstring(BASE.encode())
                    node = root.xpath("//*[@id=$id]", id=rule.id)[0]
                    cell = [e for e in node if etree.QName(e).localname == kind][c][0]
                    cell.text = "99"
                    path = tmp_path / "edit.dmn"
                    path.write_bytes(etree.tostring(root))
                    [change] = diff_files(DATA / "seeded-defects.dmn", path).changes
                    column = columns[c]
                    assert (change.decision, change.rule_id, change.new) == (name, rule.id, "99")
                    assert change.column == (getattr(column, "name", None) or column.label or column.text)


def test_scenarios_whose_results_change(tmp_path):
    import json
    new = write(tmp_path, "b.dmn", BASE.replace("<text>[18..65]</text>", "<text>[18..70]</text>"))
    scenarios = write(tmp_path, "s.json", json.dumps([
        {"name": "67 non-member", "inputs": {"Age": 67, "Member": False, "Region": "south"}},
        {"name": "30 member", "inputs": {"Age": 30, "Member": True, "Region": "north"}}]))
    result = CliRunner().invoke(diff_command, [str(DATA / "seeded-defects.dmn"), str(new),
                                               "--scenarios", str(scenarios), "--format", "json"])
    assert result.exit_code == 0, result.output
    impact = json.loads(result.output)["impact"]
    # 67 now falls in [18..70] and in ">= 60, false": two matches under UNIQUE give null
    assert [(c["scenario"], c["decision"], c["old"], c["new"]) for c in impact["changes"]] == \
        [("67 non-member", "Discount", '"senior"', "null")]
    [group] = impact["groups"]
    assert group["answer"] == [{"decision": "Discount", "old": '"senior"', "new": "null", "fields": []}]
    assert group["scenarios"] == ["67 non-member"]
    assert group["summary"] == '1 scenario: Discount "senior" -> null'
    assert impact["scenarios_run"] == 2 and impact["unchanged"] == 1


def test_added_and_removed_rules_read_by_row_and_column(tmp_path):
    text = BASE.replace('<rule id="r_masked">', '<rule id="r_new"><inputEntry id="n1"><text>"west"</text></inputEntry>'
                        '<inputEntry id="n2"><text>-</text></inputEntry><outputEntry id="n3"><text>"W"</text></outputEntry></rule>'
                        '<rule id="r_masked">')
    diff = diff_files(DATA / "seeded-defects.dmn", write(tmp_path, "b.dmn", text))
    [added] = diff.of_kind("rule-added")
    assert added.message == "Route: rule 3 (r_new) added" and added.row == 3
    assert added.cells == (("in:Region", '"west"'), ("in:Age", "-"), ("out:Route", '"W"'))
    assert 'IF Region: "west"' in diff.text() and 'THEN Route = "W"' in diff.text()
    assert " | " not in diff.text() and "=>" not in diff.text()
    removed = diff_files(write(tmp_path, "c.dmn", text), DATA / "seeded-defects.dmn").of_kind("rule-removed")
    assert [(c.row, c.rule_id) for c in removed] == [(3, "r_new")]


CONTEXT = """<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="n" namespace="urn:x">
<inputData id="i" name="Score"><variable id="vi" name="Score" typeRef="number"/></inputData>
<decision id="d1" name="Outcome"><variable id="v1" name="Outcome"/>
<informationRequirement id="r1"><requiredInput href="#i"/></informationRequirement>
<context id="c"><contextEntry><variable id="e1" name="limit"/><literalExpression id="l1"><text>50</text></literalExpression></contextEntry>
<contextEntry><variable id="e2" name="band"/><literalExpression id="l2"><text>if Score > limit then "high"
else if Score > limit / 2 then "medium"
else if Score > 10 then "low"
else "none"</text></literalExpression></contextEntry>
<contextEntry><literalExpression id="l3"><text>band</text></literalExpression></contextEntry></context></decision>
</definitions>"""


def test_a_changed_expression_is_a_line_diff_of_the_part_that_changed(tmp_path):
    old = write(tmp_path, "a.dmn", CONTEXT)
    new = write(tmp_path, "b.dmn", CONTEXT.replace("limit / 2", "limit / 3"))
    [change] = diff_files(old, new).changes
    assert (change.kind, change.column) == ("expression", "Outcome / band")
    assert change.lines == ('  if Score > limit then "high"', '- else if Score > limit / 2 then "medium"',
                            '+ else if Score > limit / 3 then "medium"', '  else if Score > 10 then "low"')
    assert diff_files(old, new).text().count("limit / 2") == 1


def test_a_code_renamed_in_every_rule_is_one_rename(tmp_path):
    text = BASE.replace('<text>"senior"</text>', '<text>"elder"</text>')
    diff = diff_files(DATA / "seeded-defects.dmn", write(tmp_path, "b.dmn", text))
    [rename] = diff.changes
    assert (rename.kind, rename.column, rename.old, rename.new, rename.rows) == \
        ("rename", "Discount", '"senior"', '"elder"', (3, 4))
    assert diff.renames() == {"senior": "elder"}
    partly = text.replace('<text>"elder"</text>', '<text>"senior"</text>', 1)
    kinds = [c.kind for c in diff_files(DATA / "seeded-defects.dmn", write(tmp_path, "c.dmn", partly)).changes]
    assert kinds == ["cell"]          # "senior" is still used: a cell edit, not a rename


NAMED = """<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="n" namespace="urn:x">
<inputData id="i" name="Code"><variable id="vi" name="Code" typeRef="string"/></inputData>
<decision id="d1" name="Brand"><variable id="v1" name="Brand" typeRef="string"/>
<informationRequirement id="r1"><requiredInput href="#i"/></informationRequirement>
<decisionTable id="t" hitPolicy="UNIQUE"><input id="c1"><inputExpression id="e1"><text>Code</text></inputExpression></input>
<output id="o1" name="brand"/>
<rule id="a"><inputEntry id="a1"><text>"q1"</text></inputEntry><outputEntry id="a2"><text>"Kymriah"</text></outputEntry></rule>
<rule id="b"><inputEntry id="b1"><text>"q2"</text></inputEntry><outputEntry id="b2"><text>"Yescarta"</text></outputEntry></rule>
</decisionTable></decision>
<decision id="d2" name="Reason"><variable id="v2" name="Reason" typeRef="string"/>
<informationRequirement id="r2"><requiredDecision href="#d1"/></informationRequirement>
<literalExpression id="l"><text>"The product is " + Brand + " (Kymriah.v1 is another code)."</text></literalExpression></decision>
</definitions>"""


def test_a_renamed_code_inside_a_text_changes_the_answer_only_by_name(tmp_path):
    # A reason that names a renamed code (a brand) changes with it: that is the rename, not a new answer.
    from pydmn import load
    from pydmn.analysis import impact
    old, new = write(tmp_path, "a.dmn", NAMED), write(tmp_path, "b.dmn", NAMED.replace('"Kymriah"', '"Kymriah-v2"'))
    diff = diff_files(old, new)
    assert diff.renames() == {"Kymriah": "Kymriah-v2"}
    result = impact(load(old), load(new), [("q1", {"Code": "q1"}), ("q2", {"Code": "q2"})], diff, ["Reason"])
    [group] = result.groups
    assert group.renamed_only and group.scenarios == ["q1"]
    # a code that is only part of a longer word is not the renamed code
    assert "Kymriah.v1" in load(new).evaluate({"Code": "q1"})["Reason"]


SCRIPT = '<extensionElements><script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script></extensionElements>'


def test_extension_elements_are_content_and_show_in_the_diff(tmp_path):
    text = BASE.replace('<rule id="r_north">', f'<rule id="r_north">{SCRIPT}', 1)
    diff = diff_files(DATA / "seeded-defects.dmn", write(tmp_path, "b.dmn", text))
    [change] = diff.changes
    assert (change.kind, change.element_id) == ("extension", "r_north")
    assert change.new == "<{http://www.w3.org/1999/xhtml}script> alert(1)" and change.old is None
    assert "<{http://www.w3.org/1999/xhtml}script> alert(1)" in diff.text()
    edited = diff_files(write(tmp_path, "c.dmn", text), write(tmp_path, "d.dmn", text.replace("alert(1)", "alert(2)")))
    assert [(c.kind, c.old, c.new) for c in edited.changes] == [
        ("extension", "<{http://www.w3.org/1999/xhtml}script> alert(1)", "<{http://www.w3.org/1999/xhtml}script> alert(2)")]


def _unlisted(tmp_path, text):
    from pydmn.analysis import unlisted
    from pydmn.model.reader import parse_definitions, read_source
    old, new = (parse_definitions(*read_source(p)) for p in (DATA / "seeded-defects.dmn", write(tmp_path, "u.dmn", text)))
    assert diff_files(DATA / "seeded-defects.dmn", tmp_path / "u.dmn").empty     # the rule-level diff sees nothing
    return [(c.kind, c.message) for c in unlisted(old, new)]


def test_what_the_rule_level_diff_does_not_list_is_named_by_kind(tmp_path):
    assert _unlisted(tmp_path, BASE.replace("><", ">\n  <")) == [("formatting", (
        "the models as read are the same: the files differ in formatting alone (whitespace, comments, attribute "
        "order, namespace prefixes or XML a DMN reader ignores)"))]
    [(kind, message), (other, where)] = _unlisted(tmp_path, BASE.replace('id="r_north"', 'id="r_north_v2"'))
    assert (kind, message) == ("identifiers", "elements by id: 1 no longer present (r_north); 1 new (r_north_v2)")
    assert other == "other" and "rules changed" in where
    assert _unlisted(tmp_path, BASE.replace('name="Seeded defects"', 'name="Seeded defects 2"', 1)) == [
        ("other", "definitions 'Seeded defects 2' (seeded): name changed")]
    moved = write(tmp_path, "m.dmn", BASE.replace('<dc:Bounds x="100" y="100"', '<dc:Bounds x="110" y="100"', 1))
    layout = diff_files(DATA / "seeded-defects.dmn", moved)      # the diff itself reports the layout, shape by shape
    assert [(c.kind, c.old, c.new) for c in layout.changes] == [("layout", "x 100, y 100, 160 x 60", "x 110, y 100, 160 x 60")]


def test_a_nameless_context_entry_is_named_by_its_position(tmp_path):
    # a modeler may leave an entry's variable without a name: the diff still reads the entry
    nameless = CONTEXT.replace('<variable id="e1" name="limit"/>', '<variable id="e1" typeRef="number"/>')
    old = write(tmp_path, "a.dmn", nameless)
    new = write(tmp_path, "b.dmn", nameless.replace('<variable id="e1" typeRef="number"/>',
                                                    '<variable id="e1" typeRef="string"/>'))
    [change] = diff_files(old, new).changes
    assert (change.kind, change.column, change.old, change.new) == ("expression", "Outcome / entry 1 / type",
                                                                      "number", "string")
