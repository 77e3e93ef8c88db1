"""Every name and path in FEEL text resolves, or it is reported where it is written.

A one-letter typo (`count(faild) > 0`, `Assesment.mdt_recommends`) is valid FEEL: the engine
evaluates it to null with a warning, and a policy quietly changes its answers. Here each FEEL
AST is walked with a static scope built from what the spec puts in scope (a decision's
requirements, a BKM's parameters, context entries, iteration variables, `?` in unary tests,
`item` and the item's components in filters) and the item definitions' structure, so paths are
checked component by component.

Where the structure is not known (a value of type Any, a function's result), nothing is claimed:
a finding here is always a name that cannot resolve.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from pydmn.errors import ModelError
from pydmn.feel import ast
from pydmn.feel.builtins import BUILTINS
from pydmn.feel.typecheck import TYPE_NAMES
from pydmn.model import elements as el
from pydmn.model.typerefs import TypeRefs

# values whose paths are never valid (temporal values, durations and ranges have properties)
NO_PROPERTIES = {"number", "string", "boolean"}


# -- static types -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Base:
    name: str


@dataclass(frozen=True, slots=True)
class ListOf:
    item: object            # a type, or None when unknown


@dataclass(eq=False, slots=True)
class Struct:
    """A context of known keys: an item definition's components or a context's entries."""
    fields: dict = field(default_factory=dict)          # name -> type (None: unknown)
    lazy: Callable | None = None                        # item definitions resolve on demand

    def get(self, name: str):
        if self.lazy is not None:
            self.fields, self.lazy = self.lazy(), None
        return self.fields.get(name, _ABSENT)


_ABSENT = object()
FUNCTION = Base("function")
BOOLEAN = Base("boolean")


def base_name(type_ref: str) -> str:
    for prefix in ("feel:", "FEEL:", "feel."):
        if type_ref.startswith(prefix):
            return type_ref[len(prefix):]
    return type_ref


class Types:
    """Item definitions of a model as static types (shared by every scope of the model)."""

    def __init__(self, defs: el.Definitions, import_names=()):
        self.items = defs.item_definitions
        self.import_names = set(import_names)
        self._refs = TypeRefs(self.items, self.item, self._base)

    def resolve(self, type_ref: str | None):
        """The static type of a typeRef; None where it is not known (a recursive or over-deep
        chain of item definitions among them: the engine's loader reports those)."""
        if not type_ref:
            return None
        try:
            return self._refs(base_name(type_ref.strip()))
        except ModelError:
            return None

    @staticmethod
    def _base(ref: str):
        name = TYPE_NAMES.get(ref)
        if name is None or name in ("Any", "Null", "context", "list"):
            return None       # imported types, list<...> / context<...> type text: not modelled
        return Base(name)

    def item(self, item: el.ItemDefinition) -> Base | ListOf | Struct | None:
        inner: Base | ListOf | Struct | None
        if item.function_item is not None:
            inner = FUNCTION
        elif item.components:
            inner = Struct(lazy=lambda: {c.name: self.item(c) for c in item.components})
        else:
            inner = self.resolve(item.type_ref)
        return ListOf(inner) if item.is_collection else inner

    def known_type_name(self, name: str) -> bool:
        name = base_name(name)
        return (name in TYPE_NAMES or name in self.items
                or name.split(".", 1)[0] in self.import_names)


# -- scopes -----------------------------------------------------------------------------------
class Scope:
    """Names visible at one point and their static types. An *open* scope also accepts names it
    cannot list (the components of an item whose structure is unknown, inside a filter)."""

    def __init__(self, names: dict | None = None, parent: "Scope | None" = None, open_: bool = False):
        self.names = names if names is not None else {}
        self.parent = parent
        self.open = open_

    def child(self, names: dict, open_: bool = False) -> "Scope":
        return Scope(names, self, open_)

    def find(self, name: str):
        """(found, type)."""
        scope: Scope | None = self
        is_open = False
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            is_open = is_open or scope.open
            scope = scope.parent
        if name in BUILTINS:
            return True, FUNCTION
        return is_open, None

    def visible(self) -> set[str]:
        names: set[str] = set()
        scope: Scope | None = self
        while scope is not None:
            names.update(scope.names)
            scope = scope.parent
        return names


# -- the check --------------------------------------------------------------------------------
def _literal_type(value):
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, Decimal):
        return Base("number")
    if isinstance(value, str):
        return Base("string")
    return None


def _describe(t) -> str:
    if isinstance(t, Base):
        return f"a {t.name}"
    if isinstance(t, ListOf):
        return "a list"
    return "a value"


def item_type(t):
    """The type of one item of a list (FEEL treats a non-list as a one-item list)."""
    return t.item if isinstance(t, ListOf) else t


class NameCheck:
    """Walks one FEEL AST; `report(message, position)` is called for each name that does not
    resolve. `types` resolves type names of `instance of` and typed function parameters."""

    def __init__(self, types: Types, report: Callable[[str, int | None], None]):
        self.types = types
        self.report = report

    def unary(self, node, scope: Scope, input_type=None):
        """Unary tests: `?` is the input value."""
        if isinstance(node, ast.AnyInput):
            return
        inner = scope.child({"?": input_type})
        for test in node.tests:
            self.expr(test, inner)

    def expr(self, node, scope: Scope):
        """Check `node`; return its static type (None when not known)."""
        method = getattr(self, "_" + type(node).__name__, None)
        if method is not None:
            return method(node, scope)
        for child in _children(node):
            self.expr(child, scope)
        return None

    # names and paths
    def _Name(self, node: ast.Name, scope):
        found, t = scope.find(node.name)
        if found:
            return t
        head, *rest = node.name.split(".")
        found, t = scope.find(head) if rest else (False, None)
        if not found:     # `prefix.Name` of an import, lexed as one name, is a path
            self.report(f"{node.name!r} names nothing in scope{_suggest(node.name, scope.visible())}",
                        node.pos)
            return None
        for name in rest:
            t = self.member(t, name, node)
        return t

    def _Path(self, node: ast.Path, scope):
        source = self.expr(node.source, scope)
        return self.member(source, node.name, node)

    def member(self, source, name: str, node):
        if isinstance(source, ListOf):
            inner = self.member(source.item, name, node)
            return ListOf(inner)
        if isinstance(source, Struct):
            t = source.get(name)
            if t is _ABSENT:
                self.report(f"{_path_text(node)!r}: no component {name!r}"
                            f"{_suggest(name, source.fields)}", _pos(node))
                return None
            return t
        if isinstance(source, Base) and source.name in NO_PROPERTIES:
            self.report(f"{_path_text(node)!r}: {_describe(source)} has no component {name!r}",
                        _pos(node))
        return None

    def _Filter(self, node: ast.Filter, scope):
        source = self.expr(node.source, scope)
        item = item_type(source)
        names = {"item": item}
        if isinstance(item, Struct):
            if item.lazy is not None:
                item.get("")
            names.update(item.fields)
        self.expr(node.cond, scope.child(names, open_=item is None))
        if isinstance(node.cond, (ast.Literal, ast.Negation)):
            return item                     # xs[1]: one item
        return source if isinstance(source, ListOf) else ListOf(source)

    # binding constructs
    def _ContextExpr(self, node: ast.ContextExpr, scope):
        fields: dict = {}
        inner = scope.child(fields)
        functions = [key for key, value in node.entries if isinstance(value, ast.FunctionDef)]
        for key in functions:            # a function entry may call itself and later entries
            fields[key] = FUNCTION
        for key, value in node.entries:
            fields[key] = self.expr(value, inner)
        return Struct(dict(fields))

    def _For(self, node: ast.For, scope):
        names: dict = {}
        inner = scope.child(names)
        for name, source, end in node.contexts:
            t = self.expr(source, inner)
            if end is not None:
                self.expr(end, inner)
                t = ListOf(Base("number"))
            names[name] = item_type(t)
        names["partial"] = ListOf(None)
        self.expr(node.body, inner)
        return ListOf(None)

    def _Quantified(self, node: ast.Quantified, scope):
        names: dict = {}
        inner = scope.child(names)
        for name, source in node.contexts:
            names[name] = item_type(self.expr(source, inner))
        self.expr(node.cond, inner)
        return BOOLEAN

    def _FunctionDef(self, node: ast.FunctionDef, scope):
        params = {name: (self.type_node(t) if t is not None else None) for name, t in node.params}
        if not node.external:              # an external body describes a Java/PMML target
            self.expr(node.body, scope.child(params))
        return FUNCTION

    def _Invocation(self, node: ast.Invocation, scope):
        self.expr(node.callee, scope)
        for arg in node.args:
            self.expr(arg, scope)
        for _, arg in node.named or ():   # parameter names are the callee's, not the scope's
            self.expr(arg, scope)
        return None

    def _InstanceOf(self, node: ast.InstanceOf, scope):
        self.expr(node.value, scope)
        self.type_node(node.type, report=True)
        return BOOLEAN

    def type_node(self, node: ast.TypeNode, report: bool = False):
        if node.kind == "name":
            name = node.args[0]
            if report and not self.types.known_type_name(name):
                self.report(f"type {name!r} names no item definition or FEEL type", None)
            return self.types.resolve(name)
        if node.kind == "list":
            return ListOf(self.type_node(node.args[0], report))
        if node.kind == "context":
            return Struct({k: self.type_node(t, report) for k, t in node.args})
        if node.kind == "range":
            self.type_node(node.args[0], report)
            return Base("range")
        if node.kind == "function":
            for t in node.args[0]:
                self.type_node(t, report)
            self.type_node(node.args[1], report)
        return FUNCTION if node.kind == "function" else None

    # values
    def _Literal(self, node: ast.Literal, scope):
        return _literal_type(node.value)

    def _ListExpr(self, node: ast.ListExpr, scope):
        kinds = [self.expr(i, scope) for i in node.items]
        first = kinds[0] if kinds else None
        same = all(k == first and not isinstance(k, Struct) for k in kinds)
        return ListOf(first if same else None)

    def _If(self, node: ast.If, scope):
        self.expr(node.cond, scope)
        a, b = self.expr(node.then, scope), self.expr(node.other, scope)
        return a if a == b and not isinstance(a, Struct) else None

    def _Comparison(self, node, scope):
        self.expr(node.left, scope), self.expr(node.right, scope)
        return BOOLEAN

    _And = _Or = _Comparison

    def _Between(self, node, scope):
        for child in (node.value, node.low, node.high):
            self.expr(child, scope)
        return BOOLEAN

    def _In(self, node, scope):
        self.expr(node.value, scope)
        for test in node.tests:
            self.expr(test, scope)
        return BOOLEAN


def _children(node):
    for slot in getattr(type(node), "__slots__", ()):
        value = getattr(node, slot)
        if isinstance(value, ast.Node):
            yield value
        elif isinstance(value, tuple):
            for v in value:
                if isinstance(v, ast.Node):
                    yield v


def _suggest(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _path_text(node) -> str:
    if isinstance(node, ast.Path):
        return f"{_path_text(node.source)}.{node.name}"
    if isinstance(node, ast.Name):
        return node.name
    return "(...)"


def _pos(node):
    while isinstance(node, (ast.Path, ast.Filter)):
        node = node.source
    return node.pos if isinstance(node, ast.Name) else None
