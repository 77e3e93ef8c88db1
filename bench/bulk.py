"""`make bench`, bulk: `rerun` (webapp/bulk/rerun.py) of synthetic CAR-T requests on a local Dask cluster.

The requests (webapp/bulk/synthetic.py: the scenarios' base case with a few fields changed, seed 1) are
written once as Parquet, in files of 50,000 rows and row groups of 2,000 (a row group is a
partition). Measured: the single-process rate of the same work (schema, engine, answer shaping)
without Dask, and of the engine alone; then the whole rerun of 100,000 and of 1,000,000 cases on
1 and on 2 worker processes: cases per second while determining (cluster start excluded), and the
peak resident memory of each worker. BENCH_BULK_CASES changes the large count (1,000,000).
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from marshmallow import fields

from webapp.serving import contract
from webapp.serving.redetermine import ModelVersion
from webapp.bulk.rerun import rerun
from webapp.serving.inputs import ExactNumber, StrictBoolean
from webapp.bulk.synthetic import Synthesizer

ROOT = Path(__file__).resolve().parent.parent
MODEL_ID = "car-t-candidate-selection"
MODEL = ROOT / "decisions" / f"{MODEL_ID}.dmn"
FILE_ROWS, GROUP_ROWS = 50_000, 2_000
SEED = 1


def _arrow_type(field: fields.Field) -> pa.DataType:
    """The Parquet column of a field of the model's input schema."""
    if isinstance(field, fields.Nested):
        return pa.struct([(name, _arrow_type(sub)) for name, sub in field.schema.fields.items()])
    if isinstance(field, fields.List):
        return pa.list_(_arrow_type(field.inner))
    if isinstance(field, StrictBoolean):
        return pa.bool_()
    if isinstance(field, ExactNumber):
        return pa.float64()
    return pa.string()


def write_requests(version: ModelVersion, directory: Path, count: int) -> Path:
    """`count` synthetic requests as Parquet files in `directory`."""
    base = yaml.safe_load((ROOT / "decisions" / f"{MODEL_ID}.scenarios.yaml").read_text())["base_inputs"]
    made = Synthesizer(version.schema, base=base)
    schema = pa.schema([(name, _arrow_type(field)) for name, field in version.schema.fields.items()])
    directory.mkdir(parents=True, exist_ok=True)
    for number, start in enumerate(range(0, count, FILE_ROWS)):
        rows = list(made.requests(SEED, start, min(start + FILE_ROWS, count)))
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), directory / f"requests-{number:04d}.parquet",
                       row_group_size=GROUP_ROWS)
    return directory


def single_process(version: ModelVersion, count: int = 5_000) -> dict:
    """The same work in one process without Dask, and the engine alone, in cases per second."""
    base = yaml.safe_load((ROOT / "decisions" / f"{MODEL_ID}.scenarios.yaml").read_text())["base_inputs"]
    requests = list(Synthesizer(version.schema, base=base).requests(SEED, 0, count))
    started = time.process_time()
    for request in requests:
        version.determine(request)
    determine = count / (time.process_time() - started)
    today = version.contract.service_inputs()
    loaded = [{**version.schema.load(r), **today} for r in requests]
    started = time.process_time()
    for inputs in loaded:
        version.model.evaluate(inputs)
    return {"cases": count, "determine_per_s": determine,
            "evaluate_per_s": count / (time.process_time() - started)}


def run(large: int | None = None, small: int = 100_000) -> dict:
    large = large or int(os.environ.get("BENCH_BULK_CASES", 1_000_000))
    small = min(small, large)
    source = MODEL.read_bytes()
    terms = contract.load(contract.contract_file(MODEL.parent, MODEL_ID))
    version = ModelVersion(MODEL_ID, source, contract=terms)
    single = single_process(version)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        data = write_requests(version, tmp / "requests", large)
        written = time.perf_counter() - started
        small_data = tmp / "small"
        small_data.mkdir()
        for path in sorted(data.glob("*.parquet"))[:max(1, small // FILE_ROWS)]:
            (small_data / path.name).symlink_to(path)
        for cases, directory, workers in ((small, small_data, 2), (large, data, 2), (large, data, 1)):
            load_before = os.getloadavg()[0]
            summary = rerun(MODEL_ID, source, str(directory), tmp / f"out-{cases}-{workers}",
                            baseline=source, workers=workers, size=GROUP_ROWS, terms=terms)
            runs.append({"cases": summary["cases"], "workers": summary["workers"],
                         "seconds": summary["seconds"], "determining_s": summary["seconds_determining"],
                         "cases_per_s": summary["cases_per_second"],
                         "cases_per_cpu_s": summary["cases"] / summary["worker_cpu_seconds"],
                         "peak_rss_mb": summary["peak_rss_mb_per_worker"],
                         "load": (load_before, os.getloadavg()[0]),
                         "transitions": summary["transitions"]})
    return {"single": single, "runs": runs, "written_s": written, "large": large, "small": small}


def section(result: dict) -> list[str]:
    single, runs = result["single"], result["runs"]
    by = {(r["cases"], r["workers"]): r for r in runs}
    one, two = by.get((result["large"], 1)), by.get((result["large"], 2))
    lines = [
        "## Bulk re-determination (`rerun` on Dask)", "",
        f"Synthetic CAR-T requests (`webapp/bulk/synthetic.py`, the scenarios' base case with up to six fields "
        f"changed, seed {SEED}) written as Parquet ({result['written_s']:.0f} s for {result['large']:,}), "
        f"then `rerun` against the version itself on a local cluster (`bench/bulk.py`). Rates count the "
        "determining phase only (cluster start and planning excluded); memory is each worker's peak RSS; "
        "the load average (1 min) before and after each run tells how busy the machine's other users kept it.", "",
        f"Single process, no Dask, {single['cases']:,} cases, per CPU second: schema + engine + answer "
        f"shaping {single['determine_per_s']:,.0f} cases/s; the engine alone {single['evaluate_per_s']:,.0f} "
        "evaluations/s. The rates per CPU second of the workers (reading, determining, writing Parquet) "
        "compare with it whatever else the machine runs; the wall-clock rates depend on that.", "",
        "| cases | workers | wall (s) | determining (s) | cases/s | per worker vs single process | "
        "cases per worker CPU second (vs single process) | peak RSS per worker (MB) | load before, after |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in runs:
        per_worker = r["cases_per_s"] / r["workers"] / single["determine_per_s"]
        lines.append(f"| {r['cases']:,} | {r['workers']} | {r['seconds']:,.1f} | {r['determining_s']:,.1f} | "
                     f"{r['cases_per_s']:,.0f} | {per_worker:.0%} | {r['cases_per_cpu_s']:,.0f} "
                     f"({r['cases_per_cpu_s'] / single['determine_per_s']:.0%}) | "
                     f"{', '.join(f'{m:.0f}' for m in r['peak_rss_mb'])} | "
                     f"{r['load'][0]:.1f}, {r['load'][1]:.1f} |")
    if one and two:
        lines += ["", f"Scaling from 1 to 2 workers on {result['large']:,} cases: "
                      f"{two['cases_per_s'] / one['cases_per_s']:.2f}x."]
    largest = max(runs, key=lambda r: r["cases"])
    lines += ["", "Determinations of the large run: " + ", ".join(
        f"{t['new']} {t['cases']:,}" for t in largest["transitions"]) + ".", ""]
    return lines


if __name__ == "__main__":
    print("\n".join(section(run())))
