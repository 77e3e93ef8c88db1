"""Every visible DMN TCK result node as one test.

Result nodes listed in tests/tck_known_failures.txt are strict expected failures: a listed node
that passes fails the suite, so the list can only shrink. Regenerate the list from a real run with
`.venv/bin/python tests/tck/known_failures.py`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pydmn import tck

ROOT = Path(__file__).resolve().parents[2]
TCK_DIR = ROOT / "tests" / "tck" / "cases"
KNOWN = ROOT / "tests" / "tck_known_failures.txt"
LEVELS = ("compliance-level-2", "compliance-level-3")


def known_failures() -> set[str]:
    if not KNOWN.exists():
        return set()
    return {line.split("#")[0].strip() for line in KNOWN.read_text().splitlines()
            if line.split("#")[0].strip()}


def node_id(o) -> str:
    return f"{o.folder}/{o.file}/{o.case}/{o.node}"


def collect():
    params = []
    for level in LEVELS:
        for path in tck.find_test_files([TCK_DIR / level]):
            try:
                test = tck.read_test_file(path)
            except Exception as exc:     # reported as one failing test, not a collection crash
                params.append(pytest.param(path, exc, "*", id=f"{level}/{path.stem}/*/*"))
                continue
            for case in test.cases:
                for node in case.results:
                    ident = f"{test.folder}/{path.stem}/{case.id}/{node.name}"
                    params.append(pytest.param(test, case, node.name, id=ident))
    return params


_outcomes: dict = {}


def outcome_of(test, case, node):
    key = (str(test.path), case.id)
    if key not in _outcomes:
        _outcomes[key] = {o.node: o for o in tck.run_case(test, case)}
    return _outcomes[key][node]


KNOWN_SET = known_failures()


@pytest.mark.parametrize("test,case,node", collect())
def test_tck_result_node(test, case, node):
    if isinstance(case, Exception):
        ident = f"{test.parent.parent.name}/{test.parent.name}/{test.stem}/*/*"
        if ident in KNOWN_SET:
            pytest.xfail("known failure: test file not read")
        pytest.fail(f"test file not read: {case}")
    outcome = outcome_of(test, case, node)
    ident = node_id(outcome)
    ok = outcome.status == "SUCCESS"
    if ident in KNOWN_SET:
        if ok:
            pytest.fail(f"{ident} passes now: remove it from tests/tck_known_failures.txt")
        pytest.xfail(f"known failure: {outcome.status}")
    assert ok, (f"{outcome.status}: expected {tck.show(outcome.expected)}, got "
                f"{tck.show(outcome.actual)} {outcome.detail}")
