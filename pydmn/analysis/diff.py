"""Rule-level difference of two versions of a model: what a committee reviews before approving it.

Tables are matched by their decision's name; columns by id, then by label/expression; rules by id,
then by content (same cells), then by input cells only (an output change), then by position.
A rule is shown by its row number and column names; a changed expression as a line diff of the
part that changed; an output value changed the same way in every rule that had it is one rename.
Every change carries what it changes from and to (`old`, `new`) as a reviewer reads it: an added or
removed rule, column, table or item definition has its whole content there, never a bare row number.
A rule's description (what dmn-js shows as its annotation) and its annotation cells (what the KIE
editor shows) are compared like its other cells. The diagram's layout (DMNDI: shapes, edges) is
compared shape by shape and reported as `layout` changes, which never change an answer.
Extension elements and attributes (other namespaces' content, such as a modeler's or an XHTML
`<script>`) are compared element by element too: they are content a committee approves. Anything
else that differs when the rule-level comparison found nothing (ids, the diagram's layout, a part
it does not compare, or formatting alone) is named by `unlisted`, so differing bytes never look the
same to a reviewer.
What the change does to answers is `pydmn.analysis.impact`.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable, Iterator, Sequence, TypedDict, TypeVar

from pydmn.analysis.cells import literal
from pydmn.model import elements as el
from pydmn.model.walk import decision_tables

if TYPE_CHECKING:
    from pydmn.model.reader import ModelSource

T = TypeVar("T")
Clause = TypeVar("Clause", el.InputClause, el.OutputClause)
RuleKey = Callable[[int], Callable[[el.Rule], Hashable]]   # side (0 old, 1 new) -> key of a rule


@dataclass(frozen=True, slots=True)
class Change:
    kind: str            # table-added, table-removed, hit-policy, type, column-added, column-removed,
    #                      rule-added, rule-removed, rule-moved, cell, annotation, rename, expression,
    #                      description, item-definition, element-added, element-removed, extension,
    #                      layout; and from `unlisted`: identifiers, other, formatting
    message: str
    decision: str | None = None
    element_id: str | None = None
    rule_id: str | None = None
    column: str | None = None
    old: str | None = None
    new: str | None = None
    row: int | None = None                      # the rule's row number (old row when removed)
    cells: tuple[tuple[str, str], ...] = ()     # an added or removed rule: (column, text) each
    lines: tuple[str, ...] = ()                 # a changed expression: "- old", "+ new", "  same"
    rows: tuple[int, ...] = ()                  # a rename: the rows whose cell it renames

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__slots__}
        for k in ("cells", "lines", "rows"):
            out[k] = [list(c) if isinstance(c, tuple) else c for c in out[k]]
        return out


@dataclass(slots=True)
class ModelDiff:
    old_name: str
    new_name: str
    changes: list[Change] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    @property
    def layout_only(self) -> bool:
        """True when every change is to the diagram's layout: answers cannot change."""
        return bool(self.changes) and all(c.kind == "layout" for c in self.changes)

    @property
    def empty(self) -> bool:
        return not self.changes

    def renames(self) -> dict[str, str]:
        """Old value -> new value of every rename (string literals, without quotes)."""
        out = {}
        for c in self.of_kind("rename"):
            old, new = literal(c.old or ""), literal(c.new or "")
            if isinstance(old, str) and isinstance(new, str):
                out[old] = new
        return out

    def text(self) -> str:
        lines = [f"Changes from {self.old_name} to {self.new_name}: {len(self.changes)}"]
        for c in self.changes:
            lines.append(f"- [{c.kind}] {c.message}")
            if c.cells:
                lines += ["    " + line for line in rule_lines(c.cells)]
            elif c.kind in WHOLE and (whole := c.new or c.old):
                lines += ["    " + line for line in whole.splitlines()]
            lines += ["    " + line for line in c.lines]
        return "\n".join(lines)


WHOLE = ("column-added", "column-removed", "table-added", "table-removed", "item-definition")


def rule_lines(cells: Sequence[tuple[str, str]]) -> list[str]:
    """An added or removed rule as the committee reads it: IF each tested column THEN outputs."""
    tests = [(c, t) for c, t in cells if c.startswith("in:") and t.strip() not in ("", "-")]
    outs = [(c, t) for c, t in cells if c.startswith("out:")]
    notes = [(c, t) for c, t in cells if c.startswith("note:") and t.strip()]
    lines = [("IF " if i == 0 else "AND ") + f"{c[3:]}: {t}" for i, (c, t) in enumerate(tests)]
    lines = lines or ["IF any input"]
    lines += [("THEN " if i == 0 else "AND ") + f"{c[4:]} = {t}" for i, (c, t) in enumerate(outs)]
    lines += [f"{c[5:]}: {t}" for c, t in notes]
    return lines


def _n(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip())


def _col_name(clause: el.InputClause | el.OutputClause) -> str:
    return _n(getattr(clause, "name", None) or clause.label or getattr(clause, "text", None) or clause.id)


def _match(old: list[T], new: list[T],
           keys: Iterable[Callable[[T], Hashable] | tuple[Callable[[T], Hashable], Callable[[T], Hashable]]]
           ) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pairs (old, new), then the old and the new items left, by successive keys: each a function
    of an item, or a pair (function of an old item, function of a new item). A key of None pairs
    nothing."""
    pairs: list[tuple[T, T]] = []
    left, right = list(old), list(new)
    for key in keys:
        key_old, key_new = key if isinstance(key, tuple) else (key, key)
        index: dict[Hashable, list[T]] = {}
        for item in right:
            k = key_new(item)
            if k is not None:
                index.setdefault(k, []).append(item)
        still = []
        for item in left:
            k = key_old(item)
            bucket = index.get(k) if k is not None else None
            if bucket:
                partner = bucket.pop(0)
                right.remove(partner)
                pairs.append((item, partner))
            else:
                still.append(item)
        left = still
    return pairs, left, right


def line_diff(old: str, new: str) -> tuple[str, ...]:
    """The changed lines of a multi-line text with one line of context; a one-line text whole."""
    a, b = (old or "").strip().splitlines(), (new or "").strip().splitlines()
    out = []
    for group in difflib.SequenceMatcher(None, a, b).get_grouped_opcodes(1):
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += ["  " + line for line in a[i1:i2]]
            else:
                out += ["- " + line for line in a[i1:i2]] + ["+ " + line for line in b[j1:j2]]
    return tuple(out)


class Where(TypedDict):
    """Where a table's changes are: its decision (or BKM) and the table's element id."""
    decision: str
    element_id: str | None


class Differ:
    def __init__(self, old: el.Definitions, new: el.Definitions):
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, kind: str, message: str, **kw: Any) -> None:      # kw: Change's other fields
        self.changes.append(Change(kind, message, **kw))

    def changes_of(self, element_id: str | None) -> list[Change]:
        return [c for c in self.changes if c.element_id == element_id]

    def run(self) -> list[Change]:
        self.elements()
        self.item_definitions()
        old_t = {name: (owner, table) for name, owner, table in decision_tables(self.old)}
        new_t = {name: (owner, table) for name, owner, table in decision_tables(self.new)}
        for name in old_t.keys() - new_t.keys():
            self.add("table-removed", f"decision table of {name!r} removed", decision=name,
                     element_id=old_t[name][1].id, old=table_text(old_t[name][1], name))
        for name in new_t.keys() - old_t.keys():
            self.add("table-added", f"decision table of {name!r} added", decision=name,
                     element_id=new_t[name][1].id, new=table_text(new_t[name][1], name))
        for name in [n for n in old_t if n in new_t]:
            self.table(name, old_t[name][1], new_t[name][1])
        self.logic()
        self.extensions()
        self.layout()
        return self.changes

    def layout(self) -> None:
        """The diagram, shape by shape (by the element a shape draws) and edge by edge."""
        a, b = self.old.diagram, self.new.diagram
        if _plain(a) == _plain(b):
            return
        if a is None or b is None:
            self.add("layout", f"diagram {'added' if a is None else 'removed'}")
            return
        if a.name != b.name:
            self.add("layout", f"diagram name {a.name!r} -> {b.name!r}", old=a.name, new=b.name)
        for what, x, y in (("shape", a.shapes, b.shapes), ("edge", a.edges, b.edges)):
            for ref in sorted(x.keys() | y.keys(), key=str):
                p, q = x.get(ref), y.get(ref)
                if _plain(p) == _plain(q):
                    continue
                verb = "added" if p is None else "removed" if q is None else "moved or resized"
                self.add("layout", f"{what} of {ref} {verb}", element_id=ref,
                         old=_bounds(p) if p is not None else None, new=_bounds(q) if q is not None else None)

    def extensions(self) -> None:
        """Extension elements and attributes of every element (the model's own included), matched by
        id; a new element's are shown too, since its rule or element change does not show them."""
        old = dict(_elements(self.old))
        for key, b in _elements(self.new):
            a = old.get(key)
            x = _extension_text(a) if a is not None else ""
            y = _extension_text(b)
            if x != y:
                self.add("extension", f"{_what(b)}: extension elements or attributes "
                         f"{'changed' if x and y else 'added' if y else 'removed'}", element_id=b.id,
                         old=x or None, new=y or None, lines=line_diff(x, y))

    def elements(self) -> None:
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
            for name in sorted(old.keys() & new.keys()):
                for part in ("question", "description"):
                    a, b = getattr(old[name], part, None), getattr(new[name], part, None)
                    if _n(a) != _n(b):
                        self.add("documentation", f"{what} {name!r} {part} changed",
                                 decision=name, element_id=new[name].id, old=a, new=b,
                                 lines=line_diff(a or "", b or ""))

    def item_definitions(self) -> None:
        old, new = self.old.item_definitions, self.new.item_definitions
        for name in sorted(old.keys() | new.keys()):
            a, b = old.get(name), new.get(name)
            if a is None or b is None:
                self.add("item-definition", f"item definition {name!r} {'added' if a is None else 'removed'}",
                         element_id=(a or new[name]).id, old=a and item_text(a), new=b and item_text(b))
                continue
            if _n(a.description) != _n(b.description):
                self.add("documentation", f"item definition {name!r} description changed", element_id=b.id,
                         old=a.description, new=b.description, lines=line_diff(a.description or "", b.description or ""))
            for attr in ("type_ref", "allowed_values", "type_constraint", "is_collection"):
                x, y = getattr(a, attr), getattr(b, attr)
                if _n(str(x)) == _n(str(y)):
                    continue
                renamed = _list_renames(x, y) if attr in ("allowed_values", "type_constraint") else None
                if renamed:
                    for p, q in renamed:
                        self.add("rename", f"item definition {name!r} value {p} renamed to {q}",
                                 element_id=b.id, old=p, new=q)
                    continue
                self.add("item-definition", f"item definition {name!r} {attr.replace('_', ' ')}: "
                         f"{x} -> {y}", element_id=b.id, old=str(x), new=str(y))
            x, y = item_text(a), item_text(b)
            if [(c.name, c.type_ref) for c in a.components] != [(c.name, c.type_ref) for c in b.components] \
                    or (x != y and not self.changes_of(b.id)):
                self.add("item-definition", f"item definition {name!r} changed", element_id=b.id,
                         old=x, new=y, lines=line_diff(x, y))

    def table(self, name: str, a: el.DecisionTable, b: el.DecisionTable) -> None:
        where = Where(decision=name, element_id=b.id)
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

        def cells(rule: el.Rule, pairs: list[tuple[int, int]], side: int, attr: str) -> tuple[str, ...]:
            entries = getattr(rule, attr)
            return tuple(_n(entries[p[side]]) if p[side] < len(entries) else "" for p in pairs)

        def content(side: int) -> Callable[[el.Rule], Hashable]:
            return lambda r: (cells(r, in_pairs, side, "input_entries"),
                              cells(r, out_pairs, side, "output_entries"))

        def inputs_only(side: int) -> Callable[[el.Rule], Hashable]:
            return lambda r: cells(r, in_pairs, side, "input_entries")

        kept, removed, added = _match_rules(a.rules, b.rules, content, inputs_only)
        ordered = b.hit_policy in ("FIRST", "RULE ORDER", "OUTPUT ORDER", "PRIORITY", "COLLECT")
        pending: list[Change] = []
        for old_r, new_r in kept:
            rid = new_r.id or f"rule {new_r.index}"
            for kind, pairs, attr, cols in (("input", in_pairs, "input_entries", b.inputs),
                                            ("output", out_pairs, "output_entries", b.outputs),
                                            ("annotation", ann_pairs, "annotation_entries", None)):
                for i, j in pairs:
                    x = getattr(old_r, attr)[i] if i < len(getattr(old_r, attr)) else ""
                    y = getattr(new_r, attr)[j] if j < len(getattr(new_r, attr)) else ""
                    if _n(x) != _n(y):
                        col = _col_name(cols[j]) if cols is not None else b.annotations[j]
                        multi = "\n" in x.strip() or "\n" in y.strip()
                        pending.append(Change(
                            "annotation" if kind == "annotation" else "cell",
                            f"{name}: rule {new_r.index}{_id(new_r)}, {kind} column {col!r}: "
                            + ("changed" if multi else f"{_n(x)} -> {_n(y)}"),
                            rule_id=rid, column=col, old=_n(x), new=_n(y), row=new_r.index,
                            lines=line_diff(x, y) if multi else (), **where))
            if _n(old_r.description) != _n(new_r.description):
                x, y = old_r.description or "", new_r.description or ""
                pending.append(Change(
                    "description", f"{name}: rule {new_r.index}{_id(new_r)}, description changed",
                    rule_id=rid, column="description", old=_n(x), new=_n(y), row=new_r.index,
                    lines=line_diff(x, y) if "\n" in x.strip() + y.strip() else (), **where))
            if ordered and _relative_moved(kept, old_r, new_r):
                self.add("rule-moved", f"{name}: rule {old_r.index}{_id(new_r)} moved to row "
                         f"{new_r.index} (order matters under {b.hit_policy})", rule_id=rid,
                         row=new_r.index, **where)
        for old_r in removed:
            whole = rule_cells(a, old_r, name)
            self.add("rule-removed", f"{name}: rule {old_r.index}{_id(old_r)} removed",
                     rule_id=old_r.id, row=old_r.index, cells=whole, old="\n".join(rule_lines(whole)), **where)
        for new_r in added:
            whole = rule_cells(b, new_r, name)
            self.add("rule-added", f"{name}: rule {new_r.index}{_id(new_r)} added",
                     rule_id=new_r.id, row=new_r.index, cells=whole, new="\n".join(rule_lines(whole)), **where)
        self.changes += _fold_renames(name, pending, {_col_name(c) for c in b.outputs}, a, b,
                                      out_pairs, where)

    def columns(self, name: str, old: list[Clause], new: list[Clause], what: str,
                where: Where) -> list[tuple[int, int]]:
        kept, removed, added = _match(old, new, [lambda c: c.id, _col_name])
        out = []
        for a, b in kept:
            out.append((old.index(a), new.index(b)))
            if a.type_ref != b.type_ref:
                self.add("type", f"{name}: {what} column {_col_name(b)!r} type {a.type_ref} -> "
                         f"{b.type_ref}", column=_col_name(b), old=a.type_ref, new=b.type_ref, **where)
            for attr in ("name", "label", "text", "input_values", "output_values", "default_output",
                         "description"):
                x, y = getattr(a, attr, None), getattr(b, attr, None)
                if _n(x) == _n(y):
                    continue
                if attr == "output_values" and (renames := _list_renames(x, y)):
                    for p, q in renames:
                        self.add("rename", f"{name}: output {_col_name(b)!r} values list: {p} "
                                 f"renamed to {q}", column=_col_name(b), old=p, new=q, **where)
                    continue
                words = {"text": "input expression"}.get(attr, attr.replace("_", " "))
                self.add("cell", f"{name}: {what} column {_col_name(b)!r} {words}: "
                         f"{_n(x)} -> {_n(y)}", column=_col_name(b), old=_n(x), new=_n(y),
                         lines=line_diff(x or "", y or "") if "\n" in (x or "") + (y or "") else (),
                         **where)
        for a in removed:
            self.add("column-removed", f"{name}: {what} column {_col_name(a)!r} removed",
                     column=_col_name(a), old=column_text(a), **where)
        for b in added:
            self.add("column-added", f"{name}: {what} column {_col_name(b)!r} added",
                     column=_col_name(b), new=column_text(b), **where)
        return sorted(out)

    def logic(self) -> None:
        """Non-table logic, part by part: one change per context entry, binding or item."""
        for attr in ("decisions", "bkms"):
            old, new = getattr(self.old, attr), getattr(self.new, attr)
            for name in sorted(old.keys() & new.keys()):
                logic = "expression" if attr == "decisions" else "encapsulated_logic"
                a = dict(boxed_parts(getattr(old[name], logic), [name]))
                b = dict(boxed_parts(getattr(new[name], logic), [name]))
                eid = new[name].id
                for path in [p for p in a if p not in b]:
                    self.add("expression", f"{path} removed", decision=name, element_id=eid,
                             column=path, old=a[path], lines=tuple("- " + x for x in a[path].splitlines()))
                for path in b:
                    if path not in a:
                        self.add("expression", f"{path} added", decision=name, element_id=eid,
                                 column=path, new=b[path],
                                 lines=tuple("+ " + x for x in b[path].splitlines()))
                    elif _n(a[path]) != _n(b[path]):
                        self.add("expression", f"{path} changed", decision=name, element_id=eid,
                                 column=path, old=a[path], new=b[path], lines=line_diff(a[path], b[path]))


def _id(rule: el.Rule) -> str:
    return f" ({rule.id})" if rule.id else ""


def rule_cells(table: el.DecisionTable, rule: el.Rule, owner: str) -> tuple[tuple[str, str], ...]:
    """(kind:column, text) of every cell of a rule, in column order."""
    cells = [(f"in:{_col_name(c)}", _n(t)) for c, t in zip(table.inputs, rule.input_entries)]
    cells += [(f"out:{c.name or c.label or owner}", _n(t)) for c, t in zip(table.outputs, rule.output_entries)]
    cells += [(f"note:{a}", _n(t)) for a, t in zip(table.annotations, rule.annotation_entries)]
    return tuple(cells) + ((("note:description", _n(rule.description)),) if _n(rule.description) else ())


def column_text(clause: el.InputClause | el.OutputClause) -> str:
    """A column as a reviewer reads its definition: name or label, expression, type, allowed values."""
    parts = [("name", getattr(clause, "name", None)), ("label", clause.label),
             ("expression", getattr(clause, "text", None)), ("type", clause.type_ref),
             ("allowed values", getattr(clause, "input_values", None) or getattr(clause, "output_values", None)),
             ("default", getattr(clause, "default_output", None)), ("description", clause.description)]
    return "\n".join(f"{k}: {_n(v)}" for k, v in parts if _n(v))


def table_text(table: el.DecisionTable, owner: str) -> str:
    """A whole decision table: hit policy, columns, then every rule."""
    lines = [f"hit policy: {table.hit_policy}" + (f" {table.aggregation}" if table.aggregation else "")]
    lines += [f"input {_col_name(c)}: {_n(c.text)}" for c in table.inputs]
    lines += [f"output {c.name or c.label or owner}" + (f": {c.type_ref}" if c.type_ref else "") for c in table.outputs]
    lines += [f"annotation column {a}" for a in table.annotations]
    for rule in table.rules:
        lines.append(f"rule {rule.index}{_id(rule)}:")
        lines += ["  " + line for line in rule_lines(rule_cells(table, rule, owner))]
    return "\n".join(lines)


def item_text(item: el.ItemDefinition, depth: int = 0) -> str:
    """An item definition and its components, one line each."""
    parts = [("type", item.type_ref), ("collection", "yes" if item.is_collection else None),
             ("allowed values", item.allowed_values), ("constraint", item.type_constraint)]
    shown = ", ".join(f"{k} {_n(v)}" for k, v in parts if _n(v))
    line = "  " * depth + (item.name or "") + (f": {shown}" if shown else "")
    return "\n".join([line] + [item_text(c, depth + 1) for c in item.components])


def _bounds(value: el.Bounds | list[tuple[float, float]]) -> str:
    if isinstance(value, el.Bounds):
        return f"x {value.x:g}, y {value.y:g}, {value.width:g} x {value.height:g}"
    return " -> ".join(f"({x:g}, {y:g})" for x, y in value)


def _list_renames(old_text: str | None, new_text: str | None) -> list[tuple[str, str]] | None:
    """Values of a literal list replaced one for one in place (the list otherwise the same)."""
    from pydmn.analysis.cells import split_top
    if not old_text or not new_text:
        return None
    a, b = split_top(_n(old_text)), split_top(_n(new_text))
    if len(a) != len(b):
        return None
    pairs = [(x, y) for x, y in zip(a, b) if x != y]
    ok = pairs and all(isinstance(literal(x), str) and isinstance(literal(y), str) for x, y in pairs)
    return pairs if ok and not ({y for _, y in pairs} & set(a)) else None


def _fold_renames(name: str, pending: list[Change], outputs: set[str], a: el.DecisionTable,
                  b: el.DecisionTable, out_pairs: list[tuple[int, int]], where: Where) -> list[Change]:
    """Output cell changes X -> Y made in every rule that had X, where X is gone and Y is new, are
    one rename each (a code renamed across the table), not one change per rule."""
    def column_values(table: el.DecisionTable, side: int) -> dict[str, set[str]]:
        values: dict[str, set[str]] = {}
        for i_j in out_pairs:
            c = i_j[side]
            col = _col_name(b.outputs[i_j[1]])
            values[col] = {_n(r.output_entries[c]) for r in table.rules if c < len(r.output_entries)}
        return values
    before, after = column_values(a, 0), column_values(b, 1)
    by_pair: dict[tuple[str, str, str], list[Change]] = {}
    for c in pending:
        column, x, y = c.column, c.old, c.new       # a rule's cell change has all three
        if c.kind == "cell" and column in outputs and column is not None and x is not None and y is not None \
                and isinstance(literal(x), str) and isinstance(literal(y), str):
            by_pair.setdefault((column, x, y), []).append(c)
    renamed: set[int] = set()
    out: list[Change] = []
    olds: dict[tuple[str, str], set[str]] = {}
    for (col, x, y), changes in by_pair.items():
        olds.setdefault((col, x), set()).add(y)
    for (col, x, y), changes in by_pair.items():
        if x in after.get(col, set()) or y in before.get(col, set()) or len(olds[(col, x)]) > 1:
            continue
        renamed.update(id(c) for c in changes)
        rows = tuple(c.row for c in changes if c.row is not None)     # every rule's change has its row
        out.append(Change("rename", f"{name}: output {col!r} value {x} renamed to {y} "
                          f"(rule{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))})",
                          column=col, old=x, new=y, rows=rows, **where))
    return out + [c for c in pending if id(c) not in renamed]


def boxed_parts(e: el.Expression | None, path: list[str]) -> Iterator[tuple[str, str]]:
    """(path, text) of every FEEL text of a boxed expression, tables left to the table diff."""
    where = " / ".join(path)
    if e is None or isinstance(e, el.DecisionTable):
        return
    if isinstance(e, el.LiteralExpression):
        yield where, (e.text or "").strip()
    elif isinstance(e, el.Context):
        for n, entry in enumerate(e.entries, start=1):
            name = (entry.variable.name or f"entry {n}") if entry.variable is not None else "result"
            if entry.variable is not None and entry.variable.type_ref:
                yield " / ".join([*path, name, "type"]), entry.variable.type_ref
            yield from boxed_parts(entry.value, [*path, name])
    elif isinstance(e, el.Invocation):
        yield from boxed_parts(e.callee, [*path, "function"])
        for b in e.bindings:
            yield from boxed_parts(b.value, [*path, b.parameter.name or "argument"])
    elif isinstance(e, el.ListExpression):
        for n, item in enumerate(e.items, start=1):
            yield from boxed_parts(item, [*path, f"item {n}"])
    elif isinstance(e, el.Relation):
        yield " / ".join([*path, "columns"]), ", ".join(c.name or "" for c in e.columns)
        for r, row in enumerate(e.rows, start=1):
            for column, cell in zip(e.columns, row):
                yield from boxed_parts(cell, [*path, f"row {r}", column.name or ""])
    elif isinstance(e, el.FunctionDefinition):
        yield " / ".join([*path, "parameters"]), ", ".join(
            (p.name or "") + (f": {p.type_ref}" if p.type_ref else "") for p in e.parameters)
        yield from boxed_parts(e.body, [*path, "body"])
    elif isinstance(e, el.Conditional):
        for part, child in (("if", e.if_), ("then", e.then), ("else", e.else_)):
            yield from boxed_parts(child, [*path, part])
    elif isinstance(e, el.Filter):
        yield from boxed_parts(e.in_, [*path, "in"])
        yield from boxed_parts(e.match, [*path, "match"])
    elif isinstance(e, el.Iteration):
        yield " / ".join([*path, e.kind]), e.iterator_variable
        yield from boxed_parts(e.in_, [*path, "in"])
        yield from boxed_parts(e.body, [*path, "return" if e.kind == "for" else "satisfies"])


def _match_rules(old: list[el.Rule], new: list[el.Rule], content: RuleKey, inputs_only: RuleKey
                 ) -> tuple[list[tuple[el.Rule, el.Rule]], list[el.Rule], list[el.Rule]]:
    """By id, then identical content, then identical inputs, then same position: the kept rules
    (old, new) in the new order, the removed and the added."""
    kept, removed, added = _match(old, new, [lambda r: r.id, (content(0), content(1)),
                                             (inputs_only(0), inputs_only(1)), lambda r: r.index])
    return sorted(kept, key=lambda p: p[1].index), removed, added


def _relative_moved(kept: list[tuple[el.Rule, el.Rule]], old_r: el.Rule, new_r: el.Rule) -> bool:
    """True when a kept rule's rank among the kept rules changed (not mere renumbering)."""
    old_rank = sorted(kept, key=lambda p: p[0].index).index((old_r, new_r))
    new_rank = sorted(kept, key=lambda p: p[1].index).index((old_r, new_r))
    return old_rank != new_rank


def _elements(defs: el.Definitions) -> Iterator[tuple[str, el.Element]]:
    """(key, element) of every element of a model, the model itself first: the id, or for an element
    without one, its path from the nearest element with an id."""
    def walk(value: object, path: str) -> Iterator[tuple[str, el.Element]]:
        if isinstance(value, el.Element):
            path = value.id or path
            yield path, value
        if isinstance(value, el.ExtensionElement) or not (is_dataclass(value) or isinstance(value, (list, tuple, dict))):
            return
        parts: Iterable[tuple[object, object]]
        if isinstance(value, dict):
            parts = value.items()
        elif isinstance(value, (list, tuple)):
            parts = enumerate(value)
        else:
            parts = ((f.name, getattr(value, f.name)) for f in fields(value)
                     if f.name not in ("by_id", "extension_elements", "extension_attributes"))
        for name, part in parts:
            yield from walk(part, f"{path}/{name}")
    yield from walk(defs, "definitions")


def _what(element: el.Element) -> str:
    """An element as a reviewer names it: its kind, name and id."""
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", type(element).__name__).lower()
    name = element.name or element.label
    return f"{kind}{f' {name!r}' if name else ''}{f' ({element.id})' if element.id else ''}"


def _extension_text(element: el.Element) -> str:
    """An element's extension attributes and elements as indented lines of pseudo-XML."""
    lines = [f"@{k}={v!r}" for k, v in sorted(element.extension_attributes.items())]

    def show(e: el.ExtensionElement, depth: int) -> None:
        attrs = "".join(f' {k}="{v}"' for k, v in e.attributes.items())
        text = _n(e.text)
        lines.append("  " * depth + f"<{e.tag}{attrs}>" + (f" {text}" if text else ""))
        for child in e.children:
            show(child, depth + 1)
    for e in element.extension_elements:
        show(e, 0)
    return "\n".join(lines)


def _plain(value: object, top: bool = True) -> object:
    """A value of the model as comparable data, line numbers left out; an element inside it stands
    as its id (`_elements` lists it: it is compared on its own)."""
    if isinstance(value, el.Element) and not top:
        return ("element", value.id)
    if is_dataclass(value) and not isinstance(value, el.ExtensionElement):
        return (type(value).__name__, tuple((f.name, _plain(getattr(value, f.name), False)) for f in fields(value)
                                            if f.name not in ("line", "by_id", "diagram")))
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v, False)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v, False) for v in value)
    return value


def unlisted(old: el.Definitions, new: el.Definitions) -> list[Change]:
    """What differs between two versions that the rule-level diff does not list, by kind: element ids, any other part of an element (named), and when the models as
    read are the same, formatting alone. For a review whose diff is empty although the bytes differ."""
    out = []
    old_elements, new_elements = dict(_elements(old)), dict(_elements(new))
    gone, came = sorted(old_elements.keys() - new_elements.keys()), sorted(new_elements.keys() - old_elements.keys())
    if gone or came:
        few = lambda keys: ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")  # noqa: E731
        out.append(Change("identifiers", "elements by id: " + "; ".join(
            part for part in (gone and f"{len(gone)} no longer present ({few(gone)})",
                              came and f"{len(came)} new ({few(came)})") if part)))
    for key in [k for k in new_elements if k in old_elements]:
        a, b = old_elements[key], new_elements[key]
        if type(a) is not type(b):
            out.append(Change("other", f"{_what(b)} was a {_what(a).split(' (')[0]}", element_id=b.id))
            continue
        parts = [f.name for f in fields(b) if f.name not in ("line", "by_id", "diagram")
                 and _plain(getattr(a, f.name), False) != _plain(getattr(b, f.name), False)]
        if parts:
            out.append(Change("other", f"{_what(b)}: {', '.join(p.replace('_', ' ') for p in parts)} changed",
                              element_id=b.id, column=", ".join(parts)))
    if not out and _plain(old.diagram) == _plain(new.diagram):     # a layout change is the diff's
        out.append(Change("formatting", "the models as read are the same: the files differ in formatting alone "
                          "(whitespace, comments, attribute order, namespace prefixes or XML a DMN reader ignores)"))
    return out


def diff_definitions(old: el.Definitions, new: el.Definitions, old_name: str = "old",
                     new_name: str = "new") -> ModelDiff:
    return ModelDiff(old_name, new_name, Differ(old, new).run())


def diff_files(old_path: ModelSource, new_path: ModelSource) -> ModelDiff:
    from pydmn.model.reader import parse_definitions, read_source
    a, fa = read_source(old_path)
    b, fb = read_source(new_path)
    return diff_definitions(parse_definitions(a, fa), parse_definitions(b, fb),
                            str(old_path), str(new_path))
