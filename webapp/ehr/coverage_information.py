"""A determination as CRD's answer: the `ext-coverage-information` extension a systemAction adds to
the order, and the few cards a provider reads (never the coverage information again: CRD forbids it).

From the determination and its findings (docs/ehr.md has the table):
- every assertion names the Coverage, the date, its `coverage-assertion-id` (the determination's
  evaluation id, so the audit record is GET /api/v1/evaluations/{id}) and a `detail` citing the policy;
- CAR-T always needs prior authorization under 7.02.11: `pa-needed` is `auth-needed` (`satisfied`
  needs a prior-authorization id, which this service does not issue), none when not covered;
- `documentation_incomplete` with something the provider supplies: `doc-needed` clinical,
  `doc-purpose` withpa and the DTR `questionnaire`, on a primary hook only (CRD: a secondary hook
  never asks for documentation);
- `request_inconsistent`: `conditional` with `info-needed` OTH and the contradictions as `reason`;
- an unknown plan fact (eligibility, coverage): `indeterminate` with the reason; a member the plan
  does not know: `not-covered`, reason no-member-found; no determination (an engine fault):
  `indeterminate`, reason technical;
- `policy_not_applicable`: no assertion (another of the plan's policies answers), except a product
  that does not cover CAR-T, which is `not-covered`.
"""
from __future__ import annotations

import uuid

EXTENSION = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
TEMP = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp"
SUMMARY_LIMIT = 140
REVIEW = ("not_medically_necessary", "criteria_not_met", "clinical_review_required")
FAILED_KINDS = ("exclusion", "criterion", "review")
MISSING_KINDS = ("documentation", "data")


def _code(url: str, code: str) -> dict:
    return {"url": url, "valueCode": code}


def _reason(text: str, code: str | None = None) -> dict:
    concept = {"text": text[:1000]}
    if code:
        concept["coding"] = [{"system": TEMP, "code": code}]
    return {"url": "reason", "valueCodeableConcept": concept}


def _detail(value: str) -> dict:
    return {"url": "detail", "extension": [
        {"url": "code", "valueCodeableConcept": {"text": "medical-policy"}},
        {"url": "value", "valueString": value[:1000]}]}


def provider_pends(answer: dict) -> list[dict]:
    """The missing documents and unknown facts the provider supplies: what the questionnaire asks."""
    return [f for f in answer["findings"] if f["kind"] in MISSING_KINDS and f.get("supplied_by") == "provider"]


def extension(answer: dict, coverage: str, date: str, *, member_found: bool, primary: bool,
              questionnaire: str | None) -> dict | None:
    """The ext-coverage-information of one order's determination; None when this policy makes no
    assertion about the order."""
    determination, findings = answer["determination"], answer["findings"]
    ids = {f["id"] for f in findings}
    parts = [{"url": "coverage", "valueReference": {"reference": coverage}}]
    if not member_found:
        parts += [_code("covered", "not-covered"), _reason("The plan has no member with this coverage.", "no-member-found")]
    elif determination == "policy_not_applicable":
        if "DISCLAIMER-NOT-COVERED" not in ids:
            return None
        parts += [_code("covered", "not-covered")]
        parts += [_detail(f"{f['citation']}: {f['text']}") for f in findings if f["id"] == "DISCLAIMER-NOT-COVERED"]
    elif determination is None:
        parts += [_code("covered", "indeterminate"), _code("pa-needed", "auth-needed"),
                  _reason("The policy could not be evaluated for this order.", "technical")]
    else:
        eligibility = [f for f in findings if f.get("supplied_by") == "plan_eligibility"]
        if eligibility:
            parts += [_code("covered", "indeterminate"), _code("pa-needed", "auth-needed"),
                      _reason("The plan's records do not say: " + "; ".join(f["needed"] or f["text"] for f in eligibility))]
        elif determination == "request_inconsistent":
            wrong = [f for f in findings if f["kind"] == "inconsistency"]
            parts += [_code("covered", "conditional"), _code("pa-needed", "auth-needed"), _code("info-needed", "OTH"),
                      _reason("The order's data contradict each other: " + "; ".join(f["text"] for f in wrong))]
        else:
            parts += [_code("covered", "covered"), _code("pa-needed", "auth-needed")]
        pends = provider_pends(answer)
        if determination == "documentation_incomplete" and primary and pends and questionnaire:
            parts += [_code("doc-needed", "clinical"), _code("doc-purpose", "withpa"),
                      {"url": "questionnaire", "valueCanonical": questionnaire},
                      _reason(f"Medical Policy 7.02.11 needs {len(pends)} more item(s) of documentation or data "
                              "with the prior authorization request.")]
        pharmacy = [f for f in findings if f.get("supplied_by") == "plan_pharmacy"]
        if pharmacy:
            parts += [_reason("Pending the Health Plan Pharmacy: " + "; ".join(f["needed"] or f["text"] for f in pharmacy))]
        if determination in REVIEW:
            parts += [_detail(f"{f['citation']}: {f['text']}") for f in findings if f["kind"] in FAILED_KINDS]
        else:
            parts += [_detail(_policy(answer))]
    parts += [{"url": "date", "valueDate": date},
              {"url": "coverage-assertion-id", "valueString": answer["evaluation_id"]}]
    return {"url": EXTENSION, "extension": parts}


def _policy(answer: dict) -> str:
    """`Medical Policy 7.02.11, effective 2026-04-15: medically_appropriate`: the policy and version
    the determination applied (a finding's citation less its section)."""
    cited = answer["criteria_met"] or answer["findings"]
    parts = cited[0]["citation"].split(", ") if cited else ["Medical Policy 7.02.11"]
    policy = ", ".join([parts[0]] + [p for p in parts[1:] if p.startswith("effective ")])
    return f"{policy}: {answer['determination']}"


def update(order: dict, assertion: dict) -> dict:
    """The systemAction adding the assertion to the order (replacing an earlier one of this service
    for the same Coverage)."""
    coverage = assertion["extension"][0]["valueReference"]["reference"]
    kept = [e for e in order.get("extension") or []
            if not (e.get("url") == EXTENSION and any(p.get("url") == "coverage" and
                                                     (p.get("valueReference") or {}).get("reference") == coverage
                                                     for p in e.get("extension") or []))]
    return {"type": "update", "description": "Coverage information: Medical Policy 7.02.11 (CAR-T)",
            "resource": {**order, "extension": kept + [assertion]}}


def cards(answer: dict, order_reference: str, payer: str, configuration: dict) -> list[dict]:
    """An off-guideline card for an order a clinical reviewer must decide (failed criteria, an
    exclusion, a case for review): what the coverage information cannot say, the findings."""
    if answer["determination"] not in REVIEW or configuration.get("off-guideline") is False:
        return []
    failed = [f for f in answer["findings"] if f["kind"] in FAILED_KINDS]
    summary = f"CAR-T order does not meet Medical Policy 7.02.11 ({len(failed)} finding(s)); a clinical reviewer decides"
    return [{
        "uuid": str(uuid.uuid4()),
        "summary": summary[:SUMMARY_LIMIT],
        "indicator": "warning",
        "detail": "\n".join(f"- {f['citation']}: {f['text']}" for f in failed),
        "source": {"label": payer, "topic": {"system": TEMP, "code": "off-guideline", "display": "Off Guideline"}},
        "extension": {"davinci-crd.associated-resource": [order_reference]},
    }]
