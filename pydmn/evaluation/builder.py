"""Loading: DMN sources -> definitions as read -> one frozen, compiled `Model` per namespace.

Every expression is compiled once here; evaluation does no parsing. The imports of the model,
and their imports in turn, are matched by namespace among the models given to `load`. Nothing of
the definitions is changed: what the builder works out (requirements resolved across imports,
types, compiled logic) lives in the Model.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Iterable, NamedTuple

from pydmn.errors import FeelSyntaxError, ModelError
from pydmn.evaluation.boxed import BoxedCompiler, DMNFunction, parameter_names
from pydmn.evaluation.graph import Graph, Link, check_cycles
from pydmn.evaluation.model import Model
from pydmn.evaluation.services import DecisionServiceFunction, NullFunction
from pydmn.feel import UnaryTests, compile_unary_tests
from pydmn.feel.scope import Scope
from pydmn.feel.typecheck import ITEM_DEFINITIONS
from pydmn.model import elements as el
from pydmn.model.names import feel_names
from pydmn.model.reader import ModelSource, parse_definitions, read_source
from pydmn.model.types import ANY, DataType, TypeSystem


class Source(NamedTuple):
    definitions: el.Definitions
    data: bytes
    path: str | None


def load(source: ModelSource | Model, imports: Iterable[ModelSource | Model] = (),
         lenient: bool = False) -> Model:
    """Load a model from a path, bytes or XML text; `imports` are the models it imports and the
    models those import (Models, paths, bytes or text), matched by namespace. `lenient` keeps a
    model whose expressions do not all compile: those evaluate to null with an error, and
    `Model.load_errors` lists them. Raises ModelError."""
    return _Builder([_source(m) for m in imports], lenient).model(_source(source))


def _source(item: ModelSource | Model) -> Source:
    if isinstance(item, Model):
        return Source(item.definitions, item.source, item.path)
    data, path = read_source(item)
    return Source(parse_definitions(data, path), data, path)


def _imports_decisions(imp: el.Import) -> bool:
    # XSD and PMML imports carry no decisions
    return not imp.import_type or "dmn" in imp.import_type.lower()


class _Builder:
    def __init__(self, pool: list[Source], lenient: bool):
        self.pool: dict[str, Source] = {}
        for src in pool:
            self.pool.setdefault(src.definitions.namespace, src)
        self.lenient = lenient
        self.graph = Graph()
        self.models: dict[str, Model] = {}      # by namespace; decision services read it
        self.building: set[str] = set()

    def model(self, src: Source) -> Model:
        defs = src.definitions
        if defs.namespace in self.models:
            return self.models[defs.namespace]
        if defs.namespace in self.building:
            raise ModelError(f"the imports of namespace {defs.namespace!r} form a cycle",
                             file=src.path)
        self.building.add(defs.namespace)
        imports = {}
        for imp in defs.imports:
            if not _imports_decisions(imp):
                continue
            target = self.pool.get(imp.namespace)
            if target is None:
                raise ModelError(f"imported namespace {imp.namespace!r} ({imp.name!r}) was not "
                                 f"supplied in imports=", file=src.path)
            imports[imp.name] = self.model(target)
        self.graph.add(defs)
        model = _Unit(self, src, imports).build()
        self.models[defs.namespace] = model
        return model


class _Unit:
    """The compilation of one model, its imports compiled already."""

    def __init__(self, builder: _Builder, src: Source, imports: dict[str, Model]):
        self.builder = builder
        self.defs = src.definitions
        self.src = src
        self.file = src.path
        self.imports = imports
        self.prefixes = {imp.namespace: imp.name for imp in self.defs.imports
                         if imp.name in imports}
        self.names = feel_names(self.defs, {p: m.names for p, m in imports.items()})
        self.load_errors: list[ModelError] = []
        self.types = TypeSystem(self.defs.item_definitions, self.compile_tests, self.file)
        self.types.imports.update({p: m.types for p, m in imports.items()})
        self.compiler = BoxedCompiler(self.names, self.types, self.file, builder.lenient)
        self.compiler.load_errors = self.load_errors

    def compile_tests(self, text: str, element_id: str | None) -> UnaryTests:
        try:
            return compile_unary_tests(text, self.names)
        except FeelSyntaxError as exc:
            error = ModelError(f"allowed values: {exc}", file=self.file, element_id=element_id)
            if not self.builder.lenient:
                raise error from None
            self.load_errors.append(error)
            return lambda scope, value: None

    def type_of(self, ref: str | None, element: el.Element) -> DataType:
        if not ref:
            return ANY
        try:
            return self.types.resolve(ref)
        except ModelError as exc:
            raise ModelError(str(exc).split(": ", 1)[-1], file=self.file, line=element.line,
                             element_id=element.id) from None

    def result_type(self, ref: str | None, element: el.Element) -> DataType:
        """The type of what a BKM or service returns: a function type gives its output."""
        dtype = self.type_of(ref, element)
        return (dtype.result or ANY) if dtype.base == "function" else dtype

    def link(self, kind: str, href: str, owner: el.Element, exposed: bool = True) -> Link:
        return self.builder.graph.link(kind, href, owner, self.defs, self.prefixes, self.file,
                                       exposed)

    def build(self) -> Model:
        defs = self.defs
        for name, item in defs.item_definitions.items():    # every constraint compiles now
            self.type_of(name, item)
        requirements = self.requirements()
        input_types = {n: self.type_of(i.type_ref, i) for n, i in defs.input_data.items()}
        decision_types = {n: self.type_of(d.type_ref, d) for n, d in defs.decisions.items()}
        logic = {name: self.compiler.compile(d.expression) for name, d in defs.decisions.items()}
        functions = self.functions()
        values: dict = dict(functions)
        for prefix, sub in self.imports.items():
            values[prefix] = dict(sub.functions)
            values.update({f"{prefix}.{fname}": fn for fname, fn in sub.functions.items()})
        values[ITEM_DEFINITIONS] = self.types.is_instance
        knowledge = Scope()
        knowledge.variables = values      # functions, not values to convert
        for fn in functions.values():
            if isinstance(fn, DMNFunction):
                fn.closure = knowledge
        return Model(defs, self.src.data, self.file, MappingProxyType(self.imports), self.names,
                     self.types, MappingProxyType(input_types), MappingProxyType(decision_types),
                     MappingProxyType(logic), MappingProxyType(requirements),
                     MappingProxyType(functions), knowledge, tuple(self.load_errors))

    def requirements(self) -> dict[str, tuple[Link, ...]]:
        defs = self.defs
        found, edges = {}, {}
        for d in defs.decisions.values():
            links = tuple(self.link(r.kind, r.href, d) for r in d.requirements
                          if r.kind != "authority")
            found[d.name] = links
            edges[(defs.namespace, d.name)] = [link.key for link in links
                                               if link.kind == "decision"]
        for b in defs.bkms.values():
            for r in b.requirements:
                if r.kind == "knowledge":
                    self.link(r.kind, r.href, b)

        def cycle(key: tuple[str, str]) -> ModelError:
            element = defs.decisions[key[1]]
            return ModelError(f"decision {element.name!r} requires itself (cycle in the "
                              f"requirements)", file=self.file, line=element.line,
                              element_id=element.id)
        check_cycles(edges, cycle)
        return found

    def functions(self) -> dict:
        functions: dict = {}
        for name, b in self.defs.bkms.items():
            logic = b.encapsulated_logic
            if logic is None:
                functions[name] = NullFunction(name, b.id)
                continue
            params = parameter_names(logic.parameters)
            ptypes = [self.type_of(p.type_ref, p) for p in logic.parameters]
            if logic.kind not in ("FEEL", None):
                body = (lambda scope, kind=logic.kind, i=b.id: scope.report(
                    "unsupported", f"{kind} functions are not supported", i))
                functions[name] = DMNFunction(name, params, ptypes, body, ANY, None, b.id)
                continue
            functions[name] = DMNFunction(
                name, params, ptypes, self.compiler.with_names(params).compile(logic.body),
                self.result_type(logic.type_ref or b.type_ref, b), None, b.id)
        for name, s in self.defs.decision_services.items():
            def links(kind: str, hrefs: list[str], s: el.DecisionService = s) -> list[Link]:
                return [self.link(kind, h, s, exposed=False) for h in hrefs]
            links("decision", s.encapsulated_decisions)
            functions[name] = DecisionServiceFunction(
                s, links("input", s.input_data), links("decision", s.input_decisions),
                links("decision", s.output_decisions), self.result_type(s.type_ref, s),
                self.builder.models)
        return functions
