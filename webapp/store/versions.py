"""The policy versions store: every draft and published version of each model, in the audit database.

A version is a numbered row per model; its content is stored once per sha256; its lifecycle is a
list of steps (saved, submitted, approved, rejected, published, retired, rolled back), each naming
who, when, the content hash it applies to and a comment: the steps are the audit events of the
lifecycle. What serves is each model's timeline: every row of `serving` names a version and the
date from which it is in effect, and supersedes the versions in effect on or after that date
(`timeline`), so a version may be published ahead of its effective date while the one before it goes
on determining the requests dated before then. A version leaves the timeline retired.

Nothing is ever updated (migration 0002 makes every table append-only). Each transition reads the
newest step, checks its rule, and inserts the next step with seq + 1: a concurrent transition that
got there first makes that insert violate the unique (version, seq) and the loser gets a 409. So a
check and its effect cannot be separated by another person's edit, on SQLite or PostgreSQL alike.
Each step also joins the lifecycle's hash chain (webapp.store.chain), so an edit made behind the service's
back shows in `audit verify`.

The four-eyes rule lives here, not in the API: nobody approves a version they saved content of or
submitted (authors, editors and submitters alike, whatever their roles), an approval names the
sha256 it approved, any later save makes the version a draft again (withdrawing it), and publish
takes only that sha256. Actors are people (webapp.store.keys.Caller.person: a key's holder by name), so
one person's two keys are one pair of eyes; an approver is also matched by their key's id, which
is how steps written before keys had names recorded them.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import (BigInteger, Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table,
                        Text, UniqueConstraint, bindparam, func, insert, select, text)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from webapp.store import chain
from webapp.store.chain_heads import HeadFile
from webapp.store.errors import Conflict, Forbidden, NotFound, Unavailable
from webapp.store.stamps import now, sha256

STATES = ("draft", "submitted", "approved", "rejected", "published", "retired")
EDITABLE = ("draft", "submitted", "approved", "rejected")
OPEN = ("draft", "submitted", "approved")     # work in progress, counted against its author's limit
FILES = "files"       # the actor of the versions the models directory seeds

metadata = MetaData()

contents = Table(
    "version_contents", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
versions = Table(
    "versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", String(200), nullable=False),
    Column("number", Integer, nullable=False),
    Column("origin", String(20), nullable=False),
    Column("base_number", Integer, nullable=True),
    Column("author", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("model_id", "number"),
)
steps = Table(
    "version_steps", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("action", String(30), nullable=False),
    Column("state", String(20), nullable=False),
    Column("sha256", String(64), ForeignKey("version_contents.sha256"), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("comment", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("chain_seq", BigInteger, nullable=False),
    Column("chain_prev", String(64), nullable=False),
    Column("chain_hash", String(64), nullable=False),
    UniqueConstraint("version_id", "seq"),
    Index("ix_version_steps_version", "version_id", "seq"),
    Index("uq_version_steps_chain_seq", "chain_seq", unique=True),
)
_STEP_COLUMNS = ["version_id", "seq", "action", "state", "sha256", "actor", "at", "comment", "details"]
_APPEND_STEP = text(chain.append_sql("version_steps", _STEP_COLUMNS, [f":{c}" for c in _STEP_COLUMNS], ":digest")
                    ).bindparams(bindparam("at", type_=steps.c.at.type))
_NEWEST_STEP = "chain.version_steps"       # conn.info: the newest step a transaction appended
serving = Table(
    "serving", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", String(200), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("action", String(30), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("effective_date", Date, nullable=True),     # NULL: written before effective dates (every date)
    UniqueConstraint("model_id", "seq"),
    Index("ix_serving_model", "model_id", "seq"),
)
reviews = Table(
    "reviews", metadata,
    Column("digest", String(64), primary_key=True),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("serving_sha256", String(64), nullable=True),
    Column("scenarios_sha256", String(64), nullable=True),
    Index("uq_reviews_key", "version_id", "sha256", "serving_sha256", "scenarios_sha256", unique=True),
)
review_reads = Table(
    "review_reads", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("digest", String(64), ForeignKey("reviews.digest"), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_review_reads_digest", "digest", "id"),
)
file_checks = Table(
    "file_checks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", String(200), nullable=False),
    Column("sha256", String(64), nullable=True),
    Column("outcome", String(20), nullable=False),
    Column("number", Integer, nullable=True),
    Column("errors", Text, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_file_checks_model", "model_id", "id"),
)


@dataclass(frozen=True)
class InEffect:
    """One entry of a model's timeline: `number` determines the requests dated from `effective_date`
    (None: a row written before effective dates, in effect on every date) until the next entry's."""
    number: int
    sha256: str
    effective_date: dt.date | None
    seq: int


def timeline(rows) -> list[InEffect]:
    """A model's versions in effect, earliest date first, from its `serving` rows (InEffect, oldest
    first): each row supersedes every entry in effect on or after its date."""
    entries: list[InEffect] = []
    for row in rows:
        start = row.effective_date or dt.date.min
        entries = [e for e in entries if (e.effective_date or dt.date.min) < start] + [row]
    return entries


def in_effect(entries: list, on: dt.date):
    """The entry of a timeline in effect on `on`; before the first date, the first entry (whose model
    then says the request is dated before its effective date)."""
    found = entries[0] if entries else None
    for entry in entries:
        if (entry.effective_date or dt.date.min) <= on:
            found = entry
    return found


def _iso(stamp: dt.datetime) -> str:
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.isoformat()


@dataclass
class Step:
    seq: int
    action: str
    state: str
    sha256: str
    actor: str
    at: str
    comment: str
    details: dict

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Version:
    id: int
    model_id: str
    number: int
    origin: str
    base_number: int | None
    author: str
    created_at: str
    steps: list[Step] = field(default_factory=list)

    @property
    def last(self) -> Step:
        return self.steps[-1]

    @property
    def state(self) -> str:
        return self.last.state

    @property
    def sha256(self) -> str:
        return self.last.sha256

    @property
    def scenarios_sha256(self) -> str | None:
        """The scenario file saved with the content: the newest saved step's (None: saved before
        scenarios travelled with drafts, or a model without scenarios)."""
        return next((s.details.get("scenarios") for s in reversed(self.steps) if s.action == "saved"), None)

    @property
    def editors(self) -> set[str]:
        """Everyone who saved content of this version: none of them may approve it."""
        return {s.actor for s in self.steps if s.action == "saved"}

    @property
    def proposers(self) -> set[str]:
        """Everyone who saved or submitted this version: none of them may approve it."""
        return {s.actor for s in self.steps if s.action in ("saved", "submitted")}

    @property
    def effective_date(self) -> str | None:
        """The date named by its newest approval, publish or rollback (ISO), if any."""
        for step in reversed(self.steps):
            if step.details.get("effective_date"):
                return step.details["effective_date"]
        return None

    @property
    def approval(self) -> Step | None:
        """The approval in force: the newest step, when it is one (any later step replaced it)."""
        return self.last if self.state == "approved" else None

    @property
    def approved(self) -> Step | None:
        """The approval of the content the version holds, kept once it is published, retired or
        rolled back to; a later save withdraws it."""
        found = None
        for s in self.steps:
            if s.action == "approved":
                found = s
            elif s.action == "saved":
                found = None
        return found

    def as_dict(self, with_steps: bool = True) -> dict:
        out = {"model_id": self.model_id, "number": self.number, "state": self.state,
               "sha256": self.sha256, "scenarios_sha256": self.scenarios_sha256, "author": self.author, "created_at": self.created_at,
               "updated_at": self.last.at, "origin": self.origin, "base_number": self.base_number,
               "comment": self.steps[0].comment, "editors": sorted(self.editors),
               "proposers": sorted(self.proposers),
               "approved_by": self.approved.actor if self.approved else None,
               "effective_date": self.effective_date,
               "editable": self.state in EDITABLE}
        if with_steps:
            out["steps"] = [s.as_dict() for s in self.steps]
        return out



class VersionStore:
    """Versions in the database behind `engine` (the audit store's); `heads`: where each step's
    chain head is written outside the database."""

    def __init__(self, engine, heads: HeadFile | None = None):
        self.engine = engine
        self.heads = heads
        chain.prepare(engine)

    # -- reading ---------------------------------------------------------------------------------
    def _versions(self, conn, model_id: str, number: int | None = None) -> list[Version]:
        query = select(versions).where(versions.c.model_id == model_id)
        if number is not None:
            query = query.where(versions.c.number == number)
        found = {r.id: Version(r.id, r.model_id, r.number, r.origin, r.base_number, r.author, _iso(r.at))
                 for r in conn.execute(query.order_by(versions.c.number))}
        if found:
            for r in conn.execute(select(steps).where(steps.c.version_id.in_(list(found)))
                                  .order_by(steps.c.version_id, steps.c.seq)):
                found[r.version_id].steps.append(Step(r.seq, r.action, r.state, r.sha256, r.actor,
                                                      _iso(r.at), r.comment, json.loads(r.details)))
        return list(found.values())

    def list(self, model_id: str) -> list[Version]:
        with self.engine.connect() as conn:
            return self._versions(conn, model_id)

    def get(self, model_id: str, number: int) -> Version:
        with self.engine.connect() as conn:
            found = self._versions(conn, model_id, number)
        if not found:
            raise NotFound(f"model {model_id!r} has no version {number}")
        return found[0]

    def content(self, sha: str) -> bytes:
        with self.engine.connect() as conn:
            return conn.execute(select(contents.c.content).where(contents.c.sha256 == sha)).scalar_one()

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(versions.c.id).limit(1)).first() is None

    def serving(self) -> dict[str, dict]:
        """model id -> {"number", "sha256": the newest published (whose request contract serves),
        "history": [(number, sha256) served before, newest first], "timeline": [InEffect],
        "rows": [InEffect] every row, oldest first}."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(serving.c.model_id, serving.c.seq, versions.c.number, serving.c.sha256,
                                       serving.c.effective_date)
                                .join(versions, versions.c.id == serving.c.version_id)
                                .order_by(serving.c.model_id, serving.c.seq)).all()
        by_model: dict[str, list[InEffect]] = {}
        for r in rows:
            by_model.setdefault(r.model_id, []).append(InEffect(r.number, r.sha256, r.effective_date, r.seq))
        return {model_id: {"number": found[-1].number, "sha256": found[-1].sha256,
                           "history": [(e.number, e.sha256) for e in reversed(found[:-1])],
                           "timeline": timeline(found), "rows": found}
                for model_id, found in by_model.items()}

    def generation(self) -> tuple:
        """Two ids that only grow (the tables are append-only): the newest change of what serves and
        the newest check of a file. Equal generations mean nothing a registry shows has changed."""
        newest_switch = select(func.max(serving.c.id)).scalar_subquery()
        newest_check = select(func.max(file_checks.c.id)).scalar_subquery()
        with self.engine.connect() as conn:
            return tuple(conn.execute(select(newest_switch, newest_check)).one())

    def open_drafts(self, author: str) -> list[tuple[str, int]]:
        """(model, number) of each version `author` started that is still work in progress (a draft,
        submitted or approved, not yet published), over every model."""
        newest = (select(steps.c.version_id, func.max(steps.c.seq).label("seq"))
                  .group_by(steps.c.version_id).subquery())
        query = (select(versions.c.model_id, versions.c.number)
                 .join(newest, newest.c.version_id == versions.c.id)
                 .join(steps, (steps.c.version_id == newest.c.version_id) & (steps.c.seq == newest.c.seq))
                 .where(versions.c.author == author, steps.c.state.in_(OPEN))
                 .order_by(versions.c.model_id, versions.c.number))
        with self.engine.connect() as conn:
            return [(r.model_id, r.number) for r in conn.execute(query)]

    def number_with_content(self, model_id: str, sha: str) -> int | None:
        """The newest version of the model that ever held this content, if any."""
        with self.engine.connect() as conn:
            return conn.execute(select(versions.c.number).join(steps, steps.c.version_id == versions.c.id)
                                .where(versions.c.model_id == model_id, steps.c.sha256 == sha)
                                .order_by(versions.c.number.desc()).limit(1)).scalar()

    # -- writing ---------------------------------------------------------------------------------
    def _put_content(self, conn, content: bytes) -> str:
        digest = sha256(content)
        dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(conn.dialect.name)
        values = {"sha256": digest, "content": content, "at": now()}
        if dialect is not None:
            conn.execute(dialect.insert(contents).values(**values).on_conflict_do_nothing())
        elif conn.execute(select(contents.c.sha256).where(contents.c.sha256 == digest)).first() is None:
            conn.execute(insert(contents).values(**values))
        return digest

    def _step(self, conn, version: Version, action: str, state: str, sha: str, actor: str, comment: str,
              details: dict | None = None, seq: int | None = None) -> None:
        """Append a step to the lifecycle chain (webapp.store.chain), in the chain's turn."""
        step = {"version_id": version.id, "seq": (version.last.seq + 1) if seq is None else seq, "action": action,
                "state": state, "sha256": sha, "actor": actor, "at": now(), "comment": comment or "",
                "details": json.dumps(details or {}, separators=(",", ":"))}
        digest = chain.step_digest({"model_id": version.model_id, "number": version.number, "origin": version.origin,
                                    "base_number": version.base_number, "author": version.author}, step)
        lock = chain.lock_sql(conn.dialect.name, "version_steps")
        if lock is not None:
            conn.execute(text(lock))
        head = tuple(conn.execute(_APPEND_STEP, {**step, "digest": digest}).one())
        if self.heads is not None:
            try:
                self.heads.pending("version_steps", *head)
            except OSError as exc:      # the transaction rolls back: no step without its head outside
                raise Unavailable("the audit chain's head file cannot be written") from exc
        conn.info[_NEWEST_STEP] = head

    def _transaction(self, work):
        """Run work(conn) in one transaction; a unique-key violation means someone else acted first.
        The chain's head is written outside the database once the steps are committed."""
        try:
            with self.engine.begin() as conn:
                conn.info.pop(_NEWEST_STEP, None)
                result = work(conn)
                head = conn.info.pop(_NEWEST_STEP, None)
        except IntegrityError:
            raise Conflict("the version changed while this request was made; reload it and try again") from None
        if head is not None and self.heads is not None:
            self.heads.committed("version_steps", *head)
        return result

    def _with_scenarios(self, conn, details: dict | None, scenarios: bytes | None) -> dict:
        """A saved step's details naming the scenario file saved with its content (stored as content)."""
        return {**(details or {}), **({"scenarios": self._put_content(conn, scenarios)} if scenarios is not None else {})}

    def create(self, model_id: str, content: bytes, actor: str, comment: str, origin: str,
               base_number: int | None = None, details: dict | None = None,
               scenarios: bytes | None = None) -> Version:
        """A new draft: the next number of the model, its first step `saved` (with its scenario file)."""
        def work(conn):
            number = (conn.execute(select(versions.c.number).where(versions.c.model_id == model_id)
                                   .order_by(versions.c.number.desc()).limit(1)).scalar() or 0) + 1
            sha = self._put_content(conn, content)
            saved = self._with_scenarios(conn, details, scenarios)
            new_id = conn.execute(insert(versions).values(
                model_id=model_id, number=number, origin=origin, base_number=base_number, author=actor,
                at=now())).inserted_primary_key[0]
            stub = Version(new_id, model_id, number, origin, base_number, actor, "")
            self._step(conn, stub, "saved", "draft", sha, actor, comment, saved, seq=1)
            return number
        number = self._transaction(work)
        return self.get(model_id, number)

    def seed(self, files: dict[str, bytes], comment: str, dates: dict[str, dt.date | None] | None = None,
             scenarios: dict[str, bytes] | None = None) -> bool:
        """Version 1 of each model, published, in one transaction: the first start's files, each in
        effect from its date in `dates`, with its scenario file in `scenarios`. False when another
        process seeded first (the unique (model, number) refuses the second)."""
        def work(conn):
            for model_id, content in files.items():
                effective = (dates or {}).get(model_id)
                details = {"effective_date": effective.isoformat()} if effective else None
                sha = self._put_content(conn, content)
                new_id = conn.execute(insert(versions).values(
                    model_id=model_id, number=1, origin="seed", base_number=None, author=FILES,
                    at=now())).inserted_primary_key[0]
                stub = Version(new_id, model_id, 1, "seed", None, FILES, "")
                self._step(conn, stub, "saved", "draft", sha, FILES, comment,
                           self._with_scenarios(conn, None, (scenarios or {}).get(model_id)), seq=1)
                self._step(conn, stub, "published", "published", sha, FILES, comment, details, seq=2)
                conn.execute(insert(serving).values(model_id=model_id, seq=1, version_id=new_id, sha256=sha,
                                                    action="seeded", actor=FILES, at=now(), effective_date=effective))
        try:
            self._transaction(work)
        except Conflict:
            return False
        return True

    def save(self, model_id: str, number: int, content: bytes, actor: str, comment: str,
             expected_sha: str, details: dict | None = None, scenarios: bytes | None = None,
             expected_scenarios: str | None = None) -> Version:
        """An edit: new content, or a new scenario file (`scenarios`, named against the one it
        replaces, `expected_scenarios`), for a version not yet published; the other one is kept. It
        becomes a draft again, which withdraws a submission or an approval (named in the step)."""
        version = self.get(model_id, number)
        if version.state not in EDITABLE:
            raise Conflict(f"version {number} is {version.state}: only an unpublished version can be edited; "
                            "start a new draft from it")
        if version.sha256 != expected_sha:
            raise Conflict("the version was changed since you opened it", {"sha256": [
                f"the version holds {version.sha256}, not {expected_sha}"]})
        if scenarios is not None and version.scenarios_sha256 != expected_scenarios:
            raise Conflict("the version's scenarios were changed since you opened them", {"scenarios_sha256": [
                f"the version holds {version.scenarios_sha256}, not {expected_scenarios}"]})
        new_sha = sha256(content)
        if new_sha == version.sha256 and (scenarios is None or sha256(scenarios) == version.scenarios_sha256):
            return version
        withdrawn = {"withdrew": {"state": version.state, "by": version.last.actor}} \
            if version.state in ("submitted", "approved") else {}

        def work(conn):
            self._put_content(conn, content)
            kept = {"scenarios": version.scenarios_sha256} if version.scenarios_sha256 else {}
            saved = self._with_scenarios(conn, {**(details or {}), **withdrawn, **kept}, scenarios)
            self._step(conn, version, "saved", "draft", new_sha, actor, comment, saved)
        self._transaction(work)
        return self.get(model_id, number)

    def _transition(self, model_id, number, sha, actor, comment, action, state, allowed_from,
                    details=None, check=None) -> Version:
        version = self.get(model_id, number)
        if check is not None:
            check(version)
        if version.state not in allowed_from:
            raise Conflict(f"version {number} is {version.state}; {action} needs it "
                            f"{' or '.join(allowed_from)}")
        if sha != version.sha256:
            raise Conflict(f"version {number} holds other content than the one named",
                            {"sha256": [f"the version holds {version.sha256}, not {sha}"]})
        self._transaction(lambda conn: self._step(conn, version, action, state, sha, actor, comment, details))
        return self.get(model_id, number)

    def submit(self, model_id, number, sha, actor, comment) -> Version:
        return self._transition(model_id, number, sha, actor, comment, "submitted", "submitted", ("draft",))

    def approve(self, model_id, number, sha, actor, comment, evidence: str,
                identities: frozenset = frozenset(), effective_date: dt.date | None = None) -> Version:
        """`identities`: every name the approver may be recorded under (webapp.store.keys.Caller), `actor`'s too;
        `effective_date`: the date the approver approved it for (publish takes it unless told otherwise)."""
        def four_eyes(version: Version):
            if (identities | {actor}) & version.proposers:
                raise Forbidden("four eyes: you saved or submitted this version, so someone else must "
                                    "approve it", {"approver": [f"{actor} saved or submitted version {number}"]})
        details = {"evidence": evidence, **({"effective_date": effective_date.isoformat()} if effective_date else {})}
        return self._transition(model_id, number, sha, actor, comment, "approved", "approved", ("submitted",),
                                details, four_eyes)

    def reject(self, model_id, number, sha, actor, comment, evidence: str | None) -> Version:
        return self._transition(model_id, number, sha, actor, comment, "rejected", "rejected", ("submitted",),
                                {"evidence": evidence} if evidence else None)

    def _switch(self, model_id: str, target: Version, actor: str, comment: str, action: str,
                effective_date: dt.date | None = None) -> None:
        """Put `target` in the timeline from `effective_date` (None: every date), retiring every version
        that leaves it: one transaction."""
        def work(conn):
            rows = [InEffect(r.number, r.sha256, r.effective_date, r.seq) for r in conn.execute(
                select(serving.c.seq, versions.c.number, serving.c.sha256, serving.c.effective_date)
                .join(versions, versions.c.id == serving.c.version_id)
                .where(serving.c.model_id == model_id).order_by(serving.c.seq))]
            seq = (rows[-1].seq + 1) if rows else 1
            staying = {e.number for e in timeline(rows + [InEffect(target.number, target.sha256, effective_date, seq)])}
            for number in sorted({e.number for e in timeline(rows)} - staying):
                previous = self._versions(conn, model_id, number)[0]
                self._step(conn, previous, "retired", "retired", previous.sha256, actor, comment,
                           {"replaced_by": target.number})
            self._step(conn, target, action, "published", target.sha256, actor, comment,
                       {"effective_date": effective_date.isoformat()} if effective_date else None)
            conn.execute(insert(serving).values(
                model_id=model_id, seq=seq, version_id=target.id, sha256=target.sha256, action=action, actor=actor,
                at=now(), effective_date=effective_date))
        self._transaction(work)

    def publish(self, model_id, number, sha, actor, comment, effective_date: dt.date | None = None) -> Version:
        """Serve an approved version from `effective_date` (None: every date, a model without dates):
        only the sha256 its approval names."""
        version = self.get(model_id, number)
        if version.state != "approved":
            raise Conflict(f"version {number} is {version.state}: only an approved version is published")
        if sha != version.approval.sha256:
            raise Conflict("publish names content other than the approved one",
                            {"sha256": [f"approved: {version.approval.sha256}"]})
        self._switch(model_id, version, actor, comment, "published", effective_date)
        return self.get(model_id, number)

    def rollback(self, model_id, number, actor, reason, effective_date: dt.date | None = None) -> Version:
        """Serve again, at once, a version that served before (retired, or published and superseded from a
        later date), from `effective_date` (by default its own): every version in effect on or after
        that date leaves the timeline."""
        version = self.get(model_id, number)
        newest = self.serving().get(model_id)
        if version.state not in ("retired", "published") or (newest and newest["number"] == number):
            raise Conflict(f"version {number} is {version.state}: a rollback returns to a version that "
                            "served before (retired, or superseded by a later publish)")
        own = version.effective_date
        effective = effective_date or (dt.date.fromisoformat(own) if own else None)
        self._switch(model_id, version, actor, reason, "rolled back", effective)
        return self.get(model_id, number)

    # -- reviews (the evidence an approver saw) ---------------------------------------------------
    def stored_review(self, version: Version, serving_sha: str, scenarios_sha: str) -> tuple[str, dict] | None:
        """(digest, evidence) of the review of the version's content against this serving version
        and scenario file ("" for none), if one was computed."""
        with self.engine.connect() as conn:
            row = conn.execute(select(reviews.c.digest, reviews.c.evidence).where(
                reviews.c.version_id == version.id, reviews.c.sha256 == version.sha256,
                reviews.c.serving_sha256 == serving_sha, reviews.c.scenarios_sha256 == scenarios_sha)).first()
        return (row.digest, json.loads(row.evidence)) if row else None

    def put_review(self, version: Version, actor: str, evidence: dict, serving_sha: str,
                   scenarios_sha: str) -> tuple[str, dict]:
        """Keep a computed review; (digest, evidence) of the one stored for its key, which is
        another process's when two computed it at once (the unique key keeps the first)."""
        text = json.dumps(evidence, separators=(",", ":"), sort_keys=True, default=str)
        digest = sha256(text.encode())
        values = {"digest": digest, "version_id": version.id, "sha256": version.sha256, "actor": actor,
                  "at": now(), "evidence": text, "serving_sha256": serving_sha, "scenarios_sha256": scenarios_sha}
        with self.engine.begin() as conn:
            dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(conn.dialect.name)
            if dialect is not None:
                conn.execute(dialect.insert(reviews).values(**values).on_conflict_do_nothing())
            elif conn.execute(select(reviews.c.digest).where(reviews.c.digest == digest)).first() is None:
                conn.execute(insert(reviews).values(**values))
        return self.stored_review(version, serving_sha, scenarios_sha)

    def review(self, version: Version, digest: str) -> dict | None:
        """{"sha256": the content reviewed, "scenarios_sha256": of the scenario file it ran ("" for none),
        "evidence", "actor", "at"} of one of the version's reviews."""
        with self.engine.connect() as conn:
            row = conn.execute(select(reviews).where(reviews.c.digest == digest,
                                                     reviews.c.version_id == version.id)).first()
        if row is None:
            return None
        return {"sha256": row.sha256, "scenarios_sha256": row.scenarios_sha256, "evidence": json.loads(row.evidence),
                "actor": row.actor, "at": _iso(row.at)}

    def note_read(self, digest: str, actor: str) -> None:
        """`actor` read the evidence `digest` now."""
        with self.engine.begin() as conn:
            conn.execute(insert(review_reads).values(digest=digest, actor=actor, at=now()))

    def readers(self, digest: str) -> list[dict]:
        """Each person who read the evidence, by their first read: [{"person", "at"}]."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(review_reads.c.actor, func.min(review_reads.c.at).label("at"),
                                       func.min(review_reads.c.id).label("first"))
                                .where(review_reads.c.digest == digest)
                                .group_by(review_reads.c.actor).order_by("first")).all()
        return [{"person": r.actor, "at": _iso(r.at)} for r in rows]

    # -- the models directory's files, as each reload found them ------------------------------------
    def note_file(self, model_id: str, sha: str | None, outcome: str, actor: str, number: int | None = None,
                  errors: list | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(file_checks).values(model_id=model_id, sha256=sha, outcome=outcome, number=number,
                                                    errors=json.dumps(errors or []), actor=actor, at=now()))

    def last_file_checks(self) -> dict[str, dict]:
        """model id -> the newest check of its file: {"sha256", "outcome", "errors", "at"}."""
        newest = select(func.max(file_checks.c.id)).group_by(file_checks.c.model_id)
        with self.engine.connect() as conn:
            rows = conn.execute(select(file_checks).where(file_checks.c.id.in_(newest))).all()
        return {r.model_id: {"sha256": r.sha256, "outcome": r.outcome, "at": _iso(r.at),
                             "errors": json.loads(r.errors)} for r in rows}
