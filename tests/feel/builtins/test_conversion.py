"""Conversion built-ins (DMN 1.5 10.3.4.1) and the temporal text forms, through the public API."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pydmn.feel import Scope, compile_expression, evaluate
from pydmn.feel.values import YearsMonths
from pydmn.feel.widedates import FineTime

D = Decimal
UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")


def offset(hours, minutes=0):
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


VALID = [
    # date
    ('date("2017-12-31")', dt.date(2017, 12, 31)),
    ('date(2017, 1, 1)', dt.date(2017, 1, 1)),
    ('date(year: 2017, month: 8, day: 30)', dt.date(2017, 8, 30)),
    ('date(from: "2012-12-25")', dt.date(2012, 12, 25)),
    ('date(date and time("2017-08-14T14:25:00"))', dt.date(2017, 8, 14)),
    ('date(date and time("2017-09-03T23:45:30@Europe/Paris"))', dt.date(2017, 9, 3)),
    ('date(date("2017-10-11"))', dt.date(2017, 10, 11)),
    # time
    ('time("10:30:11")', dt.time(10, 30, 11)),
    ('time("10:30:11.5")', dt.time(10, 30, 11, 500000)),
    ('time("10:30:11.123456789")', FineTime(dt.time(10, 30, 11, 123456), 789)),
    ('time("10:30:11Z")', dt.time(10, 30, 11, tzinfo=UTC)),
    ('time("23:59:00z")', dt.time(23, 59, tzinfo=UTC)),
    ('time("10:30:11-05:30")', dt.time(10, 30, 11, tzinfo=offset(-5, -30))),
    ('time("10:30:11@Europe/Paris")', dt.time(10, 30, 11, tzinfo=PARIS)),
    ('time("24:00:00")', dt.time(0, 0)),
    ('time(date and time("2017-08-14T14:25:00+02:00"))', dt.time(14, 25, tzinfo=offset(2))),
    ('time(23, 59, 0)', dt.time(23, 59)),
    ('time(14, 30, 15.25)', dt.time(14, 30, 15, 250000)),
    ('time(14, 30, 0, duration("PT1H"))', dt.time(14, 30, tzinfo=offset(1))),
    ('time(14, 30, 0, duration("-PT2H30M"))', dt.time(14, 30, tzinfo=offset(-2, -30))),
    # date and time
    ('date and time("2017-12-31T11:22:33")', dt.datetime(2017, 12, 31, 11, 22, 33)),
    ('date and time("2012-12-24")', dt.datetime(2012, 12, 24)),
    ('date and time("2017-12-31T11:22:33.567Z")',
     dt.datetime(2017, 12, 31, 11, 22, 33, 567000, tzinfo=UTC)),
    ('date and time("2017-12-31T11:22:33+01:35")',
     dt.datetime(2017, 12, 31, 11, 22, 33, tzinfo=offset(1, 35))),
    ('date and time("2011-12-31T10:15:30@Europe/Paris")',
     dt.datetime(2011, 12, 31, 10, 15, 30, tzinfo=PARIS)),
    ('date and time("2017-12-31T24:00:00")', dt.datetime(2018, 1, 1)),
    ('date and time(date("2017-01-01"), time("23:59:01Z"))',
     dt.datetime(2017, 1, 1, 23, 59, 1, tzinfo=UTC)),
    ('date and time(date and time("2017-08-10T10:20:00+02:00"), time("23:59:01"))',
     dt.datetime(2017, 8, 10, 23, 59, 1)),
    ('date and time(date: date("2017-01-01"), time: time("10:00:00"))',
     dt.datetime(2017, 1, 1, 10)),
    ('date and time(date("2017-01-01"))', dt.datetime(2017, 1, 1)),
    # duration
    ('duration("P1D")', dt.timedelta(days=1)),
    ('duration("PT0.999S")', dt.timedelta(milliseconds=999)),
    ('duration("P1DT2H3M4.5S")', dt.timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
    ('duration("PT1000M")', dt.timedelta(minutes=1000)),
    ('duration("PT0.S")', dt.timedelta(0)),
    ('duration("-PT1H2M")', -dt.timedelta(hours=1, minutes=2)),
    ('duration("P1Y2M")', YearsMonths(14)),
    ('duration("P1Y27M")', YearsMonths(39)),
    ('duration("-P100M")', YearsMonths(-100)),
    ('duration("P0Y")', YearsMonths(0)),
    ('duration(from: "PT24H")', dt.timedelta(days=1)),
    # years and months duration
    ('years and months duration(date("2011-12-22"), date("2013-08-24"))', YearsMonths(20)),
    ('years and months duration(date("2013-08-24"), date("2011-12-22"))', YearsMonths(-20)),
    ('years and months duration(date("2015-01-21"), date("2016-01-21"))', YearsMonths(12)),
    ('years and months duration(date("2016-01-31"), date("2016-02-29"))', YearsMonths(0)),
    ('years and months duration(date and time("2014-12-31T23:59:59"), '
     'date and time("2016-12-31T00:00:01"))', YearsMonths(24)),
    ('years and months duration(from: date("2013-08-24"), '
     'to: date and time("2017-12-15T00:59:59"))', YearsMonths(51)),
    # number and string
    ('number("1 000,5", " ", ",")', D("1000.5")),
    ('number("1,000.21", ",", ".")', D("1000.21")),
    ('number("12.5", null, ".")', D("12.5")),
    ('number("-7")', D(-7)),
    ('number(from: "1.000,1", grouping separator: ".", decimal separator: ",")', D("1000.1")),
    ('string(1.10)', "1.1"),
    ('string(date("2017-01-02"))', "2017-01-02"),
    ('string(duration("P1DT2H"))', "P1DT2H"),
    ('string(null)', None),
    # @-literals share the same parser
    ('@"2019-03-31"', dt.date(2019, 3, 31)),
    ('@"2018-12-08T10:30:11+11:00"', dt.datetime(2018, 12, 8, 10, 30, 11, tzinfo=offset(11))),
    ('@"10:30:11@Australia/Melbourne"', dt.time(10, 30, 11,
                                                tzinfo=ZoneInfo("Australia/Melbourne"))),
    ('@"P10Y"', YearsMonths(120)),
    ('@"-P2DT3H"', -dt.timedelta(days=2, hours=3)),
]


@pytest.mark.parametrize("text,expected", VALID)
def test_valid(text, expected):
    result = evaluate(text)
    assert result == expected
    assert type(result) is type(expected)


def test_zone_is_kept():
    assert evaluate('time("10:30:11@Europe/Paris")').tzinfo.key == "Europe/Paris"
    assert evaluate('date and time("2017-12-31T11:22:33Z")').utcoffset() == dt.timedelta(0)


INVALID = [
    'date(null)', 'date()', 'date("")', 'date("2012-12-25T")', 'date("2012/12/25")',
    'date("2017-13-10")', 'date("2017-12-32")', 'date("998-12-31")', 'date("01211-12-31")',
    'date("+2012-12-02")', 'date("2012-1-1")', 'date("9999999999-12-25")',
    'date(2017, 13, 31)', 'date(2017, 8, -2)', 'date(2017, 1.5, 1)', 'date(1)', 'date([])',
    'date(2017, null, 1)', 'date(true, 1, 1)',
    'time("")', 'time("25:00:00")', 'time("24:00:01")', 'time("10:60:00")', 'time("7:00:00")',
    'time("10:00:00+15:00")', 'time("10:00:00+05:0")', 'time("10:00:00@xyz/abc")',
    'time("10:00:00+01:00@Europe/Paris")', 'time(24, 0, 0)', 'time(10, 0, 0, 5)',
    'time(10, 0, "0")',
    'date and time(null)', 'date and time("11:00:00")', 'date and time("2011-12-0310:15:30")',
    'date and time("2017-13-10T11:22:33")', 'date and time("2017-12-31T24:01:00")',
    'date and time("2017-12-31T00:00:61")', 'date and time("2017-12-31T13:20:00+19:00")',
    'date and time("2017-12-31T13:20:00+5")', 'date and time("2017-12-31T7:20")',
    'date and time("2017-12-31T13:20:00@Europe")', 'date and time(2017)',
    'date and time(date("2017-08-10"), null)', 'date and time(null, time("23:59:01"))',
    'date and time(time("10:00:00"), time("10:00:00"))',
    'duration(null)', 'duration("")', 'duration("P")', 'duration("PT")', 'duration("P1DT")',
    'duration("P0")', 'duration("1Y")', 'duration("P1H")', 'duration("P1S")',
    'duration("P1Y2D")', 'duration(2017)', 'duration("P99999999999D")',
    'years and months duration(null, date("2017-08-11"))',
    'years and months duration(date("2017-08-11"), null)',
    'years and months duration(2017)', 'years and months duration([], [])',
    'number("1,000.21", ",", ",")', 'number("1 000", "x", ".")', 'number("abc")',
    'number("1.2.3")', 'number(12)',
    '@"foo"', '@"2019-02-30"', '@"P"',
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_is_null(text, assert_invalid):
    assert_invalid(text)


def test_invalid_call_leaves_a_message():
    scope = Scope({})
    assert compile_expression('date("2017-13-10")')(scope) is None
    assert any("date" in m.text for m in scope.messages)
