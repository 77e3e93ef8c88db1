"""`python -m webapp audit verify`: walk both hash chains (webapp.store.chain) and the heads recorded outside
the database (webapp.store.chain_heads), name every row that was changed, replaced, inserted or deleted,
and record the result, which /readyz shows.

Per row: its position follows the one before (else rows were deleted between them), its chain_prev is
the hash of the row before (else that row was rewritten along with its hash, or replaced), and its
hash follows from chain_prev and its content (else the row itself was changed). Against the heads
recorded outside: every recorded head is in the database with its hash (else the newest rows were
deleted, or rows were rewritten up to the tail), and nothing lies beyond the newest `pending` head
(else a row was inserted by something other than the service). The file's `committed` heads are read
before the rows and its `pending` heads after, so appends made while verifying are not reported.
Policy content is checked too: each version's bytes hash to the sha256 its steps name.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Integer, MetaData, Table, Text,
                        func, insert, select)
from sqlalchemy.exc import SQLAlchemyError

from webapp.store import chain, chain_heads
from webapp.store.audit import evaluations
from webapp.store.chain_heads import Head
from webapp.store.versions import contents, steps, versions
from webapp.store.stamps import now, sha256

metadata = MetaData()
verifications = Table(
    "audit_verifications", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("clean", Boolean, nullable=False),
    Column("rows", BigInteger, nullable=False),
    Column("problems", Integer, nullable=False),
    Column("report", Text, nullable=False),
)
_NAMED = 10        # rows named one by one in a problem about a run of rows


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)
    tails: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


def _evaluation_rows(conn):
    query = select(evaluations).where(evaluations.c.chain_seq.is_not(None)).order_by(evaluations.c.chain_seq)
    for row in conn.execution_options(stream_results=True, yield_per=1000).execute(query).mappings():
        yield row, f"evaluation {row['id']}", chain.evaluation_digest(row)


def _step_rows(conn):
    query = (select(steps, versions.c.model_id, versions.c.number, versions.c.origin, versions.c.base_number,
                    versions.c.author)
             .select_from(steps.outerjoin(versions, versions.c.id == steps.c.version_id))
             .where(steps.c.chain_seq.is_not(None)).order_by(steps.c.chain_seq))
    for row in conn.execution_options(stream_results=True, yield_per=1000).execute(query).mappings():
        name = (f"step {row['id']} ({row['model_id']} version {row['number']}, step {row['seq']}: "
                f"{row['action']} by {row['actor']})")
        yield row, name, chain.step_digest(row, row)


_ROWS = {"evaluations": (evaluations, _evaluation_rows), "version_steps": (steps, _step_rows)}


def _recorded(head_files: list[Path], logs: list[Path], problems: list[str]) -> dict[str, list[Head]]:
    """table -> every committed head the files and logs name."""
    found: dict[str, list[Head]] = {}
    for path in head_files:
        try:
            for table, kinds in chain_heads.read(path).items():
                if "committed" in kinds:
                    found.setdefault(table, []).append(kinds["committed"])
        except (ValueError, OSError, KeyError, TypeError, IndexError) as exc:
            problems.append(f"head file {path} cannot be read: {exc}")
    for path in logs:
        for table, heads in chain_heads.from_log(path).items():
            found.setdefault(table, []).extend(heads)
    return found


def _pending(head_files: list[Path]) -> dict[str, Head]:
    """table -> the newest pending head of the files (read after the rows)."""
    newest: dict[str, Head] = {}
    for path in head_files:
        try:
            for table, kinds in chain_heads.read(path).items():
                head = kinds.get("pending") or kinds.get("committed")
                if head is not None and (table not in newest or head.seq > newest[table].seq):
                    newest[table] = head
        except (ValueError, OSError, KeyError, TypeError, IndexError):
            pass            # reported by _recorded
    return newest


def _names(names: list[str], total: int) -> str:
    more = f" and {total - len(names)} more" if total > len(names) else ""
    return ", ".join(names) + more


@dataclass
class _Walked:
    tail: int = 0
    tail_hash: str = chain.GENESIS
    at_recorded: dict[int, tuple[str, str]] = field(default_factory=dict)   # position -> (hash, name)
    newest: deque = field(default_factory=lambda: deque(maxlen=_NAMED))      # (position, name), newest last


def _walk(conn, table: str, recorded: list[Head], report: Report) -> _Walked:
    """Check each row of one chain, keeping what the checks against the recorded heads need."""
    problems = report.problems
    wanted = {h.seq for h in recorded}
    walked = _Walked()
    seq, prev, prev_name, count = 0, chain.GENESIS, "the chain's start", 0
    for row, name, digest in _ROWS[table][1](conn):
        count += 1
        position = row["chain_seq"]
        if position > seq + 1:
            missing = f"position {seq + 1} is" if position == seq + 2 else f"positions {seq + 1} to {position - 1} are"
            problems.append(f"{table}: {missing} missing: rows deleted between {prev_name} and {name}")
        elif position <= seq:
            problems.append(f"{table}: {name} holds position {position} a second time: a row inserted")
        elif row["chain_prev"] != prev:
            problems.append(f"{table}: {name} (position {position}) was chained to another hash than "
                            f"{prev_name}'s: {prev_name} was rewritten or replaced")
        if chain.link(row["chain_prev"], digest) != row["chain_hash"]:
            problems.append(f"{table}: {name} (position {position}) does not match its hash: "
                            "its content was changed, or the row was replaced")
        if position in wanted:
            walked.at_recorded[position] = (row["chain_hash"], name)
        walked.newest.append((position, name))
        seq, prev, prev_name = max(seq, position), row["chain_hash"], name
    walked.tail, walked.tail_hash = seq, prev
    report.rows[table] = count
    report.tails[table] = seq
    rows = _ROWS[table][0]
    unchained = conn.execute(select(rows.c.id).where(rows.c.chain_seq.is_(None)).limit(_NAMED)).scalars().all()
    if unchained:
        total = conn.execute(select(func.count()).where(rows.c.chain_seq.is_(None))).scalar_one()
        problems.append(f"{table}: rows inserted outside the chain: {_names([str(i) for i in unchained], total)}")
    return walked


def _check_tail(table: str, recorded: list[Head], pending: Head | None, walked: _Walked, report: Report) -> None:
    problems = report.problems
    tail, at_recorded = walked.tail, walked.at_recorded
    for head in recorded:
        if head.seq > tail:
            problems.append(f"{table}: the head recorded outside the database at {head.source} is position "
                            f"{head.seq}, and the chain ends at {tail}: the newest rows were deleted")
        elif head.seq not in at_recorded:
            problems.append(f"{table}: position {head.seq}, recorded at {head.source}, is missing: its row "
                            "was deleted")
        elif at_recorded[head.seq][0] != head.sha256:
            problems.append(f"{table}: {at_recorded[head.seq][1]} (position {head.seq}) is not the row recorded "
                            f"at {head.source}: rows were rewritten up to the tail")
    if pending is None:
        if tail:
            problems.append(f"{table}: no head is recorded outside the database (no head file): the newest "
                            "rows cannot be checked")
        return
    if tail > pending.seq:
        beyond = [name for position, name in walked.newest if position > pending.seq]
        problems.append(f"{table}: {_names(beyond, tail - pending.seq)} lie beyond the newest head recorded "
                        f"outside the database (position {pending.seq}, {pending.source}): inserted by something "
                        "other than the service")
    elif tail == pending.seq and walked.tail_hash != pending.sha256:
        problems.append(f"{table}: the newest row (position {tail}) is not the row recorded at {pending.source}: "
                        "it was rewritten or replaced")


def _check_contents(conn, report: Report) -> None:
    rows = conn.execution_options(stream_results=True, yield_per=50).execute(select(contents.c.sha256,
                                                                                    contents.c.content))
    for sha, content in rows:
        if sha256(content) != sha:
            report.problems.append(f"version_contents: the content stored as {sha} does not hash to it: "
                                   "a policy version's bytes were changed")


def verify(engine, head_files: list[Path], logs: list[Path] = ()) -> Report:
    report = Report()
    recorded = _recorded(list(head_files), list(logs), report.problems)
    with engine.connect() as conn:
        walked = {table: _walk(conn, table, recorded.get(table, []), report) for table in chain.TABLES}
        pending = _pending(list(head_files))
        for table, found in walked.items():
            _check_tail(table, recorded.get(table, []), pending.get(table), found, report)
        _check_contents(conn, report)
    return report


def record(engine, report: Report) -> None:
    summary = {"rows": report.rows, "tails": report.tails, "problems": report.problems[:100]}
    with engine.begin() as conn:
        conn.execute(insert(verifications).values(
            at=now(), clean=report.clean, rows=sum(report.rows.values()),
            problems=len(report.problems), report=json.dumps(summary)))


def last(engine) -> dict | None:
    """The newest verification: {"at", "clean", "rows", "problems"}, or None (never run, or unreadable)."""
    try:
        with engine.connect() as conn:
            row = conn.execute(select(verifications).order_by(verifications.c.id.desc()).limit(1)).first()
    except SQLAlchemyError:
        return None
    if row is None:
        return None
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.timezone.utc)
    return {"at": at.isoformat(), "clean": row.clean, "rows": row.rows, "problems": row.problems}
