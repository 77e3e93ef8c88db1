"""Dates and date-times with years outside Python's 1..9999 (DMN 1.5 10.3.2.3.x: FEEL years run
from -999,999,999 to 999,999,999), and that values stay ordinary whenever the year fits."""
import datetime as dt
import random
from decimal import Decimal

import pytest

from pydmn.feel import evaluate, widedates
from pydmn.feel.values import YearsMonths
from pydmn.feel.widedates import WideDate, WideDateTime

D = Decimal

TEXT = [
    ('string(date("-2017-02-28"))', "-2017-02-28"),
    ('string(date("999999999-12-31"))', "999999999-12-31"),
    ('string(date("-999999999-12-31"))', "-999999999-12-31"),
    ('string(date(999999999, 12, 31))', "999999999-12-31"),
    ('string(date(-5, 1, 2))', "-0005-01-02"),
    ('string(date and time("99999-12-31T11:22:33"))', "99999-12-31T11:22:33"),
    ('string(date and time("-99999-12-31T11:22:33.5+02:00"))', "-99999-12-31T11:22:33.5+02:00"),
    ('string(@"-2021-01-01T10:10:10+11:00" + @"P1M")', "-2021-02-01T10:10:10+11:00"),
    ('string(@"-2021-01-01T10:10:10@Australia/Melbourne" - @"P1M")',
     "-2022-12-01T10:10:10@Australia/Melbourne"),
    ('string(@"P1D" + @"-2021-01-01T10:10:10+11:00")', "-2021-01-02T10:10:10+11:00"),
    ('string(@"-2021-01-01T10:10:10+11:00" - @"PT1H")', "-2021-01-01T09:10:10+11:00"),
    ('string(@"-2021-01-01T10:10:10Z" + @"-P1D")', "-2022-12-31T10:10:10Z"),
    ('string(date("-0004-01-31") + @"P1M")', "-0004-02-29"),    # a leap year
    ('string(date("-0005-01-31") + @"P1M")', "-0005-02-28"),
    ('string(date("0001-01-01") - @"P1D")', "0000-12-31"),
    ('string(date("9999-12-31") + @"P1D")', "10000-01-01"),
    ('string(date and time("9999-12-31T24:00:00"))', "10000-01-01T00:00:00"),
    ('string(date(date and time("-2017-12-31T11:22:33")))', "-2017-12-31"),
    ('string(time(date and time("-2017-12-31T11:22:33Z")))', "11:22:33Z"),
    ('string(date and time(date("-2017-12-31"), time("01:02:03")))', "-2017-12-31T01:02:03"),
]


@pytest.mark.parametrize("text,expected", TEXT)
def test_text_forms(text, expected):
    assert evaluate(text) == expected


VALUES = [
    ('date("-2017-02-28")', WideDate(-2017, 2, 28)),
    ('date("10000-01-01") - @"P1D"', dt.date(9999, 12, 31)),       # back to ordinary
    ('date("-0001-01-01") + @"P1Y"', WideDate(0, 1, 1)),
    ('date("0000-01-01") + @"P1Y"', dt.date(1, 1, 1)),
    ('years and months duration(date("-2011-12-31"), date("2014-02-28"))', YearsMonths(48289)),
    ('years and months duration(date and time("2014-12-31T23:59:59"), '
     'date and time("-2019-10-01T12:32:59"))', YearsMonths(-48398)),
    ('date("10000-01-01") - date("9999-12-31")', dt.timedelta(days=1)),
    ('date("-2021-01-01") - @"-2021-01-01T00:10:10Z"', dt.timedelta(seconds=-610)),
    ('@"-2021-01-01T10:10:10+11:00" - @"-2021-01-01T00:10:10Z"', dt.timedelta(hours=-1)),
    ('@"-2021-01-01T10:10:10" - @"-2021-01-01T00:10:10"', dt.timedelta(hours=10)),
    ('date("-999999999-01-01") - date("999999999-01-01")', None),   # beyond a duration
    ('date("-999999999-01-01") - @"P1Y"', None),
    ('date("999999999-12-31") + @"P1D"', None),
    ('date("1000000000-01-01")', None),
    ('date("-0001-02-29")', None),
    ('date("0000-02-29")', WideDate(0, 2, 29)),
    ('abs(date("-2018-12-06"))', None),
]


@pytest.mark.parametrize("text,expected", VALUES)
def test_values(text, expected):
    assert evaluate(text) == expected


ORDER = [
    ('date("-2021-01-01") < date("2021-01-01")', True),
    ('date("10000-01-01") > date("9999-12-31")', True),
    ('date("-2021-01-01") = date("-2021-01-01")', True),
    ('date("-2021-01-01") = date("2021-01-01")', False),
    ('@"10000-01-01T01:00:00+02:00" = @"9999-12-31T23:00:00Z"', True),
    ('@"-2021-01-01T10:10:10+11:00" = @"-2021-01-01T00:10:10+01:00"', True),
    ('is(@"-2021-01-01T10:10:10+11:00", @"-2021-01-01T00:10:10+01:00")', False),
    ('is(@"-2021-01-01T10:10:10+11:00", @"-2021-01-01T10:10:10+11:00")', True),
    ('@"-2021-01-01T10:10:10" < @"-2021-01-01T10:10:11"', True),
    ('date("-2021-01-01") < @"-2021-01-01T10:10:11"', None),
    ('date("2000-01-01") in [date("-2021-01-01")..date("2021-01-01")]', True),
    ('sort([date("12345-01-01"), date("2021-01-01"), date("-0005-01-01")])',
     [WideDate(-5, 1, 1), dt.date(2021, 1, 1), WideDate(12345, 1, 1)]),
]


@pytest.mark.parametrize("text,expected", ORDER)
def test_order_and_equality(text, expected):
    assert evaluate(text) == expected


CALENDAR = [
    ('date("-2017-02-28").year', D(-2017)), ('date("-2017-02-28").month', D(2)),
    ('date("-2017-02-28").day', D(28)),
    ('date("0000-12-31").weekday', D(7)),       # the day before Monday 0001-01-01
    ('day of week(date("10000-01-01"))', "Saturday"),
    ('day of year(date("-0004-12-31"))', D(366)),
    ('month of year(date("-2017-02-28"))', "February"),
    ('week of year(date("-2017-02-28"))', D(9)),
    ('date and time("-2017-12-31T11:22:33").hour', D(11)),
    ('date and time("-2017-12-31T11:22:33.25").second', D("33.25")),
    ('@"-2021-01-01T10:10:10+11:00".time offset', dt.timedelta(hours=11)),
    ('@"-2021-01-01T10:10:10@Australia/Melbourne".timezone', "Australia/Melbourne"),
    # Zone rules: the first offset (local mean time) long ago, today's rule far ahead.
    ('@"-2021-01-01T10:10:10@Australia/Melbourne".time offset', dt.timedelta(seconds=34792)),
    ('@"10000-01-01T10:10:10@Australia/Melbourne".time offset', dt.timedelta(hours=11)),
    ('date("-2017-02-28") instance of date', True),
    ('date("-2017-02-28") instance of date and time', False),
    ('date and time("-2017-12-31T11:22:33") instance of date and time', True),
    ('date and time("-2017-12-31T11:22:33") instance of date', False),
]


@pytest.mark.parametrize("text,expected", CALENDAR)
def test_calendar_fields(text, expected):
    assert evaluate(text) == expected


def test_ordinals_round_trip_and_agree_with_python():
    last = dt.date.max.toordinal()
    rng = random.Random(5)
    numbers = [*range(-800, 800), *range(last - 800, last + 800),
               *(rng.randint(-365_000_000_000, 365_000_000_000) for _ in range(2000))]
    for number in numbers:
        day = widedates.from_ordinal(number)
        assert widedates.ordinal(day) == number
        assert type(day) is (dt.date if 1 <= number <= last else WideDate)


def test_weekdays_run_on_across_year_one():
    days = [widedates.from_ordinal(n) for n in range(-10, 10)]
    weekdays = [widedates.calendar_twin(d).weekday() for d in days]
    assert all((b - a) % 7 == 1 for a, b in zip(weekdays, weekdays[1:]))


def test_factory_keeps_ordinary_years_ordinary():
    assert type(widedates.make_date(9999, 12, 31)) is dt.date
    assert type(widedates.make_datetime(widedates.make_date(-1, 1, 1), dt.time())) is WideDateTime
    with pytest.raises(ValueError):
        widedates.make_date(-3, 2, 30)


def test_str_is_the_isoformat_json_output_falls_back_to():
    assert str(evaluate('@"-2021-01-01T10:10:10+11:00"')) == "-2021-01-01T10:10:10+11:00"
    assert str(evaluate('date("12345-06-07")')) == "12345-06-07"
