"""A real service on 127.0.0.1 for tests: `python -m webapp serve` (gunicorn), the way `make run`
starts it, on a free port with a new, empty var directory."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .apps import DATA, ROOT, copy_model


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m webapp serve` (with `args`) on a free port (or `port`) with a new, empty var directory."""

    def __init__(self, tmp_path, workers=2, max_body=None, models=(DATA / "simpletable.dmn",), env_extra=None,
                 port=None, python=sys.executable, cwd=ROOT, args=()):
        directory = tmp_path / "decisions"
        directory.mkdir(parents=True, exist_ok=True)
        for model in models:
            copy_model(Path(model), directory)
        self.port = port or _free_port()
        self.var = tmp_path / "var"
        self.db = self.var / "audit.sqlite3"
        env = {k: v for k, v in os.environ.items() if k not in ("CAR_T_API_KEYS", "DATABASE_URL", "CAR_T_SECRET_KEY", "CAR_T_DEVELOPMENT")}
        env.update(PORT=str(self.port), CAR_T_MODELS_DIR=str(directory), CAR_T_VAR_DIR=str(self.var),
                   WEB_CONCURRENCY=str(workers), LOG_LEVEL="warning")
        if max_body:
            env["CAR_T_MAX_BODY"] = str(max_body)
        env.update(env_extra or {})
        if "CAR_T_API_KEYS" not in env:
            env["CAR_T_DEVELOPMENT"] = "1"      # as `make run` says: a development key is made and printed
        self.log = open(tmp_path / "server.log", "w+")
        self.proc = subprocess.Popen([python, "-m", "webapp", "serve", *args], cwd=cwd, env=env,
                                     stdout=self.log if "CAR_T_API_KEYS" in env else subprocess.PIPE,
                                     stderr=self.log, text=True,
                                     start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        self.key = None
        if "CAR_T_API_KEYS" not in env:         # else the master prints a development key
            for line in self.proc.stdout:      # before any worker starts
                if line.startswith("API key: "):
                    self.key = line.split(": ", 1)[1].strip()
                    break

    def ready(self) -> int:
        """Wait for /readyz (no deadline: a slow machine is slow, not broken); its status, or
        pytest.fail with the server's log if gunicorn exits."""
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                pytest.fail(f"gunicorn exited with {self.proc.returncode}:\n{self.log.read()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=30) as r:
                    return r.status
            except urllib.error.HTTPError as exc:
                return exc.code
            except OSError:
                time.sleep(0.1)

    def post(self, path, body, key=None):
        return self.call("POST", path, body, key)

    def get(self, path, key=None):
        return self.call("GET", path, None, key)

    def call(self, method, path, body=None, key=None):
        """The JSON answer of one request (with this server's printed key unless `key` is given)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {key or self.key}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=300) as r:
            return json.load(r)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()


def publish(server, model: str, content: str, author: str, approver: str) -> str:
    """`content` published as a new version of `model` through the four-eyes steps of the API, the
    author's key saving and submitting, the approver's reviewing, approving and publishing; its sha256."""
    draft = server.post(f"/api/v1/models/{model}/versions", {"content": content, "comment": "replica"}, author)
    path = f"/api/v1/models/{model}/versions/{draft['number']}"
    server.post(f"{path}:submit", {"sha256": draft["sha256"]}, author)
    review = server.get(f"{path}/review", approver)
    server.post(f"{path}:approve", {"sha256": draft["sha256"], "evidence": review["digest"]}, approver)
    server.post(f"{path}:publish", {"sha256": draft["sha256"]}, approver)
    return draft["sha256"]
