"""The CAR-T answer a utilization-management team acts on, shaped from one evaluation of the policy model.

The model's criteria tables are COLLECT tables whose rows each say `{id, kind, met, section, text,
needed, supplied_by}`: a criterion met (`met` true) or a finding (a failed criterion, an exclusion, a
case for clinical review, a missing document, an unknown deciding fact, a contradiction, or a reason
the policy does not apply). `Determination` ranks the findings and `Disposition` routes the request
(docs/policy-interpretation.md). This module turns the evaluation into the response body: findings and
criteria met as objects with their citation and the facts that decided them (each input the rule
tested, the test, and the value it had), and the reasons, one shape everywhere. The trace of every
decision is in the answer the service keeps (its audit record's matched rules come from it), and goes
to the caller only when asked for (`sent`): it is more than half of the body.

Everything the answer says comes from cells both modelers edit (dmn-js and the KIE editor show
output columns alike): a finding's citation is its row's `section`, its text the row's `text`. A
rule's documentation (its description, which dmn-js shows, and its annotation columns, which the
KIE editor shows) is for the committee and never reaches the answer, so an edit in one modeler
cannot leave the answer saying what the other shows. governance.criteria refuses a criteria rule
without a section or a text.
"""
from __future__ import annotations

from webapp.store.stamps import new_id
from webapp.serving.evaluation import decision_json
from webapp.serving.jsonvalues import to_json

OUTCOMES = ("policy_not_applicable", "request_inconsistent", "not_medically_necessary", "criteria_not_met",
            "clinical_review_required", "documentation_incomplete", "medically_appropriate")
DISPOSITIONS = ("approve", "pend_for_information", "clinical_review", "not_under_this_policy")
FINDING_KINDS = ("criterion", "exclusion", "review", "documentation", "data", "applicability", "inconsistency")
SUPPLIERS = ("provider", "plan_pharmacy", "plan_eligibility", "plan_configuration")
FAILED_KINDS = ("applicability", "exclusion", "criterion", "review")
MISSING_KINDS = ("documentation", "data")
DECISION = "Determination"      # the decision whose answer this module shapes
DISPOSITION = "Disposition"
PARAMETERS = "Policy Parameters"
ROW_KEYS = frozenset(("id", "kind", "met", "text"))
CITED = ("section", "text")     # what every row of a criteria table must say (governance.criteria)
CRITERIA_COLUMNS = ROW_KEYS | set(CITED)


def answer(entry, result, decision_name: str) -> dict:
    """The response body of POST /api/v1/car-t/determinations for one evaluated request."""
    return {"evaluation_id": new_id(), "model_id": entry.id, "model_version": entry.version,
            "version_number": entry.number,
            "effective_date": entry.effective_date.isoformat() if entry.effective_date else None,
            **shape(entry.model, result, decision_name)}


def sent(body: dict, trace: bool) -> dict:
    """The answer as the caller receives it: without the trace unless `trace` (?trace=true)."""
    return body if trace else {k: v for k, v in body.items() if k != "trace"}


def audit_outputs(body: dict) -> dict:
    """What the audit row keeps of an answer (its trace goes to the row's matched rules)."""
    return {"determination": body["determination"], "disposition": body["disposition"],
            "findings": body["findings"], "criteria_met": [c["id"] for c in body["criteria_met"]]}


def shape(model, result, decision_name: str) -> dict:
    """Everything of the answer but its ids: what the scenarios compare."""
    trace = {name: decision_json(result.decisions[name])
             for name in model.definitions.decisions if name in result.decisions}
    citation = _citation(model, trace)
    findings, met, reasons = [], [], []
    for name, decision in trace.items():
        table = model.definitions.decisions[name].expression
        rows = _rows(decision)
        decision["reasons"] = []
        for position, matched in enumerate(decision["matched_rules"]):
            row = rows[position] if rows else None
            section = (row.get("section") or None) if row else None
            decision["reasons"].append({
                "decision": name, "rule_id": matched["rule_id"], "rule_index": matched["index"],
                "policy_section": section, "finding_id": row["id"] if row else None,
                "met": row["met"] if row else None, "text": row["text"] if row else None})
            if row is None:
                continue
            item = {"id": row["id"], "kind": row["kind"], "citation": citation(section), "text": row["text"],
                    "facts": _facts(table, matched["index"], result.decisions[name].input_values)}
            if row["met"]:
                met.append(item)
            else:
                findings.append({**item, "needed": row.get("needed"), "supplied_by": row.get("supplied_by")})
        reasons.extend(decision["reasons"])
    return {"determination": (trace.get(decision_name) or {}).get("value"),
            "disposition": (trace.get(DISPOSITION) or {}).get("value"),
            "findings": findings,
            "failed_criteria": [f for f in findings if f["kind"] in FAILED_KINDS],
            "missing_documentation": [f for f in findings if f["kind"] in MISSING_KINDS],
            "criteria_met": met, "reasons": reasons, "trace": trace}


def _rows(decision: dict) -> list[dict] | None:
    """The rows a criteria table produced, one per matched rule in rule order; None for other decisions."""
    value = decision["value"]
    if not isinstance(value, list) or len(value) != len(decision["matched_rules"]) or not value:
        return None
    if not all(isinstance(row, dict) and ROW_KEYS <= row.keys() for row in value):
        return None
    return value


def _citation(model, trace: dict):
    """`Medical Policy 7.02.11, Statement I.C, effective 2026-04-15`: the policy named by the model's
    knowledge source, the rule's section, and the effective date of Policy Parameters."""
    sources = list(model.definitions.knowledge_sources.values())
    document = sources[0].name if sources else model.name
    parameters = (trace.get(PARAMETERS) or {}).get("value")
    effective = parameters.get("effective_date") if isinstance(parameters, dict) else None

    def cite(section: str | None) -> str:
        parts = [document] + ([section] if section else []) + ([f"effective {effective}"] if effective else [])
        return ", ".join(parts)
    return cite


def _facts(table, rule_index: int, values: tuple) -> list[dict]:
    """What decided a row: each input column its rule tests, the test that held, and the value the
    column had (the engine's, so the answer shows what the model saw, never a re-computation)."""
    rule = table.rules[rule_index - 1]
    return [{"input": clause.label or clause.text, "expression": clause.text, "test": entry.strip(),
             "value": to_json(value)}
            for clause, entry, value in zip(table.inputs, rule.input_entries, values)
            if entry.strip() not in ("-", "")]
