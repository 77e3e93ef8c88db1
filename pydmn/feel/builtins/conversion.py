"""Conversion functions (DMN 1.5 10.3.4.1): date, time, date and time, duration, years and months
duration, number, string."""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal

from pydmn.feel import operators, widedates
from pydmn.feel.builtins.registry import Invalid, builtin
from pydmn.feel.builtins.temporal_parse import (
    parse_date, parse_date_and_time, parse_duration, parse_time,
)
from pydmn.feel.values import FEEL_CONTEXT, YearsMonths
from pydmn.feel.widedates import FineTime, WideDate, WideDateTime

_NANO = Decimal("0.000000001")
_MAX_OFFSET = dt.timedelta(hours=14)


def _parsed(value, text: str, what: str):
    if value is None:
        raise Invalid(f"{text!r} is not a valid {what}")
    return value


def _string(value, what: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string or a {what}, got {operators.kind_of(value)}")
    return value


def _integer(value, what: str) -> int:
    # bool is an int in Python, never a FEEL number
    if type(value) is not Decimal or value != value.to_integral_value():
        raise Invalid(f"{what} must be a whole number, got {operators.to_string(value)}")
    return int(value)


# --- date -------------------------------------------------------------------------------------

@builtin("date", "from")
def date_from(from_):
    day = widedates.date_part(from_)
    if day is not None:
        return day
    text = _string(from_, "date and time")
    return _parsed(parse_date(text), text, "date")


@builtin("date", "year", "month", "day")
def date_of(year, month, day):
    fields = _integer(year, "year"), _integer(month, "month"), _integer(day, "day")
    try:
        return widedates.make_date(*fields)
    except ValueError as exc:       # no such day in the calendar, or beyond FEEL's years
        raise Invalid(str(exc)) from None


# --- time -------------------------------------------------------------------------------------

@builtin("time", "from")
def time_from(from_):
    if isinstance(from_, dt.datetime):
        return from_.timetz()
    if isinstance(from_, dt.date):
        # FEEL reads a date as its midnight UTC (DMN 1.5 10.3.2.3.5)
        return dt.time(tzinfo=dt.timezone.utc)
    if isinstance(from_, dt.time) or type(from_) is FineTime:
        return from_
    if type(from_) is WideDateTime:
        return widedates.make_time(from_.time, from_.nanos)
    if type(from_) is WideDate:
        return dt.time(tzinfo=dt.timezone.utc)
    text = _string(from_, "date and time")
    return _parsed(parse_time(text), text, "time")


@builtin("time", "hour", "minute", "second", "offset")
def time_of(hour, minute, second, offset=None):
    if type(second) is not Decimal:
        raise Invalid("second must be a number")
    whole = int(second.to_integral_value(rounding=ROUND_FLOOR))
    # truncated to the nanosecond, as the text forms are
    fraction = FEEL_CONTEXT.subtract(second, Decimal(whole)).quantize(_NANO, rounding=ROUND_DOWN)
    micro, nanos = divmod(int(fraction.scaleb(9)), 1000)
    tz = None
    if offset is not None:
        if type(offset) is not dt.timedelta or not -_MAX_OFFSET <= offset <= _MAX_OFFSET:
            raise Invalid("offset must be a days and time duration within 14 hours")
        tz = dt.timezone(offset)
    try:
        clock = dt.time(_integer(hour, "hour"), _integer(minute, "minute"), whole, micro, tz)
    except ValueError as exc:       # an hour, minute or second out of range
        raise Invalid(str(exc)) from None
    return widedates.make_time(clock, nanos)


# --- date and time ----------------------------------------------------------------------------

@builtin("date and time", "from")
def date_and_time_from(from_):
    if isinstance(from_, (dt.datetime, WideDateTime)):
        return from_
    if isinstance(from_, (dt.date, WideDate)):
        return widedates.make_datetime(from_, dt.time())
    text = _string(from_, "date")
    return _parsed(parse_date_and_time(text), text, "date and time")


@builtin("date and time", "date", "time")
def date_and_time_of(date, time):
    day = widedates.date_part(date)
    if day is None:
        raise Invalid(f"date must be a date or date and time, got {operators.kind_of(date)}")
    if type(time) is dt.time:
        return widedates.make_datetime(day, time)
    if type(time) is FineTime:
        return widedates.make_datetime(day, time.time, time.nanos)
    raise Invalid(f"time must be a time, got {operators.kind_of(time)}")


# --- durations --------------------------------------------------------------------------------

@builtin("duration", "from")
def duration(from_):
    text = _string(from_, "duration")
    return _parsed(parse_duration(text), text, "duration")


@builtin("years and months duration", "from", "to")
def years_and_months_duration(from_, to):
    # Calendar dates only, in each value's own zone: the TCK (like java.time's Period.between)
    # ignores the time of day, so 23:59 on the 31st to 00:01 on the 31st is a whole month.
    start, end = _day(from_, "from"), _day(to, "to")
    months = (end.year - start.year) * 12 + end.month - start.month
    # a month only counts once its day is reached
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return YearsMonths(months)


def _day(value, what: str) -> dt.date | WideDate:
    day = widedates.date_part(value)
    if day is not None:
        return day
    raise Invalid(f"{what} must be a date or date and time, got {operators.kind_of(value)}")


# --- number and string ------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)   # FEEL digits are 0-9


@builtin("number", "from", "grouping separator", "decimal separator")
def number(from_, grouping_separator=None, decimal_separator=None):
    text = _string(from_, "number")
    if grouping_separator not in (None, " ", ",", "."):
        raise Invalid("grouping separator must be ' ', ',' or '.'")
    if decimal_separator not in (None, ",", "."):
        raise Invalid("decimal separator must be ',' or '.'")
    if grouping_separator is not None and grouping_separator == decimal_separator:
        raise Invalid("grouping and decimal separators must differ")
    if grouping_separator is not None:
        text = text.replace(grouping_separator, "")
    if decimal_separator is not None:
        text = text.replace(decimal_separator, ".")
    if not _NUMBER.fullmatch(text):
        raise Invalid(f"{from_!r} is not a number")
    return FEEL_CONTEXT.plus(Decimal(text))


@builtin("string", "from", any_type=("from",))
def string(from_):
    return operators.to_string(from_)
