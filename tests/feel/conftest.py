"""Helpers shared by the FEEL language tests: FEEL text in, FEEL value out."""
import re
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


@pytest.fixture
def assert_invalid(run):
    """The one check of an invalid built-in call (or `@""` literal): null, and one error of
    `kind` from the built-in itself (its text starts with `name(): `, and holds `fragment`)."""
    def check(text, fragment="", kind="invalid-argument"):
        value, messages = run(text)
        assert value is None, f"{text} gave {value!r}"
        call = re.match(r"\s*([^(@]+?)\s*\(", text)
        source = f"{call.group(1)}(): " if call else "@"       # a built-in, or an @"" literal
        assert [m.kind for m in messages] == [kind], f"{text}: {messages}"
        assert messages[0].text.startswith(source) and fragment in messages[0].text, \
            messages[0].text
    return check
