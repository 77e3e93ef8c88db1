"""What validation and analysis report: one `Finding` per problem, errors blocking, warnings not."""
from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str                  # "error" blocks a reload; "warning" and "info" are shown only
    code: str                      # stable machine name: "xsd", "feel-syntax", "overlap", "gap", ...
    message: str
    element_id: str | None = None
    rule_ids: tuple[str, ...] = ()
    line: int | None = None
    file: str | None = None
    example: dict | None = field(default=None, compare=False)   # gap: one uncovered input

    def as_dict(self) -> dict:
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "element_id": self.element_id, "rule_ids": list(self.rule_ids),
                "line": self.line, "file": self.file, "example": self.example}

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p)
        owner = f" [{self.element_id}]" if self.element_id else ""
        rules = f" rules {', '.join(self.rule_ids)}" if self.rule_ids else ""
        return f"{where + ': ' if where else ''}{self.severity}: {self.code}{owner}{rules}: {self.message}"


def has_errors(findings) -> bool:
    return any(f.severity == "error" for f in findings)
