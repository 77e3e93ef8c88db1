"""Path expressions `a.b` (DMN 1.5 10.3.2.2 and 10.3.2.3): context entries, list mapping, and the
properties of temporal values and ranges."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable
from zoneinfo import ZoneInfo

from pydmn.feel.budget import charge
from pydmn.feel.values import FeelValue, kind_of
from pydmn.feel.widedates import FineTime, WideDateTime



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
_PROPERTIES: dict[str, dict[str, Callable[[Any], FeelValue]]] = {"date": _DATE, "time": _TIME, "date and time": _DATETIME,
               "days and time duration": _DURATION, "years and months duration": _YM,
               "range": _RANGE}
_FINE: dict[str, dict[str, Callable[[Any], FeelValue]]] = {"time": _FINE_TIME, "date and time": _FINE_DATETIME}
PROPERTY_NAMES = frozenset(name for table in _PROPERTIES.values() for name in table)


def get_property(value, name: str, scope):
    """`value.name`; a list maps the path over its items. Unknown -> None (+ message)."""
    if isinstance(value, dict):
        return value.get(name)
    if isinstance(value, list):
        charge(len(value))
        return [get_property(v, name, scope) for v in value]
    if value is None:
        return None
    kind = kind_of(value)
    # values with nanoseconds (pydmn.feel.widedates) have a second of their own
    table = (_FINE if type(value) in (FineTime, WideDateTime) else _PROPERTIES).get(kind, {})
    getter = table.get(name)
    if getter is None:
        return scope.report("no-variable", f"a {kind_of(value)} has no property {name!r}")
    return getter(value)
