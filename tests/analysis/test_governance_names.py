"""Validation catches a one-letter typo, at its cell: names and paths, allowed values and type
constraints, the diagram, and files that are not plain DMN."""
from pathlib import Path

import pytest
from lxml import etree

from governance_mutants import (as_dmn15, by_id, definitions, dump, enumerated_cells, input_paths,
                                literal_expression_names, misspell_at, model_bytes, text_child,
                                tree, typo)
from pydmn.analysis import has_errors, validate

DATA = Path(__file__).parent / "data"


def errors(data, code=None):
    return [f for f in validate(data) if f.severity == "error" and (code is None or f.code == code)]


def test_the_model_itself_has_no_unresolved_names():
    assert errors(model_bytes(), "unresolved-name") == []


def test_a_misspelled_input_in_an_input_expression_is_an_error_at_its_cell():
    paths = input_paths()
    assert paths, "no input expression reads a field of an input data element"
    for table, clause, data, field in paths[:: max(1, len(paths) // 6)]:
        root = tree()
        node = misspell_at(root, by_id(root, clause.id).xpath("*[local-name()='inputExpression']")[0]
                           .get("id"), clause.text.index(f"{data}.{field}"), data)
        [finding] = errors(dump(root), "unresolved-name")
        assert finding.table == table and finding.column.startswith(clause.label or clause.text)
        assert finding.line == node.sourceline
        assert repr(typo(data)) in finding.message and f"did you mean {data!r}" in finding.message


def test_a_misspelled_field_of_an_input_is_an_error_naming_the_component():
    for table, clause, data, field in input_paths()[:3]:
        root = tree()
        position = clause.text.index(f"{data}.{field}") + len(data) + 1
        misspell_at(root, by_id(root, clause.id).xpath("*[local-name()='inputExpression']")[0]
                    .get("id"), position, field)
        [finding] = errors(dump(root), "unresolved-name")
        assert f"no component {typo(field)!r}" in finding.message and finding.table == table


def test_a_misspelled_name_in_a_literal_expression_is_an_error_at_its_line():
    found = list(literal_expression_names())
    assert found, "the model's literal expressions name nothing the model defines"
    for expression, name in found[:: max(1, len(found) // 8)]:
        root = tree()
        node = misspell_at(root, expression.id, name.pos, name.name)
        findings = errors(dump(root))
        # `One-Time Treatmet` reads as a subtraction: two names that do not resolve; `Place of
        # Servie` as the keyword `of` where none belongs: a syntax error. Either way, one place.
        assert findings and {f.code for f in findings} <= {"unresolved-name", "feel-syntax"}
        assert {f.element_id for f in findings} == {expression.id}
        assert node.sourceline + expression.text[:name.pos].count("\n") in {f.line for f in findings}
        assert any(typo(name.name).split()[-1] in f.message for f in findings)


def test_a_typo_value_is_found_in_allowed_values_and_in_a_type_constraint():
    cells = enumerated_cells()
    assert cells, "no table column of an enumerated item definition"
    item, table, rule, c, value = cells[0]
    for constraint in ("allowedValues", "typeConstraint"):
        root = etree.fromstring(as_dmn15(model_bytes()))
        node = by_id(root, item.id)
        allowed = node.xpath("*[local-name()='allowedValues']")[0]
        allowed.tag = etree.QName(etree.QName(allowed).namespace, constraint).text
        entry = by_id(root, rule.id).xpath("*[local-name()='inputEntry']")[c]
        text_child(entry).text = f'"{typo(value)}"'
        [finding] = errors(dump(root), "value-not-allowed")
        assert (finding.rule_ids, finding.rows, finding.line) == ((rule.id,), (rule.index,),
                                                                  text_child(entry).sourceline)
        assert typo(value) in finding.message and finding.column == (table.inputs[c].label or table.inputs[c].text)


def test_a_type_constraint_range_bounds_table_cells():
    model = (DATA / "typo-cells.dmn").read_text()
    assert errors(model.encode(), "value-not-allowed") == []
    findings = errors(model.replace("<text>&gt;= 90</text>", "<text>&gt;= 190</text>").encode(),
                      "value-not-allowed")
    assert [(f.rows, f.column) for f in findings] == [((1,), "Score")]
    assert "190" in findings[0].message and "[0..100]" in findings[0].message


def test_cell_findings_name_table_row_id_column_and_the_cells_own_line():
    findings = validate(DATA / "typo-cells.dmn")
    by_code = {f.code: f for f in findings if f.severity == "error"}
    name = by_code["unresolved-name"]
    assert (name.table, name.rows, name.rule_ids, name.column, name.line) == \
        ("Grade", (2,), ("r_pass",), "Result", 23)
    assert "did you mean 'Pass mark'" in name.message
    dead = [f for f in findings if f.code == "dead-rule"]
    assert [(f.rows, f.masked_by) for f in dead] == [((3,), ("r_top", "r_pass"))]
    assert "rule 1 (r_top), rule 2 (r_pass)" in dead[0].message
    assert set(dead[0].as_dict()) >= {"table", "rows", "column", "masked_by", "line", "rule_ids"}


def test_elements_without_shapes_and_requirements_without_edges_are_reported():
    defs = definitions()
    decision = next(iter(defs.decisions.values()))
    root = tree()
    shape = root.xpath("//*[local-name()='DMNShape'][@dmnElementRef=$id]", id=decision.id)[0]
    shape.getparent().remove(shape)
    edge = next(e for e in root.xpath("//*[local-name()='DMNEdge']")
                if by_id(root, e.get("dmnElementRef")).getparent().get("id") != decision.id)
    requirement = edge.get("dmnElementRef")
    edge.getparent().remove(edge)
    findings = validate(dump(root))
    assert [f.element_id for f in findings if f.code == "diagram-shape"] == [decision.id]
    assert decision.name in next(f.message for f in findings if f.code == "diagram-shape")
    assert requirement in [f.element_id for f in findings if f.code == "diagram-edge"]
    assert not [f for f in validate(model_bytes()) if f.code.startswith("diagram")]


DTD_MODELS = {
    "external entity": '<!DOCTYPE definitions [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "internal entity": '<!DOCTYPE definitions [<!ENTITY e "hello">]>',
    "nested entities": '<!DOCTYPE definitions [<!ENTITY a "aaaaaaaaaa"><!ENTITY e "&a;&a;&a;&a;">]>',
    "external DTD": '<!DOCTYPE definitions SYSTEM "http://example.org/dmn.dtd">',
    # libxml2 stops the expansion with a syntax error: still a DTD, not "not well-formed XML"
    "billion laughs": ('<!-- a comment --><!DOCTYPE definitions [<!ENTITY a "aaaaaaaaaa">'
                       + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdfghi", "bcdfghij"))
                       + '<!ENTITY e "&j;">]>'),
}


@pytest.mark.parametrize("doctype", DTD_MODELS.values(), ids=DTD_MODELS.keys())
def test_dtds_and_entities_are_a_clean_error(doctype):
    uses = "&e;" if "ENTITY e" in doctype else ""
    model = (f'<?xml version="1.0"?>{doctype}<definitions xmlns="https://www.omg.org/spec/DMN/'
             f'20191111/MODEL/" id="d" name="n" namespace="urn:x"><description>{uses}</description>'
             '</definitions>')
    [finding] = validate(model.encode())
    assert (finding.severity, finding.code) == ("error", "xml-dtd")
    assert "DTDs and entities are not allowed" in finding.message


def test_the_tck_uses_unresolvable_names_only_where_it_tests_them():
    tck = Path(__file__).parents[1] / "tck" / "cases"
    found = {(p.parent.name, f.message.split(" in '")[0]) for level in ("compliance-level-2", "compliance-level-3")
             for p in sorted((tck / level).glob("*/*.dmn"))
             for f in validate(p, engine_check=False) if f.code == "unresolved-name"}
    # both cases assert that the expression is null because the name does not resolve
    assert found == {("0057-feel-context", "'(...).b': no component 'b'"),
                     ("1131-feel-function-invocation", "'non_existing_function' names nothing in scope")}


def test_a_typo_the_check_catches_changes_answers():
    """Why names must resolve: the engine evaluates an unresolved name to null, and answers change."""
    import pydmn
    from governance_mutants import MODEL
    from webapp.governance.scenarios import scenario_inputs
    model = pydmn.load(str(MODEL))
    cases = scenario_inputs(MODEL, model)
    assert cases

    def answers(m):
        return [{n: r.value for n, r in m.evaluate(dict(inputs)).decisions.items()} for _, inputs in cases]
    expected = answers(model)
    for expression, name in literal_expression_names():
        root = tree()
        misspell_at(root, expression.id, name.pos, name.name)
        if answers(pydmn.load(dump(root))) != expected:
            assert has_errors(validate(dump(root)))
            return
    pytest.fail("no misspelled name in a literal expression changes any scenario's answers")


def test_a_code_typed_without_quotes_in_an_output_cell_says_a_text_needs_quotes():
    """A committee member types GL-I.B (a guideline section) where the cell needs the text "GL-I.B":
    FEEL reads a subtraction of two unknown names, and the finding says what to type instead, once."""
    source = (Path(__file__).parents[1] / "webapp" / "data" / "simpletable.dmn").read_text()
    assert '<text>"Approved"</text>' in source
    found = errors(source.replace('<text>"Approved"</text>', "<text>GL-I.B</text>", 1).encode(), "unresolved-name")
    assert len(found) == 2 and found[0].table == "Approval Status"
    assert [f.message.endswith('; a text needs quotes: "GL-I.B"') for f in found] == [True, False]
    quoted = errors(source.replace('<text>"Approved"</text>', '<text>"GL" - I</text>', 1).encode(), "unresolved-name")
    assert quoted and not any("needs quotes" in f.message for f in quoted)
