"""The database schema, versioned by Alembic (webapp/migrations), brought to the newest revision.

`serve` upgrades once in the gunicorn master, before any worker forks, so workers never race to
create tables. An upgrade still holds a lock (an flock beside a SQLite file, an advisory lock on
PostgreSQL), so a second process that upgrades at the same moment waits and then finds nothing to
do. A database written before migrations existed (tables, no `alembic_version`) is stamped with the
first revision, whose tables it already has.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url

from webapp.files import private_file

_BASELINE = "0001"
_PG_LOCK_KEY = 7021100   # any constant shared by every process of the service


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


def upgrade(url: str) -> str:
    """Bring the database at `url` to the newest revision; returns it."""
    path = sqlite_path(url)
    if path is not None:
        private_file(path)
        with _sqlite_file_lock(path):
            _upgrade(url)
    else:
        _upgrade(url)
    return head()


def _upgrade(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            config = _config(connection)
            if current(connection) is None and inspect(connection).has_table("evaluations"):
                command.stamp(config, _BASELINE)
            command.upgrade(config, "head")
    finally:
        engine.dispose()
