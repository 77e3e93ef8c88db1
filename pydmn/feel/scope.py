"""Variable scopes for evaluation: a chain of dicts sharing one message list, whose root holds the
built-in functions (so a variable may shadow a built-in of the same name)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydmn.errors import Message
from pydmn.feel.builtins import BUILTINS
from pydmn.feel.operators import to_feel
from pydmn.feel.values import FeelValue

_MISSING = object()


class Scope:
    """`Scope(variables, parent=None, messages=None)`; a child shares its parent's messages.
    Without a parent, the parent is the root scope of the built-ins."""
    __slots__ = ("variables", "parent", "messages")
    variables: dict[str, FeelValue]
    parent: Scope | None            # None only at the root
    messages: list[Message]

    def __init__(self, variables: Mapping[str, Any] | None = None, parent: Scope | None = None,
                 messages: list[Message] | None = None):
        self.variables = {k: to_feel(v) for k, v in variables.items()} if variables else {}
        self.parent = ROOT if parent is None else parent
        if messages is None:
            messages = parent.messages if parent is not None else []
        self.messages = messages

    def child(self, variables: dict[str, FeelValue]) -> Scope:
        """A nested scope; `variables` hold FEEL values already (no conversion: hot path)."""
        new = Scope.__new__(Scope)
        new.variables = variables
        new.parent = self
        new.messages = self.messages
        return new

    def find(self, name: str, default: object = _MISSING) -> FeelValue:
        """The value bound to `name`, or `default` when nothing binds it (no message)."""
        scope: Scope | None = self
        while scope is not None:
            value = scope.variables.get(name, _MISSING)
            if value is not _MISSING:
                return value
            scope = scope.parent
        return default

    def lookup(self, name: str) -> FeelValue:
        """The value of `name`; None plus a "no-variable" error when nothing binds it."""
        value = self.find(name)
        if value is not _MISSING:
            return value
        return self.report("no-variable", f"no variable named {name!r}")

    def __contains__(self, name: str) -> bool:
        return self.find(name) is not _MISSING

    def report(self, kind: str, text: str, element_id: str | None = None) -> None:
        """Record an evaluation message (its kind gives its severity); returns null, the value
        of the failed operation."""
        self.messages.append(Message(kind, text, element_id))


ROOT = Scope.__new__(Scope)
ROOT.variables, ROOT.parent, ROOT.messages = BUILTINS, None, []
