"""Context built-ins (DMN 1.5 10.3.4.8): read, build, update and merge contexts.

Contexts are immutable values: every function returns a new dict and never changes its input,
which may be bound to a variable that other expressions still read.
"""
from __future__ import annotations

from pydmn.feel import operators as ops
from pydmn.feel.budget import charge
from pydmn.feel.builtins.registry import Invalid, builtin


def _context(value, what: str = "context") -> dict:
    if not isinstance(value, dict):
        raise Invalid(f"{what} must be a context, not {ops.kind_of(value)}")
    return value


def _key(value) -> str:
    if not isinstance(value, str):
        raise Invalid(f"a key must be a string, not {ops.kind_of(value)}")
    return value


@builtin("get value")
def get_value(m, key):
    return _context(m, "m").get(_key(key))


@builtin("get entries")
def get_entries(m):
    return [{"key": k, "value": v} for k, v in _context(m, "m").items()]


@builtin("context")
def context(entries):
    if not isinstance(entries, list):
        raise Invalid(f"entries must be a list, not {ops.kind_of(entries)}")
    result: dict = {}
    for entry in entries:
        if not isinstance(entry, dict) or "key" not in entry or "value" not in entry:
            raise Invalid("each entry must be a context with a key and a value")
        key = _key(entry["key"])
        if key in result:
            raise Invalid(f"duplicate key {key!r}")
        result[key] = entry["value"]
    return result


# The key-path overload comes first, so a positional call reaches it: a single key there is a
# singleton path. A named call with `key:` must still name a single key (TCK 1146 nested008).
@builtin("context put", "context", "keys", "value")
def context_put_path(context, keys, value):
    if not isinstance(keys, list) or not keys:
        raise Invalid("keys must be a non-empty list of strings")
    return _put_path(_context(context), [_key(k) for k in keys], value)


@builtin("context put", "context", "key", "value")
def context_put(context, key, value):
    return {**_context(context), _key(key): value}


def _put_path(context: dict, keys: list[str], value) -> dict:
    first, *rest = keys
    if rest:
        value = _put_path(_context(context.get(first), f"the value at {first!r}"), rest, value)
    return {**context, first: value}


@builtin("context merge")
def context_merge(contexts):
    if contexts is None:
        raise Invalid("contexts must be a list, not null")
    merged: dict = {}
    for each in contexts:
        each = _context(each, "each item of contexts")
        charge(len(each))       # as it goes: one context listed many times would multiply the work
        merged.update(each)
    return merged
