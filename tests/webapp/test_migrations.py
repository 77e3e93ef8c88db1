"""The schema is Alembic's: an empty database is brought to the newest revision, concurrent
upgrades (the race that killed `make run`'s workers) all succeed, a database from before
migrations is adopted, and the files holding patient data are the owner's alone."""
import os
import sqlite3
import stat

import pytest
from sqlalchemy import create_engine

from support.threads import in_threads
from webapp.store import migrate
from webapp.store.audit import AuditStore


def _tables(path):
    with sqlite3.connect(path) as con:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}


def test_upgrade_creates_the_schema_at_head(tmp_path):
    db = tmp_path / "var" / "audit.sqlite3"
    assert migrate.upgrade(f"sqlite:///{db}") == migrate.head()
    assert {"evaluations", "model_versions", "alembic_version", "evaluations_no_update",
            "evaluations_no_delete"} <= _tables(db)
    with create_engine(f"sqlite:///{db}").connect() as con:
        assert migrate.current(con) == migrate.head()


def test_concurrent_upgrades_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    assert in_threads(lambda: migrate.upgrade(url), 6) == [migrate.head()] * 6
    assert "evaluations" in _tables(tmp_path / "audit.sqlite3")


def test_a_database_from_before_migrations_is_adopted(tmp_path):
    db = tmp_path / "audit.sqlite3"
    with sqlite3.connect(db) as con:     # what create_all wrote before Alembic
        con.execute("CREATE TABLE evaluations (id VARCHAR(36) PRIMARY KEY, created_at DATETIME NOT NULL, "
                    "model_id VARCHAR(200) NOT NULL, model_version VARCHAR(64) NOT NULL, endpoint VARCHAR(60) "
                    "NOT NULL, caller VARCHAR(64) NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL, "
                    "matched_rules TEXT NOT NULL)")
        con.execute("INSERT INTO evaluations VALUES ('x', '2026-01-01 00:00:00', 'm', 'v', 'e', 'c', '{}', '{}', '{}')")
    migrate.upgrade(f"sqlite:///{db}")
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.head()
        assert con.execute("SELECT count(*) FROM evaluations").fetchone()[0] == 1


def test_updates_and_deletes_are_refused_by_the_database(tmp_path):
    db = tmp_path / "audit.sqlite3"
    migrate.upgrade(f"sqlite:///{db}")
    store = AuditStore(f"sqlite:///{db}")
    store.record([{"id": "e1", "model_id": "m", "model_version": "v", "endpoint": "t", "caller": "c",
                   "inputs": {}, "outputs": {}, "matched_rules": {}}])
    store.close()
    con = sqlite3.connect(db)
    for statement in ("UPDATE evaluations SET outputs = '{}'", "DELETE FROM evaluations"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute(statement)


def test_patient_data_files_are_the_owners_alone(tmp_path):
    var = tmp_path / "var"
    db = var / "audit.sqlite3"
    migrate.upgrade(f"sqlite:///{db}")
    store = AuditStore(f"sqlite:///{db}")
    store.record([{"id": "e1", "model_id": "m", "model_version": "v", "endpoint": "t", "caller": "c",
                   "inputs": {"karnofsky": 80}, "outputs": {}, "matched_rules": {}}])
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    written = [p for p in var.iterdir() if p.name.startswith("audit.sqlite3")]
    assert db in written and len(written) >= 3      # the database, its WAL and the lock files
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    store.close()


def test_a_store_written_by_an_older_version_is_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    db = var / "audit.sqlite3"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)
    migrate.upgrade(f"sqlite:///{db}")
    assert stat.S_IMODE(var.stat().st_mode) == 0o700 and stat.S_IMODE(db.stat().st_mode) == 0o600
