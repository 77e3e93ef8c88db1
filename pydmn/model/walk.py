"""Walking the boxed expressions of a model: the one traversal every layer uses."""
from __future__ import annotations

from typing import Iterator, NamedTuple

from pydmn.model import elements as el


def children(expr: el.Expression) -> list[el.Expression | None]:
    """The boxed expressions directly inside `expr` (None where a part is missing)."""
    if isinstance(expr, el.Context):
        return [entry.value for entry in expr.entries]
    if isinstance(expr, el.Invocation):
        return [expr.callee, *(b.value for b in expr.bindings)]
    if isinstance(expr, el.ListExpression):
        return list(expr.items)
    if isinstance(expr, el.Relation):
        return [cell for row in expr.rows for cell in row]
    if isinstance(expr, el.FunctionDefinition):
        return [expr.body]
    if isinstance(expr, el.Conditional):
        return [expr.if_, expr.then, expr.else_]
    if isinstance(expr, el.Filter):
        return [expr.in_, expr.match]
    if isinstance(expr, el.Iteration):
        return [expr.in_, expr.body]
    return []


def nested(expr: el.Expression | None) -> Iterator[el.Expression]:
    """`expr` and every boxed expression inside it, outer before inner (iterative)."""
    stack = [expr]
    while stack:
        e = stack.pop()
        if e is not None:
            yield e
            stack.extend(reversed(children(e)))


Owner = el.Decision | el.BusinessKnowledgeModel
"""The DRG elements that hold boxed expressions."""


def expressions(defs: el.Definitions) -> Iterator[tuple[Owner, el.Expression]]:
    """(owning decision or BKM, expression) for every boxed expression of the model."""
    for d in defs.decisions.values():
        for e in nested(d.expression):
            yield d, e
    for b in defs.bkms.values():
        for e in nested(b.encapsulated_logic):
            yield b, e


class NamedTable(NamedTuple):
    name: str                     # the owner's name, or "owner / label" for a nested table
    owner: Owner
    table: el.DecisionTable


def decision_tables(defs: el.Definitions) -> list[NamedTable]:
    """Every decision table of the model, nested ones too. A table that is its owner's whole
    logic is named after the owner; a nested one (in a context, say) after the owner and the
    table's label or id, so the names stay unique across versions."""
    out: list[NamedTable] = []
    for owner, e in expressions(defs):
        if isinstance(e, el.DecisionTable):
            logic = getattr(owner, "expression", None) or getattr(
                getattr(owner, "encapsulated_logic", None), "body", None)
            name = owner.name if logic is e else f"{owner.name} / {e.label or e.id or 'table'}"
            out.append(NamedTable(name, owner, e))
    return out
