"""The table of FEEL's built-in functions and the calling convention they share.

A built-in is a plain Python function registered under its FEEL name with its FEEL parameter
names (DMN 1.5 10.3.4). Overloads of one name (`date(from)` and `date(year, month, day)`) are
separate Python functions registered under the same name. Invocation picks the overload by the
count of positional arguments, or by the set of names in a named invocation (and, where two
overloads share those names, by the order the caller wrote them in).

A built-in signals an invalid call by raising `Invalid("why")`: the caller gets null and the
message, as FEEL demands; evaluation goes on. Python's own TypeError / ValueError /
ArithmeticError from a built-in are treated the same way, so a wrong argument kind never stops a
model.
"""
from __future__ import annotations

import decimal
import inspect
import keyword
from dataclasses import dataclass
from typing import Callable

from pydmn.errors import Message
from pydmn.feel.values import FeelFunction

BUILTINS: dict[str, "BuiltinFunction"] = {}

# Parameters the spec types as a single value: a one-item list given there is its item
# (10.3.2.9.4, TCK 0021). Parameters of type Any (`string(from)`, list items) keep their lists.
_SINGLE = frozenset({
    "string", "match", "input", "pattern", "replacement", "flags", "start position", "length",
    "n", "scale", "number", "dividend", "divisor", "delimiter", "grouping separator",
    "decimal separator", "year", "month", "day", "hour", "minute", "second", "offset", "date",
    "time", "to"})


class Invalid(Exception):
    """Raised by a built-in for an invalid call: the call yields null with this message."""


@dataclass(slots=True)
class Overload:
    fn: Callable
    params: tuple[str, ...]        # FEEL names, in order
    required: int                  # how many leading params must be given
    variadic: bool                 # `min(1, 2, 3)`: positional arguments collected as a list
    needs_scope: bool              # fn(scope, ...) - for functions that call FEEL functions
    rest: bool = False             # fn(a, *more): `append(list, item...)` takes any number

    def accepts_count(self, n: int) -> bool:
        if self.variadic:
            return n >= 1
        return self.required <= n and (self.rest or n <= len(self.params))

    def accepts_names(self, names) -> bool:
        return set(self.params[:self.required]) <= set(names) <= set(self.params)


class BuiltinFunction(FeelFunction):
    def __init__(self, name: str):
        self.name = name
        self.overloads: list[Overload] = []

    @property
    def params(self):
        return self.overloads[0].params

    def invoke(self, args, named, scope):
        try:
            if named is not None:
                overload = self._by_names(named)
                values = [named[p] for p in overload.params if p in named]
                if len(values) < len(named) or any(
                        p not in named for p in overload.params[:len(values)]):
                    # a gap among optional parameters: pass by Python keyword instead
                    kwargs = {_py(p): named[p] for p in named}
                    return self._call(overload, [], kwargs, scope)
                return self._call(overload, values, {}, scope)
            overload = next((o for o in self.overloads if o.accepts_count(len(args))), None)
            if overload is None:
                raise Invalid(f"{self.name}() does not take {len(args)} arguments")
            if overload.variadic and len(args) == 1 and isinstance(args[0], list):
                args = [args[0]]
            elif overload.variadic:
                args = [list(args)]
            return self._call(overload, args, {}, scope)
        except Invalid as exc:
            why = str(exc)
        except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError,
                IndexError, OverflowError, decimal.DecimalException) as exc:
            why = f"{type(exc).__name__}: {exc}"
        if scope is not None:
            scope.messages.append(Message("warning", "invalid-argument",
                                          f"{self.name}(): {why}"))
        return None

    def _by_names(self, named: dict) -> Overload:
        fits = [o for o in self.overloads if o.accepts_names(named)]
        if not fits:
            raise Invalid(f"no parameters named {', '.join(map(repr, named))}")
        # `before(point, range)` and `before(range, point)` share their names: the order the
        # caller wrote them in tells which was meant.
        written = list(named)
        return next((o for o in fits if [p for p in o.params if p in named] == written), fits[0])

    def _call(self, overload: Overload, args, kwargs, scope):
        if not overload.variadic and self.name != "index of":    # index of's match is Any
            args = [_single(p, a) for p, a in zip(overload.params, args)] + \
                list(args[len(overload.params):])
            kwargs = {k: _single(k.replace("_", " "), v) for k, v in kwargs.items()}
        if overload.needs_scope:
            return overload.fn(scope, *args, **kwargs)
        return overload.fn(*args, **kwargs)


def _single(param: str, value):
    if param in _SINGLE and isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _py(name: str) -> str:
    name = name.replace(" ", "_")
    return name + "_" if keyword.iskeyword(name) else name


def builtin(name: str, *params: str, variadic: bool = False, needs_scope: bool = False):
    """Register the decorated function as (one overload of) the FEEL built-in `name`.

    `params` are the FEEL parameter names; the Python parameters are the same names with spaces
    as underscores, and those with Python defaults are optional in FEEL. A Python `*rest`
    parameter takes any number of trailing arguments, one at least (unlike `variadic`, a lone
    list stays one argument: `concatenate([[1], [2]])` is not `concatenate([1], [2])`).
    """
    def register(fn):
        sig = inspect.signature(fn)
        py_params = list(sig.parameters.values())[1 if needs_scope else 0:]
        rest = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in py_params)
        required = sum(1 for p in py_params if p.default is inspect.Parameter.empty
                       and p.kind is not inspect.Parameter.VAR_POSITIONAL)
        names = params or tuple(p.name.rstrip("_").replace("_", " ") for p in py_params)
        entry = BUILTINS.get(name)
        if entry is None:
            entry = BUILTINS[name] = BuiltinFunction(name)
        entry.overloads.append(Overload(fn, tuple(names), max(required, rest), variadic,
                                        needs_scope, rest))
        return fn
    return register


def alias(new: str, old: str) -> None:
    """A second FEEL name for a built-in (older spellings the TCK still uses)."""
    BUILTINS[new] = BUILTINS[old]
