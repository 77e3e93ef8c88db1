"""What a change does to answers: every scenario evaluated by both versions, results grouped by
how the answer changed, so a committee reads "1 scenario: Determination "not_medically_necessary"
-> "medically_appropriate"" before any rule.

The answer is the decisions the scenarios check and the model's top decisions (those no other
decision requires). Scenarios are grouped by the change of the answer's headlines (a context
answer's first entry, the other entries that changed named); a difference that the diff's renames
fully explain ("GL-1" renamed "DOC-1") is its own group: it changes codes, not outcomes. Scenarios
whose answer stays the same but whose other results change are counted by the outermost decisions
that changed (those no changed decision requires), so a changed reason text is not lost. New rules
no scenario matches are listed, since nothing has exercised them.
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Hashable, Iterable, Mapping

from pydmn.analysis.domains import feel_text
from pydmn.feel.budget import DEFAULT, Budget
from pydmn.feel.values import FeelValue
from pydmn.model import elements as el

if TYPE_CHECKING:       # impact runs models the caller loaded; it never loads one itself
    from pydmn.analysis.diff import ModelDiff
    from pydmn.evaluation.model import Model


@dataclass(frozen=True, slots=True)
class ScenarioChange:
    scenario: str
    decision: str
    old: str                 # FEEL text of the value
    new: str

    def as_dict(self) -> dict:
        return {"scenario": self.scenario, "decision": self.decision, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class Headline:
    decision: str
    old: str                 # FEEL text of the answer's headline before and after
    new: str
    fields: tuple[str, ...]  # other entries of a context answer that changed

    def describe(self) -> str:
        what = f"{self.old} -> {self.new}" if self.old != self.new else f"{self.old} kept"
        extra = f" ({', '.join(self.fields)} changed)" if self.fields else ""
        return f"{self.decision} {what}{extra}"


@dataclass(slots=True)
class Group:
    """Scenarios whose answers changed the same way."""
    answer: tuple[Headline, ...]          # empty: the answer is unchanged
    renamed_only: bool = False            # the diff's renames explain every difference
    others: tuple[str, ...] = ()          # answer unchanged: the outermost decisions that changed
    scenarios: list[str] = field(default_factory=list)

    def describe(self) -> str:
        n = len(self.scenarios)
        count = f"{n} scenario{'s' if n != 1 else ''}"
        if self.renamed_only:
            return f"{count}: changed only by renamed codes"
        if self.answer:
            return f"{count}: " + "; ".join(h.describe() for h in self.answer)
        return f"{count}: answer unchanged; {', '.join(self.others)} changed"

    def as_dict(self) -> dict:
        return {"answer": [{"decision": h.decision, "old": h.old, "new": h.new, "fields": list(h.fields)}
                           for h in self.answer],
                "renamed_only": self.renamed_only, "others": list(self.others),
                "scenarios": list(self.scenarios), "summary": self.describe()}


@dataclass(slots=True)
class Impact:
    decisions: list[str]                         # the answer: checked and top decisions
    total: int                                   # scenarios run
    groups: list[Group]
    changes: list[ScenarioChange]                # every scenario and decision that differs
    unexercised: list[tuple[str, int, str | None]]   # new rules no scenario matches: (table, row, id)

    @property
    def unchanged(self) -> int:
        """Scenarios whose answer is the same (a group of "answer unchanged; X changed" counts here:
        a parameter every decision reads changes every scenario's trace, not its answer)."""
        return self.total - len({s for g in self.groups if g.answer or g.renamed_only for s in g.scenarios})

    def summary(self) -> list[str]:
        if not self.total:
            return ["No scenarios ran: the scenario file holds none."]
        lines = [f"Impact on {self.total} scenarios (answer: {', '.join(self.decisions)}):"]
        lines += [f"  {g.describe()}" for g in self.groups]
        lines.append(f"  {self.unchanged} scenario{'s' if self.unchanged != 1 else ''} unchanged")
        for table, row, rule_id in self.unexercised:
            lines.append(f"  not exercised by any scenario: {table} rule {row}"
                         + (f" ({rule_id})" if rule_id else ""))
        return lines

    def as_dict(self) -> dict:
        return {"decisions": self.decisions, "scenarios_run": self.total,
                "unchanged": self.unchanged, "groups": [g.as_dict() for g in self.groups],
                "changes": [c.as_dict() for c in self.changes],
                "unexercised_new_rules": [{"table": t, "row": r, "rule_id": i}
                                          for t, r, i in self.unexercised]}


def requirers(definitions: el.Definitions) -> dict[str, set[str]]:
    """Decision -> every decision that requires it, directly or through others."""
    direct: dict[str, set[str]] = {name: set() for name in definitions.decisions}
    for d in definitions.decisions.values():
        for name in d.required_decisions:
            direct.setdefault(name, set()).add(d.name)
    out = {}
    for name in direct:
        seen, todo = set(), list(direct[name])
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(direct.get(n, ()))
        out[name] = seen
    return out


def _renamed(value: FeelValue, renames: dict[str, str]) -> FeelValue:
    """The value as the renamed model would give it: a renamed code, and the code inside a text (a
    reason that names the brand renamed)."""
    if isinstance(value, str):
        if value in renames:
            return renames[value]
        for old, new in renames.items():
            value = re.sub(rf"(?<![\w.-]){re.escape(old)}(?![\w.-])", lambda _: new, value)
        return value
    if isinstance(value, list):
        return [_renamed(v, renames) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, renames) for k, v in value.items()}
    return value


def _comparable(value: FeelValue) -> FeelValue:
    """Lists of findings compare without regard to order (the scenarios do the same)."""
    if isinstance(value, list):
        return sorted((_comparable(v) for v in value), key=feel_text)
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def _headline(decision: str, x: FeelValue, y: FeelValue) -> Headline:
    """A context answer is read by its first entry; the other entries that changed are named."""
    if isinstance(x, dict) and isinstance(y, dict) and x and y:
        key = next(iter(y))
        if not isinstance(y[key], (dict, list)):
            fields = tuple(k for k in y if k != key and x.get(k) != y.get(k))
            return Headline(decision, feel_text(x.get(key)), feel_text(y[key]), fields)
    return Headline(decision, feel_text(x), feel_text(y), ())


def impact(old_model: Model, new_model: Model, scenarios: Iterable[tuple[str, Mapping[str, object]]],
           diff: ModelDiff | None = None, checked: Iterable[str] = (),
           budget: Budget = DEFAULT) -> Impact:
    """Evaluate every (name, inputs) scenario with both loaded models (`pydmn.Model`), each
    evaluation under `budget`. `checked`: the decisions the scenarios check, first in the answer."""
    above = requirers(new_model.definitions)
    both = old_model.definitions.decisions.keys() & new_model.definitions.decisions.keys()
    top = [d for d, users in above.items() if not users]
    answer = [d for d in dict.fromkeys([*checked, *top]) if d in both]
    renames = diff.renames() if diff is not None else {}
    groups: dict[tuple[Hashable, ...], Group] = {}
    changes: list[ScenarioChange] = []
    matched: set[str | None] = set()       # rule ids (None: a rule without one)
    total = 0
    for name, inputs in scenarios:
        total += 1
        a, b = old_model.evaluate(dict(inputs), budget=budget), new_model.evaluate(dict(inputs), budget=budget)
        for result in b.decisions.values():
            matched.update(m.rule_id for m in result.matched_rules)
        changed = {}
        for d in sorted(set(a.decisions) | set(b.decisions)):
            x = _comparable(a.decisions[d].value if d in a.decisions else None)
            y = _comparable(b.decisions[d].value if d in b.decisions else None)
            if x != y:
                changed[d] = (x, y)
                changes.append(ScenarioChange(name, d, feel_text(x), feel_text(y)))
        if not changed:
            continue
        key: tuple[Hashable, ...]        # ("renamed",), or (headlines, other decisions)
        if renames and all(_comparable(_renamed(x, renames)) == y for x, y in changed.values()):
            key, group = ("renamed",), Group((), renamed_only=True)
        else:
            heads = tuple(_headline(d, *changed[d]) for d in answer if d in changed)
            others = () if heads else tuple(sorted(d for d in changed
                                                   if not above.get(d, set()) & changed.keys()))
            key, group = (heads, others), Group(heads, others=others)
        groups.setdefault(key, group).scenarios.append(name)
    ordered = sorted(groups.values(), key=lambda g: (
        g.renamed_only, not g.answer, all(h.old == h.new for h in g.answer), -len(g.scenarios),
        g.describe()))
    unexercised: list[tuple[str, int, str | None]] = []
    if diff is not None:
        for c in diff.of_kind("rule-added"):
            # an added rule's change names its table and row
            if c.rule_id not in matched and c.decision is not None and c.row is not None:
                unexercised.append((c.decision, c.row, c.rule_id))
    return Impact(answer, total, ordered, changes, unexercised)
