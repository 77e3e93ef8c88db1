"""Semantic checks of a read model: names and types resolve, requirements are acyclic, FEEL text
parses and its names resolve (feel_check), and table values agree with the allowed values of
their item definitions.

Works on `pydmn.model.elements.Definitions` only, so it reports every problem at once where the
engine's loader stops at the first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from pydmn.analysis.cells import UNKNOWN, Cell, holds, interval_bounds, literal, parse_cell, split_top
from pydmn.analysis.domains import feel_text
from pydmn.analysis.feel_check import Where, column_name, output_name
from pydmn.analysis.findings import Finding
from pydmn.analysis.locations import SourceMap
from pydmn.analysis.names import Types, base_name
from pydmn.analysis.tables import literal_list
from pydmn.errors import ModelError
from pydmn.feel.typecheck import TYPE_NAMES
from pydmn.model import elements as el
from pydmn.model.typerefs import TypeRefs
from pydmn.model.walk import decision_tables


def _own(values_text: str | None) -> list[tuple[str, Cell]]:
    """A column's own input/output values list as a constraint (empty when not analysable)."""
    if values_text is None or not values_text.strip():
        return []
    cell = parse_cell(values_text)
    return [(values_text.strip(), cell)] if isinstance(cell, Cell) else []


class Semantics:
    def __init__(self, defs: el.Definitions, file: str | None = None, smap: SourceMap | None = None):
        self.defs = defs
        self.file = file
        self.smap = smap or SourceMap(None)
        self.findings: list[Finding] = []
        self.types = Types(defs, [i.name for i in defs.imports])
        items = defs.item_definitions
        self._bases = TypeRefs(items, self._base_of, lambda ref: (TYPE_NAMES.get(ref), None))
        self._constraints = TypeRefs(items, self._constraints_of, lambda ref: [])
        self._constraint_texts = TypeRefs(items, self._constraint_text_of, lambda ref: None)

    def add(self, severity, code, message, element=None):
        self.findings.append(Finding(severity, code, message, getattr(element, "id", None),
                                     (), getattr(element, "line", None), self.file))

    # -- types ------------------------------------------------------------------------------------
    def _strip(self, type_ref: str) -> str:
        return base_name(type_ref)

    def type_known(self, type_ref: str) -> bool:
        return self.types.known_type_name(type_ref) or self._strip(type_ref).startswith(
            ("list<", "context<", "range<", "function<"))

    def resolve(self, type_ref: str | None) -> tuple[str | None, list | None]:
        """(base type, finite allowed values) of a type reference, as far as this model says."""
        return self._follow(self._bases, type_ref, (None, None))

    def _base_of(self, item: el.ItemDefinition) -> tuple[str | None, list | None]:
        if item.is_collection or item.components:
            return None, None
        base, allowed = self.resolve(item.type_ref)
        for text in (item.allowed_values, item.type_constraint):
            own = literal_list(text)
            if own is not None:
                allowed = own if allowed is None else [v for v in own if v in allowed]
        return base, allowed

    def _follow(self, refs: TypeRefs, type_ref: str | None, unknown):
        """What `refs` makes of a typeRef; `unknown` for none, or where item definitions refer
        to themselves or chain too deep (the engine's loader reports those)."""
        if not type_ref:
            return unknown
        try:
            return refs(self._strip(type_ref))
        except ModelError:
            return unknown

    def column_type_ref(self, clause: el.InputClause) -> str | None:
        """The type an input column's values have, for the table analysis: the expression's own
        typeRef when it names an item definition, else what the expression reads (`path_type`)
        when its base agrees: a column typed by its base type, as a portable model has it, keeps
        its item definition's enumerated values."""
        own, read = clause.type_ref, self.path_type(clause.text)
        if read is None or (own and self._strip(own) in self.defs.item_definitions):
            return own
        return read if not own or self.resolve(read)[0] == self.resolve(own)[0] else own

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
        for _, _, table in decision_tables(self.defs):
            clauses: list[el.InputClause | el.OutputClause] = [*table.inputs, *table.outputs]
            for clause in clauses:
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
            refs: list[tuple[str, tuple[str, ...]]] = [(r, ("decisions",)) for r in getattr(o, "required_decisions", None) or []]
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

    # -- values against item definitions ----------------------------------------------------------
    def path_type(self, text: str) -> str | None:
        """The type reference of what an input expression reads when it is a plain path to an input
        data or decision (`Request.line_of_business`): its cells are held to that type's allowed values
        whatever the expression's own typeRef says (a portable model types it with a base type)."""
        head, *fields = [part.strip() for part in (text or "").split(".")]
        owner = next((e for group in (self.defs.input_data, self.defs.decisions) for e in group.values()
                      if e.name == head), None)
        ref = getattr(owner, "type_ref", None)
        for field in fields:
            item = self.defs.item_definitions.get(self._strip(ref or ""))
            component = next((c for c in (item.components if item else ()) if c.name == field), None)
            if component is None or component.is_collection:
                return None
            ref = component.type_ref
        return ref

    def check_values(self):
        for name, owner, table in decision_tables(self.defs):
            base = Where(table.id or owner.id, table.line, table=name)
            for c, clause in enumerate(table.inputs):
                ref = self.column_type_ref(clause)
                kind, allowed = self.resolve(ref), self.constraint(ref)
                column = column_name(clause)
                values = [(replace(base, column=f"{column} (input values)",
                                   line=self.smap.child(clause, "inputValues")), clause.input_values or "")]
                cells = [(replace(base, rule=r, column=column, line=self.smap.cell(r, "inputEntry", c)),
                          r.input_entries[c]) for r in table.rules if c < len(r.input_entries)]
                self._values_in(column, allowed, values)
                self._values_in(column, _own(clause.input_values) or allowed, cells)
                self._kinds_in(column, kind[0], cells)
            for c, output in enumerate(table.outputs):
                ref = output.type_ref or (owner.type_ref if len(table.outputs) == 1 else None)
                kind, allowed = self.resolve(ref), self.constraint(ref)
                column = output_name(output, owner.name)
                values = [(replace(base, column=f"{column} (output values)",
                                   line=self.smap.child(output, "outputValues")), output.output_values or "")]
                cells = [(replace(base, rule=r, column=column, line=self.smap.cell(r, "outputEntry", c)),
                          r.output_entries[c]) for r in table.rules if c < len(r.output_entries)]
                self._values_in(column, allowed, values)
                self._values_in(column, _own(output.output_values) or allowed, cells)
                self._kinds_in(column, kind[0], cells)

    def constraint(self, type_ref: str | None) -> list[tuple[str, Cell]]:
        """The constraints on a type reference's values, each as (text, cell), all to hold:
        allowedValues and, for a non-collection, typeConstraint (DMN 1.5: on a collection it
        constrains the list as a whole), and those of the type it refines."""
        return self._follow(self._constraints, type_ref, [])

    def _constraints_of(self, item: el.ItemDefinition) -> list[tuple[str, Cell]]:
        if item.is_collection or item.components:
            return []
        own = [(t.strip(), parse_cell(t)) for t in (item.allowed_values, item.type_constraint)
               if t and t.strip()]
        return [(t, c) for t, c in own if isinstance(c, Cell)] + self.constraint(item.type_ref)

    def constraint_text(self, type_ref: str | None) -> str | None:
        """The allowed values (or type constraint) an item definition or one it refines carries."""
        return self._follow(self._constraint_texts, type_ref, None)

    def _constraint_text_of(self, item: el.ItemDefinition) -> str | None:
        if item.is_collection or item.components:
            return None
        for text in (item.allowed_values, item.type_constraint):
            if text and text.strip():
                return text.strip()
        return self.constraint_text(item.type_ref)

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
            for bound in interval_bounds(part) or (part,):
                value = literal(bound)
                if value is not UNKNOWN:
                    yield value

    def finding(self, code, message, where: Where):
        rule = where.rule
        self.findings.append(Finding("error", code, message, where.element_id,
                                     (rule.id or "",) if rule else (), where.line, self.file,
                                     table=where.table, rows=(rule.index,) if rule else (),
                                     column=where.column))

    def _values_in(self, column, allowed: list[tuple[str, Cell]], cells):
        for where, text in cells if allowed else ():
            for value in self._literals(text):
                if not all(holds(cell, value) for _, cell in allowed):
                    self.finding("value-not-allowed", f"{feel_text(value)} in column {column!r} "
                                 "is not among the allowed values "
                                 + " and ".join(t for t, _ in allowed), where)

    KIND_OF_BASE = {"number": Decimal, "string": str, "boolean": bool, "date": dt.date}

    def _kinds_in(self, column, base, cells):
        """A literal of another kind than its column's type never matches or never conforms."""
        wanted = self.KIND_OF_BASE.get(base or "")
        if wanted is None:
            return
        for where, text in cells:
            for value in self._literals(text):
                if type(value) is not wanted:
                    self.finding("value-type", f"cell {text.strip()!r} in column {column!r} "
                                 f"compares with {feel_text(value)}, which is not a {base}", where)

    def run(self) -> list[Finding]:
        self.check_types()
        self.check_requirements()
        self.check_values()
        return self.findings
