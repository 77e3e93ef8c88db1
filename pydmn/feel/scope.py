"""Variable scopes for evaluation: a chain of dicts sharing one message list."""
from __future__ import annotations

from pydmn.errors import Message

_MISSING = object()


class Scope:
    """`Scope(variables, parent=None, messages=None)`; a child shares its parent's messages.

    Lookup walks the chain, then falls back to the built-in functions, so a variable may
    shadow a built-in of the same name.
    """
    __slots__ = ("variables", "parent", "messages")

    def __init__(self, variables=None, parent=None, messages=None):
        if variables:
            to_feel = _to_feel()
            variables = {k: to_feel(v) for k, v in variables.items()}
        self.variables = variables if variables is not None else {}
        self.parent = parent
        if messages is None:
            messages = parent.messages if parent is not None else []
        self.messages = messages

    def child(self, variables) -> "Scope":
        """A nested scope; `variables` hold FEEL values already (no conversion: hot path)."""
        new = Scope.__new__(Scope)
        new.variables = variables
        new.parent = self
        new.messages = self.messages
        return new

    def find(self, name: str, default=_MISSING):
        """The value bound to `name`, or `default` when nothing binds it (no message)."""
        scope = self
        while scope is not None:
            value = scope.variables.get(name, _MISSING)
            if value is not _MISSING:
                return value
            scope = scope.parent
        builtin = _builtins().get(name)
        return builtin if builtin is not None else default

    def lookup(self, name: str):
        """The value of `name`; None plus a "no-variable" message when it is unknown."""
        value = self.find(name)
        if value is not _MISSING:
            return value
        self.messages.append(Message("warning", "no-variable", f"no variable named {name!r}"))
        return None

    def __contains__(self, name: str) -> bool:
        return self.find(name) is not _MISSING

    def warn(self, kind: str, text: str) -> None:
        self.messages.append(Message("warning", kind, text))


_BUILTINS: dict | None = None
_TO_FEEL = None


def _to_feel():
    global _TO_FEEL
    if _TO_FEEL is None:
        from pydmn.feel.operators import to_feel
        _TO_FEEL = to_feel
    return _TO_FEEL


def _builtins() -> dict:
    global _BUILTINS
    if _BUILTINS is None:
        from pydmn.feel.builtins import BUILTINS
        _BUILTINS = BUILTINS
    return _BUILTINS
