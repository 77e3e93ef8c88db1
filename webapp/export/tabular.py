"""The model document as spreadsheets: CSV (one file per table plus the decisions and their boxed
logic, zipped) and XLSX (a cover sheet, the decisions, the logic, one sheet per table, the data
dictionary). Each sheet carries the model version, so a printed sheet is traceable.

FEEL text is data, never a formula: `= 28` is a unary test, but a spreadsheet runs a cell that
starts with `=`. Every cell starting with `=`, `+`, `-`, `@`, tab or carriage return is escaped
(the OWASP CSV injection rule): CSV cells get a leading `'`; XLSX cells are stored as text with
Excel's quote prefix, so the text shows as written and stays text when edited.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from webapp.export.boxed import lines as boxed_lines

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def risky(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value):
    return "'" + value if risky(value) else value


def _head(doc: dict) -> list:
    return ["Model", doc["name"], "Version (sha256)", doc["version"], "Exported", doc["exported_at"]]


def record_rows(doc: dict) -> list[list]:
    """The stored version's number, state and approval (the cover of an export), or none."""
    r = doc.get("record")
    if not r:
        return []
    a = r["approval"] or {}
    rows = [["Version number", r["number"]], ["State", r["state"]], ["Saved by", f"{r['author']}, {r['created_at']}"]]
    if not a:
        return rows + [["Approval", f"none: {r['no_approval']}"]]
    return rows + [["Approved by", a["by"]], ["Approved at", a["at"]],
                   ["Evidence read (digest)", a["evidence"] or "none named"], ["Approval comment", a["comment"]]]


def table_rows(doc: dict, t: dict) -> list[list]:
    header = ["Rule", "Rule id"] + [f"{c['label']} (input)" for c in t["inputs"]] + \
             [f"{c['label']} (output)" for c in t["outputs"]] + t["annotations"]
    expressions = ["Input expression", ""] + [c["text"] for c in t["inputs"]] + \
                  [c["default"] and f"default: {c['default']}" for c in t["outputs"]] + ["" for _ in t["annotations"]]
    rows = [_head(doc), ["Decision", t["decision"], "Hit policy", t["hit_policy"]], header, expressions,
            *[[r["index"], r["id"], *r["inputs"], *r["outputs"], *r["annotations"]] for r in t["rules"]]]
    return rows + [[note] for note in t["repeats"]]


def decision_rows(doc: dict) -> list[list]:
    return [_head(doc),
            ["Decision", "Question", "Allowed answers", "Description", "Type", "Requires", "Knowledge",
             "Authority", "Logic"],
            *[[d["label"], d["question"], d["allowed_answers"], d["description"], d["type"],
               ", ".join(d["requires"]), ", ".join(d["knowledge"]), ", ".join(d["authority"]),
               d["logic_kind"]] for d in doc["decisions"]]]


def logic_rows(doc: dict) -> list[list]:
    """Every FEEL text of the non-table logic, by its place in the boxed expression."""
    rows = []
    for d in doc["decisions"]:
        if d["logic"] and d["logic"]["kind"] != "table":
            rows += [[d["label"], path or "(whole)", text] for path, text in boxed_lines(d["logic"])]
    for b in doc["bkms"]:
        rows += [[b["name"], path or "(whole)", text] for path, text in boxed_lines(b["logic"])]
    return [_head(doc), ["Decision or BKM", "Part", "FEEL"], *rows] if rows else []


def dictionary_rows(doc: dict) -> list[list]:
    return [_head(doc), ["Name", "Type", "Collection", "Allowed values", "Constraint", "Description"],
            *[[i["name"], i["type"], "yes" if i["collection"] else "", i["allowed"], i["constraint"],
               i["description"]] for i in doc["item_definitions"]],
            [], ["Input data", "Type", "", "", "", "Description"],
            *[[i["name"], i["type"], "", "", "", i["description"]] for i in doc["input_data"]],
            [], ["Knowledge source", "Type", "Owner", "Location", "", "Description"],
            *[[k["name"], k["type"], k["owner"], k["uri"], "", k["description"]]
              for k in doc["knowledge_sources"]]]


def _safe(name: str, taken: set, limit: int) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip()[:limit] or "table"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: limit - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _csv(rows) -> str:
    buffer = io.StringIO()
    # RFC 4180 line ends: a field holding a CR or LF is then quoted, never split
    csv.writer(buffer, lineterminator="\r\n").writerows([[csv_safe(c) for c in row] for row in rows])
    return buffer.getvalue()


def csv_files(doc: dict) -> dict[str, str]:
    """File name -> CSV text: the decisions, their boxed logic, one file per decision table and
    the data dictionary."""
    out, taken = {}, {"version", "decisions", "logic", "data-dictionary"}
    if record_rows(doc):
        out["version.csv"] = _csv([_head(doc), *record_rows(doc)])
    out["decisions.csv"] = _csv(decision_rows(doc))
    if logic_rows(doc):
        out["logic.csv"] = _csv(logic_rows(doc))
    for t in doc["tables"]:
        out[_safe(re.sub(r"\s+", "_", t["decision"]), taken, 80) + ".csv"] = _csv(table_rows(doc, t))
    out["data-dictionary.csv"] = _csv(dictionary_rows(doc))
    return out


def render_csv_zip(doc: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in csv_files(doc).items():
            z.writestr(name, text)
    return buffer.getvalue()


BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
FILLS = {"input": PatternFill("solid", fgColor="E6EFFF"), "output": PatternFill("solid", fgColor="E9F7E9"),
         "annotation": PatternFill("solid", fgColor="FFF6DD")}


def _append(ws, rows):
    """Rows appended as values; text that a spreadsheet would run as a formula stays text."""
    for row in rows:
        ws.append([None if v is None else v for v in row])
        for cell in ws[ws.max_row]:
            if risky(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def _sheet(wb, title, rows, widths, header_row=2):
    ws = wb.create_sheet(title)
    _append(ws, rows)
    for cell in ws[header_row]:
        cell.font = BOLD
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = WRAP
    return ws


def render_xlsx(doc: dict) -> bytes:
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    _append(cover, [("Title", doc["title"]), ("Model", doc["name"]), ("File", doc["file"]),
                    ("Version (sha256)", doc["version"]), ("Exported", doc["exported_at"]),
                    ("Policy number", doc["policy_number"]), ("Effective date", doc["effective_date"]),
                    ("DMN version", doc["dmn_version"]), ("Namespace", doc["namespace"]),
                    ("Description", doc["description"]), *record_rows(doc), ("", ""), ("Decision table", "Sheet")])
    taken = {"cover", "decisions", "logic", "data dictionary"}
    sheets = []
    for t in doc["tables"]:
        sheets.append((t, _safe(t["decision"], taken, 31)))
        _append(cover, [[t["decision"], sheets[-1][1]]])
    for r in range(1, cover.max_row + 1):
        cover.cell(r, 1).font = BOLD
        cover.cell(r, 2).alignment = WRAP
    cover.column_dimensions["A"].width = 32
    cover.column_dimensions["B"].width = 90
    _sheet(wb, "Decisions", decision_rows(doc), [28, 40, 20, 50, 16, 30, 20, 24, 18])
    if logic_rows(doc):
        _sheet(wb, "Logic", logic_rows(doc), [28, 36, 100])
    for t, title in sheets:
        ws = _sheet(wb, title, table_rows(doc, t), [8, 14], header_row=3)
        n_in, n_out = len(t["inputs"]), len(t["outputs"])
        for col in range(1, ws.max_column + 1):
            cell = ws.cell(3, col)
            kind = "input" if 2 < col <= 2 + n_in else "output" if col <= 2 + n_in + n_out else \
                "annotation" if col > 2 else None
            if kind:
                cell.fill = FILLS[kind]
                ws.column_dimensions[cell.column_letter].width = 22
            ws.cell(4, col).font = Font(italic=True)
        ws.freeze_panes = "C5"
    _sheet(wb, "Data dictionary", dictionary_rows(doc), [36, 18, 10, 50, 30, 50])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
