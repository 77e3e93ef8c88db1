"""Faults answered honestly: a full disk or a held lock makes writes answer 503 JSON and /readyz
503 while they last; a SQLite file with damaged pages stops the service at start, in one line
naming the file; no model serving is a 503, not a 404 "no model named"."""
import errno
import os
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from support.apps import DATA, make_app
from support.people import key_of
from support.servers import Server
from webapp.store import migrate
from webapp.store.audit import AuditStore
from support.problems import by_field

M = "/api/v1/models/simpletable"
ALL = {"Authorization": f"Bearer {key_of('all')}"}
GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}


class Disk:
    """The disk of the var directory (the SQLite file and what sits beside it), filled and freed.
    While it is full, every connection the service opens caps the file at the pages it has
    (`PRAGMA max_page_count`), so a write that needs a new page fails inside SQLite with SQLITE_FULL,
    "database or disk is full", the error a disk with no room gives; and os.write to a file in the
    directory fails with ENOSPC. Filling and freeing closes the service's connections, which reopen
    on their next use."""

    def __init__(self, monkeypatch, var: Path):
        self.full = self.file_full = False
        original = AuditStore._sqlite_pragmas

        def pragmas(conn, record):
            original(conn, record)
            if self.file_full:
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                conn.execute(f"PRAGMA max_page_count = {pages}")
        monkeypatch.setattr(AuditStore, "_sqlite_pragmas", staticmethod(pragmas))
        write = os.write

        def no_room(fd, data):
            if self.full and Path(os.readlink(f"/proc/self/fd/{fd}")).is_relative_to(var):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return write(fd, data)
        monkeypatch.setattr(os, "write", no_room)

    def fill(self, app, file_too: bool = True):
        """`file_too=False`: the file still has free pages (a WAL is reused), the disk none."""
        self.full, self.file_full = True, file_too
        app.extensions["audit"].close()

    def free(self, app):
        self.full = self.file_full = False
        app.extensions["audit"].close()


@pytest.fixture
def disk(monkeypatch, tmp_path):
    return Disk(monkeypatch, tmp_path / "var")


def _draft(client, age):
    source = (DATA / "simpletable.dmn").read_text().replace("&gt;=18", f"&gt;={age}")
    return client.post(f"{M}/versions", json={"content": source}, headers=ALL)


def test_a_draft_on_a_full_disk_is_503_and_keeps_nothing(tmp_path, disk):
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    client = app.test_client()
    disk.fill(app)
    refused = _draft(client, 21)
    assert refused.status_code == 503 and refused.json["code"] == "unavailable"
    assert by_field(refused.json) == {"database": ["database or disk is full"]}
    disk.free(app)
    assert [v["number"] for v in client.get(f"{M}/versions", headers=ALL).json["versions"]] == [1]
    assert _draft(client, 21).status_code == 201


def test_a_reload_on_a_full_disk_is_503(tmp_path, disk):
    app = make_app(tmp_path)
    client = app.test_client()
    (tmp_path / "decisions" / "simpletable.dmn").write_text(
        (DATA / "simpletable.dmn").read_text().replace("&gt;=18", "&gt;=21"))
    disk.fill(app)
    refused = client.post("/api/v1/models:reload", headers=ALL)
    assert refused.status_code == 503 and by_field(refused.json) == {"database": ["database or disk is full"]}
    disk.free(app)
    reloaded = client.post("/api/v1/models:reload", headers=ALL)
    assert reloaded.status_code == 200 and [d["number"] for d in reloaded.json["drafts"]] == [2]


def _ready(client):
    answer = client.get("/readyz")
    return answer.status_code, answer.json["audit"], answer.json["audit_problem"]


def test_readyz_is_503_while_the_disk_is_full(tmp_path, disk):
    app = make_app(tmp_path)
    client = app.test_client()
    assert _ready(client) == (200, True, None)
    disk.fill(app)
    assert _ready(client) == (503, False, "cannot be written: database or disk is full")
    answers = []        # records go on filling the free space of the file's last page, then none fits
    while len(answers) < 100 and (not answers or answers[-1].status_code == 200):
        answers.append(client.post(f"{M}/evaluate", json=GOOD, headers=ALL))
    assert answers[-1].status_code == 503 and "evaluation_id" not in answers[-1].json
    disk.free(app)
    assert _ready(client) == (200, True, None)
    assert client.post(f"{M}/evaluate", json=GOOD, headers=ALL).status_code == 200


def test_readyz_is_503_when_the_disk_has_no_room_beside_the_file(tmp_path, disk):
    # The file may still have free pages while the disk has none: a commit then fails writing the
    # WAL. The probe writes beside the file, where os.write meets ENOSPC.
    app = make_app(tmp_path)
    client = app.test_client()
    disk.fill(app, file_too=False)
    assert _ready(client) == (503, False, "cannot be written: No space left on device")
    disk.free(app)
    assert _ready(client) == (200, True, None)
    assert [p.name for p in (tmp_path / "var").iterdir() if p.name.endswith(".probe")] == []


def test_readyz_is_503_while_another_process_holds_the_write_lock(tmp_path, database):
    # The lock is held for the whole request, so the probe's wait for it ends in failure however
    # fast or slow the machine: no timing is asserted.
    app = make_app(tmp_path, database=database)
    client = app.test_client()
    assert _ready(client) == (200, True, None)
    if database.name == "sqlite":
        holder = sqlite3.connect(database.path)
        holder.execute("BEGIN EXCLUSIVE")
        locked = "cannot be written: database is locked"
    else:
        holder = database.connect(owner=True)
        holder.begin()
        holder.execute(text("LOCK TABLE evaluations IN EXCLUSIVE MODE"))       # reads go on, writes wait
        locked = "cannot be written: LockNotAvailable"
    try:
        assert _ready(client) == (503, False, locked)
    finally:
        holder.rollback()
        holder.close()
    assert _ready(client) == (200, True, None)


def _damaged_store(path: Path) -> None:
    """An audit store of 300 records whose middle page is overwritten, as a bad disk sector or an
    interrupted copy leaves it: SQLite's own check fails on it."""
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    store = AuditStore(url)
    store.record([{"id": f"e{i}", "model_id": "simpletable", "model_version": "v", "endpoint": "t", "caller": "c",
                   "inputs": {"pad": "x" * 1500}, "outputs": {}, "matched_rules": {}} for i in range(300)])
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, size = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    with open(path, "r+b") as f:
        f.seek(size * (pages // 2) + 3)
        f.write(bytes(4))
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.DatabaseError, match="malformed"):
        conn.execute("PRAGMA quick_check").fetchall()


def test_a_damaged_sqlite_file_stops_the_service_at_start_in_one_line(tmp_path):
    # It was served as ready and took determinations while its audit reads failed.
    db = tmp_path / "var" / "audit.sqlite3"
    _damaged_store(db)
    server = Server(tmp_path)
    try:
        while server.proc.poll() is None:       # no deadline: a slow start is slow, not broken
            try:
                with urllib.request.urlopen(server.base + "/readyz", timeout=30) as answer:
                    pytest.fail(f"a damaged store was served: /readyz {answer.status}")
            except urllib.error.HTTPError as answer:
                pytest.fail(f"a damaged store was served: /readyz {answer.code}")
            except OSError:
                time.sleep(0.1)
        server.log.seek(0)
        log = server.log.read()
    finally:
        server.stop()
    errors = [line for line in log.splitlines() if line.startswith("error:")]
    assert server.proc.returncode != 0 and "Traceback" not in log
    assert errors == [f"error: cannot prepare the database: DamagedDatabase: {db} is damaged (SQLite's "
                      "quick_check: database disk image is malformed): restore it from a backup before "
                      "starting the service"]


def test_the_app_refuses_a_damaged_sqlite_file(tmp_path):
    _damaged_store(tmp_path / "var" / "audit.sqlite3")
    with pytest.raises(migrate.DamagedDatabase, match="audit.sqlite3 is damaged"):
        make_app(tmp_path)


def test_no_model_serving_is_503_not_an_unknown_model(tmp_path):
    # The models directory's only file fails the gate at the first start: nothing serves.
    broken = tmp_path / "simpletable.dmn"
    broken.write_text((DATA / "simpletable.dmn").read_text().replace("&lt;18", "&lt;(18"))
    client = make_app(tmp_path / "service", models=[broken]).test_client()
    assert client.get("/readyz").status_code == 503
    for method, path, body in [("post", f"{M}/evaluate", GOOD), ("get", M, None), ("get", f"{M}/export", None),
                               ("post", "/api/v1/car-t/determinations", {}),
                               ("get", "/api/v1/models/nope", None)]:
        answer = getattr(client, method)(path, json=body, headers=ALL)
        assert answer.status_code == 503 and answer.json["code"] == "unavailable", (path, answer.json)
        assert "does not serve: no version of it loads" in answer.json["detail"]


def test_the_car_t_endpoint_without_its_model_is_503(tmp_path):
    client = make_app(tmp_path).test_client()        # simpletable serves; the CAR-T model is not there
    answer = client.post("/api/v1/car-t/determinations", json={}, headers=ALL)
    assert answer.status_code == 503
    assert answer.json["detail"].startswith("model 'car-t-candidate-selection' does not serve")
    assert client.get("/api/v1/models/nope", headers=ALL).status_code == 404


def test_a_draft_while_the_database_is_gone_is_503_and_readyz_says_so(tmp_path, database):
    app = make_app(tmp_path, database=database, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    client = app.test_client()
    app.extensions["audit"].close()
    database.make_unavailable()         # the SQLite file's directory removed; the PostgreSQL database dropped
    refused = _draft(client, 21)
    assert refused.status_code == 503 and refused.json["code"] == "unavailable"
    # SQLite's fixed text, or only the class of psycopg's error, whose text names the server
    assert by_field(refused.json)["database"] == [
        "unable to open database file" if database.name == "sqlite" else "OperationalError"]
    assert _ready(client) == (503, False, "cannot be read")
