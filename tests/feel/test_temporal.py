"""`@"..."` literals and the properties of temporal values (DMN 1.5 10.3.2.3.7, Table 65)."""
import datetime as dt
from decimal import Decimal

import pytest

from pydmn.feel import evaluate
from pydmn.feel.values import YearsMonths

D = Decimal

CASES = [
    ('@"2024-01-15"', dt.date(2024, 1, 15)),
    ('@"2024-01-15".year', D(2024)), ('@"2024-01-15".month', D(1)),
    ('@"2024-01-15".day', D(15)), ('@"2024-01-15".weekday', D(1)),
    ('@"2024-01-15T10:30:15".hour', D(10)), ('@"2024-01-15T10:30:15".minute', D(30)),
    ('@"2024-01-15T10:30:15".second', D(15)), ('@"2024-01-15T10:30:15".year', D(2024)),
    ('@"10:30:15".second', D(15)), ('@"10:30:15".time offset', None),
    ('@"10:30:15+01:00".time offset', dt.timedelta(hours=1)),
    ('@"2018-12-08T10:30:11@Europe/Paris".timezone', "Europe/Paris"),
    ('@"10:30:15".timezone', None),
    ('@"P1Y2M"', YearsMonths(14)), ('@"P1Y2M".years', D(1)), ('@"P1Y2M".months', D(2)),
    ('@"-P1Y2M".months', D(-2)), ('@"P1DT2H3M4S".days', D(1)), ('@"P1DT2H3M4S".hours', D(2)),
    ('@"P1DT2H3M4S".minutes', D(3)), ('@"P1DT2H3M4S".seconds', D(4)),
    ('@"-P1DT2H".hours', D(-2)),
    ('[@"2024-01-01", @"2024-02-01"].month', [D(1), D(2)]),
    ('@"2024-01-15" instance of date', True), ('@"10:30:00" instance of time', True),
    ('@"2024-01-15T10:00:00" instance of date and time', True),
    ('@"P1D" instance of days and time duration', True),
    ('@"P1Y" instance of years and months duration', True),
    ('@"2024-01-15".nothing', None),
    ('@"not a date"', None),
    # a duration moves a zone-id date and time on the instant line, across DST changes too
    ('string(@"2021-03-27T12:00:00@Europe/Paris" + @"P1D")', "2021-03-28T13:00:00@Europe/Paris"),
    ('string(@"2021-03-28T01:30:00@Europe/Paris" + @"PT1H")', "2021-03-28T03:30:00@Europe/Paris"),
    ('string(@"2021-03-28T12:00:00@Europe/Paris" - @"P1D")', "2021-03-27T11:00:00@Europe/Paris"),
    ('string(@"2021-06-01T12:00:00@Europe/Paris" + @"P1D")', "2021-06-02T12:00:00@Europe/Paris"),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_temporal(text, expected):
    assert evaluate(text) == expected


def test_bad_temporal_literal_is_null_with_message(run):
    value, messages = run('@"2024-13-45"')
    assert value is None and messages[0].kind == "invalid-argument"
