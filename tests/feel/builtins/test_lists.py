"""List and boolean built-ins (DMN 1.5 10.3.4.4, 10.3.4.2) through the public FEEL API."""
import datetime as dt
from decimal import Decimal

import pytest

from pydmn.feel import Scope, compile_expression, evaluate

D = Decimal

VALID = [
    ('list contains([1, 2, 3], 2)', True),
    ('list contains([1, 2, 3], 5)', False),
    ('list contains([1, null], null)', True),
    ('list contains([[1], [2]], [2])', True),
    ('count([1, 2, 3])', D(3)),
    ('count([])', D(0)),
    ('min([3, 1, 2])', D(1)),
    ('min(3, 1, 2)', D(1)),
    ('min(7)', D(7)),
    ('max("a", "c", "b")', "c"),
    ('max([date("2020-01-01"), date("2021-06-30")])', dt.date(2021, 6, 30)),
    ('min([duration("P2D"), duration("PT1H")])', dt.timedelta(hours=1)),
    ('sum([1, 2, 3.5])', D("6.5")),
    ('sum(1, 2)', D(3)),
    ('mean([1, 2, 3, 4])', D("2.5")),
    ('mean(1, 2, 3)', D(2)),
    ('all([true, true])', True),
    ('all([])', True),
    ('all([true, false, null])', False),
    ('all([true, null])', None),
    ('all(true, false)', False),
    ('any([false, true])', True),
    ('any([])', False),
    ('any([false, null])', None),
    ('any([123, true])', True),
    ('sublist([1, 2, 3, 4], 2)', [D(2), D(3), D(4)]),
    ('sublist([1, 2, 3, 4], 2, 2)', [D(2), D(3)]),
    ('sublist([1, 2, 3], -1, 1)', [D(3)]),
    ('append([1], 2, 3)', [D(1), D(2), D(3)]),
    ('append([1])', [D(1)]),
    ('append([[1]], [2])', [[D(1)], [D(2)]]),
    ('concatenate([1], [2, 3])', [D(1), D(2), D(3)]),
    ('concatenate([[1], [2]])', [[D(1)], [D(2)]]),
    ('insert before([1, 3], 2, 2)', [D(1), D(2), D(3)]),
    ('insert before([1, 3], -1, 2)', [D(1), D(2), D(3)]),
    ('remove([1, 2, 3], 2)', [D(1), D(3)]),
    ('remove([1, 2, 3], -1)', [D(1), D(2)]),
    ('reverse([1, 2, 3])', [D(3), D(2), D(1)]),
    ('index of([1, 2, 3, 2], 2)', [D(2), D(4)]),
    ('index of([1, 2], 5)', []),
    ('union([1, 2], [2, 3])', [D(1), D(2), D(3)]),
    ('distinct values([1, 2, 1, 3, 2])', [D(1), D(2), D(3)]),
    ('distinct values([[1], [1], 1])', [[D(1)], D(1)]),
    ('flatten([[1, [2]], 3, [[[4]]]])', [D(1), D(2), D(3), D(4)]),
    ('product([2, 3, 4])', D(24)),
    ('product(2, 3)', D(6)),
    ('median([8, 2, 5, 3, 4])', D(4)),
    ('median(8, 2, 5, 7)', D(6)),
    ('stddev([2, 4, 7, 5])', D("2.081665999466132735282297706979931")),
    ('mode([6, 3, 9, 6, 6])', [D(6)]),
    ('mode([3, 6, 1, 9, 6, 1, 3])', [D(1), D(3), D(6)]),
    ('mode([])', []),
    ('list replace([1, 2, 3], 2, 4)', [D(1), D(4), D(3)]),
    ('list replace([1, 2, 3], -1, 4)', [D(1), D(2), D(4)]),
    ('list replace([2, 4, 7, 8], function(item, newItem) item < newItem, 5)',
     [D(5), D(5), D(7), D(8)]),
    ('list replace(match: function(item, newItem) item = 2, newItem: 4, list: [1, 2, 3])',
     [D(1), D(4), D(3)]),
    ('sort([3, 1, 2])', [D(1), D(2), D(3)]),
    ('sort([3, 1, 2], function(x, y) x > y)', [D(3), D(2), D(1)]),
    ('sort(list: ["b", "a"], precedes: function(x, y) x < y)', ["a", "b"]),
    ('not(true)', False),
    ('not(null)', None),
    ('not(negand: false)', True),
    # a single value where a list is wanted is a singleton list
    ('count(5)', D(1)),
    ('list replace(1, 1, 5)', [D(5)]),
]

INVALID = [
    'list contains(null, 1)',
    'count(null)',
    'min([])',
    'min([1, "a"])',
    'max([true, false])',
    'sum([])',
    'sum([1, "a"])',
    'mean([])',
    'all([true, 1])',
    'all()',
    'any(list: null)',
    'any(l: [true])',
    'sublist([1, 2], 3)',
    'sublist([1, 2], 0)',
    'sublist([1, 2], 1, 3)',
    'sublist([1, 2], "1")',
    'append(null, 1)',
    'concatenate([1], null)',
    'insert before([1], 3, 2)',
    'remove([1, 2], 0)',
    'remove([1, 2], null)',
    'product([])',
    'product([1, null])',
    'median([])',
    'median([1, "foo"])',
    'stddev([47])',
    'stddev([1, "a"])',
    'mode([1, "foo"])',
    'list replace([1, 2, 3], 4, 4)',
    'list replace([1, 2, 3], "2", 4)',
    'list replace([2, 4], function(item, newItem) item, 5)',
    'list replace(position: 2, newItem: 4, list: [1, 2, 3], foo: 1)',
    'sort([1, "a"])',
    'sort([1, 2], function(x, y) 1)',
    'sort([1, 2], 3)',
    'not(1)',
]


@pytest.mark.parametrize("text, expected", VALID)
def test_valid(text, expected):
    assert evaluate(text) == expected


@pytest.mark.parametrize("text", INVALID)
def test_invalid_yields_null(text, assert_invalid):
    assert_invalid(text)


def test_position_fractions_are_truncated():
    assert evaluate("list replace([1, 2, 3], 2.5, 4)") == [D(1), D(4), D(3)]
    assert evaluate("list replace([1, 2, 3], -1.5, 4)") == [D(1), D(2), D(4)]


def test_invalid_call_leaves_a_message():
    scope = Scope()
    assert compile_expression("sum([1, \"a\"])")(scope) is None
    assert any("sum()" in m.text for m in scope.messages)


def test_arguments_are_not_changed():
    items = [D(1), D(2)]
    assert evaluate("append(xs, 3)", {"xs": items}) == [D(1), D(2), D(3)]
    assert evaluate("reverse(xs)", {"xs": items}) == [D(2), D(1)]
    assert items == [D(1), D(2)]


def test_sort_is_stable_for_ties():
    people = [{"n": "a", "k": 1}, {"n": "b", "k": 0}, {"n": "c", "k": 1}]
    result = evaluate("sort(ps, function(x, y) x.k < y.k)", {"ps": people})
    assert [p["n"] for p in result] == ["b", "a", "c"]


@pytest.mark.parametrize("text, expected", [
    ("sublist(5, 1)", [D(5)]),
    ("median(4)", D(4)),
    ("sum(4)", D(4)),
    ("mode(6)", [D(6)]),
])
def test_single_value_is_a_singleton_list(text, expected):
    assert evaluate(text) == expected
