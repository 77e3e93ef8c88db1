"""The chains' heads written outside the database at every append: a file beside the SQLite store
(or CAR_T_AUDIT_HEAD_FILE; on PostgreSQL in the var directory), and the log.

Each chain's entry in the file brackets the database's tail: `pending` is written while the append
holds its chain's turn, before the commit, so it is never behind the database; `committed` after the
commit, so the database is never behind it (a write that dies between the two leaves them one apart,
and both readings stay true). Deleting the newest rows puts the tail below `committed`; a row
appended outside the service lies beyond `pending`; rewriting rows up to the tail changes the hash at
a recorded position. Each committed head is also logged (`audit chain head TABLE SEQ SHA256`), so a
log kept elsewhere holds every head, and `audit verify --log` checks them all.

The file is rewritten in place under an flock (one small write: no fsync, no rename), by every
process of the service on this host. An append whose `pending` cannot be written is refused (503),
as one whose row cannot be: a row no head outside vouches for would later read as forged. After a
crash the file may be behind the database by the appends whose head was not yet written; a later
append writes it again.
"""
from __future__ import annotations

import fcntl
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from webapp.store.files import private_file
from webapp.store.migrate import sqlite_path
from webapp.store.stamps import now

log = logging.getLogger("webapp.store.audit")
LOG_LINE = re.compile(r"audit chain head (evaluations|version_steps) (\d+) ([0-9a-f]{64})")


@dataclass(frozen=True)
class Head:
    seq: int
    sha256: str
    source: str = ""


def location(url: str, var_dir: str, setting: str = "") -> Path:
    """Where the head file of the store at `url` is: the setting, else beside a SQLite file, else in
    the var directory."""
    if setting:
        return Path(setting)
    path = sqlite_path(url)
    return path.with_name(path.name + ".chain-head") if path is not None else Path(var_dir) / "audit-chain-head"


class HeadFile:
    """One line per chain: `TABLE pending=SEQ:SHA256 committed=SEQ:SHA256 at=ISO-TIME`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()      # flock does not exclude threads that share the descriptor
        self._fd: int | None = None
        self._pid: int | None = None

    def _update(self, change) -> None:
        with self._lock:
            if self._fd is None or self._pid != os.getpid():
                self._fd, self._pid = os.open(private_file(self.path), os.O_RDWR), os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                old = os.pread(self._fd, 1 << 16, 0)
                try:
                    heads = _parse(old)
                except ValueError as exc:       # torn by a crash, or edited: the log keeps every head
                    log.error("%s; writing it anew", exc)
                    heads = {}
                if change(heads):
                    data = _format(heads)
                    os.pwrite(self._fd, data, 0)
                    if len(data) < len(old):
                        os.ftruncate(self._fd, len(data))
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def pending(self, table: str, seq: int, sha256: str) -> None:
        """The row about to be committed; called while the append holds its chain's turn."""
        def change(heads):
            heads.setdefault(table, {})["pending"] = (seq, sha256)
            return True
        self._update(change)

    def committed(self, table: str, seq: int, sha256: str) -> None:
        """A committed row; appends commit in chain order but may get here out of it. The rows are
        in the database whatever happens here, so a file that cannot be written is logged, not raised
        (the next append writes it again)."""
        def change(heads):
            entry = heads.setdefault(table, {})
            if entry.get("committed", (0, ""))[0] >= seq:
                return False
            entry["committed"] = (seq, sha256)
            entry["at"] = now().isoformat(timespec="seconds")
            entry.setdefault("pending", (seq, sha256))
            return True
        try:
            self._update(change)
        except OSError:
            log.exception("the audit chain head file %s could not be written", self.path)
        log.info("audit chain head %s %d %s", table, seq, sha256)

    def start(self, heads: dict[str, Head]) -> bool:
        """Write the database's current heads when the file holds none (a first start, a store
        chained by the migration); whether it did."""
        started = []

        def change(found):
            if found:
                return False
            for table, head in heads.items():
                found[table] = {"pending": (head.seq, head.sha256), "committed": (head.seq, head.sha256),
                                "at": now().isoformat(timespec="seconds")}
            started.append(True)
            return True
        self._update(change)
        for table, head in heads.items() if started else ():
            log.warning("audit chain head file %s started at the database's head: %s %d %s",
                        self.path, table, head.seq, head.sha256)
        return bool(started)

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = self._pid = None


def read(path: Path) -> dict[str, dict[str, Head]]:
    """table -> {"committed": Head, "pending": Head} as the file at `path` holds them ({} if none)."""
    try:
        with open(path, "rb") as f:
            fcntl.flock(f, fcntl.LOCK_SH)
            heads = _parse(f.read())
    except FileNotFoundError:
        return {}
    return {table: {kind: Head(*entry[kind], str(path)) for kind in ("committed", "pending") if kind in entry}
            for table, entry in heads.items()}


def from_log(path: Path) -> dict[str, list[Head]]:
    """table -> every committed head a log file names, in the log's order."""
    found: dict[str, list[Head]] = {}
    with open(path, errors="replace") as f:
        for number, line in enumerate(f, 1):
            match = LOG_LINE.search(line)
            if match:
                found.setdefault(match[1], []).append(Head(int(match[2]), match[3], f"{path}:{number}"))
    return found




def _format(heads: dict) -> bytes:
    lines = []
    for table, entry in heads.items():
        fields = [f"{kind}={entry[kind][0]}:{entry[kind][1]}" for kind in ("pending", "committed") if kind in entry]
        lines.append(" ".join([table, *fields, *([f"at={entry['at']}"] if "at" in entry else [])]))
    return ("\n".join(lines) + "\n").encode()


def _parse(data: bytes) -> dict:
    heads: dict = {}
    try:
        for line in data.decode().splitlines():
            if not line.strip():
                continue
            table, *fields = line.split()
            entry = heads[table] = {}
            for field in fields:
                kind, value = field.split("=", 1)
                if kind == "at":
                    entry["at"] = value
                elif kind in ("pending", "committed"):
                    seq, sha = value.split(":")
                    if not seq.isdigit() or len(sha) != 64:
                        raise ValueError(field)
                    entry[kind] = (int(seq), sha)
                else:
                    raise ValueError(field)
    except ValueError as exc:      # UnicodeDecodeError is one
        raise ValueError(f"the audit chain head file is not what the service wrote ({exc})") from None
    return heads
