"""`make bench`: the engine and service benchmarks, written to docs/benchmarks.md."""
from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

from bench import bulk, ehr, engine, http, stages

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
# Everything above this line of the doc is rewritten by each run; the notes below it are kept.
NOTES = "<!-- written by hand below: `make bench` keeps what follows -->"
COMMAND = ".venv/bin/python -m bench   (make bench)"


def _engine_table(rows):
    lines = ["| table | engine | load (ms) | evals/s (1 core) | vs pydmn |", "|---|---|---:|---:|---:|"]
    for row in rows:
        ours = next(r for r in rows if r["table"] == row["table"] and r["engine"] == "pydmn")
        lines.append(f"| {row['table']} | {row['engine']} | {row['load_ms']:.1f} | {row['evals_per_s']:,.0f} | "
                     f"{row['evals_per_s'] / ours['evals_per_s']:.3f}x |")
    return lines


def _http_table(rows):
    lines = ["| endpoint | answer (bytes) | req/s | p50 (ms) | p99 (ms) | errors | non-2xx |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['endpoint']} `{r['path']}` | {r['body_bytes']:,} | {r['rps']:,.0f} | {r['p50_ms']:.2f} "
                     f"| {r['p99_ms']:.2f} | {r['errors']} | {r['non2xx']} |")
    return lines


def main():
    eval_seconds = float(os.environ.get("BENCH_EVAL_SECONDS", 3))
    http_seconds = int(os.environ.get("BENCH_SECONDS", 10))
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = engine.run(eval_seconds)
    tck = engine.tck_run()
    web = http.run(seconds=http_seconds)
    svc = next(r for r in web if r["endpoint"] == "service")
    traced = next(r for r in web if r["path"].endswith("trace=true"))
    bare = next(r for r in web if not r["endpoint"].startswith("service"))
    on_pg = [dict(r, endpoint=f"{r['endpoint']}, audit on PostgreSQL") for r in http.run_postgres(seconds=http_seconds)]
    cpu = stages.run()
    ehr_rows = ehr.run()
    bulk_result = bulk.run()
    out = [
        "# Benchmarks", "",
        f"Written by `{COMMAND}` on {started}. Machine: {os.cpu_count()} cores (nproc), "
        f"Python {platform.python_version()} ({platform.machine()}), {platform.platform()}.", "",
        "## Engine (single core, same logic in every engine)", "",
        "Inputs cycle over every combination of the table's input bands; all three engines gave the same "
        "answers on them before timing. pydmn loads the TCK file 0004-simpletable-U.dmn and "
        "`bench/data/fifty.dmn`; SpiffWorkflow loads the same tables written in its Python expression "
        "dialect (`bench/data/*.spiff.dmn`, since it does not read FEEL ranges or lists); pyDMNrules "
        "loads an Excel workbook generated with openpyxl at run time from the same rule data "
        "(`bench/tables.py`). Load time includes each library's first-use set-up (grammar building), "
        "which is why pyDMNrules' first load is slow. The CAR-T row is pydmn alone (the others read "
        "no boxed contexts): every decision of `decisions/car-t-candidate-selection.dmn` on each "
        "request of its scenarios file.", "",
        *_engine_table(rows), "",
        "## Whole visible TCK run", "",
        f"`{tck['command']}`: {tck['seconds']:.1f} s (exit {tck['exit']}). Summary: {tck['summary']}", "",
        "## Service (gunicorn, 127.0.0.1, audit store on: SQLite in a temp dir, or PostgreSQL)", "",
        f"wrk, {svc['seconds']} s per endpoint, 2 threads, {svc['connections']} connections, "
        f"{svc['workers']} sync workers (webapp/gunicorn_conf.py for both). Body: the CAR-T scenarios' base "
        f"case (answer: `{svc['determination']}`). The bare endpoint is a Flask app that parses and echoes "
        "the same JSON (`bench/bare_app.py`).", "",
        *_http_table(web + on_pg), "",
        f"Service throughput is {svc['rps'] / bare['rps']:.0%} of the bare endpoint's on SQLite "
        f"({traced['rps'] / bare['rps']:.0%} with the trace), {on_pg[0]['rps'] / bare['rps']:.0%} on PostgreSQL "
        f"(Debian's, on this machine, fsync on); p99 {svc['p99_ms']:.2f} ms against the echo's "
        f"{bare['p99_ms']:.2f} ms. The answer is {svc['body_bytes']:,} bytes, {traced['body_bytes']:,} with "
        f"`?trace=true`. Audit rows after the runs: {traced['audit_records']:,} and {on_pg[-1]['audit_records']:,}.", "",
        *stages.section(cpu),
        *ehr.section(ehr_rows),
        *bulk.section(bulk_result),
    ]
    notes = DOC.read_text().partition(NOTES)[2] if DOC.exists() else ""
    DOC.write_text("\n".join(out) + "\n" + NOTES + notes)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
