"""Decision tables as spreadsheets: CSV (one file per table, zipped) and XLSX (one sheet per table
behind a cover sheet). Each carries the model version, so a printed sheet is traceable."""
from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill


def table_rows(doc: dict, t: dict) -> list[list]:
    header = ["Rule", "Rule id"] + [f"{c['label']} (input)" for c in t["inputs"]] + \
             [f"{c['label']} (output)" for c in t["outputs"]] + t["annotations"]
    return [["Model", doc["name"], "Version (sha256)", doc["version"]],
            ["Decision", t["decision"], "Hit policy", t["hit_policy"]],
            header,
            *[[r["index"], r["id"], *r["inputs"], *r["outputs"], *r["annotations"]] for r in t["rules"]]]


def _safe(name: str, taken: set, limit: int) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip()[:limit] or "table"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: limit - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def csv_files(doc: dict) -> dict[str, str]:
    """File name -> CSV text, one per decision table."""
    out, taken = {}, set()
    for t in doc["tables"]:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(table_rows(doc, t))
        out[_safe(re.sub(r"\s+", "_", t["decision"]), taken, 80) + ".csv"] = buffer.getvalue()
    return out


def render_csv_zip(doc: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in csv_files(doc).items():
            z.writestr(name, text)
    return buffer.getvalue()


def render_xlsx(doc: dict) -> bytes:
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    bold = Font(bold=True)
    rows = [("Title", doc["title"]), ("Model", doc["name"]), ("File", doc["file"]),
            ("Version (sha256)", doc["version"]), ("Policy number", doc["policy_number"]),
            ("Effective date", doc["effective_date"]), ("DMN version", doc["dmn_version"]),
            ("Namespace", doc["namespace"]), ("", ""), ("Decision table", "Sheet")]
    for row in rows:
        cover.append(list(row))
    taken = {"cover", "data dictionary"}
    sheets = []
    for t in doc["tables"]:
        sheets.append((t, _safe(t["decision"], taken, 31)))
        cover.append([t["decision"], sheets[-1][1]])
    for r in range(1, cover.max_row + 1):
        cover.cell(r, 1).font = bold
    cover.column_dimensions["A"].width = 32
    cover.column_dimensions["B"].width = 70
    fills = {"input": PatternFill("solid", fgColor="E6EFFF"), "output": PatternFill("solid", fgColor="E9F7E9"),
             "annotation": PatternFill("solid", fgColor="FFF6DD")}
    for t, title in sheets:
        ws = wb.create_sheet(title)
        for row in table_rows(doc, t):
            ws.append(row)
        n_in, n_out = len(t["inputs"]), len(t["outputs"])
        for col in range(1, ws.max_column + 1):
            cell = ws.cell(3, col)
            cell.font = bold
            kind = "input" if 2 < col <= 2 + n_in else "output" if col <= 2 + n_in + n_out else \
                "annotation" if col > 2 else None
            if kind:
                cell.fill = fills[kind]
            ws.column_dimensions[cell.column_letter].width = 18 if col > 2 else 10
        for r in range(4, ws.max_row + 1):
            for col in range(3, ws.max_column + 1):
                ws.cell(r, col).alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "C4"
    dd = wb.create_sheet("Data dictionary")
    dd.append(["Model", doc["name"], "Version (sha256)", doc["version"]])
    dd.append(["Name", "Type", "Collection", "Allowed values", "Description"])
    for i in doc["item_definitions"]:
        dd.append([i["name"], i["type"], "yes" if i["collection"] else "", i["allowed"], i["description"]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
