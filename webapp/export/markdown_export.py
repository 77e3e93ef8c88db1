"""The model document as Markdown, for review of the logic in a repository (pull requests).

Markdown passes raw HTML through, and a model's names, labels and descriptions are the author's
text: every text outside a code span (where Markdown shows its content literally) is HTML-escaped,
so a `<script>` in a description is shown, never run, wherever the file is rendered."""
from __future__ import annotations

import re
from html import escape


class _Code(str):
    """Text already written as a Markdown code span: literal, so not escaped again."""


def _text(text) -> str:
    return text if isinstance(text, _Code) else escape(str(text or ""), quote=False)


def _cell(text) -> str:
    return _text(text).replace("|", "\\|").replace("\n", "<br>").strip() or " "


def _fence(text: str, shortest: int) -> str:
    """A run of backticks longer than any in `text`: the code span or block cannot be closed early."""
    return "`" * max(shortest, max((len(run) for run in re.findall("`+", text)), default=0) + 1)


def _code(text) -> _Code:
    """Inline code that survives backticks and pipes inside FEEL text."""
    text = str(text or "").strip()
    if not text:
        return _Code(" ")
    fence = _fence(text, 1)
    return _Code(f"{fence} {text} {fence}" if "`" in text else f"`{text}`")


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def _block(text: str, indent: str) -> list[str]:
    fence = _fence(text, 3)
    return [f"{indent}{fence}feel", *(indent + line for line in text.splitlines()), f"{indent}{fence}"]


def _boxed(n, indent: str = "") -> list[str]:
    """A boxed expression as nested lists, FEEL text in code blocks."""
    if n is None:
        return [f"{indent}- (empty)"]
    kind = n["kind"]
    if kind == "literal":
        return _block(n["text"], indent) if "\n" in n["text"] else [f"{indent}- {_code(n['text'])}"]
    if kind == "table":
        return [f"{indent}- decision table **{_text(n['label'])}** (hit policy {n['hit_policy']}), under Decision tables"]
    out: list[str] = []
    if kind == "context":
        for e in n["entries"]:
            out.append(f"{indent}- **{_text(e['name'] or 'result')}**" + (f" ({_text(e['type'])})" if e["type"] else "") + ":")
            out += _boxed(e["value"], indent + "  ")
    elif kind == "invocation":
        out.append(f"{indent}- invoke:")
        out += _boxed(n["function"], indent + "  ")
        for b in n["bindings"]:
            out.append(f"{indent}- **{_text(b['name'])}**:")
            out += _boxed(b["value"], indent + "  ")
    elif kind == "list":
        for i, item in enumerate(n["items"], start=1):
            out.append(f"{indent}- item {i}:")
            out += _boxed(item, indent + "  ")
    elif kind == "relation":
        out.append(f"{indent}- relation ({_text(', '.join(n['columns']))}):")
        for r, row in enumerate(n["rows"], start=1):
            for column, cell in zip(n["columns"], row):
                out.append(f"{indent}  - row {r}, **{_text(column)}**:")
                out += _boxed(cell, indent + "    ")
    elif kind == "function":
        params = ", ".join(p["name"] + (f": {p['type']}" if p["type"] else "") for p in n["parameters"])
        out.append(f"{indent}- function({_text(params)})" + (f" [{_text(n['language'])}]" if n["language"] != "FEEL" else "") + ":")
        out += _boxed(n["body"], indent + "  ")
    elif kind in ("conditional", "filter", "iteration"):
        parts = {"conditional": ("if", "then", "else"), "filter": ("in", "match"),
                 "iteration": ("in", "body")}[kind]
        if kind == "iteration":
            out.append(f"{indent}- {n['iterator']} **{_text(n['variable'])}**:")
        for part in parts:
            word = ("return" if n.get("iterator") == "for" else "satisfies") if part == "body" else part
            out.append(f"{indent}- {word}:")
            out += _boxed(n[part], indent + "  ")
    return out


def _record(r: dict | None) -> list[str]:
    if not r:
        return []
    lines = [f"## Version {r['number']}: {r['state']}", ""]
    if r["approval"]:
        a = r["approval"]
        lines += [f"- Approved by: {_text(a['by'])}", f"- Approved at: {a['at']}",
                  f"- Evidence read (digest): `{a['evidence'] or 'none named'}`",
                  f"- Comment: {_text(a['comment'] or 'none')}"]
        if r["published"]:
            lines.append(f"- Published: {r['published']['at']} by {_text(r['published']['by'])}")
    else:
        lines.append(f"No approval record: {_text(r['no_approval'])}.")
    return lines + ["", f"Saved by {_text(r['author'])}, {r['created_at']}.", ""]


def render_markdown(doc: dict) -> str:
    lines = [f"# {_text(doc['title'])}", "",
             f"- Model: {_text(doc['name'])}" + (f" ({_code(doc['file'])})" if doc["file"] else ""),
             f"- Version (sha256): `{doc['version']}`",
             f"- Policy number: {_text(doc['policy_number'] or 'not stated in the model')}",
             f"- Effective date: {_text(doc['effective_date'] or 'not stated in the model')}",
             f"- Exported: {doc['exported_at']}",
             f"- DMN version: {doc['dmn_version']}", f"- Namespace: {_code(doc['namespace'])}", ""]
    lines += _record(doc.get("record"))
    if doc["description"]:
        lines += [_text(doc["description"]), ""]
    if doc["not_drawn"]:
        lines += [f"Not in the diagram (no DMNDI shape): {_text(', '.join(doc['not_drawn']))}.", ""]
    lines += ["## Decisions", ""]
    for d in doc["decisions"]:
        lines += [f"### {_text(d['label'])}", ""]
        for label, key in (("Question", "question"), ("Allowed answers", "allowed_answers"),
                           ("Description", "description"), ("Type", "type")):
            if d[key]:
                lines.append(f"- {label}: {_text(d[key])}")
        for label, key in (("Requires", "requires"), ("Knowledge", "knowledge"), ("Authority", "authority")):
            if d[key]:
                lines.append(f"- {label}: {_text(', '.join(d[key]))}")
        lines += [f"- Logic: {d['logic_kind']}", ""]
        if d["logic"] and d["logic"]["kind"] != "table":
            lines += _boxed(d["logic"]) + [""]
    lines += ["## Decision tables", ""]
    for t in doc["tables"]:
        lines += [f"### {_text(t['decision'])}", "",
                  f"Hit policy **{t['hit_policy']}** ({t['hit_letter']}), {len(t['rules'])} rules", ""]
        lines += _table(["Column", "Label", "Expression", "Type", "Values"],
                        [[f"input {i}", c["label"], _code(c["text"]), c["type"], _code(c["value_list"])]
                         for i, c in enumerate(t["inputs"], start=1)]
                        + [[f"output {i}", c["label"], _Code(f"default {_code(c['default'])}") if c["default"] else "",
                            c["type"], _code(c["value_list"])] for i, c in enumerate(t["outputs"], start=1)])
        lines += [_text(note) for note in t["repeats"]] + ([""] if t["repeats"] else [])
        header = ["#"] + [f"{c['label']} (in)" for c in t["inputs"]] + \
                 [f"{c['label']} (out)" for c in t["outputs"]] + t["annotations"]
        rows = [[r["index"], *[_code(e) for e in r["inputs"]], *[_code(e) for e in r["outputs"]],
                 *r["annotations"]] for r in t["rules"]]
        lines += _table(header, rows)
    for b in doc["bkms"]:
        lines += [f"## Business knowledge model: {_text(b['name'])}", ""]
        if b["description"]:
            lines += [_text(b["description"]), ""]
        lines += _boxed(b["logic"]) + [""]
    if doc["decision_services"]:
        lines += ["## Decision services", ""]
        lines += _table(["Name", "Output decisions", "Encapsulated", "Input decisions", "Input data"],
                        [[s["name"], ", ".join(s["outputs"]), ", ".join(s["encapsulated"]),
                          ", ".join(s["input_decisions"]), ", ".join(s["input_data"])]
                         for s in doc["decision_services"]])
    if doc["input_data"]:
        lines += ["## Input data", ""]
        lines += _table(["Name", "Type", "Description"],
                        [[i["name"], i["type"], i["description"]] for i in doc["input_data"]])
    lines += ["## Data dictionary (item definitions)", ""]
    lines += _table(["Name", "Type", "Collection", "Allowed values", "Constraint", "Description"],
                    [[i["name"], i["type"], "yes" if i["collection"] else "", _code(i["allowed"]),
                      _code(i["constraint"]), i["description"]] for i in doc["item_definitions"]])
    lines += ["## Knowledge sources", ""]
    lines += _table(["Name", "Type", "Owner", "Location", "Description"],
                    [[k["name"], k["type"], k["owner"], k["uri"], k["description"]]
                     for k in doc["knowledge_sources"]])
    lines += [f"_Exported {doc['exported_at']} from model version {doc['version']}._", ""]
    return "\n".join(lines)
