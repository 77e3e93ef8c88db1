"""The domain's errors: what the store and the wings above it raise when a request must stop, in the
domain's words. None of them knows HTTP; webapp.api.errors maps each class to its status in one table
(as httpx maps transport errors), and a command line prints the message.

Each carries a `message` for a person and `errors`, each offending field (or thing) with its reasons.
"""
from __future__ import annotations

import sqlite3


class DomainError(Exception):
    def __init__(self, message: str, errors: dict | list | None = None):
        super().__init__(message)
        self.message, self.errors = message, errors or {}


class NotFound(DomainError):
    """What was asked for does not exist (a model, a version, a decision, a record)."""


class Conflict(DomainError):
    """Someone else changed it first, or it is not in a state that allows this."""


class Forbidden(DomainError):
    """A rule forbids this person this act (four eyes)."""


class Invalid(DomainError):
    """The content or the inputs cannot be used as they are (the same request fails again)."""


class Unavailable(DomainError):
    """The work cannot be done now (a store that cannot be written, a clock budget spent); later may do."""


def fault_reason(exc: BaseException) -> str:
    """What a client may be told of a database fault: SQLite's own fixed text ("database or disk is
    full"), the system's ("No space left on device"), or else the error's class (psycopg's text can
    name hosts and users)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) if isinstance(exc, sqlite3.Error) else type(exc).__name__
