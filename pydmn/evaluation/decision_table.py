"""Decision tables: every cell parsed once at load; evaluation applies the hit policy.

Hit policies per DMN 1.5 §8.2.10-8.2.11. PRIORITY and OUTPUT ORDER rank outputs by their position
in the output values list, output by output. A table without matches yields its default outputs
(null where an output has none).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from pydmn.errors import FeelSyntaxError
from pydmn.feel import Expression, Scope, UnaryTests, compile_expression
from pydmn.feel import operators as ops
from pydmn.feel.values import FEEL_CONTEXT, FeelValue
from pydmn.model import elements as el
from pydmn.model.types import ANY, DataType, coerce

if TYPE_CHECKING:       # the compiler compiles tables: it imports this module
    from pydmn.evaluation.boxed import BoxedCompiler


@dataclass(frozen=True, slots=True)
class MatchedRule:
    rule_id: str | None
    index: int                  # the rule's row, from 1
    annotations: dict[str, str]     # annotation column name -> the rule's text


class CompiledTable:
    """Callable as a boxed expression; `run` also returns the matched rules for the trace."""

    def __init__(self, table: el.DecisionTable, compiler: BoxedCompiler):
        self.table = table
        self.id = table.id
        self.hit = table.hit_policy
        self.aggregation = table.aggregation
        tests = compiler.tests
        # (input expression, input values, its text, its type)
        self.inputs: list[tuple[Expression, UnaryTests | None, str, DataType]] = []
        for clause in table.inputs:
            self.inputs.append((compiler.feel(clause.text, clause.id, clause.line) if
                                clause.text.strip() else (lambda s: None),
                                tests(clause.input_values, clause.id, clause.line),
                                clause.text, compiler.type_of(clause.type_ref, clause.id)))
        # (name, output values, type, id)
        self.outputs: list[tuple[str | None, UnaryTests | None, DataType, str | None]] = []
        for out in table.outputs:
            self.outputs.append((out.name, tests(out.output_values, out.id, out.line),
                                 compiler.type_of(out.type_ref, out.id), out.id))
        self.output_names = [o.name for o in table.outputs]
        self.priorities = [self._priority_list(o.output_values, compiler) for o in table.outputs]
        self.defaults = [compiler.feel(o.default_output, o.id, o.line)
                         if o.default_output and o.default_output.strip() else None
                         for o in table.outputs]
        # (input column, its test) for each non-"-" cell, output entries, what the trace shows
        self.rules: list[tuple[list[tuple[int, UnaryTests]], list[Expression], MatchedRule]] = []
        for rule in table.rules:
            checks = []
            for pos, text in enumerate(rule.input_entries):
                test = tests(text, rule.id, rule.line)
                if test is not None:
                    checks.append((pos, test))
            outs = [compiler.feel(t, rule.id, rule.line) if t.strip() else (lambda s: None)
                    for t in rule.output_entries]
            annotations = dict(zip(table.annotations, rule.annotation_entries))
            self.rules.append((checks, outs, MatchedRule(rule.id, rule.index, annotations)))
        for n, (_, _, dtype, _) in enumerate(self.outputs):
            # Without output values the type's allowed values give the priority order.
            if self.priorities[n] is None and dtype.allowed_values is not None:
                self.priorities[n] = list(dtype.allowed_values)

    @staticmethod
    def _priority_list(text: str | None, compiler: BoxedCompiler) -> list[FeelValue] | None:
        if not text or not text.strip():
            return None
        try:
            fn = compile_expression("[" + text + "]", names=compiler.names)
        except FeelSyntaxError:
            return None
        values = fn(Scope({}))
        return values if isinstance(values, list) else None

    def __call__(self, scope: Scope) -> FeelValue:
        return self.run(scope)[0]

    def run(self, scope: Scope) -> tuple[FeelValue, list[MatchedRule], tuple[FeelValue, ...]]:
        """(value, matched rules, the input expressions' values): the trace explains a rule with the
        values its tests saw."""
        values: list[FeelValue] = []
        for fn, allowed, text, dtype in self.inputs:
            # The input expression's typeRef is documentation only: modelers (Camunda) often
            # write "string" on numeric inputs, and nulling those would change decisions.
            value = fn(scope)
            if allowed is not None and value is not None and allowed(scope, value) is not True:
                return scope.report("input-value", f"input {text!r} is not among its input "
                                                   f"values", self.id), [], tuple(values + [value])
            values.append(value)
        matched: list[tuple[list[Expression], MatchedRule]] = []
        for checks, outs, info in self.rules:
            for pos, test in checks:
                if test(scope, values[pos]) is not True:
                    break
            else:
                matched.append((outs, info))
                if self.hit == "FIRST":
                    break
        if not matched:
            return self._default(scope), [], tuple(values)
        rows: list[list[FeelValue]] = []
        for outs, info in matched:
            row: list[FeelValue] = []
            for fn, (name, allowed, dtype, oid) in zip(outs, self.outputs):
                value = fn(scope)
                if dtype is not ANY:
                    value = coerce(value, dtype, scope, oid)
                if allowed is not None and value is not None and allowed(scope, value) is not True:
                    value = scope.report("output-value", f"output {name or ''!r} value is not "
                                                         f"among its output values", oid)
                row.append(value)
            rows.append(row)
        return (*self._apply(scope, rows, matched), tuple(values))

    def _shape(self, row: list[FeelValue]) -> FeelValue:
        if len(self.outputs) == 1:
            return row[0]
        return dict(zip(self.output_names, row))

    def _default(self, scope: Scope) -> FeelValue:
        if all(d is None for d in self.defaults):
            return None      # DMN 1.5 §8.2.10: no match and no default output -> null
        row = [d(scope) if d is not None else None for d in self.defaults]
        return self._shape(row)

    def _rank(self, row: list[FeelValue]) -> list[int]:
        key: list[int] = []
        for value, prio in zip(row, self.priorities):
            if prio is None:
                continue
            try:
                key.append(prio.index(value))
            except ValueError:
                key.append(len(prio))
        return key

    def _apply(self, scope: Scope, rows: list[list[FeelValue]],
               matched: list[tuple[list[Expression], MatchedRule]]) -> tuple[FeelValue, list[MatchedRule]]:
        infos = [info for _, info in matched]
        hit = self.hit
        if hit == "UNIQUE":
            if len(rows) > 1:
                return scope.report("hit-policy", f"UNIQUE hit policy but rules "
                                    f"{', '.join(str(i.index) for i in infos)} match",
                                    self.id), infos
            return self._shape(rows[0]), infos
        if hit == "FIRST":
            return self._shape(rows[0]), infos[:1]
        if hit == "ANY":
            if any(r != rows[0] for r in rows[1:]):
                return scope.report("hit-policy", "ANY hit policy but matching rules give "
                                    "different outputs", self.id), infos
            return self._shape(rows[0]), infos
        if hit == "PRIORITY":
            best = min(range(len(rows)), key=lambda i: self._rank(rows[i]))
            return self._shape(rows[best]), [infos[best]]
        if hit == "OUTPUT ORDER":
            order = sorted(range(len(rows)), key=lambda i: self._rank(rows[i]))
            return [self._shape(rows[i]) for i in order], [infos[i] for i in order]
        if hit == "RULE ORDER" or self.aggregation is None:
            return [self._shape(r) for r in rows], infos
        return self._aggregate(scope, [r[0] for r in rows]), infos

    def _aggregate(self, scope: Scope, values: list[FeelValue]) -> FeelValue:
        agg = self.aggregation
        if agg == "COUNT":
            return Decimal(len(values))
        present = [v for v in values if v is not None]
        if not present:
            return None
        if agg == "SUM":
            if not all(type(v) is Decimal for v in present):
                return scope.report("invalid-type", "SUM of outputs that are not all numbers",
                                    self.id)
            return functools.reduce(FEEL_CONTEXT.add, present, Decimal(0))
        best, sign = present[0], -1 if agg == "MIN" else 1
        for v in present[1:]:
            order = ops.compare(v, best)
            if order is None:
                return scope.report("not-comparable", f"{agg} of outputs that do not compare",
                                    self.id)
            if order == sign:
                best = v
        return best
