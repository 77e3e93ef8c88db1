"""List and boolean built-ins (DMN 1.5 10.3.4.4 and 10.3.4.2 `not`).

Positions are 1-based and may count from the end (-1 is the last item). Aggregates (`min`,
`sum`, `mean`, ...) take one list or the items themselves; an empty list yields null except
where the spec defines a value (`all`, `any`, `mode`).
"""
from __future__ import annotations

import functools
from decimal import Decimal

from pydmn.feel import operators as ops
from pydmn.feel.budget import FREE_ITEMS, charge
from pydmn.feel.builtins.registry import Invalid, builtin
from pydmn.feel.values import FEEL_CONTEXT, FeelFunction


# ---- argument checks ----------------------------------------------------------------------------

def _list(value) -> list:
    # A single value where a list is wanted is a singleton list (DMN 1.5 10.3.2.9.4): the
    # registry converts named parameters, and this the items of variadic calls (`min(5)`).
    if value is None:
        raise Invalid("expected a list, not null")
    return value if isinstance(value, list) else [value]


def _numbers(value) -> list[Decimal]:
    items = _list(value)
    for item in items:
        if not isinstance(item, Decimal):
            raise Invalid(f"expected numbers, found {ops.kind_of(item)}")
    return items


def _non_empty(items) -> list:
    if not items:
        raise Invalid("the list is empty")
    return items


def _integer(value, what: str) -> int:
    # Fractions are truncated toward zero, as the TCK expects (1155: position 2.5 is 2).
    if not isinstance(value, Decimal):
        raise Invalid(f"{what} must be a number, not {ops.kind_of(value)}")
    return int(value)


def _index(items: list, position, what: str = "position") -> int:
    """The 0-based index of a 1-based FEEL position (negative counts from the end)."""
    pos = _integer(position, what)
    if pos == 0 or abs(pos) > len(items):
        raise Invalid(f"{what} {pos} is outside a list of {len(items)} items")
    return pos - 1 if pos > 0 else len(items) + pos


def _contains(items: list, value) -> bool:
    charge(len(items))      # `distinct values` calls it once per item: quadratic work
    return any(ops.eq(item, value) is True for item in items)


def _distinct(items) -> list:
    result: list = []
    for item in items:
        if not _contains(result, item):
            result.append(item)
    return result


# ---- membership and shape ----------------------------------------------------------------------

@builtin("list contains")
def list_contains(list, element):
    return _contains(_list(list), element)


@builtin("count", walks=False)         # a list's length is at hand
def count(list):
    return Decimal(len(_list(list)))


@builtin("sublist")
def sublist(list, start_position, length=None):
    items = _list(list)
    start = _index(items, start_position, "start position")
    if length is None:
        return items[start:]
    n = _integer(length, "length")
    if n < 0 or start + n > len(items):
        raise Invalid(f"length {n} runs past the end of the list")
    return items[start:start + n]


@builtin("append", "list", "item")
def append(list, *item):
    return _list(list) + [*item]


@builtin("concatenate", "list")
def concatenate(*lists):
    return [item for each in lists for item in _list(each)]


@builtin("insert before")
def insert_before(list, position, newItem):
    items = _list(list)
    at = _index(items, position)
    return items[:at] + [newItem] + items[at:]


@builtin("remove")
def remove(list, position):
    items = _list(list)
    at = _index(items, position)
    return items[:at] + items[at + 1:]


@builtin("reverse")
def reverse(list):
    return _list(list)[::-1]


@builtin("index of", any_type=("match",))
def index_of(list, match):
    return [Decimal(i) for i, item in enumerate(_list(list), 1) if ops.eq(item, match) is True]


@builtin("union", "list")
def union(*lists):
    return _distinct(item for each in lists for item in _list(each))


@builtin("distinct values")
def distinct_values(list):
    return _distinct(_list(list))


@builtin("flatten", walks=False)       # charged as it walks
def flatten(list):
    return _flatten(_list(list))


def _flatten(items: list) -> list:
    """Depth first without recursion, charged as it descends (the items of each list entered, past
    the free items): a list that holds one small list many times over, nested, would otherwise
    build its leaves before any charge."""
    result, walking, entered = [], [iter(items)], len(items)
    while walking:
        for item in walking[-1]:
            if isinstance(item, list):
                entered += len(item)
                if entered > FREE_ITEMS:
                    charge(entered)
                    entered = 0
                if list in map(type, item):         # nested further: walk it
                    walking.append(iter(item))
                    break
                result.extend(item)                 # its values at once
            else:
                result.append(item)
        else:
            walking.pop()
    if entered > FREE_ITEMS:
        charge(entered)
    return result


@builtin("list replace", "list", "position", "newItem", needs_scope=True)
def list_replace(scope, list, position, newItem):
    # Positionally the second argument is a position or a match function; by name they differ.
    if isinstance(position, FeelFunction):
        return list_replace_matching(scope, list, position, newItem)
    items = _list(list)
    at = _index(items, position)
    return items[:at] + [newItem] + items[at + 1:]


@builtin("list replace", "list", "match", "newItem", needs_scope=True)
def list_replace_matching(scope, list, match, newItem):
    if not isinstance(match, FeelFunction):
        raise Invalid("match must be a function")
    return [newItem if _test(match, [item, newItem], scope) else item for item in _list(list)]


def _test(fn: FeelFunction, args: list, scope) -> bool:
    result = fn.invoke(args, None, scope)
    if not isinstance(result, bool):
        raise Invalid(f"the function returned {ops.kind_of(result)}, not a boolean")
    return result


# ---- sorting and ordering ----------------------------------------------------------------------

@builtin("sort", needs_scope=True)
def sort(scope, list, precedes=None):
    items = _list(list)
    if precedes is None:
        return sorted(items, key=functools.cmp_to_key(_compare))
    if not isinstance(precedes, FeelFunction):
        raise Invalid("precedes must be a function")

    def by_precedes(a, b):
        if _test(precedes, [a, b], scope):
            return -1
        return 1 if _test(precedes, [b, a], scope) else 0
    return sorted(items, key=functools.cmp_to_key(by_precedes))


def _compare(a, b) -> int:
    result = ops.compare(a, b)
    if result is None:
        raise Invalid(f"cannot compare {ops.kind_of(a)} with {ops.kind_of(b)}")
    return result


@builtin("min", variadic=True)
def min_(list):
    return _extreme(list, -1)


@builtin("max", variadic=True)
def max_(list):
    return _extreme(list, 1)


def _extreme(items, sign: int):
    best, *rest = _non_empty(_list(items))
    if not rest:
        _compare(best, best)   # a lone item must still be of an ordered kind
    for item in rest:
        if _compare(item, best) == sign:
            best = item
    return best


# ---- arithmetic aggregates ---------------------------------------------------------------------

@builtin("sum", variadic=True)
def sum_(list):
    return _sum(_non_empty(_numbers(list)))


def _sum(numbers) -> Decimal:
    return functools.reduce(FEEL_CONTEXT.add, numbers, Decimal(0))


@builtin("mean", variadic=True)
def mean(list):
    numbers = _non_empty(_numbers(list))
    return FEEL_CONTEXT.divide(_sum(numbers), Decimal(len(numbers)))


@builtin("product", variadic=True)
def product(list):
    return functools.reduce(FEEL_CONTEXT.multiply, _non_empty(_numbers(list)), Decimal(1))


@builtin("median", variadic=True)
def median(list):
    numbers = sorted(_non_empty(_numbers(list)))
    middle = len(numbers) // 2
    if len(numbers) % 2:
        return numbers[middle]
    return FEEL_CONTEXT.divide(FEEL_CONTEXT.add(numbers[middle - 1], numbers[middle]),
                               Decimal(2))


@builtin("stddev", variadic=True)
def stddev(list):
    numbers = _numbers(list)
    if len(numbers) < 2:
        raise Invalid("the sample standard deviation needs at least two numbers")
    mean_ = FEEL_CONTEXT.divide(_sum(numbers), Decimal(len(numbers)))
    squares = _sum(_square(FEEL_CONTEXT.subtract(n, mean_)) for n in numbers)
    return FEEL_CONTEXT.sqrt(FEEL_CONTEXT.divide(squares, Decimal(len(numbers) - 1)))


def _square(n: Decimal) -> Decimal:
    return FEEL_CONTEXT.multiply(n, n)


@builtin("mode", variadic=True)
def mode(list):
    numbers = _numbers(list)
    counts: dict[Decimal, int] = {}
    for n in numbers:
        counts[n] = counts.get(n, 0) + 1
    top = max(counts.values(), default=0)
    return sorted(n for n, c in counts.items() if c == top)


# ---- boolean -----------------------------------------------------------------------------------

@builtin("all", variadic=True)
def all_(list):
    # one false item decides (DMN 1.5 10.3.4.4); otherwise every item must be a boolean
    items = _list(list)
    if any(item is False for item in items):
        return False
    return None if None in _booleans(items) else True


@builtin("any", variadic=True)
def any_(list):
    items = _list(list)
    if any(item is True for item in items):
        return True
    return None if None in _booleans(items) else False


def _booleans(items: list) -> list:
    # null is an unknown boolean; any other kind is no boolean at all
    for item in items:
        if item is not None and not isinstance(item, bool):
            raise Invalid(f"expected booleans, found {ops.kind_of(item)}")
    return items


@builtin("not")
def not_(negand):
    if negand is not None and not isinstance(negand, bool):
        raise Invalid(f"negand must be a boolean, not {ops.kind_of(negand)}")
    return None if negand is None else not negand
