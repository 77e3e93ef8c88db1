"""Console sessions, as rows of the database: every worker and every replica agrees on them.

A sign-in makes a random token (the user's cookie holds it; the database holds its sha256 and the
key's hash, never the key or the token); a sign-out and a start of the service are rows too
(migration 0004: the table is an append-only log). A session is alive while its sign-in is newer
than the newest start, no sign-out names its token, its hours are not over, and (webapp.api.auth) its
key is still configured. So a copied cookie is dead after sign-out, after a restart and after
CAR_T_SESSION_HOURS, on every worker and replica alike: a restart of any replica signs everyone
out, once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import (Column, DateTime, Index, Integer, MetaData, String, Table, and_, create_engine, exists, func,
                        insert, select)
from webapp.store.stamps import now

SIGNED_IN, SIGNED_OUT, STARTED = "signed-in", "signed-out", "started"

metadata = MetaData()
sessions = Table(
    "console_sessions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event", String(20), nullable=False),
    Column("token", String(64), nullable=True),
    Column("key_hash", String(64), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_console_sessions_token", "token", "event"),
    Index("ix_console_sessions_event", "event", "id"),
)


def _named(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    """Sessions in the database behind `engine` (the audit store's)."""

    def __init__(self, engine):
        self.engine = engine

    def _add(self, event: str, token: str | None = None, key_hash: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(sessions).values(event=event, token=_named(token) if token else None,
                                                 key_hash=key_hash, at=now()))

    def open(self, key_hash: str) -> str:
        """A new session of the key with this hash; its token, for the cookie."""
        token = secrets.token_urlsafe(32)
        self._add(SIGNED_IN, token, key_hash)
        return token

    def close(self, token: str) -> None:
        self._add(SIGNED_OUT, token)

    def started(self) -> None:
        """The service starts: every session opened before now ends."""
        self._add(STARTED)

    def key_of(self, token: str, hours: float) -> str | None:
        """The key hash of the session named by `token` while it is alive, else None."""
        named = _named(token)
        newest_start = select(func.coalesce(func.max(sessions.c.id), 0)).where(
            sessions.c.event == STARTED).scalar_subquery()
        ended = exists().where(and_(sessions.c.token == named, sessions.c.event == SIGNED_OUT))
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions.c.key_hash, sessions.c.at).where(
                sessions.c.token == named, sessions.c.event == SIGNED_IN, sessions.c.id > newest_start,
                ~ended)).first()
        if row is None:
            return None
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.timezone.utc)
        return row.key_hash if now() - at <= dt.timedelta(hours=hours) else None


def service_started(url: str) -> None:
    """Record a start of the service in the database at `url` (gunicorn's master, or create_app in a
    process that is not a worker of one)."""
    engine = create_engine(url)
    try:
        SessionStore(engine).started()
    finally:
        engine.dispose()
