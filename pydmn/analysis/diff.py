"""Rule-level difference of two versions of a model: what a committee reviews before approving it.

Tables are matched by their decision's name; columns by id, then by label/expression; rules by id,
then by content (same cells), then by input cells only (an output change), then by position with
most cells equal. Scenario results are compared by `scenario_changes` when the engine can run both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from pydmn.model import elements as el


@dataclass(frozen=True, slots=True)
class Change:
    kind: str            # table-added, table-removed, hit-policy, type, column-added, column-removed,
    #                      rule-added, rule-removed, rule-moved, cell, annotation, expression,
    #                      item-definition, element-added, element-removed, scenario
    message: str
    decision: str | None = None
    element_id: str | None = None
    rule_id: str | None = None
    column: str | None = None
    old: str | None = None
    new: str | None = None

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(slots=True)
class ModelDiff:
    old_name: str
    new_name: str
    changes: list[Change] = field(default_factory=list)

    def of_kind(self, *kinds) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    @property
    def empty(self) -> bool:
        return not self.changes

    def text(self) -> str:
        lines = [f"Changes from {self.old_name} to {self.new_name}: {len(self.changes)}"]
        lines += [f"- [{c.kind}] {c.message}" for c in self.changes]
        return "\n".join(lines)


def _n(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip())


def _col_name(clause) -> str:
    return _n(getattr(clause, "name", None) or clause.label or getattr(clause, "text", None) or clause.id)


def _tables(defs: el.Definitions) -> dict[str, tuple]:
    """Decision tables keyed by the decision (or BKM) that holds them."""
    from pydmn.analysis.semantics import tables_of
    return {name: (owner, table) for name, owner, table in tables_of(defs)}


def _match(old: list, new: list, keys) -> list[tuple]:
    """Pairs (old, new | None) and (None, new) by successive key functions."""
    pairs, left, right = [], list(old), list(new)
    for key in keys:
        index: dict = {}
        for item in right:
            k = key(item)
            if k is not None:
                index.setdefault(k, []).append(item)
        still = []
        for item in left:
            k = key(item)
            bucket = index.get(k) if k is not None else None
            if bucket:
                partner = bucket.pop(0)
                right.remove(partner)
                pairs.append((item, partner))
            else:
                still.append(item)
        left = still
    pairs += [(o, None) for o in left] + [(None, n) for n in right]
    return pairs


class Differ:
    def __init__(self, old: el.Definitions, new: el.Definitions):
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, kind, message, **kw):
        self.changes.append(Change(kind, message, **kw))

    def run(self) -> list[Change]:
        self.elements()
        self.item_definitions()
        old_t, new_t = _tables(self.old), _tables(self.new)
        for name in old_t.keys() - new_t.keys():
            self.add("table-removed", f"decision table of {name!r} removed", decision=name,
                     element_id=old_t[name][1].id)
        for name in new_t.keys() - old_t.keys():
            self.add("table-added", f"decision table of {name!r} added", decision=name,
                     element_id=new_t[name][1].id)
        for name in [n for n in old_t if n in new_t]:
            self.table(name, old_t[name], new_t[name])
        self.literal_expressions(old_t, new_t)
        return self.changes

    def elements(self):
        for attr, what in (("decisions", "decision"), ("input_data", "input data"),
                           ("bkms", "business knowledge model"), ("knowledge_sources", "knowledge source"),
                           ("decision_services", "decision service")):
            old, new = getattr(self.old, attr), getattr(self.new, attr)
            for name in sorted(old.keys() - new.keys()):
                self.add("element-removed", f"{what} {name!r} removed", element_id=old[name].id)
            for name in sorted(new.keys() - old.keys()):
                self.add("element-added", f"{what} {name!r} added", element_id=new[name].id)
            for name in sorted(old.keys() & new.keys()):
                a, b = getattr(old[name], "type_ref", None), getattr(new[name], "type_ref", None)
                if a != b:
                    self.add("type", f"{what} {name!r} type {a} -> {b}", decision=name,
                             element_id=new[name].id, old=a, new=b)

    def item_definitions(self):
        old, new = self.old.item_definitions, self.new.item_definitions
        for name in sorted(old.keys() | new.keys()):
            a, b = old.get(name), new.get(name)
            if a is None or b is None:
                self.add("item-definition", f"item definition {name!r} {'added' if a is None else 'removed'}",
                         element_id=(a or b).id)
                continue
            for attr in ("type_ref", "allowed_values", "is_collection"):
                x, y = getattr(a, attr), getattr(b, attr)
                if _n(str(x)) != _n(str(y)):
                    self.add("item-definition", f"item definition {name!r} {attr.replace('_', ' ')}: "
                             f"{x} -> {y}", element_id=b.id, old=str(x), new=str(y))
            if [(c.name, c.type_ref) for c in a.components] != [(c.name, c.type_ref) for c in b.components]:
                self.add("item-definition", f"item definition {name!r} components changed",
                         element_id=b.id)

    def table(self, name, old_pair, new_pair):
        (_, a), (_, b) = old_pair, new_pair
        where = dict(decision=name, element_id=b.id)
        if (a.hit_policy, a.aggregation) != (b.hit_policy, b.aggregation):
            show = lambda t: t.hit_policy + (f" {t.aggregation}" if t.aggregation else "")  # noqa: E731
            self.add("hit-policy", f"{name}: hit policy {show(a)} -> {show(b)}", old=show(a),
                     new=show(b), **where)
        in_pairs = self.columns(name, a.inputs, b.inputs, "input", where)
        out_pairs = self.columns(name, a.outputs, b.outputs, "output", where)
        ann_pairs = [(a.annotations.index(x), b.annotations.index(x)) for x in a.annotations
                     if x in b.annotations]
        for x in a.annotations:
            if x not in b.annotations:
                self.add("column-removed", f"{name}: annotation column {x!r} removed", column=x, **where)
        for x in b.annotations:
            if x not in a.annotations:
                self.add("column-added", f"{name}: annotation column {x!r} added", column=x, **where)

        def cells(rule, pairs, side, attr):
            entries = getattr(rule, attr)
            return tuple(_n(entries[p[side]]) if p[side] < len(entries) else "" for p in pairs)

        def content(side):
            return lambda r: (cells(r, in_pairs, side, "input_entries"),
                              cells(r, out_pairs, side, "output_entries"))

        def inputs_only(side):
            return lambda r: cells(r, in_pairs, side, "input_entries")

        matched = _match_rules(a.rules, b.rules, content, inputs_only)
        ordered = b.hit_policy in ("FIRST", "RULE ORDER", "OUTPUT ORDER", "PRIORITY", "COLLECT")
        for old_r, new_r in matched:
            if new_r is None:
                self.add("rule-removed", f"{name}: rule {old_r.index} ({old_r.id}) removed: "
                         + _rule_text(old_r), rule_id=old_r.id, **where)
                continue
            if old_r is None:
                self.add("rule-added", f"{name}: rule {new_r.index} ({new_r.id}) added: "
                         + _rule_text(new_r), rule_id=new_r.id, **where)
                continue
            rid = new_r.id or f"rule {new_r.index}"
            for kind, pairs, attr, cols in (("input", in_pairs, "input_entries", b.inputs),
                                            ("output", out_pairs, "output_entries", b.outputs),
                                            ("annotation", ann_pairs, "annotation_entries", None)):
                for i, j in pairs:
                    x = getattr(old_r, attr)[i] if i < len(getattr(old_r, attr)) else ""
                    y = getattr(new_r, attr)[j] if j < len(getattr(new_r, attr)) else ""
                    if _n(x) != _n(y):
                        col = _col_name(cols[j]) if cols is not None else b.annotations[j]
                        self.add("annotation" if kind == "annotation" else "cell",
                                 f"{name}: rule {new_r.index} ({rid}) {kind} {col!r}: {_n(x)!r} -> {_n(y)!r}",
                                 rule_id=rid, column=col, old=_n(x), new=_n(y), **where)
            if ordered and _relative_moved(matched, old_r, new_r):
                self.add("rule-moved", f"{name}: rule {rid} moved from position {old_r.index} to "
                         f"{new_r.index} (order matters under {b.hit_policy})", rule_id=rid, **where)

    def columns(self, name, old, new, what, where) -> list[tuple[int, int]]:
        pairs = _match(old, new, [lambda c: c.id, _col_name])
        out = []
        for a, b in pairs:
            if a is None:
                self.add("column-added", f"{name}: {what} column {_col_name(b)!r} added",
                         column=_col_name(b), **where)
            elif b is None:
                self.add("column-removed", f"{name}: {what} column {_col_name(a)!r} removed",
                         column=_col_name(a), **where)
            else:
                out.append((old.index(a), new.index(b)))
                if a.type_ref != b.type_ref:
                    self.add("type", f"{name}: {what} column {_col_name(b)!r} type {a.type_ref} -> "
                             f"{b.type_ref}", column=_col_name(b), old=a.type_ref, new=b.type_ref, **where)
                for attr in ("text", "input_values", "output_values", "default_output"):
                    x, y = getattr(a, attr, None), getattr(b, attr, None)
                    if _n(x) != _n(y):
                        self.add("cell", f"{name}: {what} column {_col_name(b)!r} {attr.replace('_', ' ')}"
                                 f": {_n(x)!r} -> {_n(y)!r}", column=_col_name(b), old=_n(x),
                                 new=_n(y), **where)
        return sorted(out)

    def literal_expressions(self, old_t, new_t):
        for name in sorted(self.old.decisions.keys() & self.new.decisions.keys()):
            if name in old_t or name in new_t:
                continue
            a, b = self.old.decisions[name].expression, self.new.decisions[name].expression
            x, y = _expr_text(a), _expr_text(b)
            if x != y:
                self.add("expression", f"{name}: decision logic changed: {x!r} -> {y!r}",
                         decision=name, element_id=self.new.decisions[name].id, old=x, new=y)


def _expr_text(e) -> str:
    """A comparable text of a (non-table) boxed expression."""
    if e is None:
        return ""
    if isinstance(e, el.LiteralExpression):
        return _n(e.text)
    parts = [type(e).__name__]
    for attr in ("entries", "items", "bindings", "rows", "body", "if_", "then", "else_", "in_",
                 "match", "callee"):
        value = getattr(e, attr, None)
        if value is None:
            continue
        for v in (value if isinstance(value, list) else [value]):
            if isinstance(v, list):
                parts += [_expr_text(x) for x in v]
            elif isinstance(v, el.ContextEntry):
                parts += [getattr(v.variable, "name", "") or "", _expr_text(v.value)]
            elif isinstance(v, el.Binding):
                parts += [v.parameter.name or "", _expr_text(v.value)]
            else:
                parts.append(_expr_text(v))
    return " | ".join(parts)


def _rule_text(rule) -> str:
    return (" | ".join(_n(t) for t in rule.input_entries) + " => "
            + " | ".join(_n(t) for t in rule.output_entries))


def _match_rules(old, new, content, inputs_only) -> list[tuple]:
    """By id, then identical content, then identical inputs, then same position."""
    pairs = _match(old, new, [lambda r: r.id])
    left = [o for o, n in pairs if n is None]
    right = [n for o, n in pairs if o is None]
    done = [(o, n) for o, n in pairs if o is not None and n is not None]
    for key_old, key_new in ((content(0), content(1)), (inputs_only(0), inputs_only(1))):
        index: dict = {}
        for r in right:
            index.setdefault(key_new(r), []).append(r)
        still = []
        for r in left:
            bucket = index.get(key_old(r))
            if bucket:
                partner = bucket.pop(0)
                right.remove(partner)
                done.append((r, partner))
            else:
                still.append(r)
        left = still
    by_pos = {r.index: r for r in right}
    for r in list(left):
        partner = by_pos.pop(r.index, None)
        if partner is not None:
            done.append((r, partner))
            left.remove(r)
            right.remove(partner)
    done.sort(key=lambda p: p[1].index)
    return done + [(o, None) for o in left] + [(None, n) for n in right]


def _relative_moved(matched, old_r, new_r) -> bool:
    """True when a kept rule's rank among the kept rules changed (not mere renumbering)."""
    kept = [(o, n) for o, n in matched if o is not None and n is not None]
    old_rank = sorted(kept, key=lambda p: p[0].index).index((old_r, new_r))
    new_rank = sorted(kept, key=lambda p: p[1].index).index((old_r, new_r))
    return old_rank != new_rank


def diff_definitions(old: el.Definitions, new: el.Definitions, old_name="old", new_name="new") -> ModelDiff:
    return ModelDiff(old_name, new_name, Differ(old, new).run())


def diff_files(old_path, new_path) -> ModelDiff:
    from pydmn.model.reader import parse_definitions, read_source
    a, fa = read_source(old_path)
    b, fb = read_source(new_path)
    return diff_definitions(parse_definitions(a, fa), parse_definitions(b, fb),
                            str(old_path), str(new_path))


def scenario_changes(old_model, new_model, scenarios: Iterable[tuple[str, dict]],
                     decisions: Iterable[str] | None = None) -> list[Change]:
    """Scenarios whose decision results differ between two loaded models (`pydmn.Model`)."""
    out = []
    for name, inputs in scenarios:
        a = old_model.evaluate(dict(inputs))
        b = new_model.evaluate(dict(inputs))
        names = list(decisions) if decisions else sorted(set(a.decisions) | set(b.decisions))
        for d in names:
            x = a.decisions[d].value if d in a.decisions else None
            y = b.decisions[d].value if d in b.decisions else None
            if x != y:
                out.append(Change("scenario", f"scenario {name!r}: {d} {x!r} -> {y!r}", decision=d,
                                  old=repr(x), new=repr(y), rule_id=None, column=name))
    return out
