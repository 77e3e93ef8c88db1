"""Every FEEL text of a model parsed with the engine's names, its names resolved in the scope the
spec gives it, each problem reported at the cell or expression that holds it.

Scopes follow DMN 1.5: a decision sees its required decisions and inputs, the business knowledge
models and decision services it requires, and the models it imports; a BKM its parameters and
required knowledge; boxed contexts their earlier entries; unary tests `?`; filters `item`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from pydmn.analysis.findings import Finding
from pydmn.analysis.locations import SourceMap
from pydmn.analysis.names import BOOLEAN, FUNCTION, ListOf, NameCheck, Scope, Struct, Types, item_type
from pydmn.errors import FeelSyntaxError
from pydmn.feel.parser import parse_expression, parse_unary_tests
from pydmn.model import elements as el
from pydmn.model.walk import decision_tables

FEEL_LANGUAGES = ("", "feel", "https://www.omg.org/spec/dmn/20191111/feel/",
                  "https://www.omg.org/spec/dmn/20211108/feel/",
                  "https://www.omg.org/spec/dmn/20230324/feel/",
                  "https://www.omg.org/spec/dmn/20240513/feel/",
                  "http://www.omg.org/spec/feel/20140401")


@dataclass(frozen=True, slots=True)
class Where:
    """Where a FEEL text stands: reported with every finding about it."""
    element_id: str | None
    line: int | None
    table: str | None = None
    rule: el.Rule | None = None
    column: str | None = None


def column_name(clause, owner_name: str | None = None) -> str:
    """A table column as a reader sees it: the label, else the input expression / output name."""
    return (clause.label or getattr(clause, "text", None) or getattr(clause, "name", None)
            or owner_name or clause.id or "")


def output_name(clause, owner_name: str | None = None) -> str:
    return clause.name or clause.label or owner_name or clause.id or ""


class FeelCheck:
    def __init__(self, defs: el.Definitions, smap: SourceMap, names: frozenset,
                 add: Callable[[Finding], None], file: str | None = None,
                 imported: dict | None = None):
        self.defs, self.smap, self.names, self.add, self.file = defs, smap, names, add, file
        self.imported = imported or {}            # import prefix -> Definitions | None
        self.types = Types(defs, [i.name for i in defs.imports])
        self.root = Scope({})
        self.table_names = {id(t.table): t.name for t in decision_tables(defs)}

    # -- reporting --------------------------------------------------------------------------------
    def finding(self, severity, code, message, where: Where, line=None):
        rule = where.rule
        self.add(Finding(severity, code, message, where.element_id,
                         (rule.id or "",) if rule else (), line or where.line, self.file,
                         table=where.table, rows=(rule.index,) if rule else (),
                         column=where.column))

    def parse(self, text: str, kind: str, where: Where, extra=frozenset()):
        try:
            if kind == "unary":
                return parse_unary_tests(text, self.names | extra)
            return parse_expression(text, self.names | extra)
        except FeelSyntaxError as exc:
            what = "unary tests" if kind == "unary" else "expression"
            self.finding("error", "feel-syntax", f"FEEL {what} does not parse: {exc}", where,
                         _line_at(where.line, text, exc.position))
        except RecursionError:
            self.finding("error", "feel-syntax", "FEEL text nested too deeply", where)
        return None

    def check(self, text: str | None, kind: str, scope: Scope, where: Where,
              input_type=None, extra=frozenset()):
        """Parse and resolve one FEEL text; its static type (None when unknown)."""
        if text is None or not text.strip():
            return None
        node = self.parse(text, kind, where, extra)
        if node is None:
            return None

        hinted: list[bool] = []

        def report(message, position):
            # A committee member typing a code such as GL-I.B into a cell meant a text: say how once.
            hint = "" if hinted or '"' in text else f'; a text needs quotes: "{text.strip()}"'
            hinted.append(True)
            self.finding("error", "unresolved-name", f"{message} in {_short(text)}{hint}", where,
                         _line_at(where.line, text, position))
        checker = NameCheck(self.types, report)
        if kind == "unary":
            checker.unary(node, scope, input_type)
            return None
        return checker.expr(node, scope)

    # -- the model --------------------------------------------------------------------------------
    def run(self):
        for item in self.defs.item_definitions.values():
            self.item_definition(item)
        for d in self.defs.decisions.values():
            scope = self.decision_scope(d)
            self.boxed(d.expression, scope, d, [], frozenset())
        for b in self.defs.bkms.values():
            logic = b.encapsulated_logic
            if logic is None:
                continue
            names = {n: FUNCTION for n in [b.name, *self.knowledge(b)]}
            self.boxed(logic, self.root.child(names), b, [], frozenset())

    def item_definition(self, item: el.ItemDefinition):
        base = self.types.resolve(item.type_ref)
        for text, tag in ((item.allowed_values, "allowedValues"),
                          (item.type_constraint, "typeConstraint")):
            if text:
                where = Where(item.id, self.smap.child(item, tag), column=f"{item.name} ({tag})")
                self.check(text, "unary", self.root, where, base)
        for c in item.components:
            self.item_definition(c)

    def knowledge(self, owner) -> list[str]:
        return [self.requirement_name(r) for r in owner.required_knowledge]

    def requirement_name(self, ref: str) -> str:
        """Same-model requirements are names already; others are hrefs into an import."""
        if "#" not in ref:
            return ref
        namespace, _, ident = ref.partition("#")
        for imp in self.defs.imports:
            if imp.namespace == namespace:
                sub = self.imported.get(imp.name)
                target = sub.by_id.get(ident) if sub is not None else None
                return f"{imp.name}.{target.name}" if target is not None else imp.name
        return ref

    def decision_scope(self, d: el.Decision) -> Scope:
        names: dict = {}
        for imp in self.defs.imports:
            sub = self.imported.get(imp.name)
            if sub is None:
                names[imp.name] = None           # not available here: its names are not checked
            else:
                names[imp.name] = Struct({n: None for group in (sub.decisions, sub.input_data,
                                                                 sub.bkms, sub.decision_services)
                                          for n in group})
        for ref in d.required_decisions:
            decision = self.defs.decisions.get(ref)
            names[self.requirement_name(ref)] = self.decision_type(decision) if decision else None
        for ref in d.required_inputs:
            data = self.defs.input_data.get(ref)
            names[self.requirement_name(ref)] = self.types.resolve(data.type_ref) if data else None
        for name in self.knowledge(d):
            names[name] = FUNCTION
        return self.root.child(names)

    def decision_type(self, d: el.Decision):
        if d.type_ref:
            return self.types.resolve(d.type_ref)
        e = d.expression
        if isinstance(e, el.DecisionTable):
            return self.table_type(e, d)
        if isinstance(e, el.Context):
            variables = [entry.variable for entry in e.entries if entry.variable is not None]
            if len(variables) < len(e.entries):     # a final result entry: not a context's value
                return None
            return Struct({v.name: self.types.resolve(v.type_ref) for v in variables})
        return self.types.resolve(getattr(e, "type_ref", None))

    def table_type(self, table: el.DecisionTable, owner):
        if len(table.outputs) == 1:
            one = self.types.resolve(table.outputs[0].type_ref)
        else:
            one = Struct({output_name(o, owner.name): self.types.resolve(o.type_ref)
                          for o in table.outputs})
        many = table.hit_policy in ("COLLECT", "RULE ORDER", "OUTPUT ORDER") and not table.aggregation
        return ListOf(one) if many else one

    # -- boxed expressions ------------------------------------------------------------------------
    def boxed(self, e, scope: Scope, owner, path: list[str], extra: frozenset):
        """Check a boxed expression; its static type."""
        if e is None:
            return None
        here = Where(e.id or owner.id, self.smap.text(e) if e.id else owner.line,
                     column=" / ".join([owner.name or "", *path]))
        declared = self.types.resolve(getattr(e, "type_ref", None))
        if isinstance(e, el.LiteralExpression):
            if (e.expression_language or "").lower() not in FEEL_LANGUAGES:
                return declared
            found = self.check(e.text, "expression", scope, here, extra=extra)
            return declared or found
        if isinstance(e, el.DecisionTable):
            self.table(e, scope, owner, path, extra)
            return declared or self.table_type(e, owner)
        if isinstance(e, el.Context):
            fields: dict = {}
            inner = scope.child(fields)
            for entry in e.entries:
                if entry.variable is not None and isinstance(entry.value, el.FunctionDefinition):
                    fields[entry.variable.name] = FUNCTION
            result = None
            for n, entry in enumerate(e.entries, start=1):
                name = entry.variable.name if entry.variable is not None else "result"
                t = self.boxed(entry.value, inner, owner, [*path, name or f"entry {n}"], extra)
                if entry.variable is None:
                    result = t
                else:
                    fields[entry.variable.name] = self.types.resolve(entry.variable.type_ref) or t
            if any(entry.variable is None for entry in e.entries):
                return declared or result
            return declared or Struct(dict(fields))
        if isinstance(e, el.Invocation):
            self.boxed(e.callee, scope, owner, [*path, "function"], extra)
            for b in e.bindings:
                self.boxed(b.value, scope, owner, [*path, b.parameter.name or "argument"], extra)
            return declared
        if isinstance(e, el.ListExpression):
            for n, item in enumerate(e.items, start=1):
                self.boxed(item, scope, owner, [*path, f"item {n}"], extra)
            return declared or ListOf(None)
        if isinstance(e, el.Relation):
            for r, row in enumerate(e.rows, start=1):
                for column, cell in zip(e.columns, row):
                    self.boxed(cell, scope, owner, [*path, f"row {r}", column.name or ""], extra)
            return declared or ListOf(Struct({c.name: self.types.resolve(c.type_ref)
                                              for c in e.columns}))
        if isinstance(e, el.FunctionDefinition):
            params = {p.name: self.types.resolve(p.type_ref) for p in e.parameters}
            dotted = frozenset(p.name for p in e.parameters if "." in (p.name or ""))
            if (e.kind or "FEEL").upper() == "FEEL":
                self.boxed(e.body, scope.child(params), owner, [*path, "body"] if path else [],
                           extra | dotted)
            return FUNCTION
        if isinstance(e, el.Conditional):
            self.boxed(e.if_, scope, owner, [*path, "if"], extra)
            a = self.boxed(e.then, scope, owner, [*path, "then"], extra)
            b = self.boxed(e.else_, scope, owner, [*path, "else"], extra)
            return declared or (a if a == b and not isinstance(a, Struct) else None)
        if isinstance(e, el.Filter):
            source = self.boxed(e.in_, scope, owner, [*path, "in"], extra)
            item = item_type(source)
            names = {"item": item, **(_fields(item))}
            self.boxed(e.match, scope.child(names, open_=item is None), owner, [*path, "match"], extra)
            return declared or source
        if isinstance(e, el.Iteration):
            source = self.boxed(e.in_, scope, owner, [*path, "in"], extra)
            names = {e.iterator_variable: item_type(source)}
            if e.kind == "for":
                names["partial"] = ListOf(None)
            self.boxed(e.body, scope.child(names), owner,
                       [*path, "return" if e.kind == "for" else "satisfies"], extra)
            return declared or (ListOf(None) if e.kind == "for" else BOOLEAN)
        return declared

    def table(self, t: el.DecisionTable, scope: Scope, owner, path, extra):
        name = self.table_names[id(t)]
        base = Where(t.id or owner.id, t.line, table=name)
        input_types = []
        for clause in t.inputs:
            column = column_name(clause)
            where = replace(base, line=self.smap.child(clause, "inputExpression"),
                            column=f"{column} (input expression)")
            found = self.check(clause.text, "expression", scope, where, extra=extra)
            input_type = self.types.resolve(clause.type_ref) or found
            input_types.append(input_type)
            if clause.input_values:
                self.check(clause.input_values, "unary", scope,
                           replace(where, line=self.smap.child(clause, "inputValues"),
                                   column=f"{column} (input values)"), input_type, extra)
        for output in t.outputs:
            column = output_name(output, owner.name)
            out_type = self.types.resolve(output.type_ref)
            if output.output_values:
                self.check(output.output_values, "unary", scope,
                           replace(base, line=self.smap.child(output, "outputValues"),
                                   column=f"{column} (output values)"), out_type, extra)
            if output.default_output:
                self.check(output.default_output, "expression", scope,
                           replace(base, line=self.smap.child(output, "defaultOutputEntry"),
                                   column=f"{column} (default output)"), extra=extra)
        for rule in t.rules:
            for c, text in enumerate(rule.input_entries):
                where = replace(base, rule=rule, line=self.smap.cell(rule, "inputEntry", c),
                                column=column_name(t.inputs[c]) if c < len(t.inputs) else None)
                self.check(text, "unary", scope, where,
                           input_types[c] if c < len(input_types) else None, extra)
            for c, text in enumerate(rule.output_entries):
                where = replace(base, rule=rule, line=self.smap.cell(rule, "outputEntry", c),
                                column=output_name(t.outputs[c], owner.name) if c < len(t.outputs) else None)
                self.check(text, "expression", scope, where, extra=extra)


def _fields(t) -> dict:
    if isinstance(t, Struct):
        t.get("")
        return dict(t.fields)
    return {}


def _short(text: str) -> str:
    one = " ".join(text.split())
    return repr(one if len(one) <= 80 else one[:77] + "...")


def _line_at(line: int | None, text: str, position: int | None) -> int | None:
    """The line of `position` in a text that starts on `line` (multi-line expressions)."""
    if line is None or position is None:
        return line
    return line + text[:position].count("\n")
