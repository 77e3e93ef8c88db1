"""`pydmn.Model`: a loaded, compiled DMN model and its evaluation.

Loading compiles every expression once; evaluation walks the requirements graph depth-first,
evaluating each required decision once per request, and never raises except for caller mistakes
(an unknown decision name).
"""
from __future__ import annotations

from typing import Any, Iterable

from pydmn.errors import EvaluationError, Message, ModelError
from pydmn.evaluation.boxed import ANY, BoxedCompiler, DMNFunction
from pydmn.evaluation.decision_table import CompiledTable
from pydmn.evaluation.graph import Graph, check_cycles
from pydmn.evaluation.result import DecisionResult, Result
from pydmn.evaluation.services import DecisionServiceFunction, null_function
from pydmn.feel import Scope, compile_unary_tests
from pydmn.feel.operators import to_feel as _to_feel
from pydmn.feel.typecheck import ITEM_DEFINITIONS
from pydmn.model import elements as el
from pydmn.model.reader import parse_definitions, read_source
from pydmn.model.types import DataType, TypeSystem, coerce


def collect_names(defs: el.Definitions) -> set[str]:
    """Every name a FEEL expression of the model may use, for multi-word name recognition."""
    names: set[str] = set()

    def item(i: el.ItemDefinition):
        names.add(i.name)
        for c in i.components:
            item(c)

    def expr(e):
        if e is None:
            return
        if isinstance(e, el.Context):
            for entry in e.entries:
                if entry.variable is not None:
                    names.add(entry.variable.name)
                expr(entry.value)
        elif isinstance(e, el.FunctionDefinition):
            # Dotted parameter names (`Person.Gender`) would shadow paths model-wide; the
            # compiler adds them only inside their function.
            names.update(p.name for p in e.parameters if "." not in p.name)
            expr(e.body)
        elif isinstance(e, el.Invocation):
            expr(e.callee)
            for b in e.bindings:
                expr(b.value)
        elif isinstance(e, el.Relation):
            names.update(c.name for c in e.columns)
            for row in e.rows:
                for cell in row:
                    expr(cell)
        elif isinstance(e, el.ListExpression):
            for i in e.items:
                expr(i)
        elif isinstance(e, el.Conditional):
            expr(e.if_), expr(e.then), expr(e.else_)
        elif isinstance(e, el.Filter):
            expr(e.in_), expr(e.match)
        elif isinstance(e, el.Iteration):
            names.add(e.iterator_variable)
            expr(e.in_), expr(e.body)
        elif isinstance(e, el.DecisionTable):
            names.update(o.name for o in e.outputs if o.name)

    for i in defs.item_definitions.values():
        item(i)
    for table in (defs.input_data, defs.decisions, defs.bkms, defs.decision_services):
        names.update(table)
    for d in defs.decisions.values():
        expr(d.expression)
    for b in defs.bkms.values():
        expr(b.encapsulated_logic)
    return {n for n in names if n}


def _safe_feel(value, name, scope):
    try:
        return _to_feel(value)
    except Exception:     # a Python value FEEL has no kind for: null, never a crash
        scope.messages.append(Message("error", "invalid-type",
                                      f"input {name!r} has no FEEL equivalent", None))
        return None


class Run:
    """State of one evaluation request: inputs by namespace, overrides, memoised decisions."""

    def __init__(self, inputs_by_ns: dict, messages: list, overrides: dict | None = None,
                 extra: dict | None = None):
        self.inputs_by_ns = inputs_by_ns
        self.overrides = overrides or {}
        self.extra = extra or {}
        self.messages = messages
        self.results: dict = {}
        self.bases: dict = {}


class Model:
    """A loaded DMN model (see docs/design.md for the public surface)."""

    def __init__(self, definitions: el.Definitions, source: bytes, path: str | None):
        self.definitions = definitions
        self.source = source
        self.path = path
        self.file = path
        self.name = definitions.name
        self.namespace = definitions.namespace
        self.id = definitions.id
        self.dmn_version = definitions.dmn_version
        self.imports: dict[str, Model] = {}      # import prefix -> model
        self.prefixes: dict[str, str] = {}       # namespace -> import prefix

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def load(cls, source, imports: Iterable = (), lenient: bool = False) -> "Model":
        """`lenient` keeps a model whose expressions do not all compile (the TCK runner uses
        it): those expressions evaluate to null with an error, `load_errors` lists them."""
        pool = [m if isinstance(m, Model) else cls._parse(m) for m in imports]
        model = cls._parse(source)
        graph = Graph()
        model._link(pool, graph, set())
        for m in [model, *pool]:
            m.lenient = lenient
        model._compile_all(graph, set())
        return model

    @classmethod
    def _parse(cls, source) -> "Model":
        data, file = read_source(source)
        return cls(parse_definitions(data, file), data, file)

    def _link(self, pool: list, graph: Graph, seen: set):
        if self.namespace in seen:
            return
        seen.add(self.namespace)
        graph.add_unit(self)
        self.graph = graph
        for imp in self.definitions.imports:
            if imp.import_type and "DMN" not in imp.import_type.upper() and \
                    "dmn" not in imp.import_type:
                continue      # XSD / PMML imports carry no decisions
            target = next((m for m in pool if m.namespace == imp.namespace), None)
            if target is None:
                raise ModelError(f"imported namespace {imp.namespace!r} ({imp.name!r}) was not "
                                 f"supplied in imports=", file=self.file)
            self.imports[imp.name] = target
            self.prefixes[imp.namespace] = imp.name
            target._link(pool, graph, seen)

    def _all_names(self, seen=None) -> set[str]:
        seen = seen if seen is not None else set()
        if self.namespace in seen:
            return set()
        seen.add(self.namespace)
        names = collect_names(self.definitions)
        for prefix, sub in self.imports.items():
            sub_names = sub._all_names(seen)
            names |= sub_names
            names |= {f"{prefix}.{n}" for n in sub_names}
        return names

    def _compile_all(self, graph: Graph, done: set):
        if self.namespace in done:
            return
        done.add(self.namespace)
        for sub in self.imports.values():
            sub._compile_all(graph, done)
        self.names = frozenset(self._all_names())
        self.types = TypeSystem(self.definitions.item_definitions, self._compile_tests, self.file)
        for prefix, sub in self.imports.items():
            self.types.imports[prefix] = sub.types
        compiler = BoxedCompiler(self.names, self.types, self.file,
                                 getattr(self, "lenient", False))
        self.load_errors = compiler.load_errors
        defs = self.definitions
        # Requirements: hrefs -> keys, and the element lists rewritten to (prefixed) names.
        self.requirements: dict[str, list] = {}
        edges = {}
        for d in defs.decisions.values():
            reqs = []
            for attr, kinds in (("required_decisions", (el.Decision,)),
                                ("required_inputs", (el.InputData,)),
                                ("required_knowledge", (el.BusinessKnowledgeModel,
                                                        el.DecisionService))):
                named = []
                for href in d.requirement_hrefs.get(attr, ()):
                    key, (unit, element) = graph.resolve(self, href, d, kinds)
                    prefix, name = graph.exposed_name(self, key, element, d)
                    named.append(f"{prefix}.{name}" if prefix else name)
                    reqs.append((attr, key, unit, element, prefix, name))
                setattr(d, attr, named)
            self.requirements[d.name] = reqs
            edges[(self.namespace, d.id)] = [r[1] for r in reqs if r[0] == "required_decisions"]
        for b in defs.bkms.values():
            b.required_knowledge = [self._req_name(graph, h, b, (el.BusinessKnowledgeModel,
                                                                 el.DecisionService))
                                    for h in b.requirement_hrefs.get("required_knowledge", ())]

        def cycle(key):
            unit, element = graph.nodes[key]
            return ModelError(f"decision {element.name!r} requires itself (cycle in the "
                              f"requirements)", file=unit.file, line=element.line,
                              element_id=element.id)
        check_cycles(edges, cycle)
        # Types of the DRG variables.
        self.input_types = {n: self._type(i.type_ref, i) for n, i in defs.input_data.items()}
        self.decision_types = {n: self._type(d.type_ref, d) for n, d in defs.decisions.items()}
        # Expressions.
        self.compiled = {}
        for name, d in defs.decisions.items():
            self.compiled[name] = compiler.compile(d.expression)
        # Knowledge: BKMs and decision services as FEEL functions in a static scope.
        functions: dict[str, Any] = {}
        self.functions = functions
        self.knowledge = Scope({})
        for name, b in defs.bkms.items():
            logic = b.encapsulated_logic
            if logic is None:
                functions[name] = null_function(name, b.id)
                continue
            result_ref = logic.type_ref or b.type_ref
            result_type = self._type(result_ref, b)
            if result_type.base == "function":
                result_type = ANY
            params = [p.name for p in logic.parameters]
            ptypes = [self._type(p.type_ref, p) for p in logic.parameters]
            if logic.kind not in ("FEEL", None):
                functions[name] = DMNFunction(name, params, ptypes,
                                              lambda s, kind=logic.kind, i=b.id: s.messages.append(
                                                  Message("error", "evaluation",
                                                          f"{kind} functions are not supported",
                                                          i)),
                                              ANY, None, b.id)
                continue
            functions[name] = DMNFunction(name, params, ptypes,
                                          compiler.with_names(params).compile(logic.body),
                                          result_type, None, b.id)
        for name, s in defs.decision_services.items():
            functions[name] = DecisionServiceFunction(self, s, graph)
        values = dict(functions)
        for prefix, sub in self.imports.items():
            values[prefix] = dict(sub.functions)
            for fname, fn in sub.functions.items():
                values[f"{prefix}.{fname}"] = fn
        values[ITEM_DEFINITIONS] = self.types.is_instance
        self.knowledge = Scope(values)
        for fn in functions.values():
            if isinstance(fn, DMNFunction):
                fn.closure = self.knowledge

    def _req_name(self, graph, href, owner, kinds):
        key, (unit, element) = graph.resolve(self, href, owner, kinds)
        prefix, name = graph.exposed_name(self, key, element, owner)
        return f"{prefix}.{name}" if prefix else name

    def _type(self, ref, element) -> DataType:
        if not ref:
            return ANY
        try:
            return self.types.resolve(ref)
        except ModelError as exc:
            raise ModelError(str(exc).split(": ", 1)[-1], file=self.file, line=element.line,
                             element_id=element.id) from None

    def _compile_tests(self, text, element_id):
        from pydmn.errors import FeelSyntaxError
        try:
            return compile_unary_tests(text, self.names)
        except FeelSyntaxError as exc:
            error = ModelError(f"allowed values: {exc}", file=self.file, element_id=element_id)
            if not getattr(self, "lenient", False):
                raise error from None
            self.load_errors.append(error)
            return lambda scope, value: None

    # -- public API ---------------------------------------------------------------------------
    def data_type(self, type_ref_or_input_name: str) -> DataType:
        if type_ref_or_input_name in self.input_types:
            return self.input_types[type_ref_or_input_name]
        return self.types.resolve(type_ref_or_input_name)

    def evaluate(self, inputs: dict | None = None, decision=None,
                 namespaces: dict | None = None) -> Result:
        """Evaluate all decisions, or only `decision` (a name or list of names) and what it needs.

        `namespaces` gives inputs of imported models by namespace; inputs of an imported model may
        also be passed nested under its import prefix.
        """
        defs = self.definitions
        wanted = list(defs.decisions) if decision is None else (
            [decision] if isinstance(decision, str) else list(decision))
        for name in wanted:
            if name not in defs.decisions:
                raise EvaluationError(f"no decision named {name!r} in model {self.name!r}")
        inputs = dict(inputs or {})
        by_ns = {ns: dict(v) for ns, v in (namespaces or {}).items()}
        for prefix, sub in self.imports.items():
            if isinstance(inputs.get(prefix), dict) and prefix not in defs.input_data:
                by_ns.setdefault(sub.namespace, {}).update(inputs.pop(prefix))
        by_ns.setdefault(self.namespace, {}).update(inputs)
        result = Result()
        run = Run(by_ns, result.messages)
        run.root = self
        for name in wanted:
            self._decision(run, defs.decisions[name])
        for name, d in defs.decisions.items():
            found = run.results.get((self.namespace, d.id))
            result.decisions[name] = found or DecisionResult(name, d.id)
        return result

    def invoke(self, name: str, params: dict | None = None) -> Any:
        """Call a BKM or decision service by name with named parameters."""
        return self.invoke_with_messages(name, params)[0]

    def invoke_with_messages(self, name: str, params: dict | None = None):
        fn = self.functions.get(name)
        if fn is None:
            raise EvaluationError(f"no business knowledge model or decision service named "
                                  f"{name!r} in model {self.name!r}")
        scope = Scope({})
        try:
            value = fn.invoke(None, {k: _to_feel(v) for k, v in (params or {}).items()}, scope)
        except RecursionError:
            value = None
            scope.messages.append(Message("error", "limit", "recursion too deep", None))
        except Exception as exc:     # evaluation never raises: a defect becomes a message
            value = None
            scope.messages.append(Message("error", "evaluation",
                                          f"internal error: {type(exc).__name__}: {exc}", None))
        return value, scope.messages

    # -- evaluation ---------------------------------------------------------------------------
    def _base(self, run: Run):
        base = run.bases.get(self.namespace)
        if base is not None:
            return base
        given = run.inputs_by_ns.get(self.namespace, {})
        values: dict = {}
        base = self.knowledge.child(values)        # filled below with FEEL values
        base.messages = run.messages
        input_data = self.definitions.input_data
        root = self is getattr(run, "root", self)
        if root:
            # Free variables (inputs no inputData declares) stay visible, as Camunda-style
            # models expect.
            for k, v in given.items():
                if k not in input_data:
                    values[k] = _safe_feel(v, k, base)
        for name, data in input_data.items():
            if name in given:
                values[name] = coerce(_safe_feel(given[name], name, base),
                                      self.input_types[name], base, data.id, convert_text=True)
            else:
                values[name] = None
                if root:
                    run.messages.append(Message("warning", "missing-input",
                                                f"input {name!r} not supplied", data.id))
        run.bases[self.namespace] = base
        return base

    def _decision(self, run: Run, d: el.Decision) -> DecisionResult:
        key = (self.namespace, d.id)
        found = run.results.get(key)
        if found is not None:
            return found
        if key in run.overrides:
            res = DecisionResult(d.name, d.id, run.overrides[key], "succeeded")
            run.results[key] = res
            return res
        nested: dict[str, dict] = {}
        values: dict[str, Any] = {}
        for attr, _, unit, element, prefix, name in self.requirements[d.name]:
            if attr == "required_decisions":
                value = unit._decision(run, element).value
            elif attr == "required_inputs":
                if unit is self:
                    continue
                value = unit._base(run).lookup(element.name)
            else:
                continue
            if prefix:
                nested.setdefault(prefix, dict(self.imports[prefix].functions))[name] = value
                values[f"{prefix}.{name}"] = value
            else:
                values[name] = value
        values.update(nested)
        messages: list[Message] = []
        scope = self._base(run).child(values)
        scope.messages = messages
        fn = self.compiled[d.name]
        matched = []
        try:
            if isinstance(fn, CompiledTable):
                value, matched = fn.run(scope)
            else:
                value = fn(scope)
            value = coerce(value, self.decision_types[d.name], scope, d.id)
        except RecursionError:
            value = None
            messages.append(Message("error", "limit", "recursion too deep", d.id))
        except Exception as exc:     # evaluation never raises: a defect becomes a message
            value = None
            messages.append(Message("error", "evaluation",
                                    f"internal error: {type(exc).__name__}: {exc}", d.id))
        failed = value is None and any(m.severity == "error" for m in messages)
        res = DecisionResult(d.name, d.id, value, "failed" if failed else "succeeded",
                             messages, list(matched))
        run.results[key] = res
        run.messages.extend(messages)
        return res
