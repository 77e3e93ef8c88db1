"""Whole-model validation: schema, semantics and table analysis together, and the CLI."""
import json
from pathlib import Path

from click.testing import CliRunner

from pydmn.analysis import has_errors, validate
from webapp.cli.governance import validate_command

DATA = Path(__file__).parent / "data"
TCK = Path(__file__).parents[1] / "tck" / "cases"


def codes(findings, severity=None):
    return sorted(f.code for f in findings if severity is None or f.severity == severity)


def test_seeded_defects_are_all_found():
    findings = validate(DATA / "seeded-defects.dmn")
    overlaps = [f for f in findings if f.code == "overlap"]
    assert {f.rule_ids for f in overlaps} == {("r_adult", "r_senior"), ("r_any1", "r_any2")}
    [gap] = [f for f in findings if f.code == "gap"]
    assert gap.element_id == "dt_overlap" and gap.example == {"Age": "17", "Member": "false"}
    [dead] = [f for f in findings if f.code == "dead-rule"]
    assert dead.rule_ids[0] == "r_masked" and dead.element_id == "dt_first"
    assert has_errors(findings)


def test_semantic_errors_are_all_reported_at_once():
    findings = validate(DATA / "semantic-errors.dmn")
    assert codes(findings, "error") == ["cycle", "unknown-type", "unresolved-reference",
                                        "value-not-allowed", "value-type"]
    [cycle] = [f for f in findings if f.code == "cycle"]
    assert "A -> B -> A" in cycle.message or "B -> A -> B" in cycle.message
    [value] = [f for f in findings if f.code == "value-not-allowed"]
    assert value.rule_ids == ("r_blue",) and '"blue"' in value.message
    [kind] = [f for f in findings if f.code == "value-type"]
    assert kind.rule_ids == ("r_green",) and "not a number" in kind.message and "two" in kind.message


def test_findings_carry_file_and_line():
    [unknown] = [f for f in validate(DATA / "semantic-errors.dmn") if f.code == "unknown-type"]
    assert unknown.element_id == "t_bad" and unknown.line == 8
    assert unknown.file.endswith("semantic-errors.dmn")


def test_validate_accepts_bytes_and_reports_unreadable_paths():
    assert codes(validate((DATA / "seeded-defects.dmn").read_bytes()), "error") == ["overlap", "overlap"]
    assert codes(validate(DATA / "nope.dmn")) == ["read"]


def test_cli_exit_status_follows_errors(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(validate_command, [str(DATA)])
    assert bad.exit_code == 1
    assert "seeded-defects.dmn: FAIL" in bad.output and "overlap" in bad.output
    clean = tmp_path / "clean.dmn"
    clean.write_text((DATA / "seeded-defects.dmn").read_text().split("<!-- overlap")[0]
                     + "</definitions>\n")
    ok = runner.invoke(validate_command, [str(clean)])
    assert ok.exit_code == 0, ok.output
    strict = runner.invoke(validate_command, [str(DATA / "semantic-errors.dmn"), "--format", "json"])
    report = json.loads(strict.output)
    assert strict.exit_code == 1 and len(report) == 1


def test_imported_models_are_found_next_to_the_importer():
    models = sorted((TCK / "compliance-level-3" / "0089-nested-inputdata-imports").glob("*.dmn"))
    assert [p.name for p in models] == ["0089-nested-inputdata-imports.dmn", "Model_B.dmn", "Model_B2.dmn",
                                        "Say_hello_1ID1D.dmn"]
    for path in models:
        assert not has_errors(validate(path)), path.name


def test_tck_models_have_no_false_errors():
    models = sorted((TCK / "compliance-level-2").glob("*/*.dmn"))
    assert len(models) > 20
    errors = [str(f) for p in models for f in validate(p) if f.severity == "error"]
    assert errors == []


def test_a_type_constraint_that_does_not_parse_is_an_error():
    model = ('<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="d" name="D" '
             'namespace="http://ex/d"><itemDefinition id="t_small" name="tSmall">'
             '<typeRef>number</typeRef><typeConstraint><text>&lt; &lt;</text></typeConstraint>'
             '</itemDefinition></definitions>')
    syntax = [f for f in validate(model.encode(), engine_check=False) if f.code == "feel-syntax"]
    assert [f.element_id for f in syntax] == ["t_small"]
