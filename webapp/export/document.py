"""A model flattened into one plain "document" that every export format renders the same way.

Nothing of the logic is left out: every decision's question and description, every boxed
expression (webapp.export.boxed), every decision table with each input column's expression under
its label, every rule with its row number, policy section and reason (an annotation that repeats
an output of every rule is shown once), the data dictionary with its constraints.

The version is the sha256 of the model file's bytes: the same digest the service records in its
audit trail, so an export can be tied to the decisions that used it.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pydmn
from pydmn import elements as el
from webapp.export.boxed import KIND_NAMES, boxed
from webapp.export.drd_svg import drd_svg
from webapp.store import stamps

HIT_LETTERS = {"UNIQUE": "U", "ANY": "A", "PRIORITY": "P", "FIRST": "F", "RULE ORDER": "R",
               "OUTPUT ORDER": "O", "COLLECT": "C"}
AGGREGATION_SIGNS = {"SUM": "+", "MIN": "<", "MAX": ">", "COUNT": "#"}
# more columns than this print as rule cards: a grid that wide is unreadable on a page
WIDE_COLUMNS = 6
SECTION_COLUMN = re.compile(r"section|guideline|citation|reference|statement", re.I)

# Where a model may state its policy metadata: an extension element or attribute of any namespace
# with one of these local names (normalised: lower case, no separators), or a "Name: value" line
# in the model's description.
META_KEYS = {"policynumber": "policy_number", "policyid": "policy_number", "policyno": "policy_number",
             "effectivedate": "effective_date", "effective": "effective_date",
             "policyeffectivedate": "effective_date", "lastreviewed": "last_reviewed",
             "reviewdate": "last_reviewed", "policytitle": "policy_title"}


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _local(clark: str) -> str:
    return clark.rsplit("}", 1)[-1]


def policy_metadata(defs: el.Definitions) -> dict:
    found: dict[str, str] = {}

    def extension(x: el.ExtensionElement):
        for attr, value in x.attributes.items():
            target = META_KEYS.get(_key(_local(attr)))
            if target and value.strip():
                found.setdefault(target, value.strip())
        target = META_KEYS.get(_key(_local(x.tag)))
        if target and (x.text or "").strip():
            found.setdefault(target, x.text.strip())
        # <property name="policyNumber" value="..."/> style extensions (Camunda, KIE)
        name, value = x.attributes.get("name"), x.attributes.get("value")
        if name and value and META_KEYS.get(_key(name)):
            found.setdefault(META_KEYS[_key(name)], value.strip())
        for child in x.children:
            extension(child)

    for element in [defs, *defs.by_id.values()]:
        for attr, value in (getattr(element, "extension_attributes", None) or {}).items():
            target = META_KEYS.get(_key(_local(attr)))
            if target and value.strip():
                found.setdefault(target, value.strip())
        for x in getattr(element, "extension_elements", None) or []:
            extension(x)
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


def _string_value(text: str | None) -> str | None:
    """The value of a FEEL string literal cell, else None."""
    m = re.fullmatch(r'\s*"((?:[^"\\]|\\.)*)"\s*', text or "")
    return re.sub(r"\\(.)", r"\1", m.group(1)) if m else None


def _repeated_annotations(t: el.DecisionTable) -> dict[int, int]:
    """Annotation column -> output column it repeats word for word in every rule."""
    out = {}
    for a in range(len(t.annotations)):
        for o in range(len(t.outputs)):
            pairs = [((r.annotation_entries[a] if a < len(r.annotation_entries) else "").strip(),
                      _string_value(r.output_entries[o]) if o < len(r.output_entries) else None)
                     for r in t.rules]
            if any(note for note, _ in pairs) and all(note == (value or "").strip() for note, value in pairs):
                out[a] = o
                break
    return out


def anchor(kind: str, ident: str | None) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "-", ident or "")


def _table(name: str, owner, t: el.DecisionTable) -> dict:
    letter = HIT_LETTERS.get(t.hit_policy, t.hit_policy) + AGGREGATION_SIGNS.get(t.aggregation or "", "")
    repeated = _repeated_annotations(t)
    shown = [a for a in range(len(t.annotations)) if a not in repeated]
    section = next((a for a in shown if SECTION_COLUMN.search(t.annotations[a])), None)
    inputs = [{"id": c.id, "label": c.label or c.text, "text": c.text, "type": c.type_ref or "",
               "value_list": c.input_values or ""} for c in t.inputs]
    outputs = [{"id": c.id, "label": c.name or c.label or owner.name, "type": c.type_ref or "",
                "value_list": c.output_values or "", "default": c.default_output or ""}
               for c in t.outputs]
    rules = []
    for r in t.rules:
        notes = [(r.annotation_entries[a] if a < len(r.annotation_entries) else "").strip() for a in shown]
        rules.append({
            "index": r.index, "id": r.id or "", "description": r.description or "",
            "inputs": [e.strip() for e in r.input_entries],
            "outputs": [e.strip() for e in r.output_entries],
            "annotations": notes,
            "section": notes[shown.index(section)] if section is not None else "",
            "tests": [(c["label"], e.strip()) for c, e in zip(inputs, r.input_entries)
                      if e.strip() not in ("", "-")],
            "results": [(c["label"], e.strip()) for c, e in zip(outputs, r.output_entries)],
            "notes": [(t.annotations[a], n) for a, n in zip(shown, notes) if a != section and n]})
    return {
        "decision": name, "owner_id": owner.id, "id": t.id, "label": t.label,
        "anchor": anchor("table", t.id or owner.id),
        "hit_policy": t.hit_policy + (f" {t.aggregation}" if t.aggregation else ""), "hit_letter": letter,
        "inputs": inputs, "outputs": outputs,
        "annotations": [t.annotations[a] for a in shown],
        "section_column": t.annotations[section] if section is not None else "",
        "repeats": [f"Annotation \u201c{t.annotations[a]}\u201d repeats output \u201c{outputs[o]['label']}\u201d "
                    "in every rule and is shown once, as the output." for a, o in repeated.items()],
        "wide": len(inputs) + len(outputs) + len(shown) > WIDE_COLUMNS,
        "rules": rules,
    }


def _source_bytes(source) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, ""
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return source.encode("utf-8"), ""
    path = Path(source)
    return path.read_bytes(), path.name


def _names(defs, refs: list[str]) -> list[str]:
    """Requirement names (this model's) or hrefs shown by the target's name when known."""
    out = []
    for ref in refs:
        target = defs.by_id.get(ref.split("#")[-1]) if "#" in ref else None
        out.append(getattr(target, "name", None) or ref)
    return out


def build_document(source, name_hint: str | None = None, now: dt.datetime | None = None) -> dict:
    """Everything an export shows, from a model path, bytes or XML text."""
    data, file = _source_bytes(source)
    defs = pydmn.read(data)
    meta = policy_metadata(defs)
    named = pydmn.decision_tables(defs)
    tables = [_table(t.name, t.owner, t.table) for t in named]
    anchors = {id(t.table): (doc["anchor"], doc["decision"]) for t, doc in zip(named, tables)}

    def table_anchor(table):
        return anchors.get(id(table), ("", table.label or table.id or ""))

    decisions = []
    for d in defs.decisions.values():
        logic = boxed(d.expression, table_anchor)
        decisions.append({
            "name": d.name, "id": d.id, "label": d.label or d.name, "anchor": anchor("decision", d.id),
            "question": d.question or "", "allowed_answers": d.allowed_answers or "",
            "description": d.description or "", "type": d.type_ref or "",
            "requires": _names(defs, d.required_decisions + d.required_inputs),
            "knowledge": _names(defs, d.required_knowledge), "authority": _names(defs, d.authority),
            "logic_kind": KIND_NAMES[logic["kind"]] if logic else "none", "logic": logic})
    exported = (now or stamps.now()).astimezone(dt.timezone.utc)
    title = meta.get("policy_title") or defs.name or name_hint or "DMN model"
    policy = meta.get("policy_number", "")
    return {
        "title": title,
        "policy_header": f"Policy {policy} · {title}" if policy else f"{title} (policy number not stated)",
        "name": defs.name, "id": defs.id, "namespace": defs.namespace,
        "dmn_version": defs.dmn_version, "description": defs.description or "",
        "file": file or name_hint or "",
        "version": stamps.sha256(data),
        "exported_at": exported.strftime("%Y-%m-%d %H:%M UTC"),
        "policy_number": meta.get("policy_number", ""), "effective_date": meta.get("effective_date", ""),
        "last_reviewed": meta.get("last_reviewed", ""),
        "svg": drd_svg(defs),
        "not_drawn": [e.name for group in (defs.decisions, defs.input_data, defs.bkms,
                                           defs.knowledge_sources, defs.decision_services)
                      for e in group.values() if defs.diagram is not None
                      and e.id not in defs.diagram.shapes],
        "decisions": decisions, "tables": tables,
        "input_data": [{"name": i.name, "id": i.id, "type": i.type_ref or "",
                        "description": i.description or ""} for i in defs.input_data.values()],
        "item_definitions": _items(defs),
        "bkms": [{"name": b.name, "id": b.id, "description": b.description or "",
                  "anchor": anchor("bkm", b.id), "type": b.type_ref or "",
                  "knowledge": _names(defs, b.required_knowledge),
                  "logic": boxed(b.encapsulated_logic, table_anchor)}
                 for b in defs.bkms.values()],
        "decision_services": [{"name": s.name, "id": s.id, "description": s.description or "",
                               "outputs": _names(defs, s.output_decisions),
                               "encapsulated": _names(defs, s.encapsulated_decisions),
                               "input_decisions": _names(defs, s.input_decisions),
                               "input_data": _names(defs, s.input_data)}
                              for s in defs.decision_services.values()],
        "knowledge_sources": [{"name": k.name, "id": k.id, "type": k.type or "",
                               "owner": _names(defs, [k.owner])[0] if k.owner else "",
                               "uri": k.uri or "", "description": k.description or ""}
                              for k in defs.knowledge_sources.values()],
    }


def _items(defs: el.Definitions) -> list[dict]:
    rows = []

    def add(item: el.ItemDefinition, path: str, depth: int):
        rows.append({"name": path, "id": item.id, "depth": depth,
                     "type": item.type_ref or ("structure" if item.components else ""),
                     "collection": item.is_collection, "allowed": item.allowed_values or "",
                     "constraint": item.type_constraint or "",
                     "description": item.description or ""})
        for c in item.components:
            add(c, f"{path}.{c.name}", depth + 1)
    for name, item in defs.item_definitions.items():
        add(item, name, 0)
    return rows
