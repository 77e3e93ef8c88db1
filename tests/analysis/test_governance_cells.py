"""The cell reader: the shapes analysis needs, UNKNOWN for everything else."""
import datetime as dt
from decimal import Decimal

import pytest

from pydmn.analysis.cells import ANY_CELL, UNKNOWN, Span, parse_cell


def test_any_and_literals():
    assert parse_cell("-") == ANY_CELL and parse_cell("") == ANY_CELL
    assert parse_cell('"a", "b,c"').tests == (Span("a", "a"), Span("b,c", "b,c"))
    assert parse_cell("true").tests == (Span(True, True),)
    assert parse_cell('date("2024-02-29")').tests[0].low == dt.date(2024, 2, 29)


def test_comparisons_and_intervals():
    assert parse_cell("< 18").tests == (Span(None, Decimal(18), True, False),)
    assert parse_cell(">=1.5").tests == (Span(Decimal("1.5"), None, True, True),)
    assert parse_cell("[1..10)").tests == (Span(Decimal(1), Decimal(10), True, False),)
    assert parse_cell("]1..10]").tests == (Span(Decimal(1), Decimal(10), False, True),)
    cell = parse_cell('not("x", "y")')
    assert cell.negated and len(cell.tests) == 2


@pytest.mark.parametrize("text", ["Age + 1", "? > 3", "count(x) > 2", "[a..b]", 'matches(?, "x")',
                                  "< limit", '> "abc"'])
def test_unanalysable_cells_are_unknown(text):
    assert parse_cell(text) is UNKNOWN
