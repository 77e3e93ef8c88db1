"""A model flattened into one plain "document" that every export format renders the same way.

The version is the sha256 of the model file's bytes: the same digest the service records in its
audit trail, so an export can be tied to the decisions that used it.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lxml import etree

from pydmn.model import elements as el
from pydmn.analysis.semantics import tables_of
from pydmn.model.reader import parse_definitions, read_source
from webapp.export.drd_svg import drd_svg

HIT_LETTERS = {"UNIQUE": "U", "ANY": "A", "PRIORITY": "P", "FIRST": "F", "RULE ORDER": "R",
               "OUTPUT ORDER": "O", "COLLECT": "C"}
AGGREGATION_SIGNS = {"SUM": "+", "MIN": "<", "MAX": ">", "COUNT": "#"}

# Where a model may state its policy metadata: an extension element or attribute of any namespace
# with one of these local names (normalised: lower case, no separators), or a "Name: value" line
# in the model's description.
META_KEYS = {"policynumber": "policy_number", "policyid": "policy_number", "policyno": "policy_number",
             "effectivedate": "effective_date", "effective": "effective_date",
             "policyeffectivedate": "effective_date", "lastreviewed": "last_reviewed",
             "reviewdate": "last_reviewed", "policytitle": "policy_title"}


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def policy_metadata(source: bytes, defs: el.Definitions) -> dict:
    found: dict[str, str] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(source, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is not None:
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            for attr, value in node.attrib.items():
                target = META_KEYS.get(_key(etree.QName(attr).localname))
                if target and value.strip():
                    found.setdefault(target, value.strip())
            local = etree.QName(node).localname
            target = META_KEYS.get(_key(local))
            if target and (node.text or "").strip():
                found.setdefault(target, node.text.strip())
            # <property name="policyNumber" value="..."/> style extensions (Camunda, KIE)
            if node.get("name") and node.get("value"):
                target = META_KEYS.get(_key(node.get("name")))
                if target:
                    found.setdefault(target, node.get("value").strip())
    for text in filter(None, [defs.description,
                              *(k.description for k in defs.knowledge_sources.values())]):
        for line in re.split(r"[\n;]", text):
            m = re.match(r"\s*([A-Za-z][A-Za-z ]{2,30}?)\s*[:=]\s*(.+?)\s*$", line)
            if m and META_KEYS.get(_key(m.group(1))):
                found.setdefault(META_KEYS[_key(m.group(1))], m.group(2))
    # prose forms: "Medical Policy 7.02.11 ... (effective April 15, 2026)"
    prose = " ".join(filter(None, [defs.description, defs.name,
                                   *(k.name for k in defs.knowledge_sources.values())]))
    m = re.search(r"\bPolicy\s+(?:No\.?\s*|number\s*)?(\d+(?:\.\d+)+)", prose, re.I)
    if m:
        found.setdefault("policy_number", m.group(1))
    m = re.search(r"\beffective(?:\s+date)?\s*:?\s*(\d{4}-\d{2}-\d{2}|[A-Z][a-z]+\.? \d{1,2}, \d{4})", prose)
    if m:
        found.setdefault("effective_date", m.group(1))
    return found


def _ref_names(defs: el.Definitions, hrefs: list[str]) -> list[str]:
    out = []
    for href in hrefs:
        target = defs.by_id.get(href.split("#")[-1])
        out.append(getattr(target, "name", None) or href)
    return out


def _items(defs: el.Definitions) -> list[dict]:
    rows = []

    def add(item: el.ItemDefinition, path: str, depth: int):
        rows.append({"name": path, "id": item.id, "depth": depth,
                     "type": item.type_ref or ("structure" if item.components else ""),
                     "collection": item.is_collection, "allowed": item.allowed_values or "",
                     "description": item.description or ""})
        for c in item.components:
            add(c, f"{path}.{c.name}", depth + 1)
    for name, item in defs.item_definitions.items():
        add(item, name, 0)
    return rows


def _table(owner_name: str, t: el.DecisionTable, owner_id: str | None) -> dict:
    letter = HIT_LETTERS.get(t.hit_policy, t.hit_policy) + AGGREGATION_SIGNS.get(t.aggregation or "", "")
    return {
        "decision": owner_name, "decision_id": owner_id, "id": t.id, "label": t.label,
        "anchor": "table-" + (t.id or owner_id or ""),
        "hit_policy": t.hit_policy + (f" {t.aggregation}" if t.aggregation else ""), "hit_letter": letter,
        "inputs": [{"id": c.id, "label": c.label or c.text, "text": c.text, "type": c.type_ref or "",
                    "value_list": c.input_values or ""} for c in t.inputs],
        "outputs": [{"id": c.id, "label": c.name or c.label or owner_name, "type": c.type_ref or "",
                     "value_list": c.output_values or "", "default": c.default_output or ""}
                    for c in t.outputs],
        "annotations": list(t.annotations),
        "rules": [{"index": r.index, "id": r.id or "", "inputs": [e.strip() for e in r.input_entries],
                   "outputs": [e.strip() for e in r.output_entries],
                   "annotations": [e.strip() for e in r.annotation_entries] + [""] * (
                       len(t.annotations) - len(r.annotation_entries)),
                   "description": r.description or ""} for r in t.rules],
    }


def _logic(expr) -> str:
    if expr is None:
        return ""
    if isinstance(expr, el.LiteralExpression):
        return expr.text.strip()
    if isinstance(expr, el.DecisionTable):
        return "decision table"
    return {el.Context: "boxed context", el.Invocation: "invocation", el.Relation: "relation",
            el.ListExpression: "list", el.FunctionDefinition: "function definition",
            el.Conditional: "conditional", el.Filter: "filter", el.Iteration: "iteration"}.get(
        type(expr), type(expr).__name__)


def build_document(source, name_hint: str | None = None) -> dict:
    """Everything an export shows, from a model path, bytes or XML text."""
    data, file = read_source(source)
    defs = parse_definitions(data, file)
    meta = policy_metadata(data, defs)
    tables, decisions = [], []
    for d in defs.decisions.values():
        expr = d.expression
        decisions.append({"name": d.name, "id": d.id, "label": d.label or d.name,
                          "question": d.question or "", "description": d.description or "",
                          "type": d.type_ref or "", "logic": _logic(expr),
                          "anchor": "table-" + (expr.id or d.id or "") if isinstance(expr, el.DecisionTable) else "",
                          "requires": _ref_names(defs, d.required_decisions + d.required_inputs),
                          "knowledge": _ref_names(defs, d.required_knowledge),
                          "authority": _ref_names(defs, d.authority)})
    tables = [_table(name, table, owner.id) for name, owner, table in tables_of(defs)]
    return {
        "title": meta.get("policy_title") or defs.name or name_hint or "DMN model",
        "name": defs.name, "id": defs.id, "namespace": defs.namespace,
        "dmn_version": defs.dmn_version, "description": defs.description or "",
        "file": Path(file).name if file else (name_hint or ""),
        "version": hashlib.sha256(data).hexdigest(),
        "policy_number": meta.get("policy_number", ""), "effective_date": meta.get("effective_date", ""),
        "last_reviewed": meta.get("last_reviewed", ""),
        "svg": drd_svg(defs, data),
        "decisions": decisions, "tables": tables,
        "input_data": [{"name": i.name, "id": i.id, "type": i.type_ref or "",
                        "description": i.description or ""} for i in defs.input_data.values()],
        "item_definitions": _items(defs),
        "bkms": [{"name": b.name, "id": b.id, "description": b.description or "",
                  "parameters": [p.name for p in (b.encapsulated_logic.parameters
                                                  if b.encapsulated_logic else [])]}
                 for b in defs.bkms.values()],
        "knowledge_sources": [{"name": k.name, "id": k.id, "type": k.type or "",
                               "owner": _ref_names(defs, [k.owner])[0] if k.owner else "",
                               "uri": k.uri or "", "description": k.description or ""}
                              for k in defs.knowledge_sources.values()],
    }
