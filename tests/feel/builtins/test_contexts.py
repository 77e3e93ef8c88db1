"""Context built-ins (DMN 1.5 10.3.4.8) through the public FEEL API."""
from decimal import Decimal

import pytest

from pydmn.feel import evaluate

D = Decimal

VALID = [
    ('get value({a: "foo"}, "a")', "foo"),
    ('get value({a: "foo"}, "b")', None),
    ('get value(key: "a", m: {a: "foo"})', "foo"),
    ('get entries({a: 1, b: 2})', [{"key": "a", "value": D(1)}, {"key": "b", "value": D(2)}]),
    ('get entries({})', []),
    ('context([{key: "a", value: 1}, {key: "b", value: null}])', {"a": D(1), "b": None}),
    ('context([])', {}),
    ('context put({}, "a", 1)', {"a": D(1)}),
    ('context put({a: 1}, "a", 2)', {"a": D(2)}),
    ('context put({a: 1, b: 2, c: 3}, "b", 4)', {"a": D(1), "b": D(4), "c": D(3)}),
    ('context put({}, "a", null)', {"a": None}),
    ('context put(context: {}, key: "a", value: 1)', {"a": D(1)}),
    ('context put({x: 1, y: {a: 0}}, ["y", "a"], 2)', {"x": D(1), "y": {"a": D(2)}}),
    ('context put({x: 1, y: {a: 0}}, ["y", "b"], 2)', {"x": D(1), "y": {"a": D(0), "b": D(2)}}),
    ('context put(context: {y: {a: 0}}, keys: ["y", "a"], value: 2)', {"y": {"a": D(2)}}),
    ('context merge([{a: 1}, {b: 2}])', {"a": D(1), "b": D(2)}),
    ('context merge([{a: 1}, {a: 2}])', {"a": D(2)}),
    ('context merge([{a: {aa: 1}}, {a: {bb: 2}}])', {"a": {"bb": D(2)}}),
    ('context merge([])', {}),
    ('context merge({a: 1})', {"a": D(1)}),
]

INVALID = [
    'get value()',
    'get value({a: "foo"})',
    'get value("foo", "foo")',
    'get value({a: "foo"}, 123)',
    'get value(null, "a")',
    'get value(k: "a", m: {a: "foo"})',
    'get entries(null)',
    'get entries([1])',
    'context([{key: "a", value: 1}, {key: "a", value: 2}])',
    'context([{key: 1, value: 1}])',
    'context([{key: "a"}])',
    'context(null)',
    'context put({}, null, 1)',
    'context put(null, "a", 1)',
    'context put([], "a", 1)',
    'context put({}, 1, 1)',
    'context put({}, "a")',
    'context put({}, "a", 1, 1)',
    'context put(context: {}, ky: "a", value: 1)',
    'context put({x: 1, y: {a: 0}}, ["y", null], 2)',
    'context put({x: 1, y: {a: 0}}, [], 2)',
    'context put({x: 1, y: {a: 0}}, ["y", "a", "b"], 2)',
    'context put(context: {y: {a: 0}}, key: ["y", "a"], value: 2)',
    'context merge(null)',
    'context merge()',
    'context merge([1, 2])',
    'context merge([{a: 1}, 2])',
]


@pytest.mark.parametrize("text, expected", VALID)
def test_valid(text, expected):
    assert evaluate(text) == expected


@pytest.mark.parametrize("text", INVALID)
def test_invalid_yields_null(text, assert_invalid):
    assert_invalid(text)


def test_context_put_leaves_its_argument_alone():
    original = {"a": {"b": 1}}
    assert evaluate('context put(c, ["a", "b"], 2)', {"c": original}) == {"a": {"b": D(2)}}
    assert evaluate('context put(c, "a", 2)', {"c": original}) == {"a": D(2)}
    assert original == {"a": {"b": 1}}
