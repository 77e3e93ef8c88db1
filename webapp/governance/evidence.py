"""The evidence a reviewer reads before approving a draft, and that an approval keeps: validation
findings and table analysis of the draft, the rule-level diff against the serving version, the
scenarios (results under the draft, rule coverage, and what the change does to their answers), and
the change of the request contract callers build on (webapp.serving.contract_change), the
impact on real cases: the newest audited determinations of the model re-evaluated under the
serving version and under the draft (webapp.serving.redetermine's re-determination, the one `rerun` uses), grouped
by how the determination changes.

The draft is untrusted content, so the whole pack is built in a child process under a time budget
(webapp.governance.bounded); the serving model is handed to the child as loaded (a forked child shares it).
Each evaluation in it runs under the evaluation budget (webapp.serving.budgets): a scenario past it fails
naming the budget (and no scenario impact is computed), a case past it is not evaluable.
The pack names cases by their evaluation id and outcomes only, never their inputs: it is exported
and circulated, and the inputs are patient data (opening a case needs the `audit` role). Even so,
which case was answered what is for the people who review a policy: `as_read_by` leaves the case
ids and each case's outcomes to the `author`, `approver` and `audit` roles, and shows anyone else
the counts alone.
"""
from __future__ import annotations

from functools import partial

import pydmn
from pydmn import DMNError, analysis
from webapp.serving import budgets
from webapp.governance import validation
from webapp.serving import contract_change
from webapp.serving.determination import DECISION, shape
from webapp.serving.evaluation import decision_json
from webapp.serving.redetermine import Case, ModelVersion, case_from_record, redetermine
from webapp.serving.inputs import inputs_schema, validate_inputs
from webapp.governance.scenarios import ScenarioFile, run_spec, spec_inputs
from webapp.store.stamps import now

SCENARIO_LIMIT_NOTE = "No scenarios ran: {why}."
CASE_ROLES = ("author", "approver", "audit")      # who reads the impact case by case


def _diff(serving_source: bytes, draft_source: bytes, serving_number: int):
    try:
        old, new = pydmn.read(serving_source), pydmn.read(draft_source)
    except DMNError as exc:
        return None, {"changes": [], "text": "", "note": f"no diff: the draft is not a readable model ({exc})"}
    diff = analysis.diff_definitions(old, new, f"version {serving_number}", "draft")
    if diff.layout_only or (diff.empty and serving_source != draft_source):   # other bytes never review as "no change"
        diff.changes += analysis.unlisted(old, new)
    return diff, {"changes": [c.as_dict() for c in diff.changes], "text": diff.text(), "note": None}


def _scenarios(scenario_file: ScenarioFile | None, old_model, new_model, diff, budget: pydmn.Budget) -> dict:
    empty = {"file": scenario_file.name if scenario_file else None, "run": 0, "passed": 0, "failed": [],
             "unexercised": {}, "impact": None}
    if new_model is None:
        return {**empty, "note": SCENARIO_LIMIT_NOTE.format(why="the draft does not load")}
    if scenario_file is None:
        return {**empty, "note": SCENARIO_LIMIT_NOTE.format(why="the model has no scenario file")}
    spec = scenario_file.spec
    results = run_spec(spec, new_model, scenario_file.folder / scenario_file.name, budget)
    changed = None
    if old_model is not None and not results.over_budget:
        cases = spec_inputs(spec, old_model, scenario_file.folder)
        checked = [spec["decision"]] if spec.get("decision") else []
        changed = analysis.impact(old_model, new_model, cases, diff, checked=checked, budget=budget).as_dict()
    return {**empty, "note": None, "run": len(results.outcomes),
            "passed": len(results.outcomes) - len(results.failed),
            "failed": [{"title": o.title, "section": o.section, "problems": o.problems} for o in results.failed],
            "unexercised": results.unexercised, "impact": changed}


def _real_cases(model_id: str, decision: str, records: list[dict], serving, draft_source: bytes | None,
                limit: int, budget: pydmn.Budget) -> dict:
    """The newest audited cases determined by the serving version and by the draft (webapp.serving.redetermine),
    grouped by how the determination changed; changed cases by id with both outcomes."""
    out = {"limit": limit, "considered": len(records), "changed": 0, "unchanged": 0, "not_evaluable": [],
           "transitions": [], "cases": {}, "note": None}
    if serving is None:
        return {**out, "note": "no version serves: there is nothing to compare the draft with"}
    if draft_source is None:
        return {**out, "note": "the draft does not load: no case was re-evaluated"}
    try:
        baseline = ModelVersion(model_id, serving.source, decision, serving.contract)
        draft = ModelVersion(model_id, draft_source, decision, serving.contract)
    except ValueError as exc:
        return {**out, "note": f"real cases are compared by their determination: {exc}"}
    if draft.sha256 == baseline.sha256:
        return {**out, "unchanged": len(records), "note": "the draft holds the serving content: no case can change"}
    when = {r["id"]: r["created_at"] for r in records}
    groups: dict[tuple, list] = {}
    for found in redetermine(map(partial(_case, baseline.sha256), records), draft, baseline, budget):
        if found.errors:
            out["not_evaluable"].append({"evaluation_id": found.case_id, "errors": found.errors})
        elif found.old == found.new:
            out["unchanged"] += 1
        else:
            out["changed"] += 1
            groups.setdefault(found.transition, []).append(found.case_id)
            out["cases"][found.case_id] = {"created_at": when[found.case_id], "old": _outcome(found.old),
                                           "new": _outcome(found.new)}
    ordered = sorted(groups.items(), key=lambda item: (item[0][0] == item[0][1], -len(item[1]), item[0]))
    out["transitions"] = [{"old": old, "new": new, "count": len(ids), "cases": ids} for (old, new), ids in ordered]
    return out


def _case(serving_sha: str, record: dict) -> Case:
    """A record answered by the serving version through the determinations endpoint already holds
    the serving version's outcome: only the draft evaluates it (half the work of a review)."""
    if record["model_version"] == serving_sha and record["endpoint"].startswith("car_t."):
        return case_from_record(record)
    return Case(record["id"], record["inputs"])


def _outcome(outcome) -> dict | None:
    if outcome is None:
        return None
    return {"determination": outcome.determination, "disposition": outcome.disposition,
            "findings": list(outcome.findings)}


def build(model_id: str, decision: str, serving, draft_source: bytes, scenario_file: ScenarioFile | None,
          records: list[dict], limit: int, budget: pydmn.Budget) -> dict:
    """The evidence pack of a draft (runs in the bounded child), each evaluation under `budget`.
    `serving` is the registry Entry of the version that serves, or None for a model nothing serves yet."""
    report = validation.as_json(draft_source)
    if serving is None:
        diff, diff_json = None, {"changes": [], "text": "", "note": "no version serves: the whole model is new"}
    else:
        diff, diff_json = _diff(serving.source, draft_source, serving.number)
    try:
        new_model = pydmn.load(draft_source) if report["valid"] else None
    except DMNError:
        new_model = None
    old_model = serving.model if serving is not None else None
    return {
        "model_id": model_id,
        "serving": {"number": getattr(serving, "number", None), "sha256": getattr(serving, "version", None)},
        "computed_at": now().isoformat(),
        "validation": report,
        "table_analysis": [f for f in report["findings"] if f.get("table")],
        "diff": diff_json,
        "contract": (contract_change.change(old_model, new_model, serving.contract)
                     if old_model is not None and new_model is not None else None),
        "scenarios": _scenarios(scenario_file, old_model, new_model, diff, budget),
        "real_cases": _real_cases(model_id, decision, records, serving,
                                  draft_source if new_model is not None else None, limit, budget),
    }


def as_read_by(pack: dict, roles) -> dict:
    """The pack as a caller with `roles` reads it: whole for CASE_ROLES; otherwise the impact on real
    cases without the cases (their evaluation ids and outcomes), counts only."""
    if set(roles) & set(CASE_ROLES):
        return pack
    real = pack["real_cases"]
    return {**pack, "real_cases": {
        **real, "transitions": [{**t, "cases": []} for t in real["transitions"]], "cases": {}, "not_evaluable": [],
        "hidden": f"the cases themselves are shown to the {', '.join(CASE_ROLES)} roles; this key sees counts"}}


def case(serving, draft_source: bytes, record: dict, budget: pydmn.Budget) -> dict:
    """One audited case answered by the serving version and by the draft, every decision traced
    (runs in the bounded child); a side past `budget` answers the budget under its errors."""
    out = {"serving": {"errors": {"model": ["no version serves"]}, "decisions": {}}}
    try:
        draft = pydmn.load(draft_source)
    except DMNError as exc:
        draft = None
        out["draft"] = {"errors": {"model": [f"the version does not load: {exc}"]}, "decisions": {}}
    for side, model in (("serving", getattr(serving, "model", None)), ("draft", draft)):
        if model is None:
            continue
        loaded, errors = validate_inputs(inputs_schema(model, False, "Inputs"), record["inputs"])
        if errors:
            out[side] = {"errors": errors, "decisions": {}}
            continue
        result = model.evaluate(loaded, budget=budget)
        if result.exceeded:
            out[side] = {"errors": {"evaluation": [
                f"evaluation budget exceeded: {budgets.describe(budget, result.exceeded)}"]}, "decisions": {}}
            continue
        out[side] = {"errors": None, "decisions": {n: decision_json(d) for n, d in result.decisions.items()},
                     "answer": _answer(model, result)}
    return out


def _answer(model, result) -> dict | None:
    """One side's CAR-T answer (webapp.serving.determination) without its trace: what the review
    sets side by side; None for a model without the Determination decision."""
    if DECISION not in model.definitions.decisions:
        return None
    shaped = shape(model, result, DECISION)
    return {key: shaped[key] for key in ("determination", "disposition", "findings", "criteria_met")}
