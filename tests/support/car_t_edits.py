"""Edits of the CAR-T model a committee makes, as text, for the tests that review them."""
import re

WINDOW = "transplant_window_days"


def window_changed(source: str, days: int) -> str:
    """The Policy Parameters cell of the transplant window, found by its output column's name."""
    column = re.search(rf'<output id="([^"]+)" name="{WINDOW}"', source).group(1)
    entry = column.replace("OutputClause_", "LiteralExpression_").replace("PolicyParameters_", "PolicyParameters_1_")
    pattern = rf'(<outputEntry id="{entry}">\s*<text>)(\d+)(</text>)'
    assert re.search(pattern, source), "the Policy Parameters row holds the transplant window"
    return re.sub(pattern, rf"\g<1>{days}\g<3>", source)
