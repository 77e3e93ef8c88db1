"""Faults answered honestly: a full disk or a held lock makes writes answer 503 JSON and /readyz
503 while they last; a SQLite file with damaged pages stops the service at start, in one line
naming the file; no model serving is a 503, not a 404 "no model named"."""
import errno
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import DATA, KEYS, make_app
from webapp.audit import AuditStore

M = "/api/v1/models/simpletable"
ALL = {"Authorization": f"Bearer {KEYS['all']}"}
GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}


class Disk:
    """The disk of the var directory (the SQLite file and what sits beside it), filled and freed.
    While it is full, every connection the service opens caps the file at the pages it has
    (`PRAGMA max_page_count`), so a write that needs a new page fails inside SQLite with SQLITE_FULL,
    "database or disk is full", the error a disk with no room gives; and os.write to a file in the
    directory fails with ENOSPC. Filling and freeing closes the service's connections, which reopen
    on their next use."""

    def __init__(self, monkeypatch, var: Path):
        self.full = False
        original = AuditStore._sqlite_pragmas

        def pragmas(conn, record):
            original(conn, record)
            if self.full:
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                conn.execute(f"PRAGMA max_page_count = {pages}")
        monkeypatch.setattr(AuditStore, "_sqlite_pragmas", staticmethod(pragmas))
        write = os.write

        def no_room(fd, data):
            if self.full and Path(os.readlink(f"/proc/self/fd/{fd}")).is_relative_to(var):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return write(fd, data)
        monkeypatch.setattr(os, "write", no_room)

    def fill(self, app):
        self.full = True
        app.extensions["audit"].close()

    def free(self, app):
        self.full = False
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
    assert refused.json["errors"] == {"database": ["database or disk is full"]}
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
    assert refused.status_code == 503 and refused.json["errors"] == {"database": ["database or disk is full"]}
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


def test_readyz_is_503_when_the_disk_has_no_room_beside_the_file(tmp_path, monkeypatch):
    # The file may still have free pages (a WAL is reused) while the disk has none: a commit then
    # fails writing the WAL. The probe writes beside the file, where os.write meets ENOSPC.
    app = make_app(tmp_path)
    client = app.test_client()
    write, var = os.write, tmp_path / "var"

    def no_room(fd, data):
        if Path(os.readlink(f"/proc/self/fd/{fd}")).is_relative_to(var):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write(fd, data)
    monkeypatch.setattr(os, "write", no_room)
    assert _ready(client) == (503, False, "cannot be written: No space left on device")
    monkeypatch.setattr(os, "write", write)
    assert _ready(client) == (200, True, None)
    assert sorted(p.name for p in var.iterdir() if p.name.endswith(".probe")) == []


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
