"""The requirements graph: hrefs resolved to elements (across imports), cycles rejected at load.

A node key is (namespace, element id); a model names a required element either by its own name
or, for an imported one, `prefix.Name` where prefix is the import's name.
"""
from __future__ import annotations

from itertools import chain
from typing import Callable, Hashable, NamedTuple, TypeAlias, TypeVar

from pydmn.errors import ModelError
from pydmn.model import elements as el

# What a requirement may name: every one of them has a name
Requirable: TypeAlias = "el.InputData | el.Decision | el.BusinessKnowledgeModel | el.DecisionService"


class Link(NamedTuple):
    """A requirement resolved: what a decision (or service) needs, and under which name."""
    kind: str                 # "decision" | "input" | "knowledge"
    namespace: str            # the model the element belongs to
    element: Requirable
    prefix: str | None        # the import's name when the element is another model's

    @property
    def key(self) -> tuple[str, str]:
        """(namespace, name): what a run files results under (names are unique in a model;
        ids may be missing)."""
        return self.namespace, self.element.name

    @property
    def variable(self) -> str:
        """The name the requiring model sees the element by."""
        return f"{self.prefix}.{self.element.name}" if self.prefix else self.element.name


def split_href(href: str, own_namespace: str) -> tuple[str, str]:
    ns, _, ident = href.partition("#")
    return (ns or own_namespace), ident


_KINDS = {"decision": (el.Decision,), "input": (el.InputData,),
          "knowledge": (el.BusinessKnowledgeModel, el.DecisionService)}


class Graph:
    """All DRG elements of a model and of everything it imports, by (namespace, id)."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[str, str], Requirable] = {}

    def add(self, defs: el.Definitions) -> None:
        elements: chain[Requirable] = chain(defs.input_data.values(), defs.decisions.values(),
                                            defs.bkms.values(), defs.decision_services.values())
        for element in elements:
            if element.id:
                self.nodes.setdefault((defs.namespace, element.id), element)

    def link(self, kind: str, href: str, owner: el.Element, defs: el.Definitions,
             prefixes: dict[str, str], file: str | None, exposed: bool = True) -> Link:
        """The element `href` names, as seen from the model `defs` (whose imports map
        namespaces to import names in `prefixes`). An `exposed` element must be in this model
        or an imported one: the requiring expression names it."""
        ns, ident = split_href(href, defs.namespace)
        element = self.nodes.get((ns, ident))
        if element is None or not isinstance(element, _KINDS[kind]):
            raise ModelError(f"requirement {href!r} does not name an element of kind "
                             f"{' or '.join(k.__name__ for k in _KINDS[kind])}",
                             file=file, line=owner.line, element_id=owner.id)
        if ns == defs.namespace:
            return Link(kind, ns, element, None)
        prefix = prefixes.get(ns)
        if prefix is None and exposed:
            raise ModelError(f"{element.name!r} belongs to namespace {ns!r}, which is not "
                             f"imported", file=file, line=owner.line, element_id=owner.id)
        return Link(kind, ns, element, prefix)


Node = TypeVar("Node", bound=Hashable)


def check_cycles(edges: dict[Node, list[Node]], describe: Callable[[Node], Exception]) -> None:
    """Depth-first search over decision requirements; a back edge is a cycle."""
    state: dict[Node, int] = {}
    for start in edges:
        if state.get(start):
            continue
        stack = [(start, iter(edges.get(start, ())))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                raise describe(nxt)
            if not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(edges.get(nxt, ()))))
