"""`python -m pydmn.tck` and an independent run of the same cases through the public API
(`pydmn.load`, `Model.evaluate`, `Model.invoke`) agree on every test case."""
from __future__ import annotations

import csv
import subprocess
import sys


import pydmn
from pydmn import tck
from test_tck import LEVELS, ROOT, TCK_DIR


def _through_the_public_api(path) -> dict:
    test = tck.read_test_file(path)
    folder = path.parent
    others = [p for p in sorted(folder.glob("*.dmn")) if p.name != test.model_name]
    model = pydmn.load(folder / test.model_name, imports=others, lenient=True)
    statuses = {}
    for case in test.cases:
        if case.invocable and case.kind in ("decisionService", "bkm"):
            value = model.invoke(case.invocable, case.inputs)
            several = len(getattr(model.definitions.decision_services.get(case.invocable),
                                  "output_decisions", ())) > 1
            actual = {r.name: value.get(r.name) if several else value for r in case.results}
            defects = []
        else:
            result = model.evaluate(case.inputs, namespaces=case.namespaces)
            actual = {r.name: result[r.name] for r in case.results}
            defects = [m for m in result.messages if m.kind == "internal"]
        ok = not defects and all(tck.same(r.expected, actual[r.name]) for r in case.results)
        statuses[(test.folder, path.stem, case.id)] = "SUCCESS" if ok else "FAILURE"
    return statuses


def test_the_runner_and_the_public_api_agree_on_every_case(tmp_path):
    folders = [str(TCK_DIR / level) for level in LEVELS]
    out = tmp_path / "tck.csv"
    run = subprocess.run([sys.executable, "-m", "pydmn.tck", *folders, "--csv", str(out),
                          "--quiet"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        runner = {(folder, file, case): status for folder, file, case, status, _ in csv.reader(fh)}
    independent = {}
    for path in tck.find_test_files(folders):
        independent.update(_through_the_public_api(path))
    assert independent == runner
    assert set(runner.values()) == {"SUCCESS"}
