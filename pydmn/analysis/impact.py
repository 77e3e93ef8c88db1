"""What a change does to answers: every scenario evaluated by both versions, results grouped by
how the outcome changed, so a committee reads "1 scenario: not_medically_necessary ->
medically_appropriate" before any rule.

The decisions compared are the model's top decisions (those no other decision requires), the
answers callers receive. A context answer's headline is its first entry (the determination); the
other entries that changed are named. A difference that the diff's renames fully explain ("GL-1"
renamed "DOC-1") is its own group: it changes codes, not outcomes. New rules no scenario matches
are listed, since nothing has exercised them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from pydmn.analysis.domains import feel_text


@dataclass(frozen=True, slots=True)
class ScenarioChange:
    scenario: str
    decision: str
    old: str                 # FEEL text of the value
    new: str

    def as_dict(self) -> dict:
        return {"scenario": self.scenario, "decision": self.decision, "old": self.old, "new": self.new}


@dataclass(slots=True)
class Group:
    decision: str
    old: str                 # headline before and after, FEEL text
    new: str
    fields: tuple[str, ...]  # other entries of a context answer that changed
    renamed_only: bool       # the renames in the logic explain the whole difference
    scenarios: list[str] = field(default_factory=list)

    def describe(self) -> str:
        n = len(self.scenarios)
        count = f"{n} scenario{'s' if n != 1 else ''}"
        if self.renamed_only:
            return f"{count}: {self.decision} changed only by renamed codes"
        what = f"{self.old} -> {self.new}" if self.old != self.new else f"{self.old} unchanged"
        extra = f", {', '.join(self.fields)} changed" if self.fields else ""
        return f"{count}: {self.decision} {what}{extra}"

    def as_dict(self) -> dict:
        return {"decision": self.decision, "old": self.old, "new": self.new,
                "fields": list(self.fields), "renamed_only": self.renamed_only,
                "scenarios": list(self.scenarios), "summary": self.describe()}


@dataclass(slots=True)
class Impact:
    decisions: list[str]
    total: int                                   # scenarios run
    groups: list[Group]
    changes: list[ScenarioChange]                # every scenario and decision that differs
    unexercised: list[tuple[str, int, str]]      # new rules no scenario matches: (table, row, id)

    @property
    def unchanged(self) -> int:
        return self.total - len({s for g in self.groups for s in g.scenarios})

    def summary(self) -> list[str]:
        if not self.total:
            return ["No scenarios ran: the scenario file holds none."]
        lines = [f"Impact on {self.total} scenarios ({', '.join(self.decisions)}):"]
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


def top_decisions(definitions) -> list[str]:
    required = {name for d in definitions.decisions.values() for name in d.required_decisions}
    return [name for name in definitions.decisions if name not in required]


def _renamed(value, renames: dict):
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [_renamed(v, renames) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, renames) for k, v in value.items()}
    return value


def _headline(value):
    """(headline, key) of an answer: a context's first entry when it is a plain value."""
    if isinstance(value, dict) and value:
        key, first = next(iter(value.items()))
        if not isinstance(first, (dict, list)):
            return first, key
    return value, None


def _comparable(value):
    """Lists of findings compare without regard to order (the scenarios do the same)."""
    if isinstance(value, list):
        items = [_comparable(v) for v in value]
        return sorted(items, key=feel_text)
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def impact(old_model, new_model, scenarios: Iterable[tuple[str, dict]], diff=None) -> Impact:
    """Evaluate every (name, inputs) scenario with both loaded models (`pydmn.Model`)."""
    decisions = top_decisions(new_model.definitions)
    decisions = [d for d in decisions if d in old_model.definitions.decisions] or decisions
    renames = diff.renames() if diff is not None else {}
    groups: dict[tuple, Group] = {}
    changes: list[ScenarioChange] = []
    matched: set[str] = set()
    total = 0
    for name, inputs in scenarios:
        total += 1
        a = old_model.evaluate(dict(inputs))
        b = new_model.evaluate(dict(inputs))
        for result in b.decisions.values():
            matched.update(m.rule_id for m in result.matched_rules)
        for d in sorted(set(a.decisions) | set(b.decisions)):
            x = _comparable(a.decisions[d].value if d in a.decisions else None)
            y = _comparable(b.decisions[d].value if d in b.decisions else None)
            if x == y:
                continue
            changes.append(ScenarioChange(name, d, feel_text(x), feel_text(y)))
            if d not in decisions:
                continue
            renamed_only = bool(renames) and _comparable(_renamed(x, renames)) == y
            (hx, key), (hy, _) = _headline(x), _headline(y)
            fields = tuple(k for k in (y if isinstance(y, dict) else {})
                           if k != key and isinstance(x, dict) and x.get(k) != y.get(k))
            group_key = (d, renamed_only) if renamed_only else (d, feel_text(hx), feel_text(hy), fields)
            group = groups.setdefault(group_key, Group(d, feel_text(hx), feel_text(hy), fields,
                                                       renamed_only))
            group.scenarios.append(name)
    ordered = sorted(groups.values(), key=lambda g: (g.renamed_only, g.old == g.new,
                                                     -len(g.scenarios), g.old, g.new))
    unexercised = []
    if diff is not None:
        for c in diff.of_kind("rule-added"):
            if c.rule_id not in matched:
                unexercised.append((c.decision, c.row, c.rule_id))
    return Impact(decisions, total, ordered, changes, unexercised)
