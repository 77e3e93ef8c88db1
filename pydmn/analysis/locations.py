"""Where each piece of FEEL text stands in the file: the line of a cell's own `<text>`, not its
rule's, so a finding points at the cell a modeler has to fix.

The model elements keep one line per element; cells, input expressions and value lists are not
elements of their own there, so their lines are read from the XML once here.
"""
from __future__ import annotations

from lxml import etree

ENTRY_TAGS = ("inputEntry", "outputEntry", "annotationEntry")


def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _text_line(node) -> int | None:
    text = next((c for c in node if _local(c) == "text"), None)
    return (text if text is not None else node).sourceline


class SourceMap:
    """Lines of the FEEL texts of one model file (`data`: the file's bytes)."""

    def __init__(self, data: bytes | None):
        self.rule_cells: dict[object, dict[str, list[int | None]]] = {}
        self.texts: dict[str | None, int | None] = {}      # element id -> line of its <text>
        self.owned: dict[tuple[str | None, str], int | None] = {}   # (owner id, child tag) -> line
        if not data:
            return
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                 remove_comments=True, remove_pis=True)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            return
        for node in root.iter(etree.Element):
            local = _local(node)
            if local == "rule":
                cells: dict[str, list[int | None]] = {tag: [] for tag in ENTRY_TAGS}
                for child in node:
                    if _local(child) in cells:
                        cells[_local(child)].append(_text_line(child))
                self.rule_cells[node.get("id") or ("line", node.sourceline)] = cells
            elif local in ("inputExpression", "outputValues", "inputValues", "defaultOutputEntry",
                           "allowedValues", "typeConstraint"):
                owner = node.getparent()
                if owner is not None and owner.get("id"):
                    self.owned[(owner.get("id"), local)] = _text_line(node)
            if node.get("id") and any(_local(c) == "text" for c in node):
                self.texts[node.get("id")] = _text_line(node)

    def cell(self, rule, tag: str, index: int) -> int | None:
        """Line of a rule's `index`-th inputEntry / outputEntry / annotationEntry."""
        cells = self.rule_cells.get(rule.id) or self.rule_cells.get(("line", rule.line))
        lines = cells.get(tag, []) if cells else []
        return lines[index] if index < len(lines) else rule.line

    def child(self, owner, tag: str) -> int | None:
        """Line of an element's `tag` child text (input expression, values lists)."""
        return self.owned.get((getattr(owner, "id", None), tag)) or getattr(owner, "line", None)

    def text(self, element) -> int | None:
        return self.texts.get(getattr(element, "id", None)) or getattr(element, "line", None)
