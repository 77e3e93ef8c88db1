"""The audit store on PostgreSQL as on SQLite: one set of Alembic migrations creates both, the
database itself refuses to rewrite what was answered (triggers on both; on PostgreSQL the service's
login also has no UPDATE, DELETE or TRUNCATE grant), and concurrent upgrades wait for each other."""

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from support.databases import PostgresServer
from support.threads import in_threads
from webapp.store import migrate
from webapp.store.audit import AuditStore, AuditUnavailable
from webapp.cli import main

ROW = {"id": "e1", "model_id": "m", "model_version": "v", "endpoint": "t", "caller": "c",
       "inputs": {"karnofsky": 80}, "outputs": {"determination": "x"}, "matched_rules": {}}
REWRITES = ["UPDATE evaluations SET outputs = '{}'", "DELETE FROM evaluations"]


@pytest.fixture
def store(database):
    opened = AuditStore(database.url)
    opened.record([dict(ROW)])
    yield opened
    opened.close()


def test_both_databases_get_the_same_schema(database):
    with database.connect(owner=True) as con:
        found = inspect(con)
        assert {"evaluations", "model_versions", "console_sessions", "alembic_version"} <= set(found.get_table_names())
        assert {c["name"] for c in found.get_columns("evaluations")} == {
            "id", "created_at", "model_id", "model_version", "endpoint", "caller", "caller_name", "inputs", "outputs",
            "matched_rules", "chain_seq", "chain_prev", "chain_hash", "case_id"}
        assert migrate.current(con) == migrate.head()


@pytest.mark.parametrize("statement", REWRITES)
def test_the_database_refuses_to_rewrite_a_record(database, store, statement):
    """Even the tables' owner, who is not stopped by grants, is stopped by the triggers."""
    with database.connect(owner=True) as con:
        with pytest.raises(DBAPIError, match="append-only"):
            con.execute(text(statement))
    assert database.stored_ids() == ["e1"]


@pytest.mark.parametrize("statement", REWRITES + ["TRUNCATE evaluations"])
def test_the_service_login_has_no_grant_to_rewrite(postgres_database, statement):
    """SQLite has no roles: its triggers are its guard (the test above)."""
    opened = AuditStore(postgres_database.url)
    opened.record([dict(ROW)])
    opened.close()
    with postgres_database.connect() as con:
        assert con.execute(text("SELECT current_user")).scalar() == "car_t_app"
        with pytest.raises(DBAPIError, match="permission denied"):
            con.execute(text(statement))
    assert postgres_database.stored_ids() == ["e1"]


def test_the_service_login_reads_and_appends(database, store):
    store.record([dict(ROW, id="e2")])
    assert store.get("e1")["outputs"] == {"determination": "x"}
    assert store.list(model="m")[0] == 2
    assert store.note_version("m", "v1", "test") is not None
    assert [v["version"] for v in store.versions("m")] == ["v1"]


def test_the_service_login_cannot_change_the_schema(postgres_server):
    """A schema that is behind stops `serve` started with the service's login: the owner migrates."""
    dbname = postgres_server.create_database()
    try:
        with pytest.raises(DBAPIError, match="permission denied"):
            migrate.upgrade(postgres_server.url(dbname))
    finally:
        postgres_server.drop_database(dbname)


def test_concurrent_upgrades_all_succeed(postgres_server):
    dbname = postgres_server.create_database()
    url = postgres_server.url(dbname, "car_t_owner")
    try:
        assert in_threads(lambda: migrate.upgrade(url), 4) == [migrate.head()] * 4
        engine = create_engine(url)
        with engine.connect() as con:
            assert migrate.current(con) == migrate.head()
        engine.dispose()
    finally:
        postgres_server.drop_database(dbname)


def test_the_migrate_command_run_by_the_owner_prepares_the_service_login(postgres_server, monkeypatch):
    dbname = postgres_server.create_database()
    try:
        monkeypatch.setenv("DATABASE_URL", postgres_server.url(dbname, "car_t_owner"))
        result = CliRunner().invoke(main, ["migrate"])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"database at revision {migrate.head()}"
        service = AuditStore(postgres_server.url(dbname))
        service.record([dict(ROW)])
        assert service.get("e1") is not None
        service.close()
    finally:
        postgres_server.drop_database(dbname)


def test_a_lost_connection_refuses_one_answer_then_reconnects(postgres_database):
    """A server restart or a killed backend: the write in flight is refused (503, no answer without
    its record); the next one opens a new connection."""
    opened = AuditStore(postgres_database.url)
    opened.record([dict(ROW)])
    assert postgres_database.server.terminate(postgres_database.dbname) >= 1
    with pytest.raises(AuditUnavailable):
        opened.record([dict(ROW, id="e2")])
    opened.record([dict(ROW, id="e3")])
    opened.close()
    assert postgres_database.stored_ids() == ["e1", "e3"]


def test_an_answered_record_survives_a_crash_of_the_database():
    """The append commits asynchronously, so that the chain's turn does not wait for a WAL flush;
    the answer still waits for the flush (webapp/store/audit.py). The WAL writer here waits 10 s between
    rounds, so only that flush can put the record on disk before the crash."""
    server = PostgresServer(options="-c wal_writer_delay=10000 -c wal_writer_flush_after=0").start()
    try:
        dbname = server.create_database()
        migrate.upgrade(server.url(dbname, "car_t_owner"))
        opened = AuditStore(server.url(dbname))
        opened.record([dict(ROW)])
        opened.close()
        server.crash_and_restart()
        service = AuditStore(server.url(dbname))
        assert service.get("e1") is not None
        service.close()
    finally:
        server.stop()
