"""FEEL values to JSON and back: numbers stay exact (Decimal in, number out), temporals as ISO text."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from pydmn import FeelFunction, Range, YearsMonths


def _duration(delta: dt.timedelta) -> str:
    total = int(delta.total_seconds())
    micro = delta.microseconds
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    out = f"{sign}P{days}D" if days else f"{sign}P"
    if hours or minutes or seconds or micro or not days:
        out += "T"
        if hours:
            out += f"{hours}H"
        if minutes:
            out += f"{minutes}M"
        if seconds or micro or not (hours or minutes):
            out += f"{seconds}.{micro:06d}S".replace(".000000S", "S") if micro else f"{seconds}S"
    return out


def to_json(value):
    """A FEEL value as plain JSON data."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10 ** 15:
            return int(value)
        return float(value) if Decimal(repr(float(value))) == value else str(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _duration(value)
    if isinstance(value, YearsMonths):
        months = value.months
        sign = "-" if months < 0 else ""
        y, m = divmod(abs(months), 12)
        return f"{sign}P{y}Y{m}M"
    if isinstance(value, (Range, FeelFunction)):
        return str(value)
    return str(value)


def parse_body(data: bytes):
    """JSON text with exact numbers; raises ValueError when malformed."""
    return json.loads(data, parse_float=Decimal)


def dumps(data) -> str:
    return json.dumps(data, separators=(",", ":"), default=str)
