"""The hot path: a small decision table evaluates fast (target 20,000/s; CI asserts a margin)."""
from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

import pydmn

MODEL = (Path(__file__).resolve().parents[3] / "shared" / "dmn-tck" / "TestCases" /
         "compliance-level-2" / "0004-simpletable-U" / "0004-simpletable-U.dmn")


@pytest.mark.skipif(not MODEL.exists(), reason="DMN TCK not present")
def test_simple_table_evaluates_thousands_per_second():
    model = pydmn.load(MODEL)
    inputs = {"Age": Decimal(18), "RiskCategory": "Medium", "isAffordable": True}
    assert model.evaluate(inputs)["Approval Status"] == "Approved"
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        model.evaluate(inputs)
    rate = n / (time.perf_counter() - start)
    assert rate > 5000, f"{rate:.0f} evaluations/s"
