"""The benchmark's decision tables as plain rule data, rendered for each engine.

One source of truth per table, so pydmn, SpiffWorkflow (Python-expression DMN) and pyDMNrules
(Excel workbook) evaluate the same logic; each rule cell is kept as (FEEL text, Python text).
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.styles import Border, Side

from pydmn import MODEL_VERSIONS

DMN13 = next(ns for ns, version in MODEL_VERSIONS.items() if version == "1.3")


@dataclass
class Table:
    name: str            # decision name (also the output name)
    inputs: list         # [(name, typeRef)]
    rules: list          # [([(feel, python) per input], output string)]


def _any():
    return ("-", "-")


def tck_0004() -> Table:
    """The logic of TCK 0004-simpletable-U (the TCK file itself is what pydmn loads)."""
    ml = ('"Medium","Low"', '? in ("Medium", "Low")')
    return Table("Approval Status", [("Age", "number"), ("RiskCategory", "string"),
                                     ("isAffordable", "boolean")], [
        ([(">=18", ">= 18"), ml, ("true", "True")], "Approved"),
        ([("<18", "< 18"), ml, ("true", "True")], "Declined"),
        ([_any(), ('"High"', '"High"'), ("true", "True")], "Declined"),
        ([_any(), _any(), ("false", "False")], "Declined"),
    ])


AGE_BANDS = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 200)]
SCORE_BANDS = [(0, 300), (300, 500), (500, 650), (650, 750), (750, 1000)]


def fifty_rules() -> Table:
    """50 disjoint rules (UNIQUE): 5 age bands x 5 score bands x member yes/no."""
    rules = []
    for a_lo, a_hi in AGE_BANDS:
        for s_lo, s_hi in SCORE_BANDS:
            for member in (True, False):
                n = len(rules) + 1
                rules.append(([
                    (f"[{a_lo}..{a_hi})", f"{a_lo} <= ? < {a_hi}"),
                    (f"[{s_lo}..{s_hi})", f"{s_lo} <= ? < {s_hi}"),
                    ("true" if member else "false", "True" if member else "False"),
                ], f"Tier {n:02d}"))
    return Table("Tier", [("Age", "number"), ("Score", "number"), ("Member", "boolean")], rules)


def to_dmn(table: Table, dialect: str) -> str:
    """DMN 1.3 XML; dialect "feel" (standard) or "python" (SpiffWorkflow's expression language)."""
    col = 0 if dialect == "feel" else 1
    ins = "".join(
        f'<input id="i{i}" label="{n}"><inputExpression typeRef="{t}"><text>{n}</text>'
        f'</inputExpression></input>' for i, (n, t) in enumerate(table.inputs))
    rules = "".join(
        f'<rule id="r{k}">' + "".join(f'<inputEntry id="r{k}i{i}"><text>{escape(c[col])}</text></inputEntry>'
                                      for i, c in enumerate(cells))
        + f'<outputEntry id="r{k}o"><text>"{out}"</text></outputEntry></rule>'
        for k, (cells, out) in enumerate(table.rules, 1))
    reqs = "".join(f'<informationRequirement id="ir{i}"><requiredInput href="#d{i}"/></informationRequirement>'
                   for i in range(len(table.inputs)))
    data = "".join(f'<inputData id="d{i}" name="{n}"><variable name="{n}" typeRef="{t}"/></inputData>'
                   for i, (n, t) in enumerate(table.inputs))
    return (f'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="{DMN13}" id="bench" name="bench" '
            f'namespace="http://example.com/bench"><decision id="decision" name="{table.name}">'
            f'<variable name="{table.name}" typeRef="string"/>{reqs}'
            f'<decisionTable id="dt" hitPolicy="UNIQUE">{ins}<output id="o" name="{table.name}" typeRef="string"/>'
            f'{rules}</decisionTable></decision>{data}</definitions>')


def to_workbook(table: Table) -> openpyxl.Workbook:
    """pyDMNrules' layout: table name, a heading row (hit policy, inputs || outputs) closed by a
    double bottom border, then one numbered rule per row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Rules"
    ws["A1"] = table.name.replace(" ", "")
    heads = ["U"] + [n for n, _ in table.inputs] + [table.name]
    thin, dbl = Side(style="thin"), Side(style="double")
    last_input = len(table.inputs) + 1
    for r in range(1, len(table.rules) + 4):
        for c in range(1, len(heads) + 2):
            ws.cell(row=r, column=c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, h in enumerate(heads, 1):
        ws.cell(row=2, column=c, value=h).border = Border(
            left=thin, right=dbl if c == last_input else thin, top=thin, bottom=dbl)
    for r, (cells, out) in enumerate(table.rules, 3):
        ws.cell(row=r, column=1, value=r - 2)
        for c, cell in enumerate(cells, 2):
            ws.cell(row=r, column=c, value=cell[0])
        ws.cell(row=r, column=len(heads), value=f'"{out}"')
    return wb
