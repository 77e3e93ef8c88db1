"""The requirements graph: hrefs resolved to elements (across imports), cycles rejected at load.

A node key is (namespace, element id); each model names a required element either by its own
name or, for an imported one, `prefix.Name` where prefix is the import's name.
"""
from __future__ import annotations

from pydmn.errors import ModelError


def split_href(href: str, own_namespace: str) -> tuple[str, str]:
    ns, _, ident = href.partition("#")
    return (ns or own_namespace), ident


class Graph:
    """All DRG elements of a model and of everything it imports, by (namespace, id)."""

    def __init__(self):
        self.nodes: dict[tuple[str, str], tuple[object, object]] = {}   # key -> (unit, element)

    def add_unit(self, unit):
        defs = unit.definitions
        for table in (defs.input_data, defs.decisions, defs.bkms, defs.decision_services):
            for element in table.values():
                if element.id:
                    self.nodes.setdefault((defs.namespace, element.id), (unit, element))

    def resolve(self, unit, href: str, element, kinds: tuple):
        key = split_href(href, unit.definitions.namespace)
        found = self.nodes.get(key)
        if found is None or not isinstance(found[1], kinds):
            raise ModelError(f"requirement {href!r} does not name an element of kind "
                             f"{' or '.join(k.__name__ for k in kinds)}",
                             file=unit.file, line=element.line, element_id=element.id)
        return key, found

    def exposed_name(self, unit, key, element, owner) -> tuple[str | None, str]:
        """(import prefix or None, name) under which `unit` sees the element at `key`."""
        ns = key[0]
        if ns == unit.definitions.namespace:
            return None, element.name
        prefix = unit.prefixes.get(ns)
        if prefix is None:
            raise ModelError(f"{element.name!r} belongs to namespace {ns!r}, which is not "
                             f"imported", file=unit.file, line=owner.line, element_id=owner.id)
        return prefix, element.name


def check_cycles(edges: dict, describe) -> None:
    """Depth-first search over decision requirements; a back edge is a cycle."""
    state: dict = {}
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
