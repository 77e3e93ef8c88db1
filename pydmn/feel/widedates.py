"""FEEL dates and date-times whose year is outside Python's 1..9999 (DMN 1.5 10.3.2.3.x: years
-999,999,999 to 999,999,999, as XML Schema and the TCK write them: `-2017-02-28`).

Ordinary dates stay `datetime.date` / `datetime.datetime`; the two types here are used only for
years Python cannot hold, and every constructor that takes a year goes through `make_date` /
`make_datetime`, so arithmetic that lands back in 1..9999 returns ordinary values again (a wide
value never equals an ordinary one, so `=` on dates needs no mixed case).

The calculations map a year onto a "twin" year in Python's range: the proleptic Gregorian calendar
repeats every 400 years (146097 days, a whole number of weeks), so month lengths, weekdays, days of
the year and ISO weeks of the twin are those of the wide year.

FEEL also keeps fractions of a second to the nanosecond (TCK 1117: `10:15:30.123456789`), which
Python's times cut at the microsecond. Only a value with non-zero digits beyond the microsecond
carries them: a `FineTime`, or a `WideDateTime` with `nanos` (then its date may be ordinary), built
by `make_time` / `make_datetime`, so ordinary values stay Python's and pay nothing. Durations stay
`timedelta`s: a difference is truncated to the microsecond.
"""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Any
from dataclasses import dataclass

MIN_YEAR, MAX_YEAR = -999_999_999, 999_999_999
_CYCLE_YEARS, _CYCLE_DAYS = 400, 146_097
_DAY_MICROS = 86_400_000_000
_LAST_ORDINAL = dt.date.max.toordinal()


@dataclass(frozen=True, slots=True)
class WideDate:
    """A FEEL date whose year is outside 1..9999 (build it with `make_date`)."""
    year: int
    month: int
    day: int

    def isoweekday(self) -> int:
        return calendar_twin(self).isoweekday()

    def __str__(self) -> str:
        return date_text(self)


@dataclass(frozen=True, slots=True)
class WideDateTime:
    """A FEEL date and time whose year is outside 1..9999, or whose fraction of a second goes
    beyond the microsecond: `nanos` (0..999) follow `time.microsecond`; `time` carries the zone."""
    date: WideDate | dt.date
    time: dt.time
    nanos: int = 0

    # The datetime attributes the property table (`.year`, `.hour`, ...) reads.
    year = property(lambda self: self.date.year)
    month = property(lambda self: self.date.month)
    day = property(lambda self: self.date.day)
    hour = property(lambda self: self.time.hour)
    minute = property(lambda self: self.time.minute)
    second = property(lambda self: self.time.second)
    microsecond = property(lambda self: self.time.microsecond)
    tzinfo = property(lambda self: self.time.tzinfo)

    def isoweekday(self) -> int:
        return self.date.isoweekday()

    def utcoffset(self) -> dt.timedelta | None:
        tz = self.time.tzinfo
        if tz is None:
            return None
        return tz.utcoffset(dt.datetime.combine(calendar_twin(self.date), self.time))

    def __str__(self) -> str:
        # datetime.isoformat's form (offset included), what JSON output falls back to
        twin = dt.datetime.combine(calendar_twin(self.date), self.time)
        return date_text(self.date) + _with_nanos(twin.isoformat()[len("yyyy-mm-dd"):], self.nanos)


@dataclass(frozen=True, slots=True)
class FineTime:
    """A FEEL time whose fraction of a second goes beyond the microsecond (build it with
    `make_time`): `nanos` (1..999) follow `time.microsecond`."""
    time: dt.time
    nanos: int

    # The time attributes the property table and operators read.
    hour = property(lambda self: self.time.hour)
    minute = property(lambda self: self.time.minute)
    second = property(lambda self: self.time.second)
    microsecond = property(lambda self: self.time.microsecond)
    tzinfo = property(lambda self: self.time.tzinfo)

    def utcoffset(self) -> dt.timedelta | None:
        return self.time.utcoffset()

    def __str__(self) -> str:
        return _with_nanos(self.time.isoformat(), self.nanos)


def _with_nanos(iso: str, nanos: int) -> str:
    """An isoformat text (`[T]hh:mm:ss[.ffffff][offset]`) with the nanoseconds after its
    microseconds."""
    if not nanos:
        return iso
    start = iso.index(":") + 6     # just after the seconds
    if iso[start:start + 1] == ".":
        return iso[:start + 7] + f"{nanos:03d}" + iso[start + 7:]
    return iso[:start] + f".000000{nanos:03d}" + iso[start:]


def is_wide(value) -> bool:
    """A date or date and time that Python's types do not hold (not a `FineTime`)."""
    return type(value) is WideDate or type(value) is WideDateTime


# --- construction -----------------------------------------------------------------------------

def make_date(year: int, month: int, day: int) -> dt.date | WideDate:
    """The date of those fields: ordinary when Python holds the year. ValueError if invalid."""
    if dt.MINYEAR <= year <= dt.MAXYEAR:
        return dt.date(year, month, day)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is out of range")
    twin_year, _ = _twin_year(year)
    dt.date(twin_year, month, day)      # validates month and day (the twin shares leap years)
    return WideDate(year, month, day)


def make_datetime(day: dt.date | WideDate, time: dt.time,
                  nanos: int = 0) -> dt.datetime | WideDateTime:
    if nanos or isinstance(day, WideDate):
        return WideDateTime(day, time, nanos)
    return dt.datetime.combine(day, time)


def make_time(time: dt.time, nanos: int) -> dt.time | FineTime:
    return FineTime(time, nanos) if nanos else time


def nanos_of(value) -> int:
    """The nanoseconds beyond the microsecond of any temporal value (0 for Python's)."""
    return value.nanos if type(value) is WideDateTime or type(value) is FineTime else 0


def date_part(value) -> dt.date | WideDate | None:
    """The date of a date or date and time (either width); None for any other value."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date) or type(value) is WideDate:
        return value
    if type(value) is WideDateTime:
        return value.date
    return None


# --- the calendar -----------------------------------------------------------------------------

def _twin_year(year: int) -> tuple[int, int]:
    """(a year in Python's range in the same place of the 400-year cycle, cycles between)."""
    if year > dt.MAXYEAR:     # the last cycle, 9600..9999: zones' standing rules apply there
        twin = year % _CYCLE_YEARS + dt.MAXYEAR + 1 - _CYCLE_YEARS
    else:                       # the first cycle, 1..400: zones' first offset (LMT) applies there
        twin = (year - 1) % _CYCLE_YEARS + 1
    return twin, (year - twin) // _CYCLE_YEARS


def calendar_twin(day: dt.date | WideDate) -> dt.date:
    """An ordinary date with the same month, day, weekday, day of year and ISO week."""
    if not isinstance(day, WideDate):
        return day
    return dt.date(_twin_year(day.year)[0], day.month, day.day)


def ordinal(day: dt.date | WideDate) -> int:
    """Proleptic Gregorian day number, 1 on 0001-01-01 as `date.toordinal`."""
    if not isinstance(day, WideDate):
        return day.toordinal()
    twin, cycles = _twin_year(day.year)
    return dt.date(twin, day.month, day.day).toordinal() + cycles * _CYCLE_DAYS


def from_ordinal(number: int) -> dt.date | WideDate:
    """The date of a day number; OverflowError beyond FEEL's years."""
    if 1 <= number <= _LAST_ORDINAL:
        return dt.date.fromordinal(number)
    cycles, rest = divmod(number - 1, _CYCLE_DAYS)
    twin = dt.date.fromordinal(rest + 1)
    year = twin.year + cycles * _CYCLE_YEARS
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OverflowError("date out of range")
    return WideDate(year, twin.month, twin.day)


# --- arithmetic -------------------------------------------------------------------------------

def _parts(value: Any) -> tuple[int, int, dt.tzinfo | None]:
    """(day number, microseconds into the day, zone) of a date or date and time."""
    if isinstance(value, (dt.datetime, WideDateTime)):
        t = value.time if isinstance(value, WideDateTime) else value.timetz()
        micros = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
        return ordinal(value.date if isinstance(value, WideDateTime) else value.date()), micros, t.tzinfo
    return ordinal(value), 0, None


def _from_parts(number: int, micros: int, tz, with_time: bool, nanos: int = 0):
    days, micros = divmod(micros, _DAY_MICROS)
    day = from_ordinal(number + days)
    if not with_time:
        return day
    seconds, micro = divmod(micros, 1_000_000)
    minutes, second = divmod(seconds, 60)
    return make_datetime(day, dt.time(minutes // 60, minutes % 60, second, micro, tz), nanos)


def _has_time(value) -> bool:
    return isinstance(value, dt.datetime) or type(value) is WideDateTime


def plus_delta(value, delta: dt.timedelta):
    """A date or date and time moved by a days and time duration (on the wall clock: unlike
    ordinary values, a zone id's DST changes are not followed); None beyond FEEL's years. A
    duration is whole microseconds, so the nanoseconds stay."""
    number, micros, tz = _parts(value)
    shift = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    try:
        return _from_parts(number, micros + shift, tz, _has_time(value), nanos_of(value))
    except OverflowError:
        return None


def plus_months(value: Any, months: int) -> dt.date | WideDate | dt.datetime | WideDateTime | None:
    """A date or date and time moved by months, the day clamped to the month's end; None
    beyond FEEL's years."""
    day: Any = date_part(value)     # a date or date and time: never None
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    last = calendar.monthrange(_twin_year(year)[0], month + 1)[1]
    moved = make_date(year, month + 1, min(day.day, last))
    if not _has_time(value):
        return moved
    if type(value) is WideDateTime:
        return make_datetime(moved, value.time, value.nanos)
    return make_datetime(moved, value.timetz())


def _instant(value, aware: bool) -> int:
    """Nanoseconds on a common axis: UTC when aware, the wall clock when not. A date beside a
    date and time is its midnight UTC (TCK 0100)."""
    number, micros, _ = _parts(value)
    offset = value.utcoffset() if aware and _has_time(value) else None
    if offset is not None:
        micros -= (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds
    return (number * _DAY_MICROS + micros) * 1000 + nanos_of(value)


def _aware(value) -> bool:
    return _has_time(value) and value.utcoffset() is not None


def difference(a, b) -> dt.timedelta | None:
    """`a - b` of two dates or date-times where one is wide; None when undefined or too long."""
    if date_part(a) is None or date_part(b) is None:
        return None
    if _has_time(a) and _has_time(b) and _aware(a) != _aware(b):
        return None     # one side has no zone: no instant to subtract (TCK 0100)
    aware = _aware(a) or _aware(b)
    try:
        return _nanos_to_delta(_instant(a, aware) - _instant(b, aware))
    except OverflowError:
        return None


def _nanos_to_delta(nanos: int) -> dt.timedelta:
    """A duration of nanoseconds, truncated toward zero to timedelta's microseconds."""
    micros = -(-nanos // 1000) if nanos < 0 else nanos // 1000
    return dt.timedelta(microseconds=micros)


def refine(delta: dt.timedelta, nanos: int) -> dt.timedelta:
    """A microsecond difference corrected by the nanoseconds beyond it (-999..999), truncated."""
    return _nanos_to_delta(delta // dt.timedelta(microseconds=1) * 1000 + nanos)


def compare(a, b) -> int | None:
    """-1, 0 or 1 for two dates, or two date-times, where one is wide (a date-time without a
    zone is read as UTC beside one with a zone, as for ordinary values)."""
    if _has_time(a) != _has_time(b):
        return None
    aware = _aware(a) or _aware(b)
    x, y = _instant(a, aware), _instant(b, aware)
    return (x > y) - (x < y)


def truncate_to_ms(value: WideDateTime) -> dt.datetime | WideDateTime:
    t = value.time
    return make_datetime(value.date, t.replace(microsecond=t.microsecond // 1000 * 1000))


# --- text -------------------------------------------------------------------------------------

def date_text(day: WideDate | dt.date) -> str:
    """XML Schema's form: a sign for years before 1, at least four digits."""
    sign = "-" if day.year < 0 else ""
    return f"{sign}{abs(day.year):04d}-{day.month:02d}-{day.day:02d}"
