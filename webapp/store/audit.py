"""The audit store: one append-only row per determination, written before the answer is sent.

SQLite (default, in var/) runs in WAL mode with synchronous=FULL: with NORMAL a commit
acknowledged just before a power loss may vanish, and an answered determination must never lose
its record. PostgreSQL (psycopg 3) is used when DATABASE_URL names it, and a record is answered
only once the WAL holding it is flushed (synchronous_commit on, PostgreSQL's default, which must
stay so for this database; _PostgresWriter says how the append itself commits). The schema is
Alembic's (webapp/store/migrations, applied by webapp.store.migrate); its triggers refuse UPDATE and DELETE
outright. Each row joins a hash chain (webapp.store.chain). The tables below mirror it for queries.

The write is the hot path of every determination, so it bypasses SQLAlchemy, whose statement
compilation and pool cost more CPU than the INSERT itself (0.67 against 0.21 ms a row on
PostgreSQL, docs/benchmarks.md): each process keeps one connection with a prepared INSERT. On
SQLite the gunicorn workers take turns through an flock on a lock file beside the database.
SQLite's own busy handler would also serialise them, but it polls with sleeps of up to 100 ms,
which is what made the slowest answers slow; a waiter on flock is woken the moment the lock is
free. On PostgreSQL the chain's advisory lock is the turn, and the flushes that wait at the same
moment are shared. Reads stay on SQLAlchemy. /readyz asks the writer to take the same path up to the
commit and roll back (`probe`), so it is 503 while a record could not be written.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Iterator

import psycopg
from sqlalchemy import (BigInteger, Column, DateTime, Index, MetaData, String, Table, Text, UniqueConstraint,
                        cast, create_engine, event, func, insert, select, text, tuple_)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from webapp.store import chain, chain_heads
from webapp.store.chain_heads import Head, HeadFile
from webapp.store.errors import Unavailable, fault_reason
from webapp.store.files import private_file
from webapp.store.migrate import sqlite_path
from webapp.store.stamps import new_id, now

log = logging.getLogger("webapp.store.audit")
metadata = MetaData()
CASE_ID_MAX = 200       # characters of a caller's case reference (revision 0009)

evaluations = Table(
    "evaluations", metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("model_id", String(200), nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("endpoint", String(60), nullable=False),
    Column("caller", String(64), nullable=False),
    Column("caller_name", String(64), nullable=True),       # the key holder's name (webapp.store.keys)
    Column("inputs", Text, nullable=False),
    Column("outputs", Text, nullable=False),
    Column("matched_rules", Text, nullable=False),
    Column("chain_seq", BigInteger, nullable=False),
    Column("chain_prev", String(64), nullable=False),
    Column("chain_hash", String(64), nullable=False),
    Column("case_id", String(CASE_ID_MAX), nullable=True),  # the caller's own case reference (X-Case-Id)
    Index("ix_evaluations_model_time", "model_id", "created_at"),
    Index("uq_evaluations_chain_seq", "chain_seq", unique=True),
    Index("ix_evaluations_case_id", "case_id"),
)

model_versions = Table(
    "model_versions", metadata,
    Column("model_id", String(200), nullable=False),
    Column("version", String(64), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("loaded_by", String(64), nullable=False),
    UniqueConstraint("model_id", "version"),
)


class AuditUnavailable(Unavailable):
    """The store cannot be written or read; `reason` is the fault's class, never its text."""

    def __init__(self, reason: str):
        super().__init__("the audit store cannot be written or read now; nothing was changed",
                         {"audit": [reason]})
        self.reason = reason


def _dumps(data) -> str:
    return json.dumps(data, separators=(",", ":"), default=str)


# /readyz's write probe (_Writer.probe): how long it waits for a write lock held by someone else
# (the service's own commits hold it for milliseconds), and the bytes it writes beside a SQLite file.
PROBE_LOCK_WAIT_MS = 2000
PROBE_ROOM = 64 * 1024

_COLUMNS = ["id", "created_at", "model_id", "model_version", "endpoint", "caller", "caller_name", "inputs",
            "outputs", "matched_rules", "case_id"]


def _sqlite_stamp(stamp: dt.datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores, so its reads parse what this writer wrote."""
    return stamp.strftime("%Y-%m-%d %H:%M:%S.%f")


class _Writer:
    """One connection per process (reopened after a fork, and after an error), shared by the
    process's threads under a lock; `insert` commits before it returns. Each row joins the chain
    (webapp.store.chain): its content is hashed here, its place and link by the INSERT, in the chain's
    turn, and the head is written outside the database before and after the commit."""
    errors: tuple = ()

    def __init__(self, heads: HeadFile | None):
        self._thread_lock = threading.Lock()
        self._conn = None
        self._pid: int | None = None
        self._heads = heads

    def _values(self, rows: list[dict], stamp: dt.datetime) -> list[tuple]:
        """Each row's columns as stored, then its content's digest."""
        values = []
        for r in rows:
            row = {"id": r["id"], "created_at": stamp, "model_id": r["model_id"],
                   "model_version": r["model_version"], "endpoint": r["endpoint"], "caller": r["caller"],
                   "caller_name": r.get("caller_name"), "inputs": _dumps(r["inputs"]),
                   "outputs": _dumps(r["outputs"]), "matched_rules": _dumps(r["matched_rules"]),
                   "case_id": r.get("case_id")}
            values.append((*(self._stamp(stamp) if c == "created_at" else row[c] for c in _COLUMNS),
                           chain.evaluation_digest(row)))
        return values

    def insert(self, rows: list[dict], stamp: dt.datetime) -> None:
        head = self._run(self._write, self._values(rows, stamp))
        if self._heads is not None:
            self._heads.committed("evaluations", *head)

    def _appended(self, head: tuple[int, str]) -> None:
        """The newest row inserted, before its commit."""
        if self._heads is not None:
            self._heads.pending("evaluations", *head)

    def probe(self) -> str | None:
        """Why a determination's record could not be written now, or None: the path of `insert`
        (connection, write lock, new pages for a row of 8 KB) taken up to the commit and rolled
        back, nothing kept; for a SQLite file, room on its disk too."""
        row = {"id": new_id(), "model_id": "readyz-probe", "model_version": "-", "endpoint": "readyz",
               "caller": "-", "inputs": {"room": "0" * 8192}, "outputs": {}, "matched_rules": {}}
        try:
            self._run(self._probe, self._values([row], now()))
        except AuditUnavailable as exc:
            return f"cannot be written: {fault_reason(exc.__cause__)}"
        return None

    def _run(self, work, values):
        with self._thread_lock:
            try:
                if self._conn is None or self._pid != os.getpid():
                    self._conn, self._pid = self._connect(), os.getpid()
                return work(self._conn, values)
            except BaseException as exc:
                self.close()        # no half-done transaction stays; the next request reconnects
                if isinstance(exc, self.errors):
                    raise AuditUnavailable(type(exc).__name__) from exc
                raise

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._disconnect(self._conn)
        self._conn = self._pid = None


class _SqliteWriter(_Writer):
    errors = (sqlite3.Error, OSError)
    _insert = chain.append_sql("evaluations", _COLUMNS, ["?"] * len(_COLUMNS), "?")

    def __init__(self, path: Path, heads: HeadFile | None):
        super().__init__(heads)
        self.path = path
        self.lock_path = path.with_name(path.name + ".write-lock")
        self._lock_fd: int | None = None

    _stamp = staticmethod(_sqlite_stamp)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        AuditStore._sqlite_pragmas(conn, None)
        self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        return conn

    def _insert_rows(self, conn, values) -> tuple[int, str]:
        for row in values:
            head = conn.execute(self._insert, row).fetchone()
        return head

    def _write(self, conn, values) -> tuple[int, str]:
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            with conn:      # commits, or rolls back on error
                head = self._insert_rows(conn, values)
                self._appended(head)
            return head
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _probe(self, conn, values) -> None:
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            # a writer outside the service holding the lock must not hold /readyz for 30 s
            conn.execute(f"PRAGMA busy_timeout={PROBE_LOCK_WAIT_MS}")
            try:
                conn.execute("BEGIN IMMEDIATE")         # the write lock a commit takes
                try:
                    self._insert_rows(conn, values)
                finally:
                    conn.rollback()
            finally:
                conn.execute("PRAGMA busy_timeout=30000")
            self._room_on_disk()
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _room_on_disk(self) -> None:
        """A rolled-back transaction writes nothing, and in WAL mode a commit is the first write of
        its pages; so write, beside the file, what a few commits append to the WAL (OSError ENOSPC on
        a full disk, or a read-only one)."""
        path = self.path.with_name(self.path.name + ".probe")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, bytes(PROBE_ROOM))
        finally:
            os.close(fd)
            path.unlink()

    def _disconnect(self, conn) -> None:
        conn.close()
        os.close(self._lock_fd)


class _PostgresWriter(_Writer):
    """The chain's turn lasts until the commit, so that commit must not wait for the WAL flush: the
    appends of every process would queue behind one flush each instead of sharing one (8 writer
    threads here: 1,724 records a second without the chain, 202 with the flush inside the turn,
    800-970 with it outside). So the append commits asynchronously, and the answer still waits for
    durability: a second transaction, outside the turn, writes one WAL record (an empty logical
    message) and commits synchronously, which flushes the WAL past the append's commit; concurrent
    ones share a flush. A crash before that flush loses the append and every later one (the WAL is
    replayed as a prefix), none of which was answered."""
    _insert = chain.append_sql("evaluations", _COLUMNS, ["%s"] * len(_COLUMNS), "%s")
    # each one round trip (several statements in one simple query), as many as BEGIN, INSERT, COMMIT;
    # after the COMMIT, SET LOCAL is over and the flushing transaction commits synchronously
    _turn = f"BEGIN; SELECT set_config('synchronous_commit', 'off', true), {chain.pg_lock('evaluations')}"
    _commit_durably = "COMMIT; SELECT pg_logical_emit_message(true, 'car_t_audit', '')"
    errors = (psycopg.Error, OSError)

    def __init__(self, engine, heads: HeadFile | None):
        super().__init__(heads)
        # the connection arguments SQLAlchemy's psycopg dialect derives from DATABASE_URL
        self._args, self._kwargs = engine.dialect.create_connect_args(engine.url)

    @staticmethod
    def _stamp(stamp: dt.datetime) -> dt.datetime:
        return stamp

    def _connect(self):
        return psycopg.connect(*self._args, **{**self._kwargs, "autocommit": True})

    def _write(self, conn, values) -> tuple[int, str]:
        with conn.cursor() as cur:      # a failure closes the connection, which rolls back
            cur.execute(self._turn)
            for row in values:
                head = cur.execute(self._insert, row, prepare=True).fetchone()
            self._appended(head)
            cur.execute(self._commit_durably)
        return head

    def _probe(self, conn, values) -> None:
        # in the chain's turn, as an append: without it the probe's row could take the position an
        # append in flight is inserting, and wait for it, then fail
        with conn.transaction(force_rollback=True), conn.cursor() as cur:
            cur.execute(f"SET LOCAL lock_timeout = {PROBE_LOCK_WAIT_MS}")
            cur.execute(f"SELECT {chain.pg_lock('evaluations')}")
            cur.execute(self._insert, values[0])

    def _disconnect(self, conn) -> None:
        conn.close()


class AuditStore:
    """`head_file`: where the chain's head is written outside the database (webapp.store.chain_heads);
    beside a SQLite file when not given, nowhere for PostgreSQL (the service always gives one)."""

    def __init__(self, url: str, head_file: Path | None = None):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        path = sqlite_path(url)
        kwargs = {"connect_args": {"timeout": 30}} if self.is_sqlite else {"pool_pre_ping": True}
        self.engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", self._sqlite_pragmas)
        if head_file is None and path is not None:
            head_file = chain_heads.location(url, "")
        self.heads = HeadFile(head_file) if head_file is not None else None
        if path is not None:
            self._writer = _SqliteWriter(private_file(path), self.heads)
        elif self.engine.dialect.name == "postgresql":
            self._writer = _PostgresWriter(self.engine, self.heads)
        else:
            raise ValueError("DATABASE_URL: the audit store is a SQLite file or PostgreSQL")

    @staticmethod
    def _sqlite_pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()
        chain.sqlite_link(dbapi_conn)

    def record(self, rows: list[dict]) -> None:
        """Insert determinations (one committed transaction); raises AuditUnavailable."""
        if not rows:
            return
        stamp = now()
        self._writer.insert(rows, stamp)
        for row in rows:
            row["created_at"] = stamp

    def close(self) -> None:
        """Release this process's connections (tests, shutdown)."""
        self._writer.close()
        if self.heads is not None:
            self.heads.close()
        self.engine.dispose()

    def get(self, evaluation_id: str) -> dict | None:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(select(evaluations).where(evaluations.c.id == evaluation_id)).first()
        except SQLAlchemyError as exc:
            raise AuditUnavailable(type(exc).__name__) from exc
        return _record(row) if row else None

    def _search(self, model=None, start=None, end=None, version=None, outcome=None, case_id=None,
                disposition=None):
        """`version`: the start of a model version's sha256 (hex digits); `outcome`: the determination;
        `case_id`: the caller's case reference, exactly; `disposition`: the disposition."""
        query = select(evaluations)
        if case_id is not None:
            query = query.where(evaluations.c.case_id == case_id)
        if model:
            query = query.where(evaluations.c.model_id == model)
        if version:
            query = query.where(evaluations.c.model_version.startswith(version, autoescape=True))
        for key, value in (("determination", outcome), ("disposition", disposition)):
            if value:
                recorded = (func.json_extract(evaluations.c.outputs, f"$.{key}") if self.is_sqlite
                            else cast(evaluations.c.outputs, JSONB)[key].astext)
                query = query.where(recorded == value)
        if start:
            query = query.where(evaluations.c.created_at >= start)
        if end:
            query = query.where(evaluations.c.created_at < end)
        return query

    def list(self, model=None, start=None, end=None, limit=100, offset=0, version=None,
             outcome=None, case_id=None, disposition=None) -> tuple[int, list[dict]]:
        query = self._search(model, start, end, version, outcome, case_id, disposition)
        try:
            with self.engine.connect() as conn:
                total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
                rows = conn.execute(query.order_by(evaluations.c.created_at, evaluations.c.id)
                                    .limit(limit).offset(offset)).all()
        except SQLAlchemyError as exc:
            raise AuditUnavailable(type(exc).__name__) from exc
        return total, [_record(r) for r in rows]

    def each(self, model=None, start=None, end=None, version=None, outcome=None, case_id=None,
             disposition=None) -> Iterator[dict]:
        """Every record of a search, oldest first, streamed (a CSV of the whole trail never sits in memory)."""
        query = self._search(model, start, end, version, outcome, case_id, disposition)
        try:
            with self.engine.connect() as conn:
                rows = conn.execution_options(stream_results=True, yield_per=1_000).execute(
                    query.order_by(evaluations.c.created_at, evaluations.c.id))
                for row in rows:
                    yield _record(row)
        except SQLAlchemyError as exc:
            raise AuditUnavailable(type(exc).__name__) from exc

    def _of_model(self, model_id: str, since: dt.datetime | None, endpoints):
        query = evaluations.c.model_id == model_id
        if since is not None:
            query &= evaluations.c.created_at >= since
        if endpoints:
            query &= evaluations.c.endpoint.in_(endpoints)
        return query

    def partition_keys(self, model_id: str, since: dt.datetime | None, endpoints, size: int) -> tuple[list, int]:
        """Split a model's records (from `since`, of these endpoints) into runs of `size` in
        (created_at, id) order: the key of each run's first record, and the count. The keys are
        streamed, never all held, so a bulk job can plan over millions of records."""
        starts, count = [], 0
        with self.engine.connect() as conn:
            rows = conn.execution_options(stream_results=True, yield_per=10_000).execute(
                select(evaluations.c.created_at, evaluations.c.id)
                .where(self._of_model(model_id, since, endpoints))
                .order_by(evaluations.c.created_at, evaluations.c.id))
            for row in rows:
                if count % size == 0:
                    starts.append((row.created_at, row.id))
                count += 1
        return starts, count

    def records_between(self, model_id: str, since: dt.datetime | None, endpoints, start: tuple,
                        end: tuple | None) -> Iterator[dict]:
        """The records from key `start` up to (not including) key `end`, in key order, streamed."""
        key = tuple_(evaluations.c.created_at, evaluations.c.id)
        where = self._of_model(model_id, since, endpoints) & (key >= tuple_(*start))
        if end is not None:
            where &= key < tuple_(*end)
        with self.engine.connect() as conn:
            rows = conn.execution_options(stream_results=True, yield_per=1_000).execute(
                select(evaluations).where(where).order_by(evaluations.c.created_at, evaluations.c.id))
            for row in rows:
                yield _record(row)

    def note_version(self, model_id: str, version: str, loaded_by: str) -> str | None:
        """Remember that this version was loaded, once (workers race: the first one wins); returns
        when it was first loaded, so a restart does not make an old version look new."""
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(model_versions).values(model_id=model_id, version=version,
                                                           loaded_at=now(), loaded_by=loaded_by))
        except IntegrityError:
            pass
        except SQLAlchemyError:
            return None
        try:
            with self.engine.connect() as conn:
                first = conn.execute(select(model_versions.c.loaded_at).where(
                    model_versions.c.model_id == model_id, model_versions.c.version == version)).scalar()
        except SQLAlchemyError:
            return None
        return _iso(first) if first is not None else None

    def versions(self, model_id: str) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(model_versions).where(model_versions.c.model_id == model_id)
                                .order_by(model_versions.c.loaded_at)).all()
        return [{"version": r.version, "loaded_at": _iso(r.loaded_at), "loaded_by": r.loaded_by}
                for r in rows]

    def start_head_file(self) -> None:
        """At the service's start a head file that holds nothing gets the database's heads (a first
        start, or a store the migration chained); one that holds heads is left for `audit verify`."""
        if self.heads is None:
            return
        try:
            with self.engine.connect() as conn:
                found = {t: conn.execute(text(chain.head_sql(t))).first() for t in chain.TABLES}
            self.heads.start({t: Head(*row) for t, row in found.items() if row is not None})
        except (SQLAlchemyError, OSError) as exc:      # the first append writes it
            log.warning("the audit chain head file was not started: %s", type(exc).__name__)

    def unwritable(self) -> str | None:
        """Why an audit record could not be written now (a full disk, a write lock held), or None."""
        return self._writer.probe()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False


def _iso(stamp: dt.datetime) -> str:
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.isoformat()


def _record(row) -> dict:
    return {"id": row.id, "created_at": _iso(row.created_at), "model_id": row.model_id,
            "model_version": row.model_version, "endpoint": row.endpoint, "caller": row.caller,
            "caller_name": row.caller_name,
            "inputs": json.loads(row.inputs), "outputs": json.loads(row.outputs),
            "matched_rules": json.loads(row.matched_rules), "case_id": row.case_id}
