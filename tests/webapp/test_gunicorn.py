"""A real gunicorn on 127.0.0.1, started the way `make run` starts it: fresh starts, end to end,
chunked bodies, and the kill -9 fault test (every answered determination has its audit record
afterwards, and the SQLite store opens cleanly), on SQLite and on PostgreSQL."""
import http.client
import http.cookiejar
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from support.servers import Server
from webapp.store.keys import hash_key

GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}
EVAL = "/api/v1/models/simpletable/evaluate"


@pytest.fixture
def server(tmp_path, database):
    running = Server(tmp_path, env_extra={"DATABASE_URL": database.url})
    assert running.ready() == 200
    yield running
    running.stop()


def test_five_fresh_starts_all_become_ready(tmp_path):
    # Each start on a new empty var directory: before migrations, two workers raced to create the
    # tables and the loser took gunicorn down (2 of 4 fresh starts).
    for attempt in range(5):
        started = Server(tmp_path / f"start-{attempt}", workers=4)
        try:
            assert started.key and started.ready() == 200
        finally:
            started.stop()


def test_end_to_end(server):
    assert server.key and server.key.startswith("cts_")
    answer = server.post(EVAL, GOOD)
    assert answer["decisions"]["Approval Status"]["value"] == "Approved"
    req = urllib.request.Request(f"{server.base}/api/v1/evaluations/{answer['evaluation_id']}",
                                 headers={"Authorization": f"Bearer {server.key}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert json.load(r)["model_version"] == answer["model_version"]


def _status(opener, url) -> int:
    try:
        with opener.open(url, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_restart_of_the_service_ends_every_console_session(tmp_path):
    """Issue 20 §4: the gunicorn master records its start; a cookie of before is worth nothing after."""
    keys = {"CAR_T_API_KEYS": f"{hash_key('key-of-ida')}:audit:Ida"}
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    first = Server(tmp_path, env_extra=keys)
    try:
        assert first.ready() == 200
        with browser.open(first.base + "/console/sign-in", timeout=60) as page:
            token = page.read().decode().split('name="csrf" value="', 1)[1].split('"', 1)[0]
        form = urllib.parse.urlencode({"csrf": token, "key": "key-of-ida", "next": "/console/audit"}).encode()
        with browser.open(first.base + "/console/sign-in", data=form, timeout=60) as signed_in:
            assert signed_in.url.endswith("/console/audit")
        assert _status(browser, first.base + "/api/v1/evaluations") == 200
    finally:
        first.stop()
    again = Server(tmp_path, env_extra=keys)             # the same database, key and cookie secret
    try:
        assert again.ready() == 200
        assert _status(browser, again.base + "/api/v1/evaluations") == 401
    finally:
        again.stop()


def test_a_chunked_body_over_the_limit_is_413(tmp_path):
    running = Server(tmp_path, max_body=4096)
    try:
        assert running.ready() == 200
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=60)
        conn.putrequest("POST", EVAL)
        conn.putheader("Authorization", f"Bearer {running.key}")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        body = json.dumps({"inputs": {"RiskCategory": "x" * 20000}}).encode()
        for start in range(0, len(body), 1000):
            piece = body[start:start + 1000]
            conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        conn.send(b"0\r\n\r\n")
        response = conn.getresponse()
        answer = json.loads(response.read())
        assert response.status == 413 and answer["code"] == "payload_too_large"
        conn.close()
    finally:
        running.stop()


def test_kill_9_loses_no_answered_record(server, database):
    """Clients post until the server is killed; every id answered before the kill is stored.
    A client's failure before the kill fails the test; after it, refused connections and answers
    cut off mid-body are the expected end. No count has to be reached in time."""
    answered, lock = [], threading.Lock()
    enough, killed = threading.Event(), threading.Event()
    failures = []

    def client():
        try:
            while not killed.is_set():
                try:
                    answer = server.post(EVAL, GOOD)
                except (OSError, http.client.HTTPException):
                    if killed.is_set():
                        return          # the kill cut the connection, or the answer half sent
                    raise
                with lock:
                    answered.append(answer["evaluation_id"])
                    if len(answered) >= 50:
                        enough.set()
        except BaseException as exc:    # whatever stops a client before the kill fails the test
            failures.append(exc)
            enough.set()

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    enough.wait()
    killed.set()
    os.killpg(server.proc.pid, signal.SIGKILL)
    for t in threads:
        t.join()
    assert failures == [] and len(answered) >= 50
    assert database.intact()
    assert set(answered) <= set(database.stored_ids())


def _workers(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def _gone(pid: int) -> bool:
    """Exited: no process, or a zombie nobody has reaped yet (its socket is closed)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_workers_exit_with_their_master_and_a_restart_binds_the_port(tmp_path):
    """kill -9 of the master only: its workers, busy with clients the whole time (an idle sync
    worker notices a new parent within its timeout, a busy one never looks), stop serving and exit,
    and a new server binds the same port. No deadline: the test waits for the exits."""
    first = Server(tmp_path / "first")
    assert first.ready() == 200
    workers = _workers(first.proc.pid)
    answered, failures = [], []
    enough, stop = threading.Event(), threading.Event()
    killed = threading.Event()

    def client():
        try:
            while not stop.is_set():
                try:
                    answered.append(first.post(EVAL, GOOD)["evaluation_id"])
                except (OSError, http.client.HTTPException):
                    if not killed.is_set():
                        raise
                if len(answered) >= 20:
                    enough.set()
        except BaseException as exc:    # a client's failure before the kill fails the test
            failures.append(exc)
            enough.set()

    threads = [threading.Thread(target=client) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        enough.wait()
        killed.set()
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait()
        assert len(workers) == 2 and failures == []
        while not all(map(_gone, workers)):
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join()
        try:
            os.killpg(first.proc.pid, signal.SIGKILL)       # workers that outlived their master
        except ProcessLookupError:
            pass
        first.stop()
    assert failures == []
    second = Server(tmp_path / "second", port=first.port)
    try:
        assert second.ready() == 200 and second.post(EVAL, GOOD)["decisions"]["Approval Status"]["value"] == "Approved"
    finally:
        second.stop()
