"""The coverage-information rules CRD states (a questionnaire needs doc-needed, conditional needs
info-needed, indeterminate needs a reason, every assertion has its id, ...): the checker in
crd_rules.py catches each broken rule, and the service's extension keeps every rule for every way a
determination can map (webapp/ehr/coverage_information.py), checked on the built extension itself."""
import copy

import pytest

from crd_rules import violations
from webapp.ehr import coverage_information

COVERAGE = "Coverage/COV1"
CANONICAL = "https://payer.example.org/car-t/Questionnaire/car-t-candidate-selection|a-1"


def finding(fid, kind, supplied_by="provider", text="why", needed="what"):
    return {"id": fid, "kind": kind, "citation": "Medical Policy 7.02.11, Statement I.B, effective 2026-04-15",
            "text": text, "facts": [], "needed": needed, "supplied_by": supplied_by}


def answer(determination, findings=(), met=()):
    return {"evaluation_id": "a-1", "determination": determination, "findings": list(findings),
            "criteria_met": list(met)}


def build(determination, findings=(), member_found=True, primary=True):
    return coverage_information.extension(answer(determination, findings), COVERAGE, "2026-12-06",
                                          member_found=member_found, primary=primary, questionnaire=CANONICAL)


CASES = {
    "medically_appropriate": build("medically_appropriate"),
    "documentation_incomplete": build("documentation_incomplete", [finding("GL-I.E.1", "documentation")]),
    "documentation_incomplete, pharmacy pends": build("documentation_incomplete", [
        finding("DATA-APPLICABILITY-PHARMACY", "data", "plan_pharmacy")]),
    "documentation_incomplete, order-select": build("documentation_incomplete", [finding("GL-I.E.1", "documentation")],
                                                    primary=False),
    "criteria_not_met": build("criteria_not_met", [finding("I.B", "criterion")]),
    "not_medically_necessary": build("not_medically_necessary", [finding("II", "exclusion")]),
    "clinical_review_required": build("clinical_review_required", [finding("II-SOLID-ORGAN", "review")]),
    "request_inconsistent": build("request_inconsistent", [finding("INCONSISTENT-MDT", "inconsistency")]),
    "policy_not_applicable, not covered": build("policy_not_applicable", [finding("DISCLAIMER-NOT-COVERED", "applicability", None)]),
    "plan eligibility unknown": build("documentation_incomplete", [finding("DATA-DISCLAIMER", "data", "plan_eligibility")]),
    "member not found": build("documentation_incomplete", member_found=False),
    "no determination (engine fault)": build(None),
}


@pytest.mark.parametrize("case", CASES)
def test_every_mapping_of_a_determination_keeps_the_rules(case):
    assert violations(CASES[case]) == [], case


def test_the_table_of_the_shared_notes():
    def parts(ext):
        return {p["url"]: p.get("valueCode") for p in ext["extension"] if "valueCode" in p}
    assert parts(CASES["medically_appropriate"]) == {"covered": "covered", "pa-needed": "auth-needed"}
    assert parts(CASES["documentation_incomplete"]) == {"covered": "covered", "pa-needed": "auth-needed",
                                                        "doc-needed": "clinical", "doc-purpose": "withpa"}
    assert any(p["url"] == "questionnaire" and p["valueCanonical"] == CANONICAL
               for p in CASES["documentation_incomplete"]["extension"])
    assert "doc-needed" not in parts(CASES["documentation_incomplete, order-select"])
    assert "doc-needed" not in parts(CASES["documentation_incomplete, pharmacy pends"])
    assert parts(CASES["request_inconsistent"]) == {"covered": "conditional", "pa-needed": "auth-needed", "info-needed": "OTH"}
    assert parts(CASES["policy_not_applicable, not covered"]) == {"covered": "not-covered"}
    assert parts(CASES["member not found"]) == {"covered": "not-covered"}
    assert parts(CASES["no determination (engine fault)"])["covered"] == "indeterminate"
    assert parts(CASES["plan eligibility unknown"])["covered"] == "indeterminate"
    for case in ("criteria_not_met", "not_medically_necessary", "clinical_review_required"):
        details = [p for p in CASES[case]["extension"] if p["url"] == "detail"]
        assert details and all("Medical Policy 7.02.11" in d["extension"][1]["valueString"] for d in details), case


def test_policy_not_applicable_makes_no_assertion_unless_not_covered():
    assert build("policy_not_applicable", [finding("APPLICABILITY-PHARMACY", "applicability", None)]) is None


def _without(ext, url):
    changed = copy.deepcopy(ext)
    changed["extension"] = [p for p in changed["extension"] if p["url"] != url]
    return changed


def _with(ext, *parts):
    changed = copy.deepcopy(ext)
    changed["extension"] += list(parts)
    return changed


def _set(ext, url, code):
    changed = copy.deepcopy(ext)
    for part in changed["extension"]:
        if part["url"] == url:
            part["valueCode"] = code
    return changed


BROKEN = {
    "questionnaire needs doc-needed": _without(CASES["documentation_incomplete"], "doc-needed"),
    "conditional needs info-needed": _without(CASES["request_inconsistent"], "info-needed"),
    "indeterminate needs a reason": _without(CASES["no determination (engine fault)"], "reason"),
    "coverage-assertion-id exactly once": _without(CASES["medically_appropriate"], "coverage-assertion-id"),
    "not-covered has no pa-needed": _with(CASES["member not found"], {"url": "pa-needed", "valueCode": "auth-needed"}),
    "satisfied iff satisfied-pa-id": _set(CASES["medically_appropriate"], "pa-needed", "satisfied"),
    "info-needed only with conditional": _with(CASES["medically_appropriate"], {"url": "info-needed", "valueCode": "OTH"}),
    "covered: 'maybe' is not in its value set": _set(CASES["medically_appropriate"], "covered", "maybe"),
    "date exactly once": _without(CASES["medically_appropriate"], "date"),
}


@pytest.mark.parametrize("rule", BROKEN)
def test_the_checker_catches_each_broken_rule(rule):
    assert rule in violations(BROKEN[rule])
