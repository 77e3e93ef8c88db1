"""for, some, every (DMN 1.5 10.3.2.14-10.3.2.15, rules 46 and 48)."""
from decimal import Decimal

import pytest

from pydmn.feel import evaluate

D = Decimal

CASES = [
    ("for i in [1, 2, 3] return i * 2", [D(2), D(4), D(6)]),
    ("for i in 1..3 return i", [D(1), D(2), D(3)]),
    ("for i in 3..1 return i", [D(3), D(2), D(1)]),
    ("for i in -1..1 return i", [D(-1), D(0), D(1)]),
    ("for i in [1..3] return i", None),
    ('for i in @"1980-01-01"..@"1980-01-03" return i.day', [D(1), D(2), D(3)]),
    ('for i in @"1980-01-03"..@"1980-01-02" return i.day', [D(3), D(2)]),
    ('for i in "a".."z" return i', None),
    ('for i in @"P1D"..@"P2D" return i', None),
    ("for i in 1+1..1+3 return i", [D(2), D(3), D(4)]),
    ("for x in [[1, 2], [3, 4]], y in x return y", [D(1), D(2), D(3), D(4)]),
    ("for i in [1, 2], j in [10, 20] return i + j", [D(11), D(21), D(12), D(22)]),
    ("for i in [1, 2], j in [i, i * 10] return j", [D(1), D(10), D(2), D(20)]),
    ("for i in 0..4 return if i = 0 then 1 else i * partial[-1]",
     [D(1), D(1), D(2), D(6), D(24)]),
    ("for i in 1..3 return partial", [[], [[]], [[], [[]]]]),
    ("for i in [] return i", []),
    ("for i in 5 return i", [D(5)]),
    ("for i in null return i", None),
    ("for i in 1..2.5 return i", None),
    ("some x in [1, 2, 3] satisfies x > 2", True),
    ("some x in [1, 2, 3] satisfies x > 3", False),
    ("some x in [] satisfies x > 3", False),
    ("every x in [1, 2, 3] satisfies x > 0", True),
    ("every x in [1, 2, 3] satisfies x > 1", False),
    ("every x in [] satisfies x > 1", True),
    ("some x in [1, 2], y in [2, 3] satisfies x + y = 5", True),
    ("every x in [1, 2], y in [2, 3] satisfies x < y", False),
    ("some x in [1, null] satisfies x > 0", True),
    ("every x in [1, null] satisfies x > 0", False),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_iteration(text, expected):
    assert evaluate(text) == expected
