"""schemathesis with every check against a real server serving the CAR-T model: responses conform
to the document, valid requests are accepted, invalid ones refused, no server error, auth is
never ignored. The document's examples name loaded models, so every operation is reached.

The run is bounded by examples per operation (not by time, so a slow machine runs the same
cases, only slower). PDF export starts Chromium once per model version (exports are cached).
`--checks all` includes a 10 s response-time limit, which a busy machine fails on a 1,000-case
batch: a timing assert, so its limit is raised to ten minutes (only a hung request fails it); speed
is measured by `make bench`.

A draft's `content` is DMN XML, which a JSON Schema cannot state: strings the schema allows are
refused with 422 unless they are a DMN model's XML. So for the two operations that take a draft, 422
is among the answers to schema-valid data (CONFIG); every other check holds for them too.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from support.apps import DATA, ROOT
from support.servers import Server

CAR_T = ROOT / "decisions" / "car-t-candidate-selection.dmn"
CONFIG = r"""
[[operations]]
include-path-regex = '^/api/v1/models/\{model\}/versions(/\{number\})?$'
include-method = ["POST", "PUT"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("fuzz"), models=(DATA / "simpletable.dmn", CAR_T),
                     env_extra={"CAR_T_VALIDATION_BUDGET": "60", "CAR_T_WORKER_TIMEOUT": "120"})
    assert running.ready() == 200
    yield running
    running.stop()


def test_schemathesis_finds_nothing(server, tmp_path):
    report, config = tmp_path / "report", tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config), "run",
         f"{server.base}/openapi.json",
         "--checks", "all", "--max-response-time", "600", "--header", f"Authorization: Bearer {server.key}",
         "--max-examples", "25", "--seed", "7021", "--phases", "examples,coverage,fuzzing,stateful",
         "--workers", "1", "--request-timeout", "300", "--no-color", "--generation-database", "none",
         "--report", "junit", "--report-dir", str(report)],
        capture_output=True, text=True, cwd=tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-12000:]
    assert "No issues found" in output or "passed" in output, output[-3000:]
