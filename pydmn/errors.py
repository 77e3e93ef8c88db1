"""The engine's two error channels, and the one table of what evaluation messages mean.

Loading and parsing raise (a caller must stop: the model cannot run). Evaluation does not raise:
an invalid operation yields null and records a `Message`. Its kind is one of `SEVERITY`'s keys,
and the kind alone decides the severity, wherever the message is made. A decision whose
evaluation recorded an error has the status `failed`. In strict mode the first error raises
`EvaluationFailed` instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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


class EvaluationFailed(DMNError):
    """Strict mode: the first error-severity message of an evaluation, raised."""

    def __init__(self, message: "Message"):
        self.message = message
        where = f" (element {message.element_id!r})" if message.element_id else ""
        super().__init__(f"{message.kind}: {message.text}{where}")


# Every kind of evaluation message and its severity. An error means the value is not what the
# model meant (null in its place); a warning that the caller may want to know.
SEVERITY = {
    "no-variable": "error",        # a name not in scope, a property a value does not have
    "not-comparable": "error",     # ordering or equality across kinds that FEEL does not define
    "invalid-type": "error",       # an operator or function applied to a kind it does not take
    "invalid-argument": "error",   # a built-in called outside its domain (sqrt(-1), bad format)
    "no-function": "error",        # invoking something that is not a function
    "arithmetic": "error",         # division by zero, a number past decimal128
    "type-mismatch": "error",      # a value that does not conform to its declared type
    "not-allowed": "error",        # a value outside its type's allowed values or constraint
    "hit-policy": "error",         # UNIQUE with several matches, ANY with differing outputs
    "input-value": "error",        # a decision table input not among its input values
    "output-value": "error",       # a decision table output not among its output values
    "limit": "error",              # recursion, iteration or size limit reached
    "unsupported": "error",        # an expression language or function kind the engine lacks
    "not-compiled": "error",       # (lenient loading only) an expression that did not compile
    "internal": "error",           # a defect of the engine itself: never expected
    "missing-input": "warning",    # a required input data the caller did not give (it is null)
}


@dataclass(frozen=True, slots=True)
class Message:
    kind: str
    text: str
    element_id: str | None = None
    severity: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        severity = SEVERITY.get(self.kind)
        if severity is None:
            raise ValueError(f"unknown message kind {self.kind!r}")
        object.__setattr__(self, "severity", severity)

    def as_dict(self) -> dict[str, str | None]:
        return {"severity": self.severity, "kind": self.kind, "text": self.text,
                "element_id": self.element_id}


class StrictMessages(list[Message]):
    """A message list that raises `EvaluationFailed` when an error is recorded (strict mode)."""

    def append(self, message: Message) -> None:
        super().append(message)
        if message.severity == "error":
            raise EvaluationFailed(message)
