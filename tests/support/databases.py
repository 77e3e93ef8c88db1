"""The audit databases the tests run on: SQLite, and PostgreSQL on a private server for the tests and
the benchmark, from Debian's `postgresql` package (`make test` and `make bench` install it), with the
roles a deployment has. The fixtures `database` (each test on both), `postgres_database` and
`postgres_server` are imported by the conftest files that use them.

pytest-postgresql's executor starts it (initdb with trust authentication on 127.0.0.1, pg_ctl
start and stop, waiting for the port). Its process fixture is not used: it puts the data directory
under pytest's base temp directory, which pytest keeps 0700 for its own user, and PostgreSQL
refuses to run as root, as CI runs. So the data directory is a private temp directory of its own,
and when the tests run as root, pg_ctl runs as Debian's `postgres` user (through runuser) and that
directory is given to it. Nothing here skips: a server that cannot start fails the tests that need
it, with pg_ctl's own message.

Roles, as docs/deployment.md sets them up: `car_t_owner` owns each database and runs the
migrations; `car_t_app` is the service's login, a member of `car_t_service`, the group role the
migrations grant SELECT and INSERT (never UPDATE or DELETE) on the audit tables.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_postgresql.janitor import DatabaseJanitor
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from webapp.store import migrate
from webapp.store.migrate import SERVICE_ROLE

OWNER, SERVICE_LOGIN, SUPERUSER = "car_t_owner", "car_t_app", "postgres"


def debian_pg_ctl() -> Path:
    """The newest pg_ctl of Debian's postgresql package."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: Debian's `postgresql` package provides "
                           "/usr/lib/postgresql/*/bin/pg_ctl (`make system-deps` installs it)")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One server: start(), url(dbname, user), create_database(), drop_database(), stop()."""

    def __init__(self, durable: bool = False, options: str = ""):
        # durable: fsync on, as in production (the benchmark); the tests run with -F, since the
        # faults they cause kill the service, not the database. options: more `-c name=value`.
        self.directory = Path(tempfile.mkdtemp(prefix="car-t-postgres-"))
        self.port = _free_port()
        as_root = os.geteuid() == 0
        pg_ctl = debian_pg_ctl()
        if as_root:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.directory, postgres.pw_uid, postgres.pw_gid)
            wrapper = self.directory / "pg_ctl"
            wrapper.write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
            wrapper.chmod(0o700)
            pg_ctl = wrapper
        self.executor = PostgreSQLExecutor(
            executable=str(pg_ctl), host="127.0.0.1", port=self.port,
            datadir=str(self.directory / "data"), unixsocketdir=str(self.directory),
            logfile=str(self.directory / "postgresql.log"), startparams="-w", dbname="postgres",
            user=SUPERUSER, timeout=120,
            # pytest-postgresql always passes -F (fsync off); a later setting wins.
            postgres_options=" ".join(filter(None, ["-c fsync=on" if durable else "", options])))

    def start(self) -> "PostgresServer":
        try:
            self.executor.start()
            self._wait_until_accepting()
        except Exception as exc:
            log = self.directory / "postgresql.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            self.stop()
            raise RuntimeError(f"PostgreSQL did not start ({type(exc).__name__}: {exc}):\n{tail}") from exc
        with self._superuser() as conn:
            for statement in (f"CREATE ROLE {OWNER} LOGIN", f"CREATE ROLE {SERVICE_ROLE} NOLOGIN",
                              f"CREATE ROLE {SERVICE_LOGIN} LOGIN IN ROLE {SERVICE_ROLE}"):
                conn.execute(statement)
        return self

    def _wait_until_accepting(self) -> None:
        """The port opens while the server is still starting up ("the database system is starting
        up"); a busy machine takes longer, so wait for a connection, up to pg_ctl's own 120 s."""
        deadline = time.monotonic() + 120
        while True:
            try:
                self._superuser().close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _superuser(self, dbname: str = "postgres"):
        return psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=dbname,
                               autocommit=True)

    def url(self, dbname: str, user: str = SERVICE_LOGIN) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{dbname}"

    def _janitor(self, dbname: str) -> DatabaseJanitor:
        return DatabaseJanitor(user=SUPERUSER, host="127.0.0.1", port=self.port, dbname=dbname)

    def create_database(self) -> str:
        """A new empty database owned by the owner role; its name."""
        dbname = f"car_t_{uuid.uuid4().hex[:12]}"
        self._janitor(dbname).init()
        with self._superuser() as conn:
            conn.execute(f"ALTER DATABASE {dbname} OWNER TO {OWNER}")
        with self._superuser(dbname) as conn:       # PostgreSQL 15: public belongs to the database owner
            conn.execute(f"ALTER SCHEMA public OWNER TO {OWNER}")
        return dbname

    def terminate(self, dbname: str, user: str = SERVICE_LOGIN) -> int:
        """Cut `user`'s connections to `dbname`, as a server restart would; how many."""
        with self._superuser() as conn:
            return conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE usename = %s AND datname = %s", (user, dbname)).fetchone()[0]

    def crash_and_restart(self) -> None:
        """Kill the server the way a crash does (`pg_ctl stop -m immediate`: no checkpoint, and WAL
        still in its buffers is lost), then start it again: it recovers from the WAL on disk."""
        pg_ctl = self.executor.command_parts[0]
        subprocess.run([pg_ctl, "stop", "-D", self.executor.datadir, "-m", "immediate"], check=True,
                       capture_output=True)
        subprocess.run(self.executor.command_parts, check=True, capture_output=True)
        self._wait_until_accepting()

    def drop_database(self, dbname: str) -> None:
        self._janitor(dbname).drop()

    def stop(self) -> None:
        try:
            if self.executor.running():
                self.executor.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


class _Database:
    def stored_ids(self) -> list[str]:
        """The evaluation ids in the store, oldest first, as a connection of the service sees them."""
        with self.connect() as con:
            return list(con.execute(text("SELECT id FROM evaluations ORDER BY created_at, id")).scalars())


class SqliteDatabase(_Database):
    """The default store: a file in the var directory, where `make_app` and `Server` put it."""
    name = "sqlite"

    def __init__(self, tmp_path):
        self.path = tmp_path / "var" / "audit.sqlite3"
        self.url = self.owner_url = f"sqlite:///{self.path}"
        migrate.upgrade(self.url)

    def connect(self, owner=False):
        return create_engine(self.url, poolclass=NullPool).connect()

    def intact(self) -> bool:
        with sqlite3.connect(self.path) as con:
            return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def make_unavailable(self) -> None:
        shutil.rmtree(self.path.parent)


class PostgresDatabase(_Database):
    """A new database on the session's server: migrated by its owner, used by the service's login."""
    name = "postgresql"

    def __init__(self, server: PostgresServer):
        self.server = server
        self.dbname = server.create_database()
        self.url = server.url(self.dbname)
        self.owner_url = server.url(self.dbname, OWNER)
        migrate.upgrade(self.owner_url)

    def connect(self, owner=False):
        return create_engine(self.owner_url if owner else self.url, poolclass=NullPool).connect()

    def intact(self) -> bool:
        return True        # the server was not the process killed

    def make_unavailable(self) -> None:
        self.server.drop_database(self.dbname)

    def drop(self) -> None:
        self.server.drop_database(self.dbname)


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_database(postgres_server):
    found = PostgresDatabase(postgres_server)
    yield found
    found.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        return SqliteDatabase(tmp_path)
    return request.getfixturevalue("postgres_database")
