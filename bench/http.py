"""Service benchmark: wrk against POST /api/v1/car-t/determinations under gunicorn (audit store on:
SQLite in a temp dir, or PostgreSQL, `run_postgres`), as callers ask by default and with `?trace=true`,
beside a bare Flask echo of the same JSON on the same gunicorn settings; each row with its answer's size."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

from webapp import gunicorn_conf

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
ROUTE = "/api/v1/car-t/determinations"


def car_t_body() -> dict:
    """A complete request that meets every criterion: the scenarios' base case."""
    scenarios = yaml.safe_load((ROOT / "decisions/car-t-candidate-selection.scenarios.yaml").read_text())
    return scenarios["base_inputs"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(app: str, tmp: Path, workers: int, database_url: str, env_extra: dict | None = None):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "CAR_T_API_KEYS"}
    env.update(PORT=str(port), HOST="127.0.0.1", CAR_T_VAR_DIR=str(tmp / "var"),
               DATABASE_URL=database_url, WEB_CONCURRENCY=str(workers),
               LOG_LEVEL="warning", PYTHONPATH=str(ROOT), CAR_T_DEVELOPMENT="1", **(env_extra or {}))
    # Same server settings for both apps: the service's own gunicorn configuration.
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "webapp/gunicorn_conf.py"), app],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, start_new_session=True)
    key = None
    for line in proc.stdout:
        if line.startswith("API key: "):
            key = line.split(": ", 1)[1].strip()
            break
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode} while starting {app}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except urllib.error.HTTPError:
            break           # the bare app has no /healthz: a 404 means it is up
        except OSError:
            time.sleep(0.1)
    return proc, base, key


def _stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _check(base, path, key, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {key}"} if key else {})})
    with urllib.request.urlopen(req, timeout=10) as r:
        data = r.read()
        return r.status, json.loads(data), len(data)


def _wrk(url, body_file, key, seconds, threads, connections):
    env = dict(os.environ, BENCH_BODY=str(body_file), BENCH_KEY=key or "")
    out = subprocess.run([WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", str(HERE / "post.lua"), url], capture_output=True, text=True, env=env,
                         timeout=seconds + 60).stdout
    m = re.search(r"BENCH requests=(\d+) seconds=([\d.]+) p50_us=(\d+) p99_us=(\d+) errors=(\d+) non2xx=(\d+)", out)
    if not m:
        raise RuntimeError(f"wrk gave no summary:\n{out}")
    n, secs, p50, p99, errors, non2xx = m.groups()
    return {"requests": int(n), "rps": int(n) / float(secs), "p50_ms": int(p50) / 1000,
            "p99_ms": int(p99) / 1000, "errors": int(errors), "non2xx": int(non2xx)}


def run(seconds=10, workers=None, connections=8, database_url=None, bare=True):
    workers = workers or int(os.environ.get("WEB_CONCURRENCY", gunicorn_conf.workers))
    body = car_t_body()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        database_url = database_url or f"sqlite:///{tmp / 'var' / 'audit.sqlite3'}"
        body_file = tmp / "body.json"
        body_file.write_text(json.dumps(body))
        apps = (("webapp.wsgi:app", (("service", ROUTE), ("service, with the trace", ROUTE + "?trace=true"))),
                ("bench.bare_app:app", (("bare Flask echo", "/echo"),)))
        for app, endpoints in apps[:2 if bare else 1]:
            proc, base, key = _start(app, tmp, workers, database_url)
            service = app == "webapp.wsgi:app"
            try:
                for label, path in endpoints:
                    status, answer, size = _check(base, path, key if service else None, body)
                    if service and "determination" not in answer:
                        raise RuntimeError(f"service answered without a determination: {answer}")
                    if service and ("trace" in answer) != path.endswith("trace=true"):
                        raise RuntimeError(f"{path} answered {'with' if 'trace' in answer else 'without'} the trace")
                    row = _wrk(base + path, body_file, key if service else None, seconds,
                               threads=2, connections=connections)
                    if service:
                        row["determination"] = answer["determination"]
                        row["audit_records"] = _count_audit(database_url)
                    rows.append({"endpoint": label, "path": path, "workers": workers, "body_bytes": size,
                                 "connections": connections, "seconds": seconds, **row})
            finally:
                _stop(proc)
    return rows


def _count_audit(database_url: str) -> int:
    from webapp.store.audit import AuditStore
    store = AuditStore(database_url)
    try:
        return store.list(limit=1)[0]
    finally:
        store.close()


def run_postgres(seconds=10, workers=None, connections=8):
    """The service alone on a PostgreSQL server of its own (Debian's, fsync on, as in production;
    tests/support/databases.py), migrated by the owner role and used by the service's login."""
    from tests.support.databases import OWNER, PostgresServer
    from webapp.store import migrate
    server = PostgresServer(durable=True).start()
    try:
        dbname = server.create_database()
        migrate.upgrade(server.url(dbname, OWNER))
        return run(seconds, workers, connections, database_url=server.url(dbname), bare=False)
    finally:
        server.stop()


if __name__ == "__main__":
    for row in run(seconds=int(os.environ.get("BENCH_SECONDS", 5))):
        print(row)
