"""The FEEL abstract syntax tree: frozen dataclasses built by parser.py, consumed by compiler.py.

Nodes carry no evaluation logic. `pos` is the 0-based offset of the node's first token in the
source text (for error messages); it does not take part in equality.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Node:
    pass


# --- literals (rules 32-40, 62) ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Literal(Node):
    """number (Decimal), string, boolean or null: the value is known at compile time."""
    value: Any


@dataclass(frozen=True, slots=True)
class TemporalLiteral(Node):
    """`@"2024-01-01"`: parsed once at compile time by builtins.temporal_parse."""
    text: str


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ListExpr(Node):
    items: tuple


@dataclass(frozen=True, slots=True)
class ContextExpr(Node):
    """`{a: 1, b: a + 1}`; entries are (key, expression) and later entries see earlier ones."""
    entries: tuple


@dataclass(frozen=True, slots=True)
class RangeExpr(Node):
    """`[a..b]`, `(a..b)`, `]a..b[`; a missing bound (None) is open-ended."""
    start: Node | None
    end: Node | None
    start_included: bool
    end_included: bool


@dataclass(frozen=True, slots=True)
class UnaryComparison(Node):
    """`< 5` as a positive unary test or range: `op` is one of < <= > >= = !=."""
    op: str
    operand: Node


# --- operators (rules 4, 19-24, 49-51, 53) ----------------------------------------------------

@dataclass(frozen=True, slots=True)
class Arithmetic(Node):
    op: str            # + - * / **
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Negation(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Comparison(Node):
    op: str            # = != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Between(Node):
    value: Node
    low: Node
    high: Node


@dataclass(frozen=True, slots=True)
class In(Node):
    """`value in test` or `value in (test, test)`; tests are positive unary tests."""
    value: Node
    tests: tuple


@dataclass(frozen=True, slots=True)
class And(Node):
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or(Node):
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class InstanceOf(Node):
    value: Node
    type: TypeNode


# --- types (rule 54 as extended by DMN 1.5) ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class TypeNode(Node):
    """`kind` is "name" (args = (qualified name,)), "list", "range", "context" (args are
    (field, TypeNode) pairs) or "function" (args = (param types tuple, result type))."""
    kind: str
    args: tuple


# --- control (rules 46-48) --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class If(Node):
    cond: Node
    then: Node
    other: Node


@dataclass(frozen=True, slots=True)
class For(Node):
    """Iteration contexts are (name, source, range end or None) for `i in 1..3`."""
    contexts: tuple
    body: Node


@dataclass(frozen=True, slots=True)
class Quantified(Node):
    kind: str          # "some" | "every"
    contexts: tuple    # (name, source)
    cond: Node


# --- access (rules 18, 40, 52) ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Path(Node):
    source: Node
    name: str


@dataclass(frozen=True, slots=True)
class Filter(Node):
    source: Node
    cond: Node


@dataclass(frozen=True, slots=True)
class Invocation(Node):
    """Positional args is a tuple of nodes; named is a tuple of (name, node) or None."""
    callee: Node
    args: tuple
    named: tuple | None


@dataclass(frozen=True, slots=True)
class FunctionDef(Node):
    """`function(a, b: number) body`; params are (name, TypeNode | None); external bodies
    are the context that describes the Java/PMML target."""
    params: tuple
    body: Node
    external: bool = False


# --- unary tests (rules 7-15) -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class UnaryTests(Node):
    """Top-level unary tests: OR of `tests`, negated when `negated` (`not(...)`)."""
    tests: tuple
    negated: bool = False


@dataclass(frozen=True, slots=True)
class AnyInput(Node):
    """`-`: matches every input."""


# --- walking ----------------------------------------------------------------------------------

def walk(node, skip: type | tuple = ()):
    """Every node of the tree under `node` (itself included) with its depth (1 for `node`),
    depth first; the insides of `skip` nodes are not entered. Iterative: no recursion limit."""
    stack: list[tuple[object, int]] = [(node, 1)]
    while stack:
        n, depth = stack.pop()
        if isinstance(n, tuple):
            stack.extend((c, depth) for c in reversed(n))
        elif isinstance(n, Node):
            yield n, depth
            if not isinstance(n, skip):
                slots: tuple[str, ...] = type(n).__slots__
                stack.extend((getattr(n, s), depth + 1) for s in reversed(slots))


def mentions(node: Node, name: str) -> bool:
    """Whether the name occurs in the node outside nested function definitions."""
    return any(isinstance(n, Name) and n.name == name for n, _ in walk(node, FunctionDef))
