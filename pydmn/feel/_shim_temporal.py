"""TEMP: stand-in for builtins.temporal_parse until the builtins engineer's module lands.
The lead removes this file; compiler.py only falls back to it when temporal_parse is missing."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

from pydmn.feel.values import YearsMonths

_TIME = r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2}|@[\w/+-]+)?"


def _tz(text):
    if not text:
        return None
    if text == "Z":
        return dt.timezone.utc
    if text[0] == "@":
        return ZoneInfo(text[1:])
    sign = -1 if text[0] == "-" else 1
    return dt.timezone(sign * dt.timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def parse_temporal(text):
    if m := re.fullmatch(r"(-?)P(?:(\d+)Y)?(?:(\d+)M)?", text):
        if m.group(2) or m.group(3):
            months = int(m.group(2) or 0) * 12 + int(m.group(3) or 0)
            return YearsMonths(-months if m.group(1) else months)
    if m := re.fullmatch(r"(-?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?", text):
        d = dt.timedelta(days=int(m.group(2) or 0), hours=int(m.group(3) or 0),
                         minutes=int(m.group(4) or 0), seconds=float(m.group(5) or 0))
        return -d if m.group(1) else d
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return dt.date(*map(int, m.groups()))
    if m := re.fullmatch(_TIME, text):
        micro = int(float(m.group(4)) * 1e6) if m.group(4) else 0
        return dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3)), micro, _tz(m.group(5)))
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T" + _TIME, text):
        g = m.groups()
        micro = int(float(g[6]) * 1e6) if g[6] else 0
        return dt.datetime(*map(int, g[:6]), micro, _tz(g[7]))
    return None
