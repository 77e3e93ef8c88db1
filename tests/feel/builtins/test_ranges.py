"""Range built-ins (DMN 1.5 10.3.4.11, 10.3.4.12) through the public FEEL API."""
import datetime as dt
from decimal import Decimal

import pytest

from pydmn.feel import evaluate
from pydmn.feel.values import Range

D = Decimal

RELATIONS = [
    # before / after: points, point and range, ranges (Table 78)
    ('before(1, 10)', True), ('before(10, 1)', False),
    ('before(1, [2..5])', True), ('before(1, [1..5])', False), ('before(1, (1..5])', True),
    ('before([1..5], 10)', True), ('before([1..5], 5)', False), ('before([1..5), 5)', True),
    ('before([1..5], [6..8])', True), ('before([1..5], [5..8])', False),
    ('before([1..5), [5..8])', True), ('before([1..5], (5..8])', True),
    ('after(10, 1)', True), ('after(12, [2..5])', True), ('after(5, [1..5))', True),
    ('after([6..8], 5)', True), ('after((5..8], 5)', True), ('after([5..8], 5)', False),
    # named: (point, range) and (range, point) share their names, so the written order decides
    ('before(range: [1..2], point: 3)', True), ('before(point: 3, range: [1..2])', False),
    ('after(range: [1..2], point: 3)', False), ('after(point: 3, range: [1..2])', True),
    ('after([6..8], [1..5])', True), ('after((5..8], [1..5])', True),
    ('after([5..8], [1..5])', False),
    ('meets([1..5], [5..8])', True), ('meets([1..5), [5..8])', False),
    ('meets([1..3], [4..6])', False),
    ('met by([5..8], [1..5])', True), ('met by([5..8], [1..5))', False),
    ('overlaps([1..5], [3..8])', True), ('overlaps([3..8], [1..5])', True),
    ('overlaps([1..5], [5..8])', True), ('overlaps([1..5), [5..8])', False),
    ('overlaps([1..5], [6..8])', False),
    ('overlaps before([1..5], [3..8])', True), ('overlaps before([3..8], [1..5])', False),
    ('overlaps before([1..5], [1..8])', False), ('overlaps before([1..5], (1..8])', True),
    ('overlaps after([3..8], [1..5])', True), ('overlaps after([1..5], [3..8])', False),
    ('overlaps after((1..8], [1..5])', True),
    ('finishes(5, [1..5])', True), ('finishes(5, [1..5))', False),
    ('finishes([3..5], [1..5])', True), ('finishes([1..5], [1..5])', True),
    ('finishes([3..5), [1..5])', False), ('finishes([0..5], [1..5])', False),
    ('finished by([1..5], 5)', True), ('finished by([1..5), 5)', False),
    ('finished by([1..5], [3..5])', True), ('finished by([3..5], [1..5])', False),
    ('includes([1..10], 5)', True), ('includes([1..10], 1)', True),
    ('includes((1..10], 1)', False), ('includes([1..10], 11)', False),
    ('includes([1..10], [4..6])', True), ('includes([1..10], [1..10])', True),
    ('includes((1..10], [1..10])', False), ('includes([1..10], (1..10))', True),
    ('during(5, [1..10])', True), ('during(1, (1..10])', False), ('during(10, [1..10])', True),
    ('during([4..6], [1..10])', True), ('during([1..10], [1..10])', True),
    ('during([1..10], (1..10])', False),
    ('starts(1, [1..5])', True), ('starts(1, (1..5])', False),
    ('starts([1..3], [1..5])', True), ('starts([1..5], [1..5])', True),
    ('starts((1..3], [1..5])', False), ('starts([1..6], [1..5])', False),
    ('started by([1..5], 1)', True), ('started by((1..5], 1)', False),
    ('started by([1..5], [1..3])', True), ('started by([1..3], [1..5])', False),
    ('coincides(5, 5)', True), ('coincides(5, 6)', False),
    ('coincides([1..5], [1..5])', True), ('coincides([1..5], (1..5])', False),
    # other comparable kinds, and open-ended ranges
    ('before(@"2020-01-01", [@"2020-01-02"..@"2020-12-31"])', True),
    ('includes(["a".."f"], "c")', True),
    # named invocation by the spec's parameter names
    ('before(point1: 1, point2: 10)', True),
    ('includes(range: [1..10], point: 5)', True),
    ('during(point: 5, range: [1..10])', True),
    ('overlaps(range1: [1..5], range2: [3..8])', True),
]


@pytest.mark.parametrize("text,expected", RELATIONS)
def test_relation(text, expected):
    assert evaluate(text) is expected


INVALID_RELATIONS = [
    'before(null, 1)', 'before(1, "a")', 'includes([1..5], "a")', 'meets(1, 2)',
    'meets([1..5], 5)', 'finishes([1..5], 5)', 'finished by(5, [1..5])',
    'includes(5, [1..5])', 'during([1..5], 5)', 'coincides(1, [1..5])', 'before(1)',
]


@pytest.mark.parametrize("text", INVALID_RELATIONS)
def test_invalid_relation_is_null(text, assert_invalid):
    assert_invalid(text)


RANGE = [
    ('range("[1..3]")', Range(D(1), D(3), True, True)),
    ('range("(18..21]")', Range(D(18), D(21), False, True)),
    ('range("]18..21[")', Range(D(18), D(21), False, False)),
    ('range(" [ 1 .. 3 ] ")', Range(D(1), D(3), True, True)),
    ('range("[\\"a\\"..\\"c\\"]")', Range("a", "c", True, True)),
    ('range("[@\\"1970-01-01\\"..@\\"1970-01-02\\"]")',
     Range(dt.date(1970, 1, 1), dt.date(1970, 1, 2), True, True)),
    ('range("[duration(\\"P1D\\")..@\\"P2D\\"]")',
     Range(dt.timedelta(days=1), dt.timedelta(days=2), True, True)),
    ('range(from: "[1..3]")', Range(D(1), D(3), True, True)),
    ('2 in range("[1..3]")', True),
    ('range("[1..3]") instance of range<number>', True),
]


@pytest.mark.parametrize("text,expected", RANGE)
def test_range(text, expected):
    assert evaluate(text) == expected


INVALID_RANGE = [
    'range()', 'range([1..3])', 'range("")', 'range(" ")', 'range("1")', 'range("[1..3]", 1)',
    'range(fron: "[1..3]")', 'range("[1..\\"b\\"]")', 'range("[3..1]")', 'range("[x..3]")',
    'range("[date(string(\\"1970-01-01\\"))..date(\\"1970-01-02\\")]")',
    'range("[@\\"1970-01-01\\"..@\\"1970-01-02T00:00:00\\"]")', 'range("[null..null]")',
]


@pytest.mark.parametrize("text", INVALID_RANGE)
def test_invalid_range_is_null(text, assert_invalid):
    assert_invalid(text)


OPEN = [
    ('includes(r, 5)', Range(None, D(10), False, False), True),
    ('includes(r, 5)', Range(D(10), None, True, False), False),
    ('after(11, r)', Range(None, D(10), False, True), True),
    ('before(r, 11)', Range(None, D(10), False, True), True),
    ('overlaps(r, [1..20])', Range(D(10), None, True, False), True),
]


@pytest.mark.parametrize("text,value,expected", OPEN)
def test_open_ended_bound_is_beyond_every_point(text, value, expected):
    assert evaluate(text, {"r": value}) is expected


def test_range_does_not_see_the_callers_variables():
    assert evaluate('range("[x..3]")', {"x": 1}) is None
