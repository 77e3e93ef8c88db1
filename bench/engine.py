"""Engine benchmark: pydmn against pyDMNrules and SpiffWorkflow, single core, same logic.

Every engine must give the same answers on the benchmark inputs before it is timed.
"""
from __future__ import annotations

import copy
import gc
import itertools
import logging
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import yaml

from bench.tables import AGE_BANDS, SCORE_BANDS, fifty_rules, tck_0004, to_dmn, to_workbook

ROOT = Path(__file__).resolve().parent.parent
# The repository's copy of the TCK, the one `make tck` and tests/tck read (relative to ROOT).
TCK = Path("tests/tck/cases")
TCK_0004 = ROOT / TCK / "compliance-level-2/0004-simpletable-U/0004-simpletable-U.dmn"
DATA = Path(__file__).parent / "data"
CAR_T = ROOT / "decisions" / "car-t-candidate-selection.dmn"


def _inputs_0004():
    return [{"Age": a, "RiskCategory": r, "isAffordable": f}
            for a, r, f in itertools.product((10, 17, 18, 35, 70), ("High", "Low", "Medium"), (True, False))]


def _inputs_50():
    return [{"Age": a_lo + 3, "Score": s_lo + 7, "Member": m}
            for (a_lo, _), (s_lo, _), m in itertools.product(AGE_BANDS, SCORE_BANDS, (True, False))]


class Pydmn:
    name = "pydmn"

    def __init__(self, source, decision):
        import pydmn
        self.model = pydmn.load(source)
        self.decision = decision

    def __call__(self, inputs):
        return self.model.evaluate(inputs).decisions[self.decision].value


class Spiff:
    name = "SpiffWorkflow"

    def __init__(self, xml, decision):
        from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
        from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
        parser = BpmnDmnParser()
        parser.add_dmn_str(xml.encode())
        self.engine = parser.get_engine("decision", None)
        self.workflow = SimpleNamespace(script_engine=PythonScriptEngine())
        self.decision = decision

    def __call__(self, inputs):
        # Spiff evaluates against a task; a task is its data plus the workflow's script engine.
        task = SimpleNamespace(data=dict(inputs), workflow=self.workflow)
        return self.engine.result(task).get(self.decision)


class PyDMNrules:
    name = "pyDMNrules"

    def __init__(self, workbook, decision):
        import pyDMNrules
        self.dmn = pyDMNrules.DMN()
        status = self.dmn.use(workbook)
        if status.get("errors"):
            raise RuntimeError(f"pyDMNrules rejected the workbook: {status['errors']}")
        self.decision = decision

    def __call__(self, inputs):
        status, result = self.dmn.decide(inputs)
        if status.get("errors"):
            raise RuntimeError(f"pyDMNrules: {status['errors']}")
        return result["Result"].get(self.decision)


def _time_load(make):
    t0 = time.perf_counter()
    engine = make()
    return engine, time.perf_counter() - t0


def _rate(engine, inputs, seconds):
    """Evaluations per second over a bounded wall time, cycling through the inputs."""
    n, t0 = 0, time.perf_counter()
    deadline = t0 + seconds
    gc.disable()
    try:
        while True:
            for case in inputs:
                engine(case)
            n += len(inputs)
            if time.perf_counter() >= deadline:
                break
    finally:
        gc.enable()
    return n / (time.perf_counter() - t0)


def bench_table(label, table, pydmn_source, seconds):
    xml_py = to_dmn(table, "python")
    (DATA / f"{label}.spiff.dmn").write_text(xml_py)
    inputs = _inputs_0004() if label == "0004" else _inputs_50()
    makers = [lambda: Pydmn(pydmn_source, table.name),
              lambda: PyDMNrules(to_workbook(table), table.name),
              lambda: Spiff(xml_py, table.name)]
    rows, expected = [], None
    for make in makers:
        engine, load_s = _time_load(make)
        answers = [engine(case) for case in inputs]
        if expected is None:
            expected = answers
        elif answers != expected:
            bad = next(i for i, (a, b) in enumerate(zip(answers, expected)) if a != b)
            raise SystemExit(f"{engine.name} disagrees with pydmn on {label} input {inputs[bad]}: "
                             f"{answers[bad]!r} != {expected[bad]!r}")
        rows.append({"table": label, "engine": engine.name, "load_ms": load_s * 1000,
                     "evals_per_s": _rate(engine, inputs, seconds), "cases": len(inputs)})
    return rows


def _merged(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        out[key] = (_merged(out[key], value) if isinstance(value, dict)
                    and isinstance(out.get(key), dict) else value)
    return out


def bench_car_t(seconds, model=CAR_T):
    """The whole CAR-T model (every decision) on each of its scenarios' requests; pydmn only:
    the other engines read no boxed contexts."""
    spec = yaml.safe_load(model.with_name(model.stem + ".scenarios.yaml").read_text())
    cases = [_merged(spec["base_inputs"], s.get("inputs")) for s in spec["scenarios"]]
    import pydmn
    engine, load_s = _time_load(lambda: pydmn.load(model))
    return [{"table": "CAR-T", "engine": "pydmn", "load_ms": load_s * 1000,
             "evals_per_s": _rate(engine.evaluate, cases, seconds), "cases": len(cases)}]


def run(seconds=3.0):
    DATA.mkdir(exist_ok=True)
    logging.getLogger("spiff").setLevel(logging.ERROR)
    fifty = fifty_rules()
    (DATA / "fifty.dmn").write_text(to_dmn(fifty, "feel"))
    rows = bench_table("0004", tck_0004(), TCK_0004, seconds)
    rows += bench_table("50-rule", fifty, DATA / "fifty.dmn", seconds)
    rows += bench_car_t(seconds)
    return rows


def tck_run():
    cmd = [sys.executable, "-m", "pydmn.tck", str(TCK)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=ROOT)
    # The runner ends with one summary line per compliance level.
    tail = "; ".join(l for l in proc.stdout.splitlines() if " passed, " in l and " failed" in l)
    return {"command": " ".join(["python", "-m", "pydmn.tck", str(TCK)]),
            "seconds": time.perf_counter() - t0, "exit": proc.returncode, "summary": tail}


if __name__ == "__main__":
    for row in run(1.0):
        print(row)
