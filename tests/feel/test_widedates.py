"""Dates and date-times with years outside Python's 1..9999 (DMN 1.5 10.3.2.3.x: FEEL years run
from -999,999,999 to 999,999,999), times and date-times with fractions of a second beyond the
microsecond (kept to the nanosecond, TCK 1117), and that values stay ordinary whenever they fit."""
import datetime as dt
import random
from decimal import Decimal

import pytest

from pydmn.feel import evaluate, widedates
from pydmn.feel.values import YearsMonths
from pydmn.feel.widedates import FineTime, WideDate, WideDateTime

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


# --- fractions of a second beyond the microsecond ---------------------------------------------

FINE_TEXT = [
    ('string(time("10:15:30.123456789"))', "10:15:30.123456789"),
    ('string(time("10:15:30.000000001@Europe/Paris"))', "10:15:30.000000001@Europe/Paris"),
    ('string(time("10:15:30.1234567"))', "10:15:30.1234567"),
    ('string(time("10:15:30.1234560009"))', "10:15:30.123456"),     # truncated at the nano
    ('string(@"09:15:30.987654321+02:00")', "09:15:30.987654321+02:00"),
    ('string(time(10, 15, 30.123456789, duration("PT1H")))', "10:15:30.123456789+01:00"),
    ('string(time(date and time("2017-09-05T09:15:30.987654321@Europe/Paris")))',
     "09:15:30.987654321@Europe/Paris"),
    ('string(date and time("2011-12-31T10:15:30.123456789@Europe/Paris"))',
     "2011-12-31T10:15:30.123456789@Europe/Paris"),
    ('string(date and time("-999999999-12-31T23:59:59.999999999+02:00"))',
     "-999999999-12-31T23:59:59.999999999+02:00"),
    ('string(date and time(date("2017-01-01"), time("23:59:01.123456789@Europe/Paris")))',
     "2017-01-01T23:59:01.123456789@Europe/Paris"),
    ('string(date and time(date and time("2017-09-05T10:20:00"), time("09:15:30.987654321Z")))',
     "2017-09-05T09:15:30.987654321Z"),
    ('string(date and time(date and time("2017-09-05T10:20:00.123456789"), time("09:15:30")))',
     "2017-09-05T09:15:30"),
    ('string(date and time("2017-09-05T09:15:30.987654321+02:00") + duration("PT1H"))',
     "2017-09-05T10:15:30.987654321+02:00"),
    ('string(date and time("2017-09-05T09:15:30.987654321@Europe/Paris") - duration("P1M"))',
     "2017-08-05T09:15:30.987654321@Europe/Paris"),
    ('string(date and time("9999-12-31T23:59:59.999999999") + duration("PT1S"))',
     "10000-01-01T00:00:00.999999999"),
    ('string(time("23:59:59.999999999") + duration("PT1S"))', "00:00:00.999999999"),
    ('string(duration("PT1H") + time("10:00:00.000000001"))', "11:00:00.000000001"),
    ('string(sort([time("10:00:00.000000002"), time("10:00:00"), time("10:00:00.000000001")]))',
     "[10:00:00, 10:00:00.000000001, 10:00:00.000000002]"),
]


@pytest.mark.parametrize("text,expected", FINE_TEXT)
def test_fine_text_forms(text, expected):
    assert evaluate(text) == expected


FINE = [
    ('time("10:15:30.123456789")', FineTime(dt.time(10, 15, 30, 123456), 789)),
    ('time("10:15:30.123456000")', dt.time(10, 15, 30, 123456)),    # no digits beyond: ordinary
    ('date and time("2017-09-05T09:15:30.987654321")',
     WideDateTime(dt.date(2017, 9, 5), dt.time(9, 15, 30, 987654), 321)),
    ('date and time("2017-09-05T09:15:30.987654321") - @"PT0.000001S" + @"PT0.000001S"',
     WideDateTime(dt.date(2017, 9, 5), dt.time(9, 15, 30, 987654), 321)),
    ('date and time(date("2017-09-05"), time("09:15:30.987654"))',
     dt.datetime(2017, 9, 5, 9, 15, 30, 987654)),
    ('date and time("2017-09-05T24:00:00.000000001")', None),
    # differences: durations hold microseconds, so the nanoseconds are truncated toward zero
    ('time("10:15:30.123456789") - time("10:15:30.123456")', dt.timedelta(0)),
    ('time("10:15:30.000001") - time("10:15:30.000000999")', dt.timedelta(0)),
    ('time("10:15:30.000002") - time("10:15:30.000000999")', dt.timedelta(microseconds=1)),
    ('time("10:15:30.123456789+01:00") - time("09:15:30Z")', dt.timedelta(microseconds=123456)),
    ('time("10:15:30.123456789+01:00") - time("10:15:30")', None),
    ('@"2017-09-05T09:15:30.987655+02:00" - @"2017-09-05T09:15:30.987654001+02:00"',
     dt.timedelta(0)),
    ('@"2017-09-05T09:15:31+02:00" - @"2017-09-05T07:15:30.000000001Z"',
     dt.timedelta(microseconds=999999)),
    ('@"2017-09-05T09:15:30.000000001" - @"2017-09-05T09:15:30Z"', None),
]


@pytest.mark.parametrize("text,expected", FINE)
def test_fine_values(text, expected):
    assert evaluate(text) == expected


FINE_ORDER = [
    ('time("10:15:30.123456789") > time("10:15:30.123456")', True),
    ('time("10:15:30.123456789") < time("10:15:30.123457")', True),
    ('time("10:15:30.000000002") > time("10:15:30.000000001")', True),
    ('time("11:15:30.000000001+01:00") > time("10:15:30Z")', True),
    ('time("10:15:30.123456789") = time("10:15:30.123")', True),       # to the millisecond
    ('time("10:15:30.123456789") = time("10:15:30.124")', False),
    ('time("10:15:30.123456789") = time("10:15:30.123456789")', True),
    ('@"2017-09-05T09:15:30.987654321+02:00" = @"2017-09-05T07:15:30.987Z"', True),
    ('@"2017-09-05T09:15:30.987654321+02:00" > @"2017-09-05T09:15:30.987654+02:00"', True),
    ('@"2017-09-05T09:15:30.987654321+02:00" < @"2017-09-05T09:15:30.987655+02:00"', True),
    ('@"2017-09-05T09:15:30.000000002" > @"2017-09-05T09:15:30.000000001"', True),
    ('@"2017-09-05T09:15:30.5" in [@"2017-09-05T09:15:30.000000001"..@"2017-09-06T00:00:00"]',
     True),
    ('is(time("10:15:30.123456789"), time("10:15:30.123456789"))', True),
    ('is(time("10:15:30.123456789"), time("10:15:30.123456"))', False),
    ('is(@"2017-09-05T09:15:30.987654321Z", @"2017-09-05T09:15:30.987654321Z")', True),
    ('is(@"2017-09-05T09:15:30.987654321Z", @"2017-09-05T09:15:30.987654Z")', False),
]


@pytest.mark.parametrize("text,expected", FINE_ORDER)
def test_fine_order_and_equality(text, expected):
    assert evaluate(text) == expected


FINE_FIELDS = [
    ('time("10:15:30.123456789").hour', D(10)), ('time("10:15:30.123456789").minute', D(15)),
    ('time("10:15:30.123456789").second', D("30.123456789")),
    ('time("10:15:30.000000789").second', D("30.000000789")),
    ('time("10:15:30.123456789+01:00").time offset', dt.timedelta(hours=1)),
    ('time("10:15:30.123456789@Europe/Paris").timezone', "Europe/Paris"),
    ('@"2017-09-05T09:15:30.987654321@Europe/Paris".second', D("30.987654321")),
    ('@"2017-09-05T09:15:30.987654321@Europe/Paris".time offset', dt.timedelta(hours=2)),
    ('@"2017-09-05T09:15:30.987654321@Europe/Paris".timezone', "Europe/Paris"),
    ('@"2017-09-05T09:15:30.987654321".weekday', D(2)),
    ('day of year(@"2017-09-05T09:15:30.987654321")', D(248)),
    ('string(date(@"2017-09-05T09:15:30.987654321"))', "2017-09-05"),
    ('time("10:15:30.123456789") instance of time', True),
    ('time("10:15:30.123456789") instance of date and time', False),
    ('@"2017-09-05T09:15:30.987654321" instance of date and time', True),
    ('@"2017-09-05T09:15:30.987654321" instance of time', False),
    ('@"2017-09-05T09:15:30.987654321" instance of date', False),
]


@pytest.mark.parametrize("text,expected", FINE_FIELDS)
def test_fine_fields(text, expected):
    assert evaluate(text) == expected


def test_fine_values_have_their_kind_and_iso_text():
    from pydmn.feel import kind_of
    fine_time, fine_stamp = evaluate('@"10:15:30.000000789+02:00"'), evaluate(
        '@"2017-09-05T09:15:30.987654321@Europe/Paris"')
    assert (kind_of(fine_time), kind_of(fine_stamp)) == ("time", "date and time")
    assert str(fine_time) == "10:15:30.000000789+02:00"
    assert str(fine_stamp) == "2017-09-05T09:15:30.987654321+02:00"


def test_json_renders_fine_values_as_iso_text():
    from webapp.serving.jsonvalues import to_json
    assert to_json([evaluate('time("10:15:30.123456789")')]) == ["10:15:30.123456789"]
    assert to_json(evaluate('@"2017-09-05T09:15:30.000000001Z"')) == \
        "2017-09-05T09:15:30.000000001+00:00"
