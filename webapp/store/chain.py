"""The hash chains over the audit trail: one over `evaluations` (every determination), one over
`version_steps` (every lifecycle step of a policy version).

Each row carries `chain_seq` (its position, 1, 2, 3, ... with no gap), `chain_prev` (the hash of the
row before it, GENESIS for the first) and `chain_hash` = sha256(chain_prev + digest), where digest is
the sha256 of the row's content in a canonical form (`evaluation_digest`, `step_digest`). Changing a
row breaks its own hash; rewriting its hash as well breaks the next row's `chain_prev`; deleting a
row leaves a gap; rewriting everything to the tail, or deleting the newest rows, disagrees with the
head written outside the database at every append (webapp.store.chain_heads). webapp.store.chain_verify checks
all of it.

Two chains, not one: a determination never waits for a lifecycle step, and each chain's appends
are serialised on their own. The database serialises them: the row's position and both hashes are
computed by the INSERT itself from the newest row (`append_sql`), after `lock_sql` (PostgreSQL:
a transaction-scoped advisory lock, so every process and replica on one database takes its turn,
released by the commit; SQLite: the INSERT holds the database's one write lock while it reads the
head). The unique index on `chain_seq` makes a fork impossible even for a writer that skips the lock:
its INSERT fails. The hashing of the content, the costly part, happens in Python before the lock, and
the audit writer keeps the WAL flush out of the turn (webapp.store.audit._PostgresWriter).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import event

GENESIS = "0" * 64
TABLES = ("evaluations", "version_steps")
CHAIN_COLUMNS = ("chain_seq", "chain_prev", "chain_hash")
# pg_advisory_xact_lock(key, chain): the two-integer key space, apart from migrate's one-integer lock
_PG_LOCK_KEY = 7021100
_PG_LOCK_CHAIN = {"evaluations": 1, "version_steps": 2}


def link(prev: str, digest: str) -> str:
    """A row's chain hash; the database computes the same (migration 0005's chain_link)."""
    return hashlib.sha256((prev + digest).encode()).hexdigest()


def sqlite_link(dbapi_conn, _record=None) -> None:
    """SQLite has no sha256 in SQL: a connection that appends gets chain_link from Python."""
    dbapi_conn.create_function("chain_link", 2, link, deterministic=True)


def prepare(engine) -> None:
    """Every SQLite connection `engine` opens from now on can append to the chains."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", sqlite_link):
        event.listen(engine, "connect", sqlite_link)


def stamp(value: dt.datetime) -> str:
    """A stored instant in one text form, whether the database returns it naive (SQLite) or aware."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def _digest(fields: list) -> str:
    """sha256 over the fields as netstrings (`<byte length>:<UTF-8 text>`), each a str, or an int or
    None written as JSON: unambiguous, and no escaping of the JSON texts the records hold."""
    digest = hashlib.sha256()
    for value in fields:
        data = (value if isinstance(value, str) else json.dumps(value)).encode()
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


def evaluation_digest(row) -> str:
    """The stored texts of a determination's record (`row`: a mapping with the evaluations columns,
    the JSON columns as the text the database holds)."""
    fields = [row["id"], stamp(row["created_at"]), row["model_id"], row["model_version"], row["endpoint"],
              row["caller"], row["caller_name"], row["inputs"], row["outputs"], row["matched_rules"]]
    # The caller's case reference (revision 0009) joins the content only when there is one, so the
    # records chained before it keep their hashes; adding or removing one still changes the digest.
    case_id = row.get("case_id")
    return _digest(fields + ([case_id] if case_id is not None else []))


def step_digest(version, step) -> str:
    """A lifecycle step together with the version it belongs to (`version`: model_id, number, origin,
    base_number, author), so that re-pointing a step, or editing its version's row, shows too."""
    return _digest([version["model_id"], version["number"], version["origin"], version["base_number"],
                    version["author"], step["seq"], step["action"], step["state"], step["sha256"],
                    step["actor"], stamp(step["at"]), step["comment"], step["details"]])


def pg_lock(table: str) -> str:
    """The PostgreSQL call that waits for the table's chain's turn, held until the transaction ends."""
    return f"pg_advisory_xact_lock({_PG_LOCK_KEY}, {_PG_LOCK_CHAIN[table]})"


def lock_sql(dialect: str, table: str) -> str | None:
    """The statement that gives this transaction its turn on the table's chain, before `append_sql`."""
    return f"SELECT {pg_lock(table)}" if dialect == "postgresql" else None


def head_sql(table: str) -> str:
    """The newest row's (chain_seq, chain_hash): an index lookup."""
    return f"SELECT chain_seq, chain_hash FROM {table} ORDER BY chain_seq DESC LIMIT 1"


def append_sql(table: str, columns: list[str], placeholders: list[str], digest: str) -> str:
    """INSERT ... SELECT of one row with its chain columns computed from the newest row, returning
    (chain_seq, chain_hash). `placeholders` are the driver's, one per column, then `digest`'s."""
    head = f"({head_sql(table)})"
    prev = f"coalesce(head.chain_hash, '{GENESIS}')"
    return (f"INSERT INTO {table} ({', '.join(columns)}, {', '.join(CHAIN_COLUMNS)}) "
            f"SELECT {', '.join(placeholders)}, coalesce(head.chain_seq, 0) + 1, {prev}, chain_link({prev}, {digest}) "
            f"FROM (SELECT 1 AS one) AS start LEFT JOIN {head} AS head ON 1 = 1 "
            f"RETURNING chain_seq, chain_hash")
