"""Constructs that DMN engines read differently: valid DMN whose meaning on Drools (the Apache KIE
engine, which the KIE editor runs) is not pydmn's. docs/feel.md ("Agreement with Drools") says
how each was decided; the model is to be written so that both engines agree.

- `portability-input-type`: an input expression typed by an item definition with allowed values
  (or a type constraint), in a column whose entries test null. Drools takes the type's allowed
  values as the column's input values and fails the whole table on a value outside them, null
  included; DMN 1.6 8.1 gives an input clause its own optional allowed values (inputValues),
  and pydmn does not take them from the typeRef. Also a column's own input values that leave
  null out while an entry tests null: Drools fails the table on null there too.
- `portability-empty-collect`: a COLLECT table without aggregation (or with COUNT) that some
  input leaves with no matching rule and no default output, whose value another decision reads.
  pydmn gives null, as DMN 1.6 10.3.2.10 says ("null if no default output value is
  specified"); Drools gives [] (0 for COUNT). Values a column's type refuses, and null in a
  column that reads another decision, are left out of the search for such inputs.
"""
from __future__ import annotations

import re

from pydmn.analysis.cells import UNKNOWN, holds, parse_cell
from pydmn.analysis.feel_check import column_name
from pydmn.analysis.findings import Finding
from pydmn.analysis.locations import SourceMap
from pydmn.analysis.tables import TableAnalysis
from pydmn.model import elements as el
from pydmn.model.walk import decision_tables


def _tests_null(text: str) -> bool:
    """Whether an input entry mentions null (`null`, `"a", null`, `not(null)`)."""
    cell = parse_cell(text)
    if cell is not UNKNOWN:
        return cell.has_null
    return re.search(r"\bnull\b", re.sub(r'"(?:[^"\\]|\\.)*"', '""', text or "")) is not None


def _null_admitted(values_text: str) -> bool:
    cell = parse_cell(values_text)
    return cell is UNKNOWN or cell.any or (cell.has_null != cell.negated)


class Portability:
    def __init__(self, defs: el.Definitions, semantics, column_info, smap: SourceMap, file: str | None):
        self.defs = defs
        self.semantics = semantics
        self.column_info = column_info
        self.smap = smap
        self.file = file

    def run(self) -> list[Finding]:
        findings = []
        for name, owner, table in decision_tables(self.defs):
            findings += self.input_types(name, table)
        findings += self.empty_collects()
        return findings

    def input_types(self, name: str, table: el.DecisionTable) -> list[Finding]:
        findings = []
        for c, clause in enumerate(table.inputs):
            testing = [r for r in table.rules if c < len(r.input_entries) and _tests_null(r.input_entries[c])]
            if not testing:
                continue
            own = clause.input_values if clause.input_values and clause.input_values.strip() else None
            if own is not None and _null_admitted(own):
                continue
            constraint = own or self.semantics.constraint_text(clause.type_ref)
            if constraint is None:
                continue
            column = column_name(clause)
            rows = ("rule " if len(testing) == 1 else "rules ") + ", ".join(
                str(r.index) for r in testing[:6]) + (", ..." if len(testing) > 6 else "")
            verb = "tests" if len(testing) == 1 else "test"
            base = self.semantics.resolve(clause.type_ref)[0]
            if own is not None:
                why = (f"its input values {own} leave null out, while {rows} {verb} null: Drools fails "
                       "the whole table on a null value there, pydmn lets null reach the rules. "
                       "Add null to the input values")
            else:
                why = (f"its input expression is typed {clause.type_ref!r}, whose allowed values "
                       f"{constraint} Drools (KIE) takes as the column's input values, while {rows} "
                       f"{verb} null: on Drools a null value then fails the whole table, on pydmn it "
                       f"reaches the rules. Type the input expression by its base type"
                       + (f" ({base})" if base else ""))
            findings.append(Finding(
                "warning", "portability-input-type", f"{name}: column {column!r}: {why}",
                clause.id or table.id, tuple(r.id or "" for r in testing),
                self.smap.child(clause, "inputExpression"), self.file, table=name,
                rows=tuple(r.index for r in testing), column=column))
        return findings

    def _admits(self, table: el.DecisionTable):
        """Whether a value (an atom's example) can reach a column: its type lets it through (the
        service refuses others and pydmn turns them into null, so no rule need match them)."""
        constraints = [self.semantics.constraint(self.semantics.column_type_ref(clause))
                       for clause in table.inputs]

        # A null that another decision gives is left out: how such values depend on each other
        # (a count that is null exactly when a recency is) is beyond the analysis, and a table
        # meets unknown facts where they enter, in columns that read input data.
        derived = [(clause.text or "").split(".")[0].strip() in self.defs.decisions for clause in table.inputs]

        def admits(c: int, atom) -> bool:
            if atom.kind == "null":
                return not derived[c]
            return atom.kind == "other" or all(holds(cell, atom.example) for _, cell in constraints[c])
        return admits

    def empty_collects(self) -> list[Finding]:
        readers: dict[str, list[str]] = {}
        for decision in self.defs.decisions.values():
            for required in decision.required_decisions:
                readers.setdefault(required, []).append(decision.name)
        findings = []
        for decision in self.defs.decisions.values():
            table = decision.expression
            if (not isinstance(table, el.DecisionTable) or table.hit_policy != "COLLECT"
                    or table.aggregation not in (None, "COUNT") or decision.name not in readers
                    or (table.outputs and all(o.default_output for o in table.outputs))):
                continue
            found = TableAnalysis(table, table.id, self.column_info, decision.name, self.smap,
                                  self.file).unmatched(self._admits(table))
            if found is None:
                continue
            where, example = found
            drools = "0" if table.aggregation == "COUNT" else "[]"
            read_by = ", ".join(repr(r) for r in readers[decision.name])
            findings.append(Finding(
                "warning", "portability-empty-collect",
                f"{decision.name}: no rule matches where {where}; this COLLECT table then gives "
                f"null on pydmn (DMN 1.6 10.3.2.10) and {drools} on Drools, and {read_by} reads "
                "it. Add a rule that matches what the others leave (or a default output) so "
                "both engines give the same value", table.id or decision.id, (), table.line,
                self.file, example, table=decision.name))
        return findings
