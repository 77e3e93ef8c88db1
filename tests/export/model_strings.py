"""Every string of a model's logic that an export must show, collected from the model itself, so
the export tests hold for any model (the CAR-T model is rewritten as the policy evolves)."""
from __future__ import annotations

import re
import unicodedata

import pydmn
from pydmn import elements as el


def logic_strings(path) -> dict[str, list[str]]:
    """Kind -> strings: every input entry, output entry, annotation and input expression of every
    decision table, every FEEL text of the other boxed logic, every question and description."""
    defs = pydmn.read(path)
    found: dict[str, list[str]] = {"input entry": [], "output entry": [], "annotation": [],
                                   "input expression": [], "boxed expression": [],
                                   "question or description": []}
    for named in pydmn.decision_tables(defs):
        t = named.table
        found["input expression"] += [c.text for c in t.inputs]
        for rule in t.rules:
            found["input entry"] += rule.input_entries
            found["output entry"] += rule.output_entries
            found["annotation"] += rule.annotation_entries

    def walk(e):
        if isinstance(e, el.LiteralExpression):
            found["boxed expression"].append(e.text)
        for child in _children(e):
            walk(child)
    for d in defs.decisions.values():
        found["question or description"] += [d.question or "", d.description or ""]
        walk(d.expression)
    for b in defs.bkms.values():
        walk(b.encapsulated_logic)
    return {k: sorted({v.strip() for v in values if v and v.strip()}) for k, values in found.items()}


def _children(e):
    if isinstance(e, el.Context):
        return [x.value for x in e.entries]
    if isinstance(e, el.Invocation):
        return [e.callee, *(b.value for b in e.bindings)]
    if isinstance(e, el.ListExpression):
        return e.items
    if isinstance(e, el.Relation):
        return [c for row in e.rows for c in row]
    if isinstance(e, el.FunctionDefinition):
        return [e.body]
    if isinstance(e, el.Conditional):
        return [e.if_, e.then, e.else_]
    if isinstance(e, el.Filter):
        return [e.in_, e.match]
    if isinstance(e, el.Iteration):
        return [e.in_, e.body]
    return []


def squeeze(text: str) -> str:
    """Text compared without layout: NFKC (ligatures), no whitespace (wrapped lines)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def missing(strings: dict[str, list[str]], text: str) -> dict[str, list[str]]:
    haystack = squeeze(text)
    gaps = {kind: [s for s in values if squeeze(s) not in haystack] for kind, values in strings.items()}
    return {k: v for k, v in gaps.items() if v}
