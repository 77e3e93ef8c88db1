"""The table of FEEL's built-in functions and the calling convention they share.

A built-in is a plain Python function registered under its FEEL name with its FEEL parameter
names (DMN 1.5 10.3.4). Overloads of one name (`date(from)` and `date(year, month, day)`) are
separate Python functions registered under the same name. Invocation picks the overload by the
count of positional arguments, or by the set of names in a named invocation (and, where two
overloads share those names, by the order the caller wrote them in).

A call is charged to the evaluation's budget (pydmn.feel.budget) by what it walks and builds: the
items of its list arguments and the size of a list, context or string it returns (past the free
sizes). Built-ins whose result can outgrow their arguments (`flatten`, `string`, `string join`,
`context merge`) charge as they go, before they build it.

A built-in signals an invalid call by raising `Invalid("why")`: the caller gets null and an
"invalid-argument" error, as FEEL demands, and evaluation goes on; a decimal overflow is an
"arithmetic" error. Any other Python exception is a defect of the built-in and is not caught here.

Arguments are converted to the parameters' types first (DMN 1.5 10.3.2.9.4): a singleton list
given for a single value is its item, a single value given for a list is a singleton list.
Parameters of type Any take what comes.
"""
from __future__ import annotations

import inspect
import keyword
from dataclasses import dataclass
from typing import Callable, Sequence

from pydmn.feel.budget import FREE_CHARS, FREE_ITEMS, charge
from pydmn.feel.values import FeelFunction

BUILTINS: dict[str, "BuiltinFunction"] = {}

# Parameter types, by the spec's parameter names (10.3.4): lists, and Any (no conversion); every
# other parameter takes a single value.
LIST_PARAMETERS = frozenset({"list", "entries", "contexts", "keys"})
ANY_PARAMETERS = frozenset({"item", "element", "newItem", "value", "value1", "value2"})


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
    any_type: frozenset = frozenset()   # parameters of type Any beyond ANY_PARAMETERS
    walks: bool | None = None      # walks the items of its list (default: it takes one: a list
                                   # parameter, variadic); False where it does not, or charges itself

    def __post_init__(self):
        if self.walks is None:
            self.walks = self.variadic or any(p in LIST_PARAMETERS for p in self.params)

    def accepts_count(self, n: int) -> bool:
        if self.variadic:
            return n >= 1
        return self.required <= n and (self.rest or n <= len(self.params))

    def accepts_names(self, names) -> bool:
        return set(self.params[:self.required]) <= set(names) <= set(self.params)

    def convert(self, param: str, value):
        """The argument as the parameter's type takes it (DMN 1.5 10.3.2.9.4)."""
        if value is None or param in ANY_PARAMETERS or param in self.any_type:
            return value
        if param in LIST_PARAMETERS:
            return value if isinstance(value, list) else [value]
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        return value

    def convert_all(self, args: list) -> list:
        params = self.params
        if self.rest:   # the trailing arguments all take the last parameter's type
            params = params + (params[-1],) * (len(args) - len(params))
        return [self.convert(p, a) for p, a in zip(params, args)]


class BuiltinFunction(FeelFunction):
    def __init__(self, name: str):
        self.name = name
        self.overloads: list[Overload] = []

    @property   # read-only: a built-in's parameter names are its first overload's
    def params(self) -> Sequence[str]:  # type: ignore[override]
        return self.overloads[0].params

    def invoke(self, args, named, scope):
        try:
            if named is not None:
                overload = self._by_names(named)
                values = [named[p] for p in overload.params if p in named]
                if len(values) < len(named) or any(
                        p not in named for p in overload.params[:len(values)]):
                    # a gap among optional parameters: pass by Python keyword instead
                    kwargs = {_py(p): overload.convert(p, named[p]) for p in named}
                    return self._call(overload, [], kwargs, scope)
                return self._call(overload, overload.convert_all(values), {}, scope)
            found = next((o for o in self.overloads if o.accepts_count(len(args))), None)
            if found is None:
                raise Invalid(f"{self.name}() does not take {len(args)} arguments")
            if found.variadic:
                args = [args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)]
            else:
                args = found.convert_all(args)
            return self._call(found, args, {}, scope)
        except Invalid as exc:
            kind, why = "invalid-argument", str(exc)
        except ArithmeticError as exc:     # decimal128 overflow, a date past FEEL's years
            kind, why = "arithmetic", f"{type(exc).__name__}: {exc}"
        if scope is not None:
            scope.report(kind, f"{self.name}(): {why}")
        return None

    def _by_names(self, named: dict) -> Overload:
        fits = [o for o in self.overloads if o.accepts_names(named)]
        if not fits:
            raise Invalid(f"no parameters named {', '.join(map(repr, named))}")
        # `before(point, range)` and `before(range, point)` share their names: the order the
        # caller wrote them in tells which was meant.
        written = list(named)
        return next((o for o in fits if [p for p in o.params if p in named] == written), fits[0])

    @staticmethod
    def _call(overload: Overload, args, kwargs, scope):
        # A list built-in walks its list, its first parameter (a variadic call's items are one list;
        # a named call reaches here by position, as a list parameter is never left out); further
        # list arguments (`concatenate`, `append`) end up in the result, charged below.
        if overload.walks and args:
            walked = args[0]
            if type(walked) is list and len(walked) > FREE_ITEMS:
                charge(len(walked))
        result = overload.fn(scope, *args, **kwargs) if overload.needs_scope else overload.fn(*args, **kwargs)
        kind = type(result)
        if (kind is str and len(result) > FREE_CHARS) or ((kind is list or kind is dict) and len(result) > FREE_ITEMS):
            charge(len(result))
        return result



def _py(name: str) -> str:
    name = name.replace(" ", "_")
    return name + "_" if keyword.iskeyword(name) else name


def builtin(name: str, *params: str, variadic: bool = False, needs_scope: bool = False,
            any_type: tuple = (), walks: bool | None = None):
    """Register the decorated function as (one overload of) the FEEL built-in `name`.

    `params` are the FEEL parameter names; the Python parameters are the same names with spaces
    as underscores, and those with Python defaults are optional in FEEL. A Python `*rest`
    parameter takes any number of trailing arguments, one at least (unlike `variadic`, a lone
    list stays one argument: `concatenate([[1], [2]])` is not `concatenate([1], [2])`).
    `any_type` names parameters of type Any that ANY_PARAMETERS does not (`string(from)`).
    `walks=False`: the built-in does not walk its list (`count`), or charges as it walks.
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
                                        needs_scope, rest, frozenset(any_type), walks))
        return fn
    return register

