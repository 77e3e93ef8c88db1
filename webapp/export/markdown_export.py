"""The model document as Markdown, for review of the logic in a repository (pull requests)."""
from __future__ import annotations


def _cell(text) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", "<br>").strip() or " "


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def render_markdown(doc: dict) -> str:
    lines = [f"# {doc['title']}", "",
             f"- Model: {doc['name']}" + (f" (`{doc['file']}`)" if doc["file"] else ""),
             f"- Version (sha256): `{doc['version']}`",
             f"- Policy number: {doc['policy_number'] or 'not stated in the model'}",
             f"- Effective date: {doc['effective_date'] or 'not stated in the model'}",
             f"- DMN version: {doc['dmn_version']}", f"- Namespace: `{doc['namespace']}`", ""]
    if doc["description"]:
        lines += [doc["description"], ""]
    lines += ["## Decisions", ""]
    lines += _table(["Decision", "Question", "Type", "Requires", "Knowledge", "Authority", "Logic"],
                    [[d["label"], d["question"], d["type"], ", ".join(d["requires"]),
                      ", ".join(d["knowledge"]), ", ".join(d["authority"]),
                      f"`{d['logic']}`" if d["logic"] and d["logic"] != "decision table" else d["logic"]]
                     for d in doc["decisions"]])
    lines += ["## Decision tables", ""]
    for t in doc["tables"]:
        lines += [f"### {t['decision']}", "",
                  f"Hit policy: **{t['hit_policy']}** ({t['hit_letter']}), {len(t['rules'])} rules", ""]
        header = ["#"] + [f"{c['label']} (in)" for c in t["inputs"]] + \
                 [f"{c['label']} (out)" for c in t["outputs"]] + t["annotations"]
        rows = [[r["index"], *[f"`{e}`" for e in r["inputs"]], *[f"`{e}`" for e in r["outputs"]],
                 *r["annotations"]] for r in t["rules"]]
        lines += _table(header, rows)
        notes = [f"- {c['label']}: values `{c['value_list']}`" for c in t["inputs"] + t["outputs"] if c["value_list"]]
        notes += [f"- {c['label']}: default `{c['default']}`" for c in t["outputs"] if c["default"]]
        lines += notes + ([""] if notes else [])
    if doc["input_data"]:
        lines += ["## Input data", ""]
        lines += _table(["Name", "Type", "Description"],
                        [[i["name"], i["type"], i["description"]] for i in doc["input_data"]])
    lines += ["## Data dictionary (item definitions)", ""]
    lines += _table(["Name", "Type", "Collection", "Allowed values", "Description"],
                    [[i["name"], i["type"], "yes" if i["collection"] else "",
                      f"`{i['allowed']}`" if i["allowed"] else "", i["description"]]
                     for i in doc["item_definitions"]])
    lines += ["## Knowledge sources", ""]
    lines += _table(["Name", "Type", "Owner", "Location", "Description"],
                    [[k["name"], k["type"], k["owner"], k["uri"], k["description"]]
                     for k in doc["knowledge_sources"]])
    lines += [f"_Exported from model version {doc['version']}._", ""]
    return "\n".join(lines)
