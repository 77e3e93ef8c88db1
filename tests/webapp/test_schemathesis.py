"""schemathesis against /openapi.json with the real CAR-T model loaded: no 500 on any generated input.

Bounded, because an unbounded run hung for minutes. Measured causes, with the real model name as
the {model} parameter: every generated `export?format=pdf` started Chromium (about 2 s a call, up
to its 60 s time limit, at schemathesis' default of 100 examples per operation), and every export
rebuilt its document (0.25 s); exports are now built once per model version. The batch schema's
1,000 nested cases are another sink, so the fuzz generates batches of a few cases (the 1,000
limit itself is tested in test_car_t). Each operation gets a fixed number of examples, every call
must answer within a deadline, and the app's body limit (MAX_CONTENT_LENGTH -> 413) bounds what a
caller can send.
"""
import shutil
import time
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from webapp.app import create_app
from webapp.auth import hash_key

DATA = Path(__file__).parent / "data"
CAR_T = Path(__file__).resolve().parents[2] / "decisions" / "car-t-candidate-selection.dmn"
EXAMPLES = 15
DEADLINE_S = 3.0
FUZZ_BATCH = 3


def _app(tmp):
    models = tmp / "decisions"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "simpletable.dmn", models / "simpletable.dmn")
    shutil.copy(CAR_T, models / CAR_T.name)
    return create_app({"MODELS_DIR": str(models), "VAR_DIR": str(tmp / "var"),
                       "DATABASE_URL": f"sqlite:///{tmp / 'var' / 'audit.sqlite3'}",
                       "API_KEYS": f"{hash_key('fuzz')}:evaluate,audit",
                       "MAX_CONTENT_LENGTH": 256 * 1024})


def _bounded(doc: dict) -> dict:
    batch = doc["paths"]["/api/v1/car-t/determinations:batch"]["post"]
    cases = batch["requestBody"]["content"]["application/json"]["schema"]["properties"]["cases"]
    cases["maxItems"] = FUZZ_BATCH
    # Real model names, so the fuzz reaches the models (unknown names are 404s, tested in test_api).
    for operations in doc["paths"].values():
        for parameter in (p for op in operations.values() for p in op.get("parameters", [])):
            if parameter["name"] == "model":
                parameter["schema"] = {"type": "string", "enum": ["simpletable", CAR_T.stem]}
    return doc


def test_no_server_errors(tmp_path, monkeypatch):
    # PDF export starts Chromium (seconds per call); without it the endpoint answers 503, which
    # is what the fuzz may see. The PDF itself is tested with the exports.
    monkeypatch.setattr("webapp.export.pdf.chromium_path", lambda: None)
    app = _app(tmp_path)
    assert app.extensions["model_registry"].get(CAR_T.stem) is not None
    schema = schemathesis.openapi.from_dict(_bounded(app.test_client().get("/openapi.json").json))
    schema.app = app
    failures, calls, slow = [], [], []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.headers = {**(case.headers or {}), "Authorization": "Bearer fuzz"}
            started = time.perf_counter()
            response = case.call()
            elapsed = time.perf_counter() - started
            calls.append(response.status_code)
            if elapsed > DEADLINE_S:
                slow.append((op.method, op.path, round(elapsed, 2)))
            if response.status_code >= 500 and response.status_code != 503:
                failures.append((op.method, op.path, response.status_code, response.text[:200]))

        given(op.as_strategy())(check)()
    assert len(calls) > 100 and {200, 422} <= set(calls)
    assert failures == [] and slow == []
