"""`range(from)` (DMN 1.5 10.3.4.12): a range literal read from a string. The one built-in that
reads FEEL text, so it sits beside the parser and compiler it uses, above the other built-ins;
it registers itself like them (pydmn.feel imports it)."""
from __future__ import annotations

from pydmn.errors import FeelSyntaxError
from pydmn.feel import ast, operators
from pydmn.feel.builtins.registry import Invalid, builtin
from pydmn.feel.compiler import compile_node
from pydmn.feel.parser import parse_expression
from pydmn.feel.scope import Scope
from pydmn.feel.values import Range

# Endpoints of a range literal: literals, or a temporal conversion of a string literal - never
# names or other calls, so the text means the same wherever it is read.
_TEMPORAL_CALLS = frozenset(("date", "time", "date and time", "duration"))


def _is_endpoint(node) -> bool:
    if isinstance(node, (ast.Literal, ast.TemporalLiteral)):
        return True
    return (isinstance(node, ast.Invocation) and isinstance(node.callee, ast.Name)
            and node.callee.name in _TEMPORAL_CALLS and node.named is None
            and len(node.args) == 1 and isinstance(node.args[0], ast.Literal)
            and isinstance(node.args[0].value, str))


@builtin("range", "from")
def range_(from_):
    if not isinstance(from_, str):
        raise Invalid(f"from must be a string, got {operators.kind_of(from_)}")
    try:
        node = parse_expression(from_)
    except FeelSyntaxError as exc:
        raise Invalid(f"{from_!r} is not a range literal: {exc}") from None
    if not isinstance(node, ast.RangeExpr) or not all(
            _is_endpoint(n) for n in (node.start, node.end)):
        raise Invalid(f"{from_!r} is not a range literal")
    scope = Scope()
    value = compile_node(node)(scope)
    if not isinstance(value, Range):
        why = "; ".join(m.text for m in scope.messages)
        raise Invalid(f"{from_!r} is not a valid range" + (f": {why}" if why else ""))
    if (operators.compare(value.start, value.end) or 0) > 0:    # a compiled range's bounds compare
        raise Invalid(f"{from_!r} has its start after its end")
    return value
