"""A real gunicorn on 127.0.0.1: end to end, and the kill -9 fault test (every answered
determination has its audit record afterwards, and the SQLite store opens cleanly)."""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    models = tmp_path / "decisions"
    models.mkdir()
    shutil.copy(DATA / "simpletable.dmn", models / "simpletable.dmn")
    port = _free_port()
    db = tmp_path / "var" / "audit.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "CAR_T_API_KEYS"}
    env.update(PORT=str(port), CAR_T_MODELS_DIR=str(models), CAR_T_VAR_DIR=str(tmp_path / "var"),
               DATABASE_URL=f"sqlite:///{db}", WEB_CONCURRENCY="2", LOG_LEVEL="warning")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "webapp/gunicorn_conf.py",
                             "webapp.wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    key = None
    for line in proc.stdout:
        if line.startswith("API key: "):
            key = line.split(": ", 1)[1].strip()
            break
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        assert proc.poll() is None, "gunicorn exited while starting"
        try:
            urllib.request.urlopen(base + "/readyz", timeout=5)
            break
        except OSError:
            time.sleep(0.1)
    yield {"base": base, "key": key, "db": db, "proc": proc}
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _post(server, path, body):
    req = urllib.request.Request(server["base"] + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {server['key']}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def test_end_to_end(server):
    assert server["key"] and server["key"].startswith("cts_")
    answer = _post(server, "/api/v1/models/simpletable/evaluate", GOOD)
    assert answer["decisions"]["Approval Status"]["value"] == "Approved"
    req = urllib.request.Request(f"{server['base']}/api/v1/evaluations/{answer['evaluation_id']}",
                                 headers={"Authorization": f"Bearer {server['key']}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert json.load(r)["model_version"] == answer["model_version"]


def test_kill_9_loses_no_answered_record(server):
    answered, lock = [], threading.Lock()

    def load():
        for _ in range(100):
            try:
                answer = _post(server, "/api/v1/models/simpletable/evaluate", GOOD)
            except Exception:
                return
            with lock:
                answered.append(answer["evaluation_id"])

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(answered) < 100 and any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(server["proc"].pid, signal.SIGKILL)
    for t in threads:
        t.join()
    con = sqlite3.connect(server["db"])
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {row[0] for row in con.execute("SELECT id FROM evaluations")}
    assert len(answered) >= 100 and set(answered) <= stored
