"""The decision requirements diagram shows the whole model: every DRG element has a DMNDI shape
and every requirement an edge. An element without a shape is silently missing from every
drawing of the model (modelers and our exports alike), so a reviewer never sees it."""
from __future__ import annotations

from pydmn.analysis.findings import Finding
from pydmn.model import elements as el

KINDS = (("decisions", "decision"), ("input_data", "input data"),
         ("bkms", "business knowledge model"), ("knowledge_sources", "knowledge source"),
         ("decision_services", "decision service"))
REQUIREMENT_WORDS = {"decision": "information requirement", "input": "information requirement",
                     "knowledge": "knowledge requirement", "authority": "authority requirement"}


def diagram_findings(defs: el.Definitions, file: str | None = None) -> list[Finding]:
    diagram = defs.diagram
    if diagram is None:
        return [Finding("info", "diagram", "the model has no diagram (DMNDI): exports show no "
                        "decision requirements diagram", defs.id, (), defs.line, file)]
    findings = []
    for attr, word in KINDS:
        for element in getattr(defs, attr).values():
            if element.id not in diagram.shapes:
                findings.append(Finding("warning", "diagram-shape", f"{word} {element.name!r} has "
                                        "no shape in the diagram: drawings of the model omit it",
                                        element.id, (), element.line, file))
    for attr, _ in KINDS:
        for owner in getattr(defs, attr).values():
            if owner.id not in diagram.shapes:
                continue     # the owner's missing shape is reported already
            for r in getattr(owner, "requirements", ()):
                if r.id and r.id in diagram.edges:
                    continue
                why = "has no edge in the diagram" if r.id else "has no id, so no edge can draw it"
                findings.append(Finding("warning", "diagram-edge", " ".join(filter(None, [
                    REQUIREMENT_WORDS[r.kind], r.id, f"of {owner.name!r} (to {r.name or r.href})", why])),
                    r.id or owner.id, (), owner.line, file))
    return findings
