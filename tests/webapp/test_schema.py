"""The migrations are the schema's truth, and the SQLAlchemy tables the code writes through say the
same: Alembic's compare_metadata finds no difference between a migrated database and the metadata,
on SQLite and on PostgreSQL. What compare_metadata cannot see (the triggers, and on SQLite the chain
columns' NOT NULL, which its ALTER TABLE cannot add: a trigger holds it) is checked by behaviour."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from webapp.ehr import jwt_auth
from webapp.store import audit, chain, chain_verify, idempotency, sessions, versions

METADATA = [audit.metadata, versions.metadata, sessions.metadata, chain_verify.metadata, jwt_auth.metadata,
            idempotency.metadata]


def _differences(database) -> list:
    with database.connect(owner=True) as conn:
        found = compare_metadata(MigrationContext.configure(conn), METADATA)
    # compare_metadata lists a column's changes as a list of tuples, the rest as tuples
    return [change for entry in found for change in (entry if isinstance(entry, list) else [entry])]


def test_the_migrated_database_is_the_metadata(database):
    differences = _differences(database)
    if database.name == "sqlite":
        trigger_held = {("modify_nullable", table, column) for table in chain.TABLES for column in chain.CHAIN_COLUMNS}
        assert {(d[0], d[2], d[3]) for d in differences if d[0] == "modify_nullable"} == trigger_held
        differences = [d for d in differences if d[0] != "modify_nullable"]
    assert differences == []


def test_every_table_the_code_writes_is_migrated(database):
    with database.connect(owner=True) as conn:
        context = MigrationContext.configure(conn)
        present = set(context.dialect.get_table_names(conn))
    assert {name for metadata in METADATA for name in metadata.tables} <= present


@pytest.mark.parametrize("table", chain.TABLES)
def test_a_row_without_its_place_in_the_chain_is_refused(database, table):
    """The chain columns' NOT NULL: a column constraint on PostgreSQL, a trigger on SQLite."""
    row = {"evaluations": "INSERT INTO evaluations (id, created_at, model_id, model_version, endpoint, caller, "
                          "inputs, outputs, matched_rules) VALUES ('x', CURRENT_TIMESTAMP, 'm', 'v', 'e', 'c', "
                          "'{}', '{}', '{}')",
           "version_steps": "INSERT INTO version_steps (version_id, seq, action, state, sha256, actor, at, comment, "
                            "details) VALUES (1, 1, 'saved', 'draft', 's', 'a', CURRENT_TIMESTAMP, '', '{}')"}[table]
    with database.connect(owner=True) as conn, pytest.raises(DatabaseError):
        conn.execute(text(row))
