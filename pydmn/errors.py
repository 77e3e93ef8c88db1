"""The engine's two error channels.

Loading and parsing raise (a caller must stop: the model cannot run). Evaluation never raises: an
invalid operation yields null and records a `Message` whose `kind` is one of `WARNING_KINDS`.
"""
from __future__ import annotations

from dataclasses import dataclass


class DMNError(Exception):
    """Base of everything the engine raises."""


class FeelSyntaxError(DMNError):
    """FEEL text that does not parse. `position` is the 0-based offset in `text`."""

    def __init__(self, message: str, text: str = "", position: int | None = None,
                 element_id: str | None = None):
        self.text = text
        self.position = position
        self.element_id = element_id
        where = f" at offset {position}" if position is not None else ""
        owner = f" in element {element_id!r}" if element_id else ""
        super().__init__(f"{message}{where}{owner}: {text!r}" if text else message)


class ModelError(DMNError):
    """A model that is not well-formed XML or not valid DMN. Nothing half-loaded is returned."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 element_id: str | None = None):
        self.file = file
        self.line = line
        self.element_id = element_id
        parts = [p for p in (file, f"line {line}" if line else None,
                             f"element {element_id!r}" if element_id else None) if p]
        super().__init__(f"{', '.join(parts)}: {message}" if parts else message)


class EvaluationError(DMNError):
    """Raised only for caller mistakes at the API edge (unknown decision name, not a model fault)."""


# The closed list of evaluation warning kinds.
WARNING_KINDS = frozenset({
    "no-variable",        # a name not in scope
    "not-comparable",     # ordering/equality across kinds that FEEL does not define
    "invalid-type",       # an operator or function applied to a kind it does not take
    "invalid-argument",   # a function's argument out of its domain (sqrt(-1), bad format)
    "no-function",        # invoking something that is not a function, or an unknown function
    "arithmetic",         # division by zero, overflow past the decimal context
    "type-mismatch",      # a value that does not conform to its declared type reference
    "hit-policy",         # UNIQUE with several matches, ANY with differing outputs
    "no-match",           # a decision table without a match and without a default
    "input-value",        # an input not among its input values
    "output-value",       # an output not among its output values
    "missing-input",      # a required input not supplied
    "limit",              # recursion or size limit reached
    "evaluation",         # any other failure of an expression
})


@dataclass(frozen=True, slots=True)
class Message:
    severity: str          # "error" | "warning" | "info"
    kind: str              # one of WARNING_KINDS
    text: str
    element_id: str | None = None

    def as_dict(self) -> dict:
        return {"severity": self.severity, "kind": self.kind, "text": self.text,
                "element_id": self.element_id}
