"""Running a model for a request and shaping the answer: decisions, audit rows, the record written
before the answer. Who asks and under which budget are the caller's to say (webapp.api.common)."""
from __future__ import annotations

from webapp.serving import budgets
from webapp.serving.jsonvalues import to_json
from webapp.store.audit import AuditUnavailable
from webapp.store.stamps import new_id
from webapp.store.errors import NotFound, Unavailable


def message_json(m) -> dict:
    return {"severity": getattr(m, "severity", None), "kind": getattr(m, "kind", None),
            "text": getattr(m, "text", str(m)), "element_id": getattr(m, "element_id", None)}


def decision_json(d) -> dict:
    return {"name": d.name, "value": to_json(d.value), "status": d.status,
            "messages": [message_json(m) for m in d.messages],
            "matched_rules": [{"rule_id": r.rule_id, "index": r.index,
                               "annotations": {k: to_json(v) for k, v in (r.annotations or {}).items()}}
                              for r in d.matched_rules]}


def run(entry, inputs: dict, budget, decisions=None, case: str | None = None):
    """Evaluate in this worker under `budget` (webapp.serving.budgets); unknown decision names are
    NotFound, an evaluation past its budget Invalid or Unavailable (naming `case` of a batch)."""
    wanted = decisions or None
    if wanted:
        unknown = [n for n in wanted if n not in entry.model.definitions.decisions]
        if unknown:
            raise NotFound("unknown decision", {"decisions": [f"no decision named {n!r}" for n in unknown]})
    result = entry.model.evaluate(inputs, decision=wanted, budget=budget)
    budgets.refuse(result, budget, entry, case)
    return result


def evaluation_answer(entry, result, wanted) -> dict:
    names = wanted or list(result.decisions)
    return {"evaluation_id": new_id(), "model_id": entry.id, "model_version": entry.version,
            "decisions": {n: decision_json(result.decisions[n]) for n in names},
            "messages": [message_json(m) for m in result.messages]}


def audit_row(answer: dict, inputs, endpoint: str, caller, outputs=None, case_id: str | None = None) -> dict:
    """The audit record of an answer; `caller` is who asked (webapp.store.keys.Caller: key id and name),
    `case_id` the caller's own reference to the case."""
    trace = answer.get("trace") or answer.get("decisions") or {}
    return {"id": answer["evaluation_id"], "model_id": answer["model_id"],
            "model_version": answer["model_version"], "endpoint": endpoint,
            "caller": caller.key_id, "caller_name": caller.name, "inputs": inputs,
            "outputs": outputs if outputs is not None else {n: d["value"] for n, d in trace.items()},
            "matched_rules": {n: d["matched_rules"] for n, d in trace.items() if d["matched_rules"]},
            "case_id": case_id}


def record(store, rows: list[dict]) -> None:
    """Write before answering: no answer without its record."""
    try:
        store.record(rows)
    except AuditUnavailable as exc:
        raise Unavailable("the audit store cannot be written; no determination was given",
                          {"audit": [exc.reason]}) from exc
