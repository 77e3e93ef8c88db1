"""The lexical forms of FEEL's temporal values (DMN 1.5 10.3.4.1, XML Schema Part 2): the text
`date("...")`, `time("...")`, `date and time("...")`, `duration("...")` and `@"..."` accept.

Every parser returns the FEEL value, or None when the text is not of that form. Validation is
strict (`2012-1-1`, month 13, `P`, `PT` are no values), because a lenient parse would turn a typo
in a model into a plausible but wrong date. Years outside Python's 1..9999 (`-2017-02-28`) give the
wide values of pydmn.feel.widedates, up to FEEL's +-999,999,999, and so do fractions of a second
with non-zero digits beyond the microsecond (kept to the nanosecond).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydmn.feel import widedates
from pydmn.feel.values import YearsMonths
from pydmn.feel.widedates import FineTime, WideDate, WideDateTime

# XML Schema: a year has four digits, or more without a leading zero. Digits are 0-9 only (re.ASCII):
# Python's \d also takes other scripts' digits, which no lexical form of XML Schema or FEEL allows.
_DATE = r"(-?(?:[1-9]\d{4,}|\d{4}))-(\d{2})-(\d{2})"
_CLOCK = r"(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
# an offset may have seconds (`+05:30:45`, as java.time writes it)
_ZONE = r"([Zz]|[+-]\d{2}:\d{2}(?::\d{2})?|@[^@\s]+)?"
_DATE_RE = re.compile(_DATE, re.ASCII)
_TIME_RE = re.compile(_CLOCK + _ZONE, re.ASCII)
_DATE_TIME_RE = re.compile(_DATE + "T" + _CLOCK + _ZONE, re.ASCII)
_DURATION_RE = re.compile(r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
                          r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?)?", re.ASCII)
_MAX_OFFSET = dt.timedelta(hours=14)
_MICRO = Decimal("0.000001")


def parse_date(text: str) -> dt.date | WideDate | None:
    m = _DATE_RE.fullmatch(text)
    return _date(*m.groups()) if m else None


def parse_time(text: str) -> dt.time | FineTime | None:
    """`hh:mm:ss(.s+)?` with an optional zone; `24:00:00` is midnight (XML Schema 1.1)."""
    m = _TIME_RE.fullmatch(text)
    if not m:
        return None
    clock = _clock(*m.groups()[:4])
    tz = _zone(m.group(5))
    if clock is None or tz is False:
        return None
    time, nanos, _ = clock
    return widedates.make_time(time.replace(tzinfo=tz), nanos)


def parse_date_and_time(text: str) -> dt.datetime | WideDateTime | None:
    """`dateTtime`; a date alone is that day's midnight (DMN 1.5 `date and time(from)`)."""
    m = _DATE_TIME_RE.fullmatch(text)
    if not m:
        day = parse_date(text)
        return widedates.make_datetime(day, dt.time()) if day is not None else None
    day = _date(*m.groups()[:3])
    clock = _clock(*m.groups()[3:7])
    tz = _zone(m.group(8))
    if day is None or clock is None or tz is False:
        return None
    time, nanos, next_day = clock
    value = widedates.make_datetime(day, time.replace(tzinfo=tz), nanos)
    return widedates.plus_delta(value, dt.timedelta(days=1)) if next_day else value


def parse_duration(text: str) -> dt.timedelta | YearsMonths | None:
    """`PnYnM` is a years and months duration, `PnDTnHnMnS` a days and time duration; a
    duration mixing both halves has no FEEL kind, so it is None."""
    m = _DURATION_RE.fullmatch(text)
    if not m or text.endswith(("P", "T")):
        return None
    sign, years, months, days, hours, minutes, seconds = m.groups()
    has_ym = years is not None or months is not None
    has_dt = any(g is not None for g in (days, hours, minutes, seconds))
    if has_ym and has_dt:
        return None
    if has_ym:
        total = int(years or 0) * 12 + int(months or 0)
        return YearsMonths(-total if sign else total)
    try:
        micros = Decimal(seconds or 0).quantize(_MICRO, rounding=ROUND_HALF_EVEN).scaleb(6)
        value = dt.timedelta(days=int(days or 0), hours=int(hours or 0),
                             minutes=int(minutes or 0), microseconds=int(micros))
    except ArithmeticError:     # beyond timedelta's range, or Decimal's precision
        return None
    return -value if sign else value


def parse_temporal(text: str) -> (dt.date | WideDate | dt.time | FineTime | dt.datetime | WideDateTime
                                  | dt.timedelta | YearsMonths | None):
    """Any temporal value, for `@"..."` literals: None when the text is none of them."""
    if text.lstrip("-").startswith("P"):
        return parse_duration(text)
    if "T" in text:
        return parse_date_and_time(text)
    return parse_date(text) or parse_time(text)


def _date(year: str, month: str, day: str) -> dt.date | WideDate | None:
    try:
        return widedates.make_date(int(year), int(month), int(day))
    except ValueError:      # out of range for the calendar, or for FEEL
        return None


def _clock(hour: str, minute: str, second: str,
           fraction: str | None) -> tuple[dt.time, int, bool] | None:
    """(time without zone, nanoseconds beyond its microseconds, whether it is the `24:00:00` of
    the next day's midnight) or None."""
    h, mi, s = int(hour), int(minute), int(second)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    # to the nanosecond, as FEEL keeps it; digits beyond are truncated, as XML Schema tools do
    nanos = int(fraction[6:9].ljust(3, "0")) if fraction and len(fraction) > 6 else 0
    if h == 24:
        if mi or s or int(fraction or "0"):
            return None
        return dt.time(), 0, True
    if h > 23 or mi > 59 or s > 59:
        return None
    return dt.time(h, mi, s, micro), nanos, False


def _zone(text: str | None) -> dt.tzinfo | None | Literal[False]:
    """The tzinfo for a zone suffix: None for no zone, False for an invalid one."""
    if not text:
        return None
    if text in ("Z", "z"):      # the spec's own example writes `time("23:59:00z")`
        return dt.timezone.utc
    if text[0] == "@":
        try:
            return ZoneInfo(text[1:])
        except (ZoneInfoNotFoundError, ValueError, OSError):   # unknown, malformed, a folder
            return False
    hours, minutes, seconds = int(text[1:3]), int(text[4:6]), int(text[7:9] or 0)
    offset = dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if minutes > 59 or seconds > 59 or offset > _MAX_OFFSET:
        return False
    return dt.timezone(-offset if text[0] == "-" else offset)
