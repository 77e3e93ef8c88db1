"""Clients generated from /openapi.json build and type-check clean: openapi-python-client (its client
checked by mypy --strict with a caller, tests/clients/determine.py, which then runs against a real
server) and openapi-typescript with openapi-fetch (tsc --strict on tests/clients/determine.ts, which
node then runs against the same server). Every
operation is generated, every answer typed: a 4xx is the Error model, an enum one type."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.apps import CAR_T, CAR_T_ID, DATA
from support.people import key_of, key_spec
from support.servers import Server

HERE = Path(__file__).resolve().parent
EXAMPLE = CAR_T.with_name(f"{CAR_T_ID}.example.json")
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("clients"), workers=1, models=(CAR_T, DATA / "simpletable.dmn"),
                     env_extra={"CAR_T_API_KEYS": key_spec()})
    try:
        assert running.ready() == 200
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def document(server, tmp_path_factory):
    path = tmp_path_factory.mktemp("document") / "openapi.json"
    path.write_text(json.dumps(server.get("/openapi.json")))
    return path


def _run(*command, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def python_client(document, tmp_path_factory):
    where = tmp_path_factory.mktemp("python")
    generated = _run(BIN / "openapi-python-client", "generate", "--path", document, "--meta", "none",
                     "--output-path", where / "car_t_client", "--config", HERE / "openapi-python-client.yaml")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    return where, generated.stdout + generated.stderr


def test_the_python_client_generates_every_operation_without_a_warning(python_client, document):
    where, log = python_client
    assert "WARNING" not in log and "will not be generated" not in log, log
    operations = {op["operationId"] for item in json.loads(document.read_text())["paths"].values()
                  for key, op in item.items() if isinstance(op, dict) and key != "parameters"}
    modules = {p.stem for p in (where / "car_t_client" / "api").rglob("*.py") if p.stem != "__init__"}
    snake = {"".join(f"_{c.lower()}" if c.isupper() else c for c in name) for name in operations}
    assert modules == snake
    # one class per enum: the determination's outcome is Outcome wherever it appears
    models = {p.stem for p in (where / "car_t_client" / "models").glob("*.py")}
    assert "outcome" in models and not any(m.endswith("_determination") and "type" in m for m in models)


def test_a_python_caller_type_checks_strictly_and_reads_answers_and_field_errors(python_client, server, tmp_path):
    where, _ = python_client
    shutil.copy(HERE / "determine.py", where / "determine.py")
    checked = _run(BIN / "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "determine.py",
                   cwd=where)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    env = {**os.environ, "PYTHONPATH": str(where)}
    answered = _run(sys.executable, where / "determine.py", server.base, key_of("eve"), EXAMPLE, env=env)
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout) == {"determination": "medically_appropriate", "disposition": "approve"}
    refused = _run(sys.executable, where / "determine.py", server.base, key_of("eve"), _wrong_request(tmp_path),
                   env=env)
    assert refused.returncode == 0, refused.stderr
    found = json.loads(refused.stdout)
    assert found["status"] == 422 and found["code"] == "invalid_input"
    assert [pointer for pointer, _ in found["errors"]] == ["/Assessment/deterioration_onset_days_after_apheresis"]


def _wrong_request(tmp_path: Path) -> Path:
    """The example with a fractional onset day: a 422 at one pointer (whole days only)."""
    wrong = json.loads(EXAMPLE.read_text())
    wrong["Assessment"]["deterioration_onset_days_after_apheresis"] = 2.5
    (tmp_path / "wrong.json").write_text(json.dumps(wrong))
    return tmp_path / "wrong.json"


def test_a_typescript_caller_type_checks_strictly_and_reads_answers_and_field_errors(document, server, tmp_path):
    modules = HERE / "node_modules" / ".bin"
    for name in ("determine.ts", "tsconfig.json", "run-determine.mjs"):
        shutil.copy(HERE / name, tmp_path / name)
    os.symlink(HERE / "node_modules", tmp_path / "node_modules")
    generated = _run(modules / "openapi-typescript", document, "--output", tmp_path / "car-t.d.ts")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    types = (tmp_path / "car-t.d.ts").read_text()
    assert "Record<string, never>" not in types.split('schemas: {', 1)[1].split("\n    responses:", 1)[0]
    checked = _run(modules / "tsc", "-p", tmp_path / "tsconfig.json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    compiled = _run(modules / "tsc", "-p", tmp_path / "tsconfig.json", "--noEmit", "false", "--outDir", tmp_path / "out")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    (tmp_path / "out" / "package.json").write_text('{"type": "module"}')
    node = shutil.which("node")
    answered = _run(node, "run-determine.mjs", server.base, key_of("eve"), EXAMPLE, cwd=tmp_path)
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout) == {"determination": "medically_appropriate", "disposition": "approve"}
    refused = _run(node, "run-determine.mjs", server.base, key_of("eve"), _wrong_request(tmp_path), cwd=tmp_path)
    assert refused.returncode == 0, refused.stderr
    found = json.loads(refused.stdout)
    assert found["status"] == 422 and found["code"] == "invalid_input"
    assert [pointer for pointer, _ in found["errors"]] == ["/Assessment/deterioration_onset_days_after_apheresis"]
