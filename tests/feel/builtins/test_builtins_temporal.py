"""Temporal built-ins (DMN 1.5 10.3.4.7) and `is()`, through the public FEEL API."""
import datetime as dt
from decimal import Decimal

import pytest

from pydmn.feel import evaluate

D = Decimal

VALID = [
    ('day of year(date(2019, 9, 17))', D(260)),
    ('day of year(date and time("2020-12-31T10:00:00"))', D(366)),
    ('day of week(date(2019, 9, 17))', "Tuesday"),
    ('day of week(date: @"2019-09-17T10:10:10")', "Tuesday"),
    ('day of week(@"1970-01-04")', "Sunday"),
    ('month of year(date(2019, 9, 17))', "September"),
    ('month of year(@"2019-01-01T00:00:00Z")', "January"),
    ('week of year(date(2019, 9, 17))', D(38)),
    ('week of year(@"2003-12-29")', D(1)),
    ('week of year(@"2005-01-01")', D(53)),
    ('week of year(date(2005, 1, 3))', D(1)),
    ('today() instance of date', True),
    ('now() instance of date and time', True),
]


@pytest.mark.parametrize("text,expected", VALID)
def test_valid(text, expected):
    assert evaluate(text) == expected


def test_now_is_zoned_and_current():
    now = evaluate("now()")
    assert now.utcoffset() is not None
    assert abs(now - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def test_today_is_today():
    assert evaluate("today()") == dt.date.today()


IS = [
    ('is(1, 1)', True), ('is(1, 2)', False), ('is("foo", "foo")', True),
    ('is(true, true)', True), ('is(null, null)', True), ('is(1, "1")', False),
    ('is([1, 2], [1, 2])', True), ('is({a: 1}, {a: 1})', True),
    ('is(@"2012-12-25", @"2012-12-25")', True),
    ('is(@"2012-12-25", @"2012-12-25T00:00:00Z")', False),
    ('is(@"23:00:50", @"23:00:50")', True),
    ('is(@"23:00:50Z", @"23:00:50+00:00")', True),
    ('is(@"23:00:50", @"23:00:50Z")', False),
    ('is(@"23:00:50@Australia/Melbourne", @"23:00:50+10:00")', False),
    ('is(@"23:00:50@Etc/GMT", @"23:00:50Z")', False),
    ('is(@"20:00:50+00:00", @"21:00:50+01:00")', False),
    ('is(@"2002-04-02T12:00:00-01:00", @"2002-04-02T17:00:00+04:00")', False),
    ('is(@"2002-04-02T23:00:00@Australia/Melbourne", '
     '@"2002-04-02T23:00:00@Australia/Melbourne")', True),
    ('is(@"P1D", @"PT24H")', True), ('is(@"P1Y", @"P12M")', True),
    ('is(@"P0Y", @"P0D")', False),
    ('is(value1: @"2021-02-13", value2: @"2021-02-13")', True),
    ('is(value1: @"2021-02-13")', False),
]


@pytest.mark.parametrize("text,expected", IS)
def test_is(text, expected):
    assert evaluate(text) is expected


INVALID = [
    'day of week(null)', 'day of week()', 'day of week("foo")', 'day of week(date: "foo")',
    'day of week(value: @"1970-01-01")', 'day of week(@"1970-01-01", @"1970-01-01")',
    'day of year(1)', 'month of year(@"10:00:00")', 'week of year([])',
    'now(123)', 'today(123)',
    'is(value1: 1, value2: 1, value3: 1)',
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_is_null(text, assert_invalid):
    assert_invalid(text)
