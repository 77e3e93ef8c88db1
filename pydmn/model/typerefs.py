"""A model's typeRefs followed through its item definitions: the one place a chain of them (A's
typeRef names B, B's names C, ...) is walked, with its cycle rule and depth limit.

The engine (`model.types.TypeSystem`) and the analysis (`analysis.names`, `analysis.semantics`)
build different things from an item definition - a `DataType`, a static type, a base type and its
allowed values - and each gives its builder to a `TypeRefs`.
"""
from __future__ import annotations

from typing import Callable, Generic, Mapping, TypeVar

from pydmn.errors import ModelError
from pydmn.model.elements import ItemDefinition

MAX_TYPE_DEPTH = 64      # item definitions resolving inside one another (typeRefs, components)

T = TypeVar("T")


class TypeRefs(Generic[T]):
    """Resolves typeRefs, each once: one that names an item definition is `from_item(item)`,
    which may resolve further typeRefs through this object; any other is `otherwise(type_ref)`.
    An item definition met again while it is being resolved, or more than MAX_TYPE_DEPTH of them
    inside one another, is a ModelError (naming the item definition and `file`)."""

    def __init__(self, items: Mapping[str, ItemDefinition], from_item: Callable[[ItemDefinition], T],
                 otherwise: Callable[[str], T], file: str | None = None):
        self.items = items
        self.from_item = from_item
        self.otherwise = otherwise
        self.file = file
        self.cache: dict[str, T] = {}
        self.resolving: set[str] = set()

    def __call__(self, type_ref: str) -> T:
        try:
            return self.cache[type_ref]
        except KeyError:
            pass
        item = self.items.get(type_ref)
        if item is None:
            result = self.otherwise(type_ref)
        else:
            if type_ref in self.resolving:
                raise ModelError(f"item definition {type_ref!r} refers to itself",
                                 file=self.file, element_id=item.id)
            if len(self.resolving) >= MAX_TYPE_DEPTH:
                raise ModelError(f"type references chained deeper than {MAX_TYPE_DEPTH}",
                                 file=self.file, element_id=item.id)
            self.resolving.add(type_ref)
            try:
                result = self.from_item(item)
            finally:
                self.resolving.discard(type_ref)
        self.cache[type_ref] = result
        return result
