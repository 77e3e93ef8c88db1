"""The scenarios beside the model pass, cover every criterion and item of the issue, and exercise every rule."""
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from webapp.scenarios import run_file
from webapp.scenarios import test_command as scenarios_command

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml"
SPEC = yaml.safe_load(SCENARIOS.read_text())
IDS = (["APPLICABILITY-PHARMACY", "DISCLAIMER-NOT-COVERED", "DISCLAIMER-MEDICAID-EMEDNY", "DISCLAIMER-MEDICARE-NCD-LCD",
        "I.A", "I.B", "I.C.1", "I.C.2", "II", "GL-I.A.1", "GL-I.A.2"] + [f"GL-I.B.{i}" for i in range(1, 7)]
       + ["GL-I.C.1", "GL-I.D"] + [f"GL-I.E.{i}" for i in range(1, 5)]
       + ["GL-I.F.1", "GL-I.F.2", "GL-I.G.1", "GL-I.G.2", "GL-I.H.1", "DATA-I.A", "DATA-I.B", "DATA-I.C.1", "DATA-I.C.2", "DATA-II"])


@pytest.fixture(scope="module")
def report():
    return run_file(SCENARIOS)


@pytest.mark.parametrize("index", range(len(SPEC["scenarios"])), ids=[s["title"] for s in SPEC["scenarios"]])
def test_scenario(report, index):
    outcome = report.outcomes[index]
    assert outcome.passed, outcome.problems


def test_every_rule_is_exercised_by_some_scenario(report):
    assert report.unexercised == {}


def test_each_id_fails_alone_in_some_scenario():
    alone = set()
    for s in SPEC["scenarios"]:
        ids = s["expected"]["failed_criteria"] + s["expected"]["missing_documentation"]
        if len(ids) == 1:
            alone.add(ids[0])
    assert sorted(set(IDS) - alone) == []


def test_every_line_of_business_and_boundary_has_a_scenario():
    lobs = {(s["inputs"].get("Request") or {}).get("line_of_business", "commercial") for s in SPEC["scenarios"]}
    assert lobs >= {"commercial", "essential_plan", "child_health_plus", "medicaid", "medicare_advantage", "medicare_dsnp"}
    dates = {(s["inputs"].get("History") or {}).get("transplant_date") for s in SPEC["scenarios"]}
    assert {"2026-01-21", "2026-01-20"} <= dates          # day 100 and day 101 before 2026-05-01
    onsets = {(s["inputs"].get("Assessment") or {}).get("deterioration_onset_days_after_apheresis") for s in SPEC["scenarios"]}
    assert {28, 29} <= onsets


def test_analyst_command_reports_result_and_exit_status(report):
    result = CliRunner().invoke(scenarios_command, [str(ROOT / "decisions")])
    assert "scenarios pass" in result.output
    assert ("every rule is exercised" in result.output) == (report.unexercised == {})
    # An analyst's shell and CI both read the exit status: any failure or unexercised rule is non-zero.
    assert (result.exit_code == 0) == (not report.failed and report.unexercised == {})
