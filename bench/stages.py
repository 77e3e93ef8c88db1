"""`python -m bench.stages`: the CPU of one CAR-T determination, stage by stage, in one process.

Each stage of POST /api/v1/car-t/determinations is run 300 times on the scenarios' base request
and timed with `time.process_time` (CPU, so other users of the machine change it little), with the
audit store on SQLite and on PostgreSQL (a private server, fsync on: tests/support/databases.py).
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

from werkzeug.test import EnvironBuilder

from bench.http import ROOT, ROUTE, car_t_body
from webapp.app import create_app
from webapp.api.auth import identify
from webapp.store.keys import hash_key
from webapp.serving.determination import DECISION, answer, audit_outputs, sent
from webapp.serving.evaluation import audit_row
from webapp.serving.jsonvalues import parse_body, to_json
from webapp.serving.inputs import validate_inputs

REPEAT = 300


def _timed(found: dict, label: str, work, repeat: int = REPEAT):
    for _ in range(20):
        result = work()
    started = time.process_time()
    for _ in range(repeat):
        result = work()
    found[label] = (time.process_time() - started) / repeat * 1000
    return result


def stages(database_url: str, var: Path) -> dict[str, float]:
    """CPU milliseconds per determination, by stage."""
    app = create_app({"MODELS_DIR": str(ROOT / "decisions"), "VAR_DIR": str(var), "DATABASE_URL": database_url,
                      "API_KEYS": f"{hash_key('bench')}:evaluate"})
    entry = app.extensions["model_registry"].get("car-t-candidate-selection")
    raw = json.dumps(car_t_body()).encode()
    found: dict[str, float] = {}
    body = _timed(found, "request JSON parse", lambda: parse_body(raw))
    inputs = _timed(found, "input schema", lambda: validate_inputs(entry.schema(True), body)[0])
    result = _timed(found, "engine (evaluate, every decision)", lambda: entry.model.evaluate(inputs))
    shaped = _timed(found, "answer shaping (webapp.serving.determination)", lambda: answer(entry, result, DECISION))
    _timed(found, "response JSON encoding", lambda: app.json.dumps(sent(shaped, False), separators=(",", ":")))
    with app.test_request_context():
        caller = identify(hash_key("bench"))          # who check_access finds for the bench's key
        row = _timed(found, "audit row", lambda: audit_row(shaped, to_json(inputs), "car_t.determination", caller,
                                                           audit_outputs(shaped)))
    store = app.extensions["audit"]
    _timed(found, "audit write: JSON, INSERT, commit", lambda: store.record([dict(row, id=str(uuid.uuid4()))]))

    def request():
        environ = EnvironBuilder(path=ROUTE, method="POST", data=raw, headers={
            "Authorization": "Bearer bench", "Content-Type": "application/json"}).get_environ()
        statuses = []
        b"".join(app.wsgi_app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        assert statuses[0].startswith("200"), statuses
    _timed(found, "whole request through the WSGI app", request)
    store.close()
    return found


def run() -> tuple[dict, dict]:
    """CPU milliseconds by stage with the audit store on SQLite and on PostgreSQL."""
    from tests.support.databases import OWNER, PostgresServer
    from webapp.store import migrate
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        on_sqlite = stages(f"sqlite:///{tmp / 'var' / 'audit.sqlite3'}", tmp / "var")
        server = PostgresServer(durable=True).start()
        try:
            dbname = server.create_database()
            migrate.upgrade(server.url(dbname, OWNER))
            on_postgres = stages(server.url(dbname), tmp / "var-pg")
        finally:
            server.stop()
    return on_sqlite, on_postgres


def section(result: tuple[dict, dict]) -> list[str]:
    on_sqlite, on_postgres = result
    return ["## Where a determination's CPU goes (`python -m bench.stages`)", "",
            f"Each stage of one CAR-T determination run {REPEAT} times in one process on the base request, "
            "CPU time (`time.process_time`). The stages overlap the whole request, which adds Flask, "
            "flask-smorest, the key check and the WSGI response.", "",
            "| stage | CPU ms, SQLite | CPU ms, PostgreSQL |", "|---|---:|---:|",
            *(f"| {label} | {ms:.3f} | {on_postgres[label]:.3f} |" for label, ms in on_sqlite.items()), ""]


if __name__ == "__main__":
    sys.stdout.write("\n".join(section(run())) + "\n")
