"""Issue 20 §2 on a real gunicorn: the attack that took both workers down (a version looping on
`infusions_requested = 7`, published through four eyes, then two requests from an evaluate-only key)
now ends each request with its JSON answer and the service goes on; a budget the worker timeout would
cut short refuses to start. Outcomes only: no elapsed time is asserted."""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from support.budget_models import REQUEST, looping_on, request_with
from support.apps import CAR_T, CAR_T_ID, CAR_T_SCENARIOS, ROOT
from support.people import key_of, key_spec
from support.servers import publish, Server
from support.threads import in_threads
from support.problems import by_field

AUTHOR, APPROVER, CALLER = key_of("ann"), key_of("cat"), key_of("eve")


def _answer(server, path, body, key):
    """(status, JSON body) of a POST, whatever the status."""
    request = urllib.request.Request(server.base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=300) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as exc:
        assert exc.headers.get_content_type() == "application/problem+json", exc.read()[:500]
        return exc.code, json.load(exc)


@pytest.fixture
def attacked(tmp_path):
    server = Server(tmp_path, workers=2, models=(CAR_T, CAR_T_SCENARIOS),
                    env_extra={"CAR_T_API_KEYS": key_spec(), "CAR_T_EVALUATION_STEPS": "20000"})
    try:
        assert server.ready() == 200
        yield server
    finally:
        server.stop()


def _source(server) -> str:
    request = urllib.request.Request(f"{server.base}/api/v1/models/{CAR_T_ID}/versions/1/dmn",
                                     headers={"Authorization": f"Bearer {AUTHOR}"})
    with urllib.request.urlopen(request, timeout=60) as r:
        return r.read().decode()


def test_two_looping_requests_end_with_422_and_the_next_request_is_answered(attacked):
    published = publish(attacked, CAR_T_ID, looping_on(_source(attacked), 7), AUTHOR, APPROVER)
    path = "/api/v1/car-t/determinations"
    looped = in_threads(lambda: _answer(attacked, path, request_with(7), CALLER), 2)
    for status, body in looped:
        assert status == 422 and "more than 20,000 steps" in by_field(body)["evaluation"][0], body
    status, body = _answer(attacked, path, REQUEST, CALLER)
    assert status == 200 and body["model_version"] == published
    assert attacked.proc.poll() is None


@pytest.mark.parametrize("env", [{"CAR_T_REVIEW_BUDGET": "120"},
                                 {"CAR_T_WORKER_TIMEOUT": "30"},          # the review's 45 s default
                                 {"CAR_T_EVALUATION_BUDGET": "61"}])
def test_serve_refuses_a_budget_the_worker_timeout_would_cut_short(tmp_path, env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CAR_T_")}
    environ.update(CAR_T_VAR_DIR=str(tmp_path / "var"), CAR_T_API_KEYS=key_spec(), PORT="0", **env)
    done = subprocess.run([sys.executable, "-m", "webapp", "serve"], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode != 0
    [line] = [text for text in done.stderr.splitlines() if text.startswith("error:")]
    assert "less than the worker timeout, CAR_T_WORKER_TIMEOUT" in line, done.stderr[-2000:]
