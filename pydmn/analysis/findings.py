"""What validation and analysis report: one `Finding` per problem, errors blocking, warnings not."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str                  # "error" blocks a reload; "warning" and "info" are shown only
    code: str                      # stable machine name: "xsd", "feel-syntax", "overlap", "gap", ...
    message: str
    element_id: str | None = None
    rule_ids: tuple[str, ...] = ()
    line: int | None = None        # the line of the cell or expression text itself
    file: str | None = None
    example: dict | None = field(default=None, compare=False)   # gap: one uncovered input
    table: str | None = None       # the decision table (its decision's name)
    rows: tuple[int, ...] = ()     # row numbers of `rule_ids`, in the same order
    column: str | None = None      # table column, or the part of a boxed expression
    masked_by: tuple[str, ...] = ()   # dead-rule: the rules that fire instead (ids)

    def as_dict(self) -> dict:
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "element_id": self.element_id, "rule_ids": list(self.rule_ids),
                "line": self.line, "file": self.file, "example": self.example,
                "table": self.table, "rows": list(self.rows), "column": self.column,
                "masked_by": list(self.masked_by)}

    @property
    def where(self) -> str:
        """Table, rule row (and id) and column, as a reader looks them up."""
        parts = [f"table {self.table!r}"] if self.table else []
        if self.rows:
            parts.append(", ".join(f"rule {n}" + (f" ({i})" if i else "")
                                   for n, i in zip(self.rows, self.rule_ids)))
        if self.column:
            parts.append(f"column {self.column!r}" if self.table else self.column)
        return ", ".join(parts)

    def __str__(self) -> str:
        at = ":".join(str(p) for p in (self.file, self.line) if p)
        owner = f" [{self.element_id}]" if self.element_id else ""
        where = f" ({self.where})" if self.where else ""
        return f"{at + ': ' if at else ''}{self.severity}: {self.code}{owner}{where}: {self.message}"


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
