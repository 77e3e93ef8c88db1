"""What an evaluation returns: a value per decision, its status, messages and matched rules."""
from __future__ import annotations

from dataclasses import dataclass, field


from pydmn.errors import Message
from pydmn.evaluation.decision_table import MatchedRule
from pydmn.feel.values import FeelValue

__all__ = ["Result", "DecisionResult", "MatchedRule"]


@dataclass(slots=True)
class DecisionResult:
    name: str
    id: str | None
    value: FeelValue = None
    status: str = "skipped"          # succeeded | failed | skipped (not needed for the request)
    messages: list[Message] = field(default_factory=list)
    matched_rules: list[MatchedRule] = field(default_factory=list)
    # A decision table's input expressions' values, in column order (empty for other logic): what
    # the matched rules' tests were applied to.
    input_values: tuple[FeelValue, ...] = ()


@dataclass(slots=True)
class Result:
    decisions: dict[str, DecisionResult] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    steps: int = 0                   # the work charged to the evaluation's budget
    exceeded: str | None = None      # None, or the limit of its budget it went past: "steps", "seconds", "deadline"

    def __getitem__(self, name: str) -> FeelValue:
        return self.decisions[name].value

    def __contains__(self, name: str) -> bool:
        return name in self.decisions

    def values(self) -> dict[str, FeelValue]:
        return {n: d.value for n, d in self.decisions.items() if d.status != "skipped"}

    @property
    def succeeded(self) -> bool:
        return all(d.status != "failed" for d in self.decisions.values())
