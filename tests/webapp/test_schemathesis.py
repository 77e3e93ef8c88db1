"""schemathesis against /openapi.json: no 500 on any generated input (bounded examples)."""
import shutil
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from webapp.app import create_app
from webapp.auth import hash_key

DATA = Path(__file__).parent / "data"


def _app(tmp):
    models = tmp / "decisions"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "simpletable.dmn", models / "simpletable.dmn")
    return create_app({"MODELS_DIR": str(models), "VAR_DIR": str(tmp / "var"),
                       "DATABASE_URL": f"sqlite:///{tmp / 'var' / 'audit.sqlite3'}",
                       "API_KEYS": f"{hash_key('fuzz')}:evaluate,audit"})


def test_no_server_errors(tmp_path):
    app = _app(tmp_path)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    failures, calls = [], []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.headers = {**(case.headers or {}), "Authorization": "Bearer fuzz"}
            response = case.call()
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append((op.method, op.path, response.status_code, response.text[:200]))

        from hypothesis import given
        given(op.as_strategy())(check)()
    assert len(calls) > 50 and 200 in set(calls)
    assert failures == []
