"""The model document as Markdown, for review of the logic in a repository (pull requests)."""
from __future__ import annotations


def _cell(text) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", "<br>").strip() or " "


def _code(text) -> str:
    """Inline code that survives backticks and pipes inside FEEL text."""
    text = str(text or "").strip()
    if not text:
        return " "
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def _block(text: str, indent: str) -> list[str]:
    return [f"{indent}```feel", *(indent + line for line in text.splitlines()), f"{indent}```"]


def _boxed(n, indent: str = "") -> list[str]:
    """A boxed expression as nested lists, FEEL text in code blocks."""
    if n is None:
        return [f"{indent}- (empty)"]
    kind = n["kind"]
    if kind == "literal":
        return _block(n["text"], indent) if "\n" in n["text"] else [f"{indent}- {_code(n['text'])}"]
    if kind == "table":
        return [f"{indent}- decision table **{n['label']}** (hit policy {n['hit_policy']}), under Decision tables"]
    out: list[str] = []
    if kind == "context":
        for e in n["entries"]:
            out.append(f"{indent}- **{e['name'] or 'result'}**" + (f" ({e['type']})" if e["type"] else "") + ":")
            out += _boxed(e["value"], indent + "  ")
    elif kind == "invocation":
        out.append(f"{indent}- invoke:")
        out += _boxed(n["function"], indent + "  ")
        for b in n["bindings"]:
            out.append(f"{indent}- **{b['name']}**:")
            out += _boxed(b["value"], indent + "  ")
    elif kind == "list":
        for i, item in enumerate(n["items"], start=1):
            out.append(f"{indent}- item {i}:")
            out += _boxed(item, indent + "  ")
    elif kind == "relation":
        out.append(f"{indent}- relation ({', '.join(n['columns'])}):")
        for r, row in enumerate(n["rows"], start=1):
            for column, cell in zip(n["columns"], row):
                out.append(f"{indent}  - row {r}, **{column}**:")
                out += _boxed(cell, indent + "    ")
    elif kind == "function":
        params = ", ".join(p["name"] + (f": {p['type']}" if p["type"] else "") for p in n["parameters"])
        out.append(f"{indent}- function({params})" + (f" [{n['language']}]" if n["language"] != "FEEL" else "") + ":")
        out += _boxed(n["body"], indent + "  ")
    elif kind in ("conditional", "filter", "iteration"):
        parts = {"conditional": ("if", "then", "else"), "filter": ("in", "match"),
                 "iteration": ("in", "body")}[kind]
        if kind == "iteration":
            out.append(f"{indent}- {n['iterator']} **{n['variable']}**:")
        for part in parts:
            word = ("return" if n.get("iterator") == "for" else "satisfies") if part == "body" else part
            out.append(f"{indent}- {word}:")
            out += _boxed(n[part], indent + "  ")
    return out


def render_markdown(doc: dict) -> str:
    lines = [f"# {doc['title']}", "",
             f"- Model: {doc['name']}" + (f" (`{doc['file']}`)" if doc["file"] else ""),
             f"- Version (sha256): `{doc['version']}`",
             f"- Policy number: {doc['policy_number'] or 'not stated in the model'}",
             f"- Effective date: {doc['effective_date'] or 'not stated in the model'}",
             f"- Exported: {doc['exported_at']}",
             f"- DMN version: {doc['dmn_version']}", f"- Namespace: `{doc['namespace']}`", ""]
    if doc["description"]:
        lines += [doc["description"], ""]
    if doc["not_drawn"]:
        lines += [f"Not in the diagram (no DMNDI shape): {', '.join(doc['not_drawn'])}.", ""]
    lines += ["## Decisions", ""]
    for d in doc["decisions"]:
        lines += [f"### {d['label']}", ""]
        for label, key in (("Question", "question"), ("Allowed answers", "allowed_answers"),
                           ("Description", "description"), ("Type", "type")):
            if d[key]:
                lines.append(f"- {label}: {d[key]}")
        for label, key in (("Requires", "requires"), ("Knowledge", "knowledge"), ("Authority", "authority")):
            if d[key]:
                lines.append(f"- {label}: {', '.join(d[key])}")
        lines += [f"- Logic: {d['logic_kind']}", ""]
        if d["logic"] and d["logic"]["kind"] != "table":
            lines += _boxed(d["logic"]) + [""]
    lines += ["## Decision tables", ""]
    for t in doc["tables"]:
        lines += [f"### {t['decision']}", "",
                  f"Hit policy **{t['hit_policy']}** ({t['hit_letter']}), {len(t['rules'])} rules", ""]
        lines += _table(["Column", "Label", "Expression", "Type", "Values"],
                        [[f"input {i}", c["label"], _code(c["text"]), c["type"], _code(c["value_list"])]
                         for i, c in enumerate(t["inputs"], start=1)]
                        + [[f"output {i}", c["label"], f"default {_code(c['default'])}" if c["default"] else "",
                            c["type"], _code(c["value_list"])] for i, c in enumerate(t["outputs"], start=1)])
        lines += [note for note in t["repeats"]] + ([""] if t["repeats"] else [])
        header = ["#"] + [f"{c['label']} (in)" for c in t["inputs"]] + \
                 [f"{c['label']} (out)" for c in t["outputs"]] + t["annotations"]
        rows = [[r["index"], *[_code(e) for e in r["inputs"]], *[_code(e) for e in r["outputs"]],
                 *r["annotations"]] for r in t["rules"]]
        lines += _table(header, rows)
    for b in doc["bkms"]:
        lines += [f"## Business knowledge model: {b['name']}", ""]
        if b["description"]:
            lines += [b["description"], ""]
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
