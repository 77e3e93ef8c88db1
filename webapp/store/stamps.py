"""How the service names and times what it keeps: a model's content by its sha256 (the version's
identity everywhere: the store, the registry, the audit record, the review's key), a record by a
random UUID, an instant in UTC."""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """The service's date: UTC, the day the Determination Date and effective dates are read in."""
    return now().date()


def new_id() -> str:
    return str(uuid.uuid4())
