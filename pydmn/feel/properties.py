"""Path expressions `a.b` (DMN 1.5 10.3.2.2 and 10.3.2.3): context entries, list mapping, and the
properties of temporal values and ranges."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydmn.errors import Message
from pydmn.feel.values import Range, YearsMonths
from pydmn.feel.widedates import FineTime, WideDate, WideDateTime

_MISSING = object()


def _second(t) -> Decimal:
    if t.microsecond:
        return Decimal(t.second) + Decimal(t.microsecond).scaleb(-6)
    return Decimal(t.second)


def _fine_second(t) -> Decimal:
    """The second of a value that may carry nanoseconds (pydmn.feel.widedates), all digits."""
    fraction = t.microsecond * 1000 + t.nanos
    if fraction:
        return Decimal(t.second) + Decimal(fraction).scaleb(-9)
    return Decimal(t.second)


def _offset(t):
    return t.utcoffset() if t.tzinfo is not None else None


def _zone(t):
    return t.tzinfo.key if isinstance(t.tzinfo, ZoneInfo) else None


def _dhms(d: dt.timedelta):
    total = int(d.total_seconds())
    sign = -1 if total < 0 else 1
    total = abs(total)
    return sign, total // 86400, total % 86400 // 3600, total % 3600 // 60, total % 60


_DATE = {
    "year": lambda d: Decimal(d.year), "month": lambda d: Decimal(d.month),
    "day": lambda d: Decimal(d.day), "weekday": lambda d: Decimal(d.isoweekday()),
}
_TIME = {
    "hour": lambda t: Decimal(t.hour), "minute": lambda t: Decimal(t.minute),
    "second": _second, "time offset": _offset, "timezone": _zone,
}
_DATETIME = {**_DATE, **_TIME}
_FINE_TIME = {**_TIME, "second": _fine_second}
_FINE_DATETIME = {**_DATETIME, "second": _fine_second}
_DURATION = {
    "days": lambda d: Decimal(_dhms(d)[0] * _dhms(d)[1]),
    "hours": lambda d: Decimal(_dhms(d)[0] * _dhms(d)[2]),
    "minutes": lambda d: Decimal(_dhms(d)[0] * _dhms(d)[3]),
    "seconds": lambda d: Decimal(_dhms(d)[0] * _dhms(d)[4]),
}
_YM = {
    "years": lambda d: Decimal(int(d.months / 12)),
    "months": lambda d: Decimal(abs(d.months) % 12 * (-1 if d.months < 0 else 1)),
}
_RANGE = {
    "start": lambda r: r.start, "end": lambda r: r.end,
    "start included": lambda r: r.start_included, "end included": lambda r: r.end_included,
}


def get_property(value, name: str, scope):
    """`value.name`; a list maps the path over its items. Unknown -> None (+ message)."""
    if isinstance(value, dict):
        return value.get(name)
    if isinstance(value, list):
        return [get_property(v, name, scope) for v in value]
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        table = _DATETIME
    elif isinstance(value, dt.date):
        table = _DATE
    elif isinstance(value, dt.time):
        table = _TIME
    elif isinstance(value, dt.timedelta):
        table = _DURATION
    elif isinstance(value, YearsMonths):
        table = _YM
    elif isinstance(value, Range):
        table = _RANGE
    elif type(value) is WideDateTime:   # offers the datetime attributes the tables read
        table = _FINE_DATETIME
    elif type(value) is WideDate:
        table = _DATE
    elif type(value) is FineTime:       # offers the time attributes the tables read
        table = _FINE_TIME
    else:
        table = {}
    getter = table.get(name)
    if getter is None:
        scope.messages.append(Message("warning", "no-variable",
                                      f"a {type(value).__name__} has no property {name!r}"))
        return None
    return getter(value)
