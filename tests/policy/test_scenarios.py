"""The scenarios beside the model pass, cover every finding id, the review's eleven inputs and every
boundary, and exercise every rule."""
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from webapp.governance.scenarios import run_file
from webapp.cli.governance import test_command as scenarios_command

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "decisions" / "car-t-candidate-selection.scenarios.yaml"
SPEC = yaml.safe_load(SCENARIOS.read_text())
EVALUATED = [s for s in SPEC["scenarios"] if "rejected" not in s["expected"]]
IDS = (["APPLICABILITY-PHARMACY", "APPLICABILITY-EFFECTIVE-DATE", "DISCLAIMER-NOT-COVERED", "DISCLAIMER-MEDICAID-EMEDNY",
        "DISCLAIMER-MEDICARE-NCD-LCD", "I.A", "I.B", "I.C.1", "I.C.2", "II", "II-SOLID-ORGAN", "GL-I.A.1", "GL-I.A.2"]
       + [f"GL-I.B.{i}" for i in range(1, 7)] + ["GL-I.C.1", "GL-I.D"] + [f"GL-I.E.{i}" for i in range(1, 5)]
       + ["GL-I.F.1", "GL-I.F.2", "GL-I.G.1", "GL-I.G.2", "GL-I.H.1"]
       + ["DATA-APPLICABILITY-PHARMACY", "DATA-APPLICABILITY-EFFECTIVE-DATE", "DATA-DISCLAIMER", "DATA-PRODUCT",
          "DATA-I.A", "DATA-I.B", "DATA-I.C.1", "DATA-I.C.2", "DATA-II", "DATA-GL-I.A", "DATA-GL-I.B.6",
          "DATA-GL-I.G.2"]
       + ["INCONSISTENT-REQUEST-DATE", "INCONSISTENT-MDT", "INCONSISTENT-DETERIORATION", "INCONSISTENT-TRANSPLANT-TYPE",
          "INCONSISTENT-IMMUNOSUPPRESSION-STATUS", "INCONSISTENT-CONSULTS", "INCONSISTENT-PERFORMANCE-STATUS",
          "INCONSISTENT-BIRTH-DATE"])
# A date after the request leaves Statement II undecidable too: these come with a DATA-II asking for the date.
WITH_DATA_II = ["INCONSISTENT-TRANSPLANT-DATE", "INCONSISTENT-IMMUNOSUPPRESSION-DATE"]


@pytest.fixture(scope="module")
def report():
    return run_file(SCENARIOS)


@pytest.mark.parametrize("index", range(len(SPEC["scenarios"])), ids=[s["title"] for s in SPEC["scenarios"]])
def test_scenario(report, index):
    outcome = report.outcomes[index]
    assert outcome.passed, outcome.problems


def test_every_rule_is_exercised_by_some_scenario(report):
    assert report.unexercised == {}


def test_each_finding_id_is_alone_in_some_scenario():
    alone = {s["expected"]["findings"][0] for s in EVALUATED if len(s["expected"]["findings"]) == 1}
    assert sorted(set(IDS) - alone) == []
    paired = {s["expected"]["findings"][1] for s in EVALUATED if s["expected"]["findings"][:1] == ["DATA-II"]
              and len(s["expected"]["findings"]) == 2}
    assert sorted(set(WITH_DATA_II) - paired) == []


def test_each_outcome_and_disposition_has_a_scenario():
    pairs = {(s["expected"]["determination"], s["expected"]["disposition"]) for s in EVALUATED}
    assert pairs == {("medically_appropriate", "approve"), ("documentation_incomplete", "pend_for_information"),
                     ("request_inconsistent", "pend_for_information"), ("criteria_not_met", "clinical_review"),
                     ("not_medically_necessary", "clinical_review"), ("criteria_not_met", "pend_for_information"),
                     ("not_medically_necessary", "pend_for_information"),
                     ("clinical_review_required", "clinical_review"), ("clinical_review_required", "pend_for_information"),
                     ("policy_not_applicable", "not_under_this_policy")}


def test_the_reviews_eleven_inputs_are_scenarios():
    reviewed = {int(s["title"].split(":")[0].split()[1]) for s in SPEC["scenarios"] if s["title"].startswith("Review ")}
    assert reviewed == set(range(1, 12))
    for s in SPEC["scenarios"]:
        if s["title"].startswith("Review "):
            assert s["expected"].get("determination") != "medically_appropriate", s["title"]


def test_every_line_of_business_and_boundary_has_a_scenario():
    def facts(section, name):
        return {(s["inputs"].get(section) or {}).get(name) for s in SPEC["scenarios"]}
    assert facts("Request", "line_of_business") >= {"commercial", "essential_plan", "child_health_plus", "medicaid",
                                                    "medicare_advantage", "medicare_dsnp"}
    def dates(kind):
        return {t["date"] for s in SPEC["scenarios"] for t in ((s["inputs"].get("History") or {}).get("transplants") or [])
                if t is not None and t.get("type") == kind}
    assert {"2026-01-21", "2026-01-20"} <= dates("allogeneic_hct")          # day 100 and 101 before 2026-05-01
    assert {"2026-01-21", "2026-01-20"} <= dates("solid_organ")
    assert {"2026-04-03", "2026-04-02"} <= facts("History", "immunosuppression_stop_date")   # 28 and 29 days
    assert {28, 29} <= facts("Assessment", "deterioration_onset_days_after_apheresis")
    assert {"2026-04-14", "2026-04-15"} <= facts("Request", "request_date")           # the effective date
    assert {"2026-05-03", "2026-05-04"} <= facts("Request", "request_date")           # today (2026-05-02) + 1 and + 2
    assert {"2010-05-01", "2010-05-02"} <= facts("Request", "member_birth_date")      # 16 and 15 on the request date
    assert {0, -1, 11, 1.5, 2, 3, 10} <= facts("Request", "infusions_requested")


def test_analyst_command_reports_result_and_exit_status(report):
    result = CliRunner().invoke(scenarios_command, [str(ROOT / "decisions")])
    assert f"{len(SPEC['scenarios'])}/{len(SPEC['scenarios'])} scenarios pass" in result.output
    assert ("every rule is exercised" in result.output) == (report.unexercised == {})
    # An analyst's shell and CI both read the exit status: any failure or unexercised rule is non-zero.
    assert (result.exit_code == 0) == (not report.failed and report.unexercised == {})
