"""Temporal functions (DMN 1.5 10.3.4.7 and 10.3.4.1): day of year, day of week, month of year,
week of year, now, today - and `is`, which tells apart values that `=` equates
(the same instant in two zones)."""
from __future__ import annotations

import datetime as dt

from pydmn.feel import operators, widedates
from pydmn.feel.builtins.registry import Invalid, builtin
from pydmn.feel.widedates import FineTime, WideDateTime

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _date(value) -> dt.date:
    """The value's date, or for a wide one its calendar twin: an ordinary date with the same
    month, weekday, day of year and ISO week."""
    if isinstance(value, dt.date):
        return value
    day = widedates.date_part(value)
    if day is None:
        raise Invalid(f"expected a date or date and time, got {operators.kind_of(value)}")
    return widedates.calendar_twin(day)


@builtin("day of year", "date")
def day_of_year(date):
    return operators.to_feel(_date(date).timetuple().tm_yday)


@builtin("day of week", "date")
def day_of_week(date):
    return _DAYS[_date(date).weekday()]


@builtin("month of year", "date")
def month_of_year(date):
    return _MONTHS[_date(date).month - 1]


@builtin("week of year", "date")
def week_of_year(date):
    return operators.to_feel(_date(date).isocalendar().week)


@builtin("now")
def now():
    # the local zone as a fixed offset: the instant is what matters, not the zone's name
    return dt.datetime.now().astimezone()


@builtin("today")
def today():
    return dt.date.today()


# a parameter left out of a named call is null, so `is(value1: x)` is false, not invalid
@builtin("is", "value1", "value2")
def is_(value1=None, value2=None):
    if operators.kind_of(value1) != operators.kind_of(value2):
        return False
    if isinstance(value1, (dt.datetime, dt.time, WideDateTime, FineTime)):
        # the same fields in the same zone: `12:00-01:00` is `17:00+04:00` by `=`, not by `is`
        return _wall_clock(value1) == _wall_clock(value2) and _zone_key(value1) == _zone_key(value2)
    return operators.eq(value1, value2) is True


def _wall_clock(value):
    if type(value) is WideDateTime:
        return value.date, value.time.replace(tzinfo=None), value.nanos
    if type(value) is FineTime:
        return value.time.replace(tzinfo=None), value.nanos
    return value.replace(tzinfo=None)


def _zone_key(value):
    """A zone id by name, a fixed offset by its offset (`Z` is `+00:00`, not `@Etc/UTC`)."""
    tz = value.tzinfo
    if tz is None:
        return None
    key = getattr(tz, "key", None)
    if key is not None:
        return key
    return tz.utcoffset(None)
