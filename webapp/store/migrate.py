"""The database schema, versioned by Alembic (webapp/store/migrations), brought to the newest revision.

`serve` upgrades once in the gunicorn master, before any worker forks, so workers never race to
create tables. An upgrade still holds a lock (an flock beside a SQLite file, an advisory lock on
PostgreSQL), so a second process that upgrades at the same moment waits and then finds nothing to
do. A database written before migrations existed (tables, no `alembic_version`) is stamped with the
first revision, whose tables it already has.

On PostgreSQL the service runs with a role that may read and append, never rewrite: the owner of
the tables (who runs `python -m webapp migrate`) grants the group role `car_t_service` SELECT and
INSERT on them after every upgrade, so tables that later revisions add are covered too, and never
UPDATE, DELETE or TRUNCATE: every table is append-only, save that the service deletes idempotency
keys once they expire (revision 0010). The service's own login is a member of
that role (docs/deployment.md). When `serve` starts with that login and the schema is already at
the newest revision, its upgrade finds nothing to do and grants nothing; a schema that is behind
makes it stop with the database's "permission denied", so the owner's migration runs first.
"""
from __future__ import annotations

import contextlib
import fcntl
import io
import os
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url

from webapp.store import chain
from webapp.store.files import private_file

_BASELINE = "0001"
_PG_LOCK_KEY = 7021100   # any constant shared by every process of the service
SERVICE_ROLE = "car_t_service"
# The revision that rewrites stored rows in Python (the audit chain), and those before it.
_PYTHON_STEP, _PYTHON_BEFORE = "0005", ("0001", "0002", "0003", "0004")


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return ScriptDirectory(str(Path(__file__).with_name("migrations"))).get_current_head()


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _sqlite_file_lock(path: Path):
    fd = os.open(path.with_name(path.name + ".migrate-lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)        # closing releases the flock


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


class DamagedDatabase(Exception):
    """The SQLite file fails SQLite's own check: serving from it would answer determinations
    whose records, among the damaged pages, could not be read back."""


def check_sqlite(path: Path) -> None:
    """PRAGMA quick_check of the file (every page and b-tree, without comparing indexes to their
    tables: linear in the file's size); raises DamagedDatabase naming the file."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            found = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:      # "file is not a database": the header itself
        found = [str(exc)]
    if found != ["ok"]:
        raise DamagedDatabase(f"{path} is damaged (SQLite's quick_check: {'; '.join(found)[:300]}): "
                              "restore it from a backup before starting the service")


def upgrade(url: str) -> str:
    """Bring the database at `url` to the newest revision; returns it. A SQLite file is checked
    first (check_sqlite): the service does not start on damaged pages."""
    path = sqlite_path(url)
    if path is not None:
        private_file(path)
        with _sqlite_file_lock(path):
            check_sqlite(path)
            _upgrade(url)
    else:
        _upgrade(url)
    return head()


def upgrade_sql(url: str) -> str:
    """The SQL that `upgrade` would run on the PostgreSQL database at `url`, from its current revision
    to the newest, for a DBA to review and run (Alembic's offline mode); the database is only read.
    The grants to the service role follow from `migrate` run by the tables' owner afterwards."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name != "postgresql":
                raise ValueError("--sql writes PostgreSQL's SQL; a SQLite file is upgraded by `migrate` itself")
            at = current(connection)
            if at is None and inspect(connection).has_table("evaluations"):
                at = _BASELINE      # tables from before migrations: `migrate` would stamp it first
            if at in (None, *_PYTHON_BEFORE) and any(
                    inspect(connection).has_table(table)
                    and connection.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar()
                    for table in chain.TABLES):
                raise ValueError(f"revision {_PYTHON_STEP} computes the hash chain of the stored records in "
                                 "Python, which no SQL script can do: run `python -m webapp migrate` as the owner")
    finally:
        engine.dispose()
    output = io.StringIO()
    config = Config(output_buffer=output)
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["dialect"] = "postgresql"
    if at != head():
        command.upgrade(config, f"{at}:head" if at else "head", sql=True)
    return output.getvalue()


def _upgrade(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            postgres = connection.dialect.name == "postgresql"
            if postgres:
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            config = _config(connection)
            if current(connection) is None and inspect(connection).has_table("evaluations"):
                command.stamp(config, _BASELINE)
            command.upgrade(config, "head")
            if postgres:
                _grant_service_role(connection)
    finally:
        engine.dispose()


def _grant_service_role(connection: Connection) -> None:
    """SELECT and INSERT on every table for the service role and nothing more (every table is
    append-only), DELETE of expired idempotency keys (revision 0010), only SELECT on Alembic's; done by
    the tables' owner when the role exists."""
    owner = connection.execute(text(
        "SELECT tableowner = current_user FROM pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'evaluations'")).scalar()
    role = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": SERVICE_ROLE}).scalar()
    if not owner or not role:
        return
    schema = connection.execute(text("SELECT quote_ident(current_schema())")).scalar()
    tables = connection.execute(text(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() "
        "AND tableowner = current_user AND tablename <> 'alembic_version'")).scalars().all()
    statements = [f"GRANT USAGE ON SCHEMA {schema} TO {SERVICE_ROLE}",
                  f"GRANT SELECT ON alembic_version TO {SERVICE_ROLE}",
                  f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {SERVICE_ROLE}"]
    for table in tables:
        statements += [f"GRANT SELECT, INSERT ON {table} TO {SERVICE_ROLE}",
                       f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {SERVICE_ROLE}, PUBLIC"]
    if "idempotency_keys" in tables:    # expired keys only: the table's trigger refuses younger rows
        statements.append(f"GRANT DELETE ON idempotency_keys TO {SERVICE_ROLE}")
    for statement in statements:
        connection.execute(text(statement))
