"""`python -m webapp rerun`: every case of a backlog determined again under a model version, on Dask.

    python -m webapp rerun --model car-t-candidate-selection --version draft.dmn --from audit --since 2026-05-01
    python -m webapp rerun --model car-t-candidate-selection --version <sha256> --from requests.parquet

The source is split into partitions (webapp.bulk.cases); each Dask worker determines a partition's cases
with webapp.serving.redetermine.redetermine, one at a time, and writes them as one Parquet file of the output
directory (`cases/part-NNNNN.parquet`: per case the old and new determination, disposition and
finding ids, whether anything changed, and the errors of a case the version's schema refused).
Only counts come back to this process, so memory stays flat however many cases there are, here and
on every worker. Each model version's DMN is sent to every worker once (scattered), and each
worker process loads it on its first partition and keeps it, keyed by sha256. The summary of transitions ("412 documentation_incomplete -> medically_appropriate")
is printed and written beside the cases (summary.txt, summary.json).

A version is a DMN file, a version number or a sha256 (webapp.store.versions, the console's versions in
the database; the models directory's file when the database has none). What a case is compared
with: with `--from audit`, what it was answered (the record); with a file, the version serving now;
`--baseline` names another.
Without `--scheduler` a local cluster runs one single-threaded worker process per core (the engine
holds the GIL, so threads would not add throughput); it speaks TLS with credentials made for this run
alone (a new CA, scheduler, worker and client certificates, in memory), so no other process on the
host can submit work to it (a Dask scheduler runs whatever a client sends, and the workers read
the audit trail). With `--scheduler tls://HOST:PORT` (or tcp:// on a network of one's own) the
client's credentials come from Dask's configuration (DASK_DISTRIBUTED__COMM__TLS__CA_FILE,
..._CLIENT__CERT, ..._CLIENT__KEY: docs/deployment.md), and the workers must see the input file,
the output directory and, for `--from audit`, the database.
The output holds case ids and outcomes of patients: the directory is 0700 and every file 0600.
Each case is evaluated under the service's evaluation budget (webapp.serving.budgets: CAR_T_EVALUATION_STEPS
and CAR_T_EVALUATION_BUDGET); a case past it is written with the budget in its `errors` and the job
goes on.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import resource
import time
from collections import Counter
from pathlib import Path


import pydmn
from webapp.bulk import cases
from webapp.store.errors import Invalid, NotFound
from webapp.serving import contract
from webapp.store.files import private_dir
from webapp.serving.determination import DECISION
from webapp.serving.redetermine import Case, Impact, ModelVersion, redetermine, summary_lines
from webapp.store.stamps import sha256

PARTITION_SIZE = 2_000
_SHA256 = re.compile(r"[0-9a-f]{64}")
_LOADED: dict[str, ModelVersion] = {}      # in each worker process: sha256 -> version


def version_source(model_id: str, version: str | None, config: dict) -> bytes:
    """The DMN of a version of `model_id`, the one place a version is looked up: a DMN file; a
    version number or the sha256 of a version in the database (the console's versions); None for
    the version serving now. A database without versions (never served) falls back to the model's
    file in the models directory, whose sha256 also names it."""
    if version is not None and Path(version).is_file():
        return Path(version).read_bytes()
    if version is not None and not (version.isdigit() or _SHA256.fullmatch(version)):
        raise Invalid(f"--version {version!r}: give a DMN file, a version number or a sha256")
    from_database = _database_version(model_id, version, config["DATABASE_URL"])
    if from_database is not None:
        return from_database
    file = Path(config["MODELS_DIR"]) / f"{model_id}.dmn"
    if file.is_file():
        source = file.read_bytes()
        if version is None or sha256(source) == version:
            return source
    raise NotFound(f"no version {version or 'serving'} of {model_id} in the database or the models directory")


def _database_version(model_id: str, version: str | None, url: str) -> bytes | None:
    from sqlalchemy import create_engine, inspect
    from webapp.store.migrate import sqlite_path
    from webapp.store.versions import VersionStore
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        return None
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("versions"):
            return None
        store = VersionStore(engine)
        if version is None:
            serving = store.serving().get(model_id)
            return store.content(serving["sha256"]) if serving else None
        if version.isdigit():
            return store.content(store.get(model_id, int(version)).sha256)
        return store.content(version) if store.number_with_content(model_id, version) else None
    finally:
        engine.dispose()


def _version(sources: dict[str, tuple[str, bytes, str]], sha: str | None) -> ModelVersion | None:
    """The loaded version of sha256 `sha` in this worker process, loaded on first use."""
    if sha is None:
        return None
    if sha not in _LOADED:
        _LOADED[sha] = ModelVersion(*sources[sha])
    return _LOADED[sha]


def _private_writer(path: Path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _schema():
    import pyarrow as pa
    text, ids = pa.string(), pa.list_(pa.string())
    return pa.schema([("case_id", text), ("old_determination", text), ("old_disposition", text),
                      ("old_findings", ids), ("new_determination", text), ("new_disposition", text),
                      ("new_findings", ids), ("changed", pa.bool_()), ("errors", text)])


def _run_partition(partition: cases.Partition, number: int, sources: dict, version_sha: str,
                   baseline_sha: str | None, out_dir: str, budget: pydmn.Budget) -> dict:
    """On a worker: determine one partition's cases, write them, return the counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    started, cpu = time.perf_counter(), time.process_time()
    version, baseline = _version(sources, version_sha), _version(sources, baseline_sha)
    columns = {name: [] for name in _schema().names}
    transitions: Counter = Counter()
    for item in cases.read(partition, version.schema):
        if isinstance(item, Impact):
            found = [item]
        else:
            if baseline is not None:          # compared with the baseline, not with the record
                item = Case(item.id, item.inputs)
            found = redetermine([item], version, baseline, budget)
        for impact in found:
            _add(columns, impact)
            transitions[impact.transition] += 1
    with _private_writer(Path(out_dir) / f"part-{number:05d}.parquet") as f:
        pq.write_table(pa.table(columns, schema=_schema()), f)
    return {"part": number, "cases": len(columns["case_id"]),
            "invalid": sum(e is not None for e in columns["errors"]),
            "changed": sum(columns["changed"]), "transitions": list(transitions.items()),
            "worker": os.getpid(), "seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu, "maxrss_kb": _peak_rss_kb()}


def _peak_rss_kb() -> int:
    """This process's peak resident memory. Linux's VmHWM belongs to the address space, so it
    starts afresh in a spawned worker; getrusage's ru_maxrss survives exec and would report the
    peak of the process that spawned it."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _add(columns: dict, impact: Impact) -> None:
    for side, outcome in (("old", impact.old), ("new", impact.new)):
        columns[f"{side}_determination"].append(outcome.determination if outcome else None)
        columns[f"{side}_disposition"].append(outcome.disposition if outcome else None)
        columns[f"{side}_findings"].append(list(outcome.findings) if outcome else None)
    columns["case_id"].append(impact.case_id)
    columns["changed"].append(impact.new is None or impact.old != impact.new)
    columns["errors"].append(json.dumps(impact.errors, default=str) if impact.errors else None)


def _cluster(scheduler: str | None, workers: int | None):
    """A client of the given scheduler, or of a local cluster of single-threaded worker processes.
    Their statistical profiler is off: it keeps a call tree of every stack it samples, and the
    engine's many distinct stacks made it grow without bound (a worker's memory went from 282 MB
    at 100,000 cases to 420 MB at 1,000,000; 244 MB flat without it). Workers of a cluster of one's
    own want DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False likewise (docs/deployment.md).
    The local cluster's scheduler and workers accept only TLS peers holding this run's credentials."""
    import dask
    from distributed import Client, LocalCluster
    from distributed.security import Security
    if scheduler:
        return Client(scheduler), None          # TLS credentials, if any, from Dask's configuration
    security = Security.temporary()
    # Every node also serves HTTP (not covered by the TLS above): no routes, so it tells nothing.
    with dask.config.set({"distributed.worker.profile.enabled": False,      # the nannies keep it
                          "distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}):
        cluster = LocalCluster(n_workers=workers or os.cpu_count(), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR,
                               security=security)
    return Client(cluster, security=security), cluster


def rerun(model_id: str, version: bytes, source: str, out_dir: Path, baseline: bytes | None = None,
          since: dt.datetime | None = None, database_url: str | None = None, scheduler: str | None = None,
          workers: int | None = None, size: int = PARTITION_SIZE, progress: bool = True,
          decision: str = DECISION, terms: contract.Contract = contract.NONE,
          budget: pydmn.Budget = pydmn.Budget()) -> dict:
    """Run the job, each evaluation under `budget`; returns the summary (also written to out_dir as
    summary.json and summary.txt). `terms` is the model's request contract (webapp.serving.contract), for
    versions and baseline alike."""
    from distributed import as_completed
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    started = time.perf_counter()
    checked = ModelVersion(model_id, version, decision, terms)        # fails here, not on every worker
    sources = {checked.sha256: (model_id, version, decision, terms)}
    baseline_sha = None
    if baseline is not None:
        baseline_sha = ModelVersion(model_id, baseline, decision, terms).sha256
        sources[baseline_sha] = (model_id, baseline, decision, terms)
    partitions, total = cases.plan(source, size, model_id, database_url, since)
    parts_dir = private_dir(private_dir(Path(out_dir)) / "cases")
    client, cluster = _cluster(scheduler, workers)
    try:
        worker_count = len(client.scheduler_info(n_workers=-1)["workers"])
        [shipped] = client.scatter([sources], broadcast=True)
        running = time.perf_counter()
        futures = [client.submit(_run_partition, p, n, shipped, checked.sha256, baseline_sha, str(parts_dir),
                                 budget, pure=False) for n, p in enumerate(partitions)]
        transitions: Counter = Counter()
        counts = Counter()
        cpu_seconds = 0.0
        peak: dict[int, int] = {}
        with Progress(TextColumn("[bold]rerun"), BarColumn(), MofNCompleteColumn(), TextColumn("cases"),
                      TimeRemainingColumn(), disable=not progress) as bar:
            task = bar.add_task("cases", total=total)
            for future in as_completed(futures):
                done = future.result()
                future.release()
                transitions.update({tuple(k): n for k, n in done["transitions"]})
                counts.update({k: done[k] for k in ("cases", "invalid", "changed")})
                cpu_seconds += done["cpu_seconds"]
                peak[done["worker"]] = max(peak.get(done["worker"], 0), done["maxrss_kb"])
                bar.advance(task, done["cases"])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    finished = time.perf_counter()
    seconds, determining = finished - started, finished - running
    summary = {"model": model_id, "version": checked.sha256, "baseline": baseline_sha,
               "source": source, "since": since.isoformat() if since else None,
               "cases": counts["cases"], "invalid": counts["invalid"], "changed": counts["changed"],
               "partitions": len(partitions), "workers": worker_count, "seconds": round(seconds, 3),
               "seconds_determining": round(determining, 3),
               "cases_per_second": round(counts["cases"] / determining, 1) if determining else None,
               "worker_cpu_seconds": round(cpu_seconds, 3),
               "peak_rss_mb_per_worker": sorted(round(kb / 1024, 1) for kb in peak.values()),
               "transitions": [{"old": old, "new": new, "cases": n} for (old, new), n in transitions.most_common()],
               "lines": summary_lines(transitions)}
    with _private_writer(Path(out_dir) / "summary.json") as f:
        f.write(json.dumps(summary, indent=2).encode())
    with _private_writer(Path(out_dir) / "summary.txt") as f:
        f.write("\n".join(summary["lines"]).encode() + b"\n")
    return summary
