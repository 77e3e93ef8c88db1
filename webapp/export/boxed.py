"""Boxed expressions (DMN 1.5 chapter 7) as plain nested dicts that every export format renders:
a reviewer sees the logic of a context or an invocation as the modeler drew it, not a label.

Node kinds: literal, table (a link to the decision table section), context, invocation, list,
relation, function, conditional, filter, iteration. Every node has "kind" and, where the model
names one, "type".
"""
from __future__ import annotations

from pydmn import elements as el


def boxed(e, table_anchor=None) -> dict | None:
    """The render tree of a boxed expression; `table_anchor(table)` gives (anchor, name) of the
    export's section of a decision table, where the tree links to it."""
    if e is None:
        return None
    node = {"type": getattr(e, "type_ref", None) or ""}
    if isinstance(e, el.LiteralExpression):
        return {**node, "kind": "literal", "text": (e.text or "").strip(),
                "language": e.expression_language or ""}
    if isinstance(e, el.DecisionTable):
        link, name = table_anchor(e) if table_anchor else ("", e.label or e.id or "")
        return {**node, "kind": "table", "label": name, "id": e.id or "", "anchor": link,
                "hit_policy": e.hit_policy}
    if isinstance(e, el.Context):
        entries = [{"name": entry.variable.name if entry.variable is not None else "",
                    "type": (entry.variable.type_ref or "") if entry.variable is not None else "",
                    "value": boxed(entry.value, table_anchor)} for entry in e.entries]
        return {**node, "kind": "context", "entries": entries}
    if isinstance(e, el.Invocation):
        return {**node, "kind": "invocation", "function": boxed(e.callee, table_anchor),
                "bindings": [{"name": b.parameter.name or "", "value": boxed(b.value, table_anchor)}
                             for b in e.bindings]}
    if isinstance(e, el.ListExpression):
        return {**node, "kind": "list", "items": [boxed(i, table_anchor) for i in e.items]}
    if isinstance(e, el.Relation):
        return {**node, "kind": "relation", "columns": [c.name or "" for c in e.columns],
                "rows": [[boxed(c, table_anchor) for c in row] for row in e.rows]}
    if isinstance(e, el.FunctionDefinition):
        return {**node, "kind": "function", "language": e.kind or "FEEL",
                "parameters": [{"name": p.name or "", "type": p.type_ref or ""} for p in e.parameters],
                "body": boxed(e.body, table_anchor)}
    if isinstance(e, el.Conditional):
        return {**node, "kind": "conditional", "if": boxed(e.if_, table_anchor),
                "then": boxed(e.then, table_anchor), "else": boxed(e.else_, table_anchor)}
    if isinstance(e, el.Filter):
        return {**node, "kind": "filter", "in": boxed(e.in_, table_anchor),
                "match": boxed(e.match, table_anchor)}
    if isinstance(e, el.Iteration):
        return {**node, "kind": "iteration", "iterator": e.kind, "variable": e.iterator_variable,
                "in": boxed(e.in_, table_anchor), "body": boxed(e.body, table_anchor)}
    return {**node, "kind": "literal", "text": f"({type(e).__name__})", "language": ""}


KIND_NAMES = {"literal": "literal expression", "table": "decision table", "context": "boxed context",
              "invocation": "invocation", "list": "list", "relation": "relation",
              "function": "function definition", "conditional": "conditional", "filter": "filter",
              "iteration": "iteration"}


def lines(node, indent: str = "") -> list[tuple[str, str]]:
    """(path, FEEL text) rows of a render tree, for formats without nesting (CSV, XLSX, text)."""
    out: list[tuple[str, str]] = []

    def walk(n, path):
        if n is None:
            return
        kind = n["kind"]
        here = " / ".join(path)
        if kind == "literal":
            out.append((here, n["text"]))
        elif kind == "table":
            out.append((here, f"decision table {n['label']} (hit policy {n['hit_policy']})"))
        elif kind == "context":
            for entry in n["entries"]:
                walk(entry["value"], [*path, entry["name"] or "result"])
        elif kind == "invocation":
            walk(n["function"], [*path, "invoke"])
            for b in n["bindings"]:
                walk(b["value"], [*path, b["name"]])
        elif kind == "list":
            for i, item in enumerate(n["items"], start=1):
                walk(item, [*path, f"item {i}"])
        elif kind == "relation":
            out.append((" / ".join([*path, "columns"]), ", ".join(n["columns"])))
            for r, row in enumerate(n["rows"], start=1):
                for column, cell in zip(n["columns"], row):
                    walk(cell, [*path, f"row {r}", column])
        elif kind == "function":
            params = ", ".join(p["name"] + (f": {p['type']}" if p["type"] else "") for p in n["parameters"])
            out.append((here, f"function({params}) [{n['language']}]"))
            walk(n["body"], [*path, "body"])
        elif kind == "conditional":
            for part in ("if", "then", "else"):
                walk(n[part], [*path, part])
        elif kind == "filter":
            walk(n["in"], [*path, "in"])
            walk(n["match"], [*path, "match"])
        elif kind == "iteration":
            out.append((here, f"{n['iterator']} {n['variable']}"))
            walk(n["in"], [*path, "in"])
            walk(n["body"], [*path, "return" if n["iterator"] == "for" else "satisfies"])
    walk(node, [indent] if indent else [])
    return out
