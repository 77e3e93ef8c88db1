"""Boxed expressions compiled once into closures `fn(scope) -> value`.

Each closure never raises: FEEL errors arrive as None plus a message on the scope, and this layer
reports its own (type-mismatch, limit, ...) the same way. Decision tables are compiled by
decision_table.py.
"""
from __future__ import annotations

import threading
from typing import Callable

from pydmn.errors import FeelSyntaxError, ModelError
from pydmn.evaluation.decision_table import CompiledTable
from pydmn.feel import UnaryTests, compile_expression, compile_unary_tests
from pydmn.feel.budget import FREE_ITEMS, charge
from pydmn.feel.external import compile_external
from pydmn.feel.scope import Scope
from pydmn.feel.values import FeelFunction, FeelValue
from pydmn.model import elements as el
from pydmn.model.namespaces import FEEL_LANGUAGES
from pydmn.model.types import ANY, DataType, TypeSystem, coerce

MAX_DEPTH = 256

Compiled = Callable[[Scope], FeelValue]


def parameter_names(items: list[el.InformationItem]) -> list[str]:
    """A function's parameter names (the schema requires each; a nameless one binds nothing)."""
    return [p.name or "" for p in items]


def _null(_scope):
    return None


def _coerced(fn, dtype, element_id):
    def run(scope):
        return coerce(fn(scope), dtype, scope, element_id)
    return run


class DMNFunction(FeelFunction):
    """A BKM or a boxed function definition: FEEL-callable, closing over its defining scope."""

    def __init__(self, name: str, params: list[str], param_types: list, body: Compiled,
                 result_type, closure_scope, element_id: str | None = None):
        self.name = name
        self.params = params
        self.param_types = param_types
        self.body = body
        self.result_type = result_type
        self.closure = closure_scope       # None: resolved at invocation (BKMs)
        self.element_id = element_id
        self._depth = threading.local()     # recursion depth per thread (the service is threaded)

    def invoke(self, args, named, scope):
        if named is not None:
            unknown = set(named) - set(self.params)
            if unknown:
                return scope.report("invalid-argument",
                                    f"{self.name} has no parameter {sorted(unknown)[0]!r}",
                             self.element_id)
            args = [named.get(p) for p in self.params]
        elif len(args) != len(self.params):
            return scope.report("invalid-argument", f"{self.name} takes {len(self.params)} "
                                                    f"arguments, got {len(args)}",
                         self.element_id)
        values = {}
        for p, a, t in zip(self.params, args, self.param_types):
            value = coerce(a, t, scope, self.element_id)
            if value is None and a is not None:
                # A non-conforming argument makes the invocation null (TCK 0082).
                return None
            values[p] = value
        depth = getattr(self._depth, "n", 0)
        if depth >= MAX_DEPTH:
            return scope.report("limit", f"recursion deeper than {MAX_DEPTH} in {self.name}",
                                self.element_id)
        charge(1)
        # The body sees its defining scope, but reports into the caller's message list.
        local = (self.closure or scope).child(values)     # arguments are FEEL values
        local.messages = scope.messages
        self._depth.n = depth + 1
        try:
            result = self.body(local)
        finally:
            self._depth.n = depth
        return coerce(result, self.result_type, scope, self.element_id)


class BoxedCompiler:
    """Compiles the boxed expressions of one model; `names` are its multi-word names."""

    def __init__(self, names: frozenset, types: TypeSystem, file: str | None = None,
                 lenient: bool = False):
        self.names = names
        self.types = types
        self.file = file
        # Lenient (the TCK runner): an expression that does not compile becomes null with an
        # error at evaluation, and the load errors are kept, instead of refusing the model.
        self.lenient = lenient
        self.load_errors: list[ModelError] = []

    def with_names(self, extra) -> "BoxedCompiler":
        """A compiler for a nested scope that defines `extra` names (parameters, entries)."""
        extra = frozenset(n for n in extra if n) - self.names
        if not extra:
            return self
        inner = BoxedCompiler(self.names | extra, self.types, self.file, self.lenient)
        inner.load_errors = self.load_errors
        return inner

    def reject(self, error: ModelError, unary: bool = False):
        if not self.lenient:
            raise error
        self.load_errors.append(error)
        text, eid = str(error), error.element_id
        if unary:
            return lambda scope, value: scope.report("not-compiled", text, eid)
        return lambda scope: scope.report("not-compiled", text, eid)

    def feel(self, text: str, element_id: str | None, line: int | None = None) -> Compiled:
        try:
            return compile_expression(text, names=self.names)
        except FeelSyntaxError as exc:
            return self.reject(ModelError(f"FEEL syntax error: {exc}", file=self.file,
                                          line=line, element_id=element_id))
        except RecursionError:
            return self.reject(ModelError("FEEL expression nested too deeply", file=self.file,
                                          line=line, element_id=element_id))

    def tests(self, text: str | None, element_id: str | None,
              line: int | None = None) -> UnaryTests | None:
        """Compiled unary tests, or None for none (`-` or no text)."""
        if text is None or not text.strip() or text.strip() == "-":
            return None
        try:
            return compile_unary_tests(text, self.names)
        except FeelSyntaxError as exc:
            return self.reject(ModelError(f"FEEL syntax error in unary tests: {exc}",
                                          file=self.file, line=line, element_id=element_id),
                               unary=True)

    def type_of(self, ref: str | None, element_id: str | None) -> DataType:
        if not ref:
            return ANY
        try:
            return self.types.resolve(ref)
        except ModelError as exc:
            raise ModelError(str(exc), file=self.file, element_id=element_id) from None

    def compile(self, expr: el.Expression | None) -> Compiled:
        if expr is None:
            return _null
        method = getattr(self, "c_" + type(expr).__name__)
        fn = method(expr)
        if expr.type_ref and not isinstance(expr, (el.DecisionTable, el.FunctionDefinition)):
            # A boxed expression's typeRef coerces its result (DMN 1.5 §7.3.x, TCK 0082).
            dtype = self.type_of(expr.type_ref, expr.id)
            if dtype is not ANY:
                return _coerced(fn, dtype, expr.id)
        return fn

    def c_LiteralExpression(self, expr: el.LiteralExpression) -> Compiled:
        if expr.expression_language not in FEEL_LANGUAGES:
            lang = expr.expression_language
            return lambda scope: scope.report(
                "unsupported", f"expression language {lang!r} is not supported", expr.id)
        if not expr.text.strip():
            return _null
        return self.feel(expr.text, expr.id, expr.line)

    def c_Context(self, expr: el.Context) -> Compiled:
        entries = []
        result_fn = None
        for entry in expr.entries:
            fn = self.compile(entry.value)
            if entry.variable is None:
                result_fn = fn
                continue
            var = entry.variable
            entries.append((var.name, fn, self.type_of(var.type_ref, var.id), var.id))

        def run(scope):
            local = scope.child({})
            out = {}
            for name, fn, dtype, eid in entries:
                value = fn(local)
                if dtype is not ANY:
                    value = coerce(value, dtype, local, eid)
                out[name] = value
                local = local.child({name: value})
            if result_fn is not None:
                return result_fn(local)
            return out
        return run

    def c_Invocation(self, expr: el.Invocation) -> Compiled:
        callee = self.compile(expr.callee)
        bindings = [(b.parameter.name or "", self.compile(b.value)) for b in expr.bindings]
        callee_text = getattr(expr.callee, "text", "?")

        def run(scope):
            fn = callee(scope)
            if not isinstance(fn, FeelFunction):
                return scope.report("no-function", f"{callee_text!r} is not a function", expr.id)
            named = {name: value(scope) for name, value in bindings}
            return fn.invoke(None, named, scope)
        return run

    def c_ListExpression(self, expr: el.ListExpression) -> Compiled:
        items = [self.compile(i) for i in expr.items]
        return lambda scope: [fn(scope) for fn in items]

    def c_Relation(self, expr: el.Relation) -> Compiled:
        columns = [(c.name, self.type_of(c.type_ref, c.id), c.id) for c in expr.columns]
        rows = [[self.compile(cell) for cell in row] for row in expr.rows]

        def run(scope):
            return [{name: coerce(fn(scope), dtype, scope, eid)
                     for (name, dtype, eid), fn in zip(columns, row)} for row in rows]
        return run

    def c_FunctionDefinition(self, expr: el.FunctionDefinition) -> Compiled:
        if expr.kind == "Java":
            # The body is the mapping context {class, method signature} of a FEEL `external`.
            mapping = self.compile(expr.body)
            return compile_external(parameter_names(expr.parameters),
                                    lambda scope: {"java": mapping(scope)})
        if expr.kind not in ("FEEL", None):
            kind = expr.kind
            return lambda scope: DMNFunction(
                f"{kind} function", parameter_names(expr.parameters),
                [ANY] * len(expr.parameters),
                lambda s: s.report("unsupported", f"{kind} functions are not supported", expr.id),
                ANY, scope, expr.id)
        params = parameter_names(expr.parameters)
        types = [self.type_of(p.type_ref, p.id) for p in expr.parameters]
        body = self.with_names(params).compile(expr.body)
        return lambda scope: DMNFunction("function", params, types, body, ANY, scope, expr.id)

    def c_Conditional(self, expr: el.Conditional) -> Compiled:
        cond, then, other = (self.compile(expr.if_), self.compile(expr.then),
                             self.compile(expr.else_))

        def run(scope):
            test = cond(scope)
            if test is True:
                return then(scope)
            if test is None or test is False:
                return other(scope)
            return scope.report("invalid-type", "conditional: the if expression is not a boolean",
                                expr.id)
        return run

    def c_Filter(self, expr: el.Filter) -> Compiled:
        source, match = self.compile(expr.in_), self.compile(expr.match)

        def run(scope):
            items = source(scope)
            if not isinstance(items, list):
                return scope.report("invalid-type", "filter: the in expression is not a list",
                                    expr.id)
            charge(len(items))
            out = []
            for item in items:
                if isinstance(item, dict) and len(item) > FREE_ITEMS:
                    charge(len(item))
                values = dict(item) if isinstance(item, dict) else {}
                values["item"] = item
                keep = match(scope.child(values))
                if keep is True:
                    out.append(item)
                elif keep is not None and keep is not False:
                    return scope.report("invalid-type", "filter: the match expression is "
                                                        "not a boolean", expr.id)
            return out
        return run

    def c_Iteration(self, expr: el.Iteration) -> Compiled:
        source, body, var, kind = (self.compile(expr.in_), self.compile(expr.body),
                                   expr.iterator_variable, expr.kind)

        def run(scope):
            items = source(scope)
            if not isinstance(items, list):
                # DMN 1.5 boxed iterators do not wrap a single value into a list (TCK 1152-1154).
                return scope.report("invalid-type", f"{kind}: the in expression is not a list",
                                    expr.id)
            charge(len(items))
            results = [body(scope.child({var: item})) for item in items]
            if kind == "for":
                return results
            if any(not isinstance(r, bool) for r in results):
                return scope.report("invalid-type", f"{kind}: the satisfies expression is "
                                                    "not a boolean", expr.id)
            return any(results) if kind == "some" else all(results)
        return run

    def c_DecisionTable(self, expr: el.DecisionTable) -> Compiled:
        return CompiledTable(expr, self)
