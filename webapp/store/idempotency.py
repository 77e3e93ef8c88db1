"""Idempotency keys (the IETF httpapi draft "The Idempotency-Key HTTP Header Field"): a caller that
sends a determination again with the same key gets the first answer again, and no second
determination or audit record is made.

A key is the caller's own: it is stored as the sha256 of the caller's key id and the key, so two
callers never meet each other's keys. It holds for `TTL` (24 hours) from its first use, for the
request it first came with: its fingerprint (what was asked, webapp.api.idempotency).

The state of a key is a short log (rows are never updated): each use is a numbered `claim`, first
`started`, then `answered` (the answer kept, to be sent again) or `released` (the request failed: a
retry determines afresh). The primary key (key, claim, phase) settles a race in the database: of two
requests that both read claim n as the newest, one inserts n + 1 and the other's INSERT fails,
re-reads, and finds it running.
A claim started by a worker that died never gets its answer: after `lease` (the worker timeout,
past which no request runs) it counts as released.

An expired key's rows are deleted (its kept answer is about a member): each process does it on its
first claim and then hourly, for rows older than `KEPT` (the 24 hours, with an hour's margin for the
clocks of the service and the database, whose trigger refuses rows under 24 hours old; revision 0010).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass

from sqlalchemy import (Column, DateTime, Index, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text,
                        delete, insert, select)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from webapp.store.errors import Conflict, Invalid, Unavailable, fault_reason
from webapp.store.stamps import now

TTL = dt.timedelta(hours=24)
KEPT = TTL + dt.timedelta(hours=1)
PRUNE_EVERY_S = 3600
STARTED, ANSWERED, RELEASED = "started", "answered", "released"

metadata = MetaData()
idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("key_id", String(64), nullable=False),       # sha256 of the caller's key id and the key
    Column("claim", Integer, nullable=False),
    Column("phase", String(10), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # sha256 of the request the key was used for
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", Integer, nullable=True),           # the answer kept (`answered` rows)
    Column("body", Text, nullable=True),
    PrimaryKeyConstraint("key_id", "claim", "phase"),
    Index("ix_idempotency_keys_at", "at"),
)
log = logging.getLogger("webapp.store.idempotency")


class KeyReused(Invalid):
    """The key was used for another request within its 24 hours."""


class KeyInUse(Conflict):
    """The request the key was first used for is still being answered."""


@dataclass(frozen=True)
class Kept:
    """The answer given to the key's request: sent again as it was."""
    status: int
    body: str


@dataclass(frozen=True)
class Claim:
    """This request holds the key: `answered` or `released` ends the claim."""
    key_id: str
    number: int
    fingerprint: str


def key_id(caller: str, key: str) -> str:
    return hashlib.sha256(f"{caller}\n{key}".encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, engine, lease: dt.timedelta):
        self.engine, self.lease = engine, lease
        self._next_prune = 0.0      # time.monotonic(): this process prunes on its first claim

    def prune(self) -> int:
        """Deletes the rows of keys expired more than an hour ago; the number deleted."""
        with self.engine.begin() as conn:
            return conn.execute(delete(idempotency_keys).where(idempotency_keys.c.at < now() - KEPT)).rowcount

    def _prune_now_and_then(self) -> None:
        """Housekeeping never fails a request: a failed prune is logged and tried again next hour."""
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_S
        try:
            deleted = self.prune()
        except SQLAlchemyError as exc:
            log.warning("expired idempotency keys were not deleted: %s",
                        fault_reason(getattr(exc, "orig", None) or exc))
        else:
            log.info("expired idempotency keys deleted: %d rows", deleted)

    def claim(self, caller: str, key: str, fingerprint: str) -> Claim | Kept:
        """The key for this request, or the answer it already has; KeyReused (another request within
        its 24 hours), KeyInUse (still running), Unavailable (the database cannot be read or written)."""
        self._prune_now_and_then()
        kid = key_id(caller, key)
        for _ in range(2):      # the second read sees the claim that won a race
            try:
                found = self._newest(kid, fingerprint)
                if isinstance(found, Kept):
                    return found
                with self.engine.begin() as conn:
                    conn.execute(insert(idempotency_keys).values(key_id=kid, claim=found, phase=STARTED,
                                                                 fingerprint=fingerprint, at=now()))
                return Claim(kid, found, fingerprint)
            except IntegrityError:
                continue
            except SQLAlchemyError as exc:
                raise _unavailable(exc) from exc
        raise KeyInUse("a request with this Idempotency-Key is being answered: retry after it ends",
                       {"Idempotency-Key": ["in use"]})

    def _newest(self, kid: str, fingerprint: str) -> int | Kept:
        """The number a new claim takes, or the answer kept; raises what a live claim forbids."""
        with self.engine.connect() as conn:
            newest = conn.execute(select(idempotency_keys.c.claim).where(idempotency_keys.c.key_id == kid)
                                  .order_by(idempotency_keys.c.claim.desc()).limit(1)).scalar()
            if newest is None:
                return 1
            rows = {r.phase: r for r in conn.execute(select(idempotency_keys).where(
                idempotency_keys.c.key_id == kid, idempotency_keys.c.claim == newest))}
        started = rows.get(STARTED)
        if started is None:     # pruned while its answer was being written: expired
            return newest + 1
        first_used = _aware(started.at)
        if now() - first_used >= TTL:
            return newest + 1
        if started.fingerprint != fingerprint:
            raise KeyReused("this Idempotency-Key was used for another request in the last 24 hours",
                            {"Idempotency-Key": ["used for another request"]})
        if ANSWERED in rows:
            return Kept(rows[ANSWERED].status, rows[ANSWERED].body)
        if RELEASED in rows or now() - first_used >= self.lease:
            return newest + 1
        raise KeyInUse("a request with this Idempotency-Key is being answered: retry after it ends",
                       {"Idempotency-Key": ["in use"]})

    def answered(self, claim: Claim, status: int, body: str) -> None:
        self._end(claim, ANSWERED, status, body)

    def released(self, claim: Claim) -> None:
        self._end(claim, RELEASED, None, None)

    def _end(self, claim: Claim, phase: str, status: int | None, body: str | None) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(idempotency_keys).values(key_id=claim.key_id, claim=claim.number, phase=phase,
                                                             fingerprint=claim.fingerprint, at=now(),
                                                             status=status, body=body))
        except SQLAlchemyError as exc:
            raise _unavailable(exc) from exc


def _aware(stamp: dt.datetime) -> dt.datetime:
    """SQLite gives the stored instant back naive; it was written in UTC."""
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.timezone.utc)


def _unavailable(exc: SQLAlchemyError) -> Unavailable:
    return Unavailable("the idempotency keys cannot be read or written now; nothing was determined",
                       {"Idempotency-Key": [fault_reason(getattr(exc, "orig", None) or exc)]})
