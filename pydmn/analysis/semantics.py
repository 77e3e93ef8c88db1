"""Semantic checks of a read model: FEEL parses, names and types resolve, requirements are acyclic,
and table values agree with the item definitions' allowed values.

Works on `pydmn.model.elements.Definitions` only, so it reports every problem at once where the
engine's loader stops at the first.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Iterator

from pydmn.analysis.cells import UNKNOWN, literal, split_top
from pydmn.analysis.domains import feel_text
from pydmn.analysis.findings import Finding
from pydmn.analysis.tables import literal_list
from pydmn.model import elements as el

BUILTIN_TYPES = {"number", "string", "boolean", "date", "time", "date and time", "dateTime",
                 "days and time duration", "dayTimeDuration", "years and months duration",
                 "yearMonthDuration", "duration", "Any", "context", "list", "function", "range",
                 "Null"}


class Semantics:
    def __init__(self, defs: el.Definitions, file: str | None = None):
        self.defs = defs
        self.file = file
        self.findings: list[Finding] = []
        self.import_names = {i.name for i in defs.imports}

    def add(self, severity, code, message, element=None, rules=()):
        self.findings.append(Finding(severity, code, message, getattr(element, "id", None),
                                     tuple(rules), getattr(element, "line", None), self.file))

    # -- types ------------------------------------------------------------------------------------
    def _strip(self, type_ref: str) -> str:
        for prefix in ("feel:", "FEEL:"):
            if type_ref.startswith(prefix):
                return type_ref[len(prefix):]
        return type_ref

    def type_known(self, type_ref: str) -> bool:
        ref = self._strip(type_ref)
        if ref in BUILTIN_TYPES or ref in self.defs.item_definitions:
            return True
        head = ref.split(".", 1)[0]
        return head in self.import_names or ref.startswith(("list<", "context<", "range<", "function<"))

    def resolve(self, type_ref: str | None, depth: int = 0) -> tuple[str | None, list | None]:
        """(base type, finite allowed values) of a type reference, as far as this model says."""
        if not type_ref or depth > 20:
            return None, None
        ref = self._strip(type_ref)
        item = self.defs.item_definitions.get(ref)
        if item is None:
            return (ref if ref in BUILTIN_TYPES else None), None
        if item.is_collection or item.components:
            return None, None
        base, allowed = self.resolve(item.type_ref, depth + 1)
        own = literal_list(item.allowed_values)
        return base, own if own is not None else allowed

    def check_types(self):
        def check(owner, type_ref):
            if type_ref and not self.type_known(type_ref):
                self.add("error", "unknown-type", f"type reference {type_ref!r} names no item "
                         "definition or built-in type", owner)

        def item(i: el.ItemDefinition):
            check(i, i.type_ref)
            for c in i.components:
                item(c)
        for i in self.defs.item_definitions.values():
            item(i)
        for group in (self.defs.input_data, self.defs.decisions, self.defs.bkms,
                      self.defs.decision_services):
            for e in group.values():
                check(e, e.type_ref)
        for _, table in self.tables():
            for clause in [*table.inputs, *table.outputs]:
                check(clause, clause.type_ref)

    # -- requirements -----------------------------------------------------------------------------
    def target(self, ref: str, groups: tuple[str, ...]):
        """The element a requirement names: an element name (the reader resolves same-model
        hrefs to names) or an href. Returns False for references into other models."""
        if "#" in ref:
            ns, _, ident = ref.partition("#")
            if ns not in ("", self.defs.namespace):
                return False
            element = self.defs.by_id.get(ident)
            return element if any(element in getattr(self.defs, g).values() for g in groups) else None
        for g in groups:
            element = getattr(self.defs, g).get(ref)
            if element is not None:
                return element
        return None

    KINDS = {"required_decisions": ("decisions",), "required_inputs": ("input_data",),
             "required_knowledge": ("bkms", "decision_services"),
             "authority": ("knowledge_sources", "decisions", "input_data")}

    def check_requirements(self):
        owners = [*self.defs.decisions.values(), *self.defs.bkms.values()]
        for owner in owners:
            for attr, groups in self.KINDS.items():
                for ref in getattr(owner, attr, None) or []:
                    if self.target(ref, groups) is None:
                        self.add("error", "unresolved-reference", f"{attr.replace('_', ' ')} "
                                 f"{ref!r} of {owner.name!r} names no element of the right kind",
                                 owner)
        self._cycles(owners)

    def _cycles(self, owners):
        edges: dict[int, list] = {}
        for o in owners:
            refs = [(r, ("decisions",)) for r in getattr(o, "required_decisions", None) or []]
            refs += [(r, ("bkms", "decision_services")) for r in o.required_knowledge or []]
            targets = [self.target(r, g) for r, g in refs]
            edges[id(o)] = [t for t in targets if t]
        by_key = {id(o): o for o in owners}
        state: dict[int, int] = {}

        def visit(node, path):
            state[node] = 1
            for element in edges.get(node, []):
                nxt = id(element)
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                    self.add("error", "cycle", "requirements form a cycle: "
                             + " -> ".join(by_key[c].name for c in cycle), by_key[node])
                elif nxt in edges and not state.get(nxt):
                    visit(nxt, path + [nxt])
            state[node] = 2

        for node in edges:
            if not state.get(node):
                visit(node, [node])

    # -- FEEL text --------------------------------------------------------------------------------
    def expressions(self) -> Iterator[tuple[object, str, str]]:
        """(owner element, "expression" | "unary", text) for every FEEL text in the model."""
        for _, table in self.tables():
            for clause in table.inputs:
                yield clause, "expression", clause.text
                if clause.input_values:
                    yield clause, "unary", clause.input_values
            for clause in table.outputs:
                if clause.output_values:
                    yield clause, "unary", clause.output_values
                if clause.default_output:
                    yield clause, "expression", clause.default_output
            for rule in table.rules:
                for text in rule.input_entries:
                    yield rule, "unary", text
                for text in rule.output_entries:
                    yield rule, "expression", text
        for owner, expr in self.all_expressions():
            if isinstance(expr, el.LiteralExpression) and (expr.expression_language or "").lower() \
                    in ("", "feel", "https://www.omg.org/spec/dmn/20191111/feel/"):
                yield expr if expr.id else owner, "expression", expr.text
        for item in self.defs.item_definitions.values():
            if item.allowed_values:
                yield item, "unary", item.allowed_values
            if item.type_constraint:
                yield item, "unary", item.type_constraint

    def check_feel(self):
        try:
            from pydmn.feel.parser import parse_expression, parse_unary_tests
        except ImportError:
            self.add("info", "feel-unchecked", "the FEEL parser is not available; FEEL text was "
                     "not checked")
            return
        from pydmn.errors import FeelSyntaxError
        names = frozenset(self.names())
        for owner, kind, text in self.expressions():
            if not (text or "").strip():
                continue
            try:
                (parse_unary_tests if kind == "unary" else parse_expression)(text, names)
            except FeelSyntaxError as exc:
                self.add("error", "feel-syntax", f"FEEL {'unary tests' if kind == 'unary' else 'expression'}"
                         f" does not parse: {exc}", owner)
            except Exception as exc:    # a parser defect must not hide the other findings
                self.add("warning", "feel-unchecked", f"FEEL text could not be checked "
                         f"({type(exc).__name__}): {text!r}", owner)

    def names(self) -> set[str]:
        """Every name FEEL text of this model may use (so the parser sees multi-word names)."""
        names: set[str] = set(self.import_names)

        def item(i: el.ItemDefinition):
            names.add(i.name)
            for c in i.components:
                item(c)
        for i in self.defs.item_definitions.values():
            item(i)
        for group in (self.defs.input_data, self.defs.decisions, self.defs.bkms,
                      self.defs.decision_services):
            names.update(group)
        for _, e in self.all_expressions():
            if isinstance(e, el.Context):
                names.update(en.variable.name for en in e.entries if en.variable is not None)
            elif isinstance(e, el.FunctionDefinition):
                names.update(p.name for p in e.parameters)
            elif isinstance(e, el.Invocation):
                names.update(b.parameter.name for b in e.bindings)
            elif isinstance(e, el.Relation):
                names.update(c.name for c in e.columns)
            elif isinstance(e, el.Iteration):
                names.add(e.iterator_variable)
        for b in self.defs.bkms.values():
            if b.encapsulated_logic is not None:
                names.update(p.name for p in b.encapsulated_logic.parameters)
        return {n for n in names if n}

    # -- values against item definitions ----------------------------------------------------------
    def check_values(self):
        inputs_by_name = {i.name: i for i in self.defs.input_data.values()}
        for decision, table in self.tables():
            for c, clause in enumerate(table.inputs):
                ref = clause.type_ref or getattr(inputs_by_name.get(clause.text.strip()), "type_ref", None)
                base, allowed = self.resolve(ref)
                own = literal_list(clause.input_values)
                cells = [(r, r.input_entries[c] if c < len(r.input_entries) else "") for r in table.rules]
                self._values_in(clause, allowed, [(clause, clause.input_values or "")])
                self._values_in(clause, own if own is not None else allowed, cells)
                self._kinds_in(clause, base, cells)
            for c, clause in enumerate(table.outputs):
                ref = clause.type_ref or (decision.type_ref if len(table.outputs) == 1 else None)
                base, allowed = self.resolve(ref)
                own = literal_list(clause.output_values)
                cells = [(r, r.output_entries[c] if c < len(r.output_entries) else "") for r in table.rules]
                self._values_in(clause, allowed, [(clause, clause.output_values or "")])
                self._values_in(clause, own if own is not None else allowed, cells)
                self._kinds_in(clause, base, cells)

    @staticmethod
    def _column(clause) -> str:
        return getattr(clause, "name", None) or clause.label or getattr(clause, "text", None) or clause.id

    @staticmethod
    def _literals(text: str):
        stripped = (text or "").strip()
        if stripped.startswith("not(") and stripped.endswith(")"):
            stripped = stripped[4:-1]
        for part in split_top(stripped):
            part = part.strip()
            for op in ("<=", ">=", "!=", "<", ">", "="):
                if part.startswith(op):
                    part = part[len(op):]
                    break
            value = literal(part)
            if value is not UNKNOWN:
                yield value

    def _owner_rules(self, owner):
        return [owner.id or f"rule {owner.index}"] if isinstance(owner, el.Rule) else []

    def _values_in(self, clause, allowed, cells):
        if allowed is None:
            return
        for owner, text in cells:
            for value in self._literals(text):
                if value not in allowed:
                    self.add("error", "value-not-allowed", f"{feel_text(value)} in column "
                             f"{self._column(clause)!r} is not among the allowed values "
                             + ", ".join(feel_text(v) for v in allowed), owner, self._owner_rules(owner))

    KIND_OF_BASE = {"number": Decimal, "string": str, "boolean": bool, "date": dt.date}

    def _kinds_in(self, clause, base, cells):
        """A literal of another kind than its column's type never matches or never conforms."""
        wanted = self.KIND_OF_BASE.get(base or "")
        if wanted is None:
            return
        for owner, text in cells:
            for value in self._literals(text):
                if type(value) is not wanted and not (wanted is dt.date and type(value) is dt.date):
                    self.add("error", "value-type", f"cell {text.strip()!r} in column "
                             f"{self._column(clause)!r} compares with {feel_text(value)}, which is "
                             f"not a {base}", owner, self._owner_rules(owner))

    # -- walking ----------------------------------------------------------------------------------
    def all_expressions(self):
        def walk(owner, e):
            if e is None:
                return
            yield owner, e
            children = []
            if isinstance(e, el.Context):
                children = [en.value for en in e.entries]
            elif isinstance(e, el.Invocation):
                children = [e.callee, *(b.value for b in e.bindings)]
            elif isinstance(e, el.ListExpression):
                children = e.items
            elif isinstance(e, el.Relation):
                children = [c for row in e.rows for c in row]
            elif isinstance(e, el.FunctionDefinition):
                children = [e.body]
            elif isinstance(e, el.Conditional):
                children = [e.if_, e.then, e.else_]
            elif isinstance(e, el.Filter):
                children = [e.in_, e.match]
            elif isinstance(e, el.Iteration):
                children = [e.in_, e.body]
            for child in children:
                yield from walk(owner, child)
        for d in self.defs.decisions.values():
            yield from walk(d, d.expression)
        for b in self.defs.bkms.values():
            yield from walk(b, b.encapsulated_logic)

    def tables(self):
        for owner, e in self.all_expressions():
            if isinstance(e, el.DecisionTable):
                yield owner, e

    def run(self) -> list[Finding]:
        self.check_types()
        self.check_requirements()
        self.check_feel()
        self.check_values()
        return self.findings


def tables_of(defs: el.Definitions) -> list[tuple[str, object, el.DecisionTable]]:
    """(display name, owning decision or BKM, table) for every decision table, nested ones too.

    A table that is its owner's whole logic is named after the owner; a nested one (in a context,
    say) after the owner and the table's label or id, so the names stay unique across versions.
    """
    out = []
    for owner, table in Semantics(defs).tables():
        direct = getattr(owner, "expression", None) is table or (
            getattr(owner, "encapsulated_logic", None) is not None and owner.encapsulated_logic.body is table)
        out.append((owner.name if direct else f"{owner.name} / {table.label or table.id or 'table'}",
                    owner, table))
    return out
