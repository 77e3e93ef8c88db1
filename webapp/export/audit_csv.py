"""Audit records as CSV for a compliance officer's spreadsheet: one row per determination with its
outcome, disposition, findings and the rules it matched, decision by decision.

The inputs (patient data) are left out: the CSV is a list of determinations to file and count, and
a record's inputs are read in the console or at GET /api/v1/evaluations/{id}. Every cell is escaped
as the model exports are (webapp.export.tabular.csv_safe): a finding text or a caller's name that
starts with `=` stays text in a spreadsheet.
"""
from __future__ import annotations

import csv
import io
from itertools import chain
from typing import Iterable, Iterator

from webapp.export.tabular import csv_safe

HEADER = ["evaluation_id", "answered_at", "model_id", "model_version", "endpoint", "caller", "caller_name",
          "case_id", "determination", "disposition", "findings", "matched_rules"]


def matched_rules(record: dict) -> str:
    """`Decision: row 3 (I.C), row 5; Other: row 1`: each decision's matched rules by row, with the
    policy section when the rule has one."""
    parts = []
    for decision, rules in (record.get("matched_rules") or {}).items():
        rows = []
        for rule in rules:
            section = (rule.get("annotations") or {}).get("policy section")
            rows.append(f"row {rule.get('index')}" + (f" ({section})" if section else ""))
        parts.append(f"{decision}: {', '.join(rows)}")
    return "; ".join(parts)


def _row(record: dict) -> list:
    outputs = record.get("outputs") if isinstance(record.get("outputs"), dict) else {}
    findings = [f.get("id", "") if isinstance(f, dict) else str(f) for f in outputs.get("findings") or []]
    return [record["id"], record["created_at"], record["model_id"], record["model_version"], record["endpoint"],
            record["caller"], record["caller_name"] or "", record.get("case_id") or "",
            outputs.get("determination", ""), outputs.get("disposition", ""), " ".join(findings), matched_rules(record)]


def audit_csv(records: Iterable[dict]) -> Iterator[str]:
    """The CSV text, a header then a line per record, produced as the records stream in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for cells in chain([HEADER], map(_row, records)):
        writer.writerow([csv_safe(c) for c in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
