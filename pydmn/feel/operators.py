"""FEEL's operators on values (DMN 1.5 10.3.2.3 and tables 45-57): arithmetic, equality, order.

Every function takes evaluated FEEL values and returns the result, or None where the operation is
not defined for those kinds; the compiler turns that None into null plus a message.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from pydmn.feel import widedates
from pydmn.feel.budget import FREE_CHARS, charge
from pydmn.feel.values import FEEL_CONTEXT, FEEL_KINDS, FeelValue, Range, YearsMonths, kind_of
from pydmn.feel.widedates import FineTime, WideDate, WideDateTime

_UTC = dt.timezone.utc


# --- Python values as FEEL's -------------------------------------------------------------------

def to_feel(value: object) -> FeelValue:
    """A Python value as FEEL holds it: ints and floats become Decimals, tuples lists. Raises
    TypeError for a value of no FEEL kind."""
    if value is None or isinstance(value, (bool, str, Decimal)):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [to_feel(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_feel(v) for k, v in value.items()}
    if kind_of(value) not in FEEL_KINDS:
        raise TypeError(f"a {type(value).__name__} is not a FEEL value")
    return value


def _is_num(v: FeelValue) -> bool:
    return type(v) is Decimal


def _is_date(v: FeelValue) -> bool:
    return type(v) is dt.date


def _is_datetime(v: FeelValue) -> bool:
    return type(v) is dt.datetime


def _is_dtd(v: FeelValue) -> bool:
    return type(v) is dt.timedelta


def _is_ym(v: FeelValue) -> bool:
    return type(v) is YearsMonths


# --- arithmetic -------------------------------------------------------------------------------

def add(a: FeelValue, b: FeelValue) -> FeelValue:
    if _is_num(a) and _is_num(b):
        return FEEL_CONTEXT.add(a, b)
    if type(a) is str and type(b) is str:
        joined = a + b
        if len(joined) > FREE_CHARS:
            charge(len(joined))
        return joined
    if _is_ym(a) and _is_ym(b):
        return YearsMonths(a.months + b.months)
    if _is_dtd(a) and _is_dtd(b):
        return a + b
    if _is_dtd(a) or _is_ym(a):
        a, b = b, a
    if _is_dtd(b):
        return _plus_dtd(a, b)
    if _is_ym(b):
        return _plus_months(a, b.months)
    return None


def _plus_dtd(t: FeelValue, d: dt.timedelta) -> FeelValue:
    try:
        if _is_datetime(t):
            if isinstance(t.tzinfo, ZoneInfo):
                # On the instant line, as the spec's valueDT sum is: Python would add on the wall
                # clock, and across a DST change land an hour off (or in the gap).
                return (t.astimezone(_UTC) + d).astimezone(t.tzinfo)
            return t + d
        if _is_date(t):
            return (dt.datetime.combine(t, dt.time()) + d).date()
    except OverflowError:   # past Python's years, within FEEL's
        return widedates.plus_delta(t, d)
    if type(t) is dt.time:
        moved = dt.datetime.combine(dt.date(2000, 1, 1), t.replace(tzinfo=None)) + d
        return moved.time().replace(tzinfo=t.tzinfo)
    if widedates.is_wide(t):
        return widedates.plus_delta(t, d)
    if type(t) is FineTime:     # a duration is whole microseconds: the nanoseconds stay
        return FineTime(_plus_dtd(t.time, d), t.nanos)
    return None


def _plus_months(t: FeelValue, months: int) -> FeelValue:
    if not (_is_date(t) or _is_datetime(t)):
        return widedates.plus_months(t, months) if widedates.is_wide(t) else None
    total = t.year * 12 + (t.month - 1) + months
    year, month = divmod(total, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return widedates.plus_months(t, months)
    day = min(t.day, calendar.monthrange(year, month + 1)[1])
    return t.replace(year=year, month=month + 1, day=day)


def sub(a: FeelValue, b: FeelValue) -> FeelValue:
    if _is_num(a) and _is_num(b):
        return FEEL_CONTEXT.subtract(a, b)
    if _is_ym(a) and _is_ym(b):
        return YearsMonths(a.months - b.months)
    if _is_dtd(a) and _is_dtd(b):
        return a - b
    if _is_dtd(b):
        return _plus_dtd(a, -b)
    if _is_ym(b):
        return _plus_months(a, -b.months)
    if _is_date(a) and _is_date(b):
        return _instant_difference(_as_datetime(a), _as_datetime(b))
    if (_is_date(a) or _is_datetime(a)) and (_is_date(b) or _is_datetime(b)):
        # Beside a date and time, a date is its midnight UTC (TCK 0100).
        return _instant_difference(_midnight_utc(a), _midnight_utc(b))
    if type(a) is dt.time and type(b) is dt.time:
        return _instant_difference(_time_on_day(a), _time_on_day(b))
    if widedates.is_wide(a) or widedates.is_wide(b):
        return widedates.difference(a, b)
    if type(a) is FineTime or type(b) is FineTime:
        return _fine_time_difference(a, b)
    return None


def _fine_time_difference(a: FeelValue, b: FeelValue) -> dt.timedelta | None:
    coarse = sub(_coarse_time(a), _coarse_time(b))
    if type(coarse) is not dt.timedelta:
        return None
    return widedates.refine(coarse, widedates.nanos_of(a) - widedates.nanos_of(b))


def _coarse_time(t: FeelValue) -> FeelValue:
    return t.time if type(t) is FineTime else t


def _as_datetime(v: FeelValue) -> dt.datetime:
    return v if _is_datetime(v) else dt.datetime.combine(v, dt.time())


def _midnight_utc(v: FeelValue) -> dt.datetime:
    return v if _is_datetime(v) else dt.datetime.combine(v, dt.time(tzinfo=_UTC))


def _time_on_day(t: dt.time) -> dt.datetime:
    return dt.datetime.combine(dt.date(2000, 1, 1), t)


def _instant_difference(a: dt.datetime, b: dt.datetime) -> dt.timedelta | None:
    aware_a, aware_b = a.utcoffset() is not None, b.utcoffset() is not None
    if aware_a != aware_b:
        return None     # one side has no zone: no instant to subtract (TCK 0100)
    if aware_a:
        return a.astimezone(_UTC) - b.astimezone(_UTC)
    return a - b


def mul(a: FeelValue, b: FeelValue) -> FeelValue:
    if _is_num(a) and _is_num(b):
        return FEEL_CONTEXT.multiply(a, b)
    if _is_num(a):
        a, b = b, a
    if not _is_num(b):
        return None
    if _is_dtd(a):
        return _seconds_to_dtd(FEEL_CONTEXT.multiply(_dtd_seconds(a), b))
    if _is_ym(a):
        return YearsMonths(int(FEEL_CONTEXT.multiply(Decimal(a.months), b)))
    return None


def div(a: FeelValue, b: FeelValue) -> FeelValue:
    if _is_num(a) and _is_num(b):
        return FEEL_CONTEXT.divide(a, b) if b else None
    if _is_dtd(a) and _is_num(b):
        return _seconds_to_dtd(FEEL_CONTEXT.divide(_dtd_seconds(a), b)) if b else None
    if _is_ym(a) and _is_num(b):
        return YearsMonths(int(FEEL_CONTEXT.divide(Decimal(a.months), b))) if b else None
    if _is_dtd(a) and _is_dtd(b):
        return FEEL_CONTEXT.divide(_dtd_seconds(a), _dtd_seconds(b)) if b else None
    if _is_ym(a) and _is_ym(b):
        return FEEL_CONTEXT.divide(Decimal(a.months), Decimal(b.months)) if b.months else None
    return None


def pow(a: FeelValue, b: FeelValue) -> FeelValue:  # noqa: A001 - FEEL's `**`
    if not (_is_num(a) and _is_num(b)):
        return None
    if not a and not b:
        return Decimal(1)       # as IEEE pow and Java's BigDecimal.pow; Python's Decimal refuses 0 ** 0
    try:
        result = FEEL_CONTEXT.power(a, b)
    except InvalidOperation:
        return None
    # 0 ** -n is Infinity without a signal, and FEEL numbers are finite
    return result if result.is_finite() else None


def neg(a: FeelValue) -> FeelValue:
    if _is_num(a):
        return -a
    if _is_dtd(a):
        return -a
    if _is_ym(a):
        return YearsMonths(-a.months)
    return None


def _dtd_seconds(d: dt.timedelta) -> Decimal:
    return Decimal(d.days * 86400 + d.seconds) + Decimal(d.microseconds).scaleb(-6)


def _seconds_to_dtd(seconds: Decimal) -> dt.timedelta | None:
    try:
        micros = int(seconds.scaleb(6).to_integral_value())
        return dt.timedelta(microseconds=micros)
    except OverflowError:
        return None


# --- equality and order -----------------------------------------------------------------------

def eq(a: FeelValue, b: FeelValue) -> bool | None:
    """FEEL `=`: True, False, or None when the two values are of kinds that do not compare."""
    if a is None or b is None:
        return a is None and b is None
    ka, kb = kind_of(a), kind_of(b)
    if ka != kb:
        return None
    if ka == "list":
        if len(a) != len(b):
            return False
        charge(len(a))
        for x, y in zip(a, b):
            r = eq(x, y)
            if r is not True:
                return r
        return True
    if ka == "context":
        if a.keys() != b.keys():
            return False
        charge(len(a))
        for k in a:
            r = eq(a[k], b[k])
            if r is not True:
                return r
        return True
    if ka == "range":
        return (a.start_included == b.start_included and a.end_included == b.end_included
                and a.op == b.op and eq(a.start, b.start) is True and eq(a.end, b.end) is True)
    if ka in ("date and time", "time"):
        # Equality holds to the millisecond (TCK 0068 time_005, datetime_003_a).
        return compare(_to_ms(a), _to_ms(b)) == 0
    if ka == "function":
        return a is b
    return a == b


def compare(a: FeelValue, b: FeelValue) -> int | None:
    """-1, 0 or 1 for values FEEL orders (numbers, strings, temporals, durations); else None."""
    if a is None or b is None:
        return None
    ka = kind_of(a)
    if ka != kind_of(b) or ka in ("boolean", "list", "context", "range", "function", "Null"):
        return None
    if ka == "years and months duration":
        a, b = a.months, b.months
    elif ka == "time":
        a, b = _time_key(a), _time_key(b)
        if a[1] != b[1]:
            return None
    elif ka == "date and time":
        if type(a) is WideDateTime or type(b) is WideDateTime:
            return widedates.compare(a, b)
        if (a.utcoffset() is None) != (b.utcoffset() is None):
            a, b = _utc_if_naive(a), _utc_if_naive(b)
    try:
        return (a > b) - (a < b)
    except TypeError:
        # Python cannot order a wide date (pydmn.feel.widedates) beside any date
        return widedates.compare(a, b) if ka == "date" else None


def _to_ms(t: FeelValue) -> FeelValue:
    if type(t) is WideDateTime:
        return widedates.truncate_to_ms(t)
    t = _coarse_time(t)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def _utc_if_naive(v: dt.datetime) -> dt.datetime:
    return v if v.utcoffset() is not None else v.replace(tzinfo=_UTC)


def _time_key(t: dt.time | FineTime) -> tuple[float, bool]:
    """A time's position in the day in UTC (when it has an offset), and whether it has one."""
    if isinstance(t, FineTime):
        seconds, has_offset = _time_key(t.time)
        return seconds + t.nanos / 1e9, has_offset
    offset = t.utcoffset()
    if offset is None and t.tzinfo is not None:
        # A zone id without a date: use today's offset, as the zone would be read now.
        offset = dt.datetime.combine(dt.date.today(), t).utcoffset()
    seconds = t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
    if offset is None:
        return seconds, False
    return (seconds - offset.total_seconds()) % 86400, True


def lt(a: FeelValue, b: FeelValue) -> bool | None:
    c = compare(a, b)
    return None if c is None else c < 0


def le(a: FeelValue, b: FeelValue) -> bool | None:
    c = compare(a, b)
    return None if c is None else c <= 0


def gt(a: FeelValue, b: FeelValue) -> bool | None:
    c = compare(a, b)
    return None if c is None else c > 0


def ge(a: FeelValue, b: FeelValue) -> bool | None:
    c = compare(a, b)
    return None if c is None else c >= 0


# --- string() ---------------------------------------------------------------------------------

def to_string(value: FeelValue) -> str | None:
    """FEEL's `string(from)`: the FEEL text form of any value (null stays null)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_num(value):
        return number_text(value)
    if _is_datetime(value):
        return value.date().isoformat() + "T" + _time_text(value.timetz())
    if _is_date(value):
        return _date_text(value)
    if type(value) is dt.time:
        return _time_text(value)
    if _is_dtd(value) or _is_ym(value):
        return duration_text(value)
    if type(value) is WideDateTime:
        return widedates.date_text(value.date) + "T" + _time_text(value.time, value.nanos)
    if type(value) is FineTime:
        return _time_text(value.time, value.nanos)
    if type(value) is WideDate:
        return widedates.date_text(value)
    if isinstance(value, list):
        charge(len(value))      # charged as it walks: shared sublists would multiply the text
        return "[" + ", ".join(_nested_text(v) for v in value) + "]"
    if isinstance(value, dict):
        charge(len(value))
        return "{" + ", ".join(f"{k}: {_nested_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Range):
        start = "" if value.start is None else _nested_text(value.start)
        end = "" if value.end is None else _nested_text(value.end)
        return (("[" if value.start_included else "(") + f"{start}..{end}"
                + ("]" if value.end_included else ")"))
    return None


def _nested_text(value: FeelValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        if len(value) > FREE_CHARS:
            charge(len(value))
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    # A function has no text (None): the join around this call then raises and the expression's
    # guard reports an internal error; string([abs]) is null, as string(abs) is.
    return to_string(value)  # type: ignore[return-value]


def number_text(n: Decimal) -> str:
    text = format(n.normalize(FEEL_CONTEXT), "f")
    return "0" if text in ("-0", "0") else text


def _date_text(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _time_text(t: dt.time, nanos: int = 0) -> str:
    text = f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    if nanos:
        text += f".{t.microsecond:06d}{nanos:03d}".rstrip("0")
    elif t.microsecond:
        text += f".{t.microsecond:06d}".rstrip("0")
    if t.tzinfo is None:
        return text
    key = getattr(t.tzinfo, "key", None)
    if key is not None:
        return f"{text}@{key}"
    offset = t.utcoffset()
    return text + ("Z" if not offset else offset_text(offset))


def offset_text(offset: dt.timedelta) -> str:
    """`+hh:mm`, or `+hh:mm:ss` for an offset with seconds (as java.time writes it)."""
    sign = "-" if offset < dt.timedelta(0) else "+"
    hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def duration_text(d: dt.timedelta | YearsMonths) -> str:
    """The ISO 8601 form FEEL writes a duration in (`P1DT2H`, `-PT0.5S`, `P1Y2M`)."""
    if isinstance(d, YearsMonths):
        sign = "-" if d.months < 0 else ""
        years, months = divmod(abs(d.months), 12)
        return f"{sign}P" + (f"{years}Y" if years else "") + (
            f"{months}M" if months or not years else "")
    micros = (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds
    sign = "-" if micros < 0 else ""
    seconds, frac = divmod(abs(micros), 1_000_000)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if secs or frac:
        clock += str(secs) + (f".{frac:06d}".rstrip("0") if frac else "") + "S"
    text = (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text}" if text else "PT0S"
