"""The decision requirements diagram shows the whole model: every DRG element has a DMNDI shape
and every requirement an edge. An element without a shape is silently missing from every
drawing of the model (modelers and our exports alike), so a reviewer never sees it."""
from __future__ import annotations

from pydmn.analysis.findings import Finding
from pydmn.analysis.locations import SourceMap
from pydmn.model import elements as el

KINDS = (("decisions", "decision"), ("input_data", "input data"),
         ("bkms", "business knowledge model"), ("knowledge_sources", "knowledge source"),
         ("decision_services", "decision service"))
REQUIREMENT_WORDS = {"informationRequirement": "information requirement",
                     "knowledgeRequirement": "knowledge requirement",
                     "authorityRequirement": "authority requirement"}


def diagram_findings(defs: el.Definitions, smap: SourceMap, file: str | None = None) -> list[Finding]:
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
    names = {e.id: e.name for attr, _ in KINDS for e in getattr(defs, attr).values()}
    for kind, ident, owner, line in smap.requirements:
        if owner not in names or owner not in diagram.shapes:
            continue     # the owner's missing shape is reported already
        if not ident or ident not in diagram.edges:
            what = REQUIREMENT_WORDS[kind]
            why = "has no id, so no edge can draw it" if not ident else "has no edge in the diagram"
            findings.append(Finding("warning", "diagram-edge", f"{what} {ident or ''} of "
                                    f"{names[owner]!r} {why}".replace("  ", " "), ident or owner,
                                    (), line, file))
    return findings
