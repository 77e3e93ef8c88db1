"""Helpers shared by the FEEL language tests: FEEL text in, FEEL value out."""
from decimal import Decimal

import pytest


def D(text) -> Decimal:
    return Decimal(str(text))


@pytest.fixture
def run():
    """Evaluate FEEL with variables; returns (value, messages)."""
    from pydmn.feel import Scope, compile_expression

    def _run(text, variables=None, names=frozenset()):
        scope = Scope(dict(variables or {}))
        return compile_expression(text, names)(scope), scope.messages
    return _run
