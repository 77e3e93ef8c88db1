"""The models that serve, by id: each model's published versions in the versions store
(webapp.store.versions), loaded once per process, each with the date from which it is in effect.

A request is determined by the version in effect on its request date (`get(model, on=date)`): the
model's timeline, in which a version published ahead of its effective date waits while the one before
it goes on serving. Each version is loaded with its record's effective date in its Policy Parameters
cell (webapp.serving.effective), so its answers cite that date. The request contract (the schema a
request must match) is the newest published version's (`newest`): a contract change cannot wait for
a date, it serves at publish.

The database decides what serves. The files in the models directory seed version 1 of each model,
published, when the store holds no version at all (the first start); after that `reload` imports a
file whose content is new as a draft authored by whoever reloaded (the person; "SIGHUP" for the
signal), never publishing it: a change reaches callers only through submit, approval by someone
else and publish (four eyes, no exception: who reloaded a file is its author). A file
that fails the gate (validation errors, failing scenarios) is rejected and recorded as such; what
serves does not change.

Every process holds its own loaded models. The process that changes what serves (publish, rollback,
reload, seeding) rewrites a stamp file in the var directory after its commit; every lookup stats the
stamp (about a microsecond) and re-reads the store when it moved, so the request after a publish
answers with the new version whichever worker of this host takes it. Replicas on other hosts share
the database, not the var directory: a lookup also asks the store for its generation (two growing
ids, one indexed query) when `poll_s` (1 s) has passed since it last asked, so a change made through
any replica serves on all of them by the first request after that second. A new version is loaded
completely before it replaces the entries, so no request sees a half-loaded model. If the published version cannot be loaded
(an engine upgrade refusing it), the newest version that served before and loads serves instead,
marked `fallback`.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pydmn
from sqlalchemy.exc import SQLAlchemyError

from webapp.serving import contract, effective
from webapp.store.files import private_dir
from webapp.serving.inputs import inputs_schema
from webapp.store.versions import FILES, InEffect, VersionStore, in_effect
from webapp.store.stamps import now, sha256, today

log = logging.getLogger("webapp.serving.registry")

# check(model_id, model, path) -> list of error texts; empty when the model's scenarios pass.
ScenarioCheck = Callable[[str, object, Path], list]
# validation(path) -> (errors, warnings) as texts; errors reject the model.
Validation = Callable[[Path], tuple[list, list]]


@dataclass
class Entry:
    id: str
    model: object
    version: str              # sha256 of the content
    loaded_at: str
    source: bytes
    number: int | None = None
    fallback: bool = False
    effective_date: dt.date | None = None     # the date its answers cite, from the version record
    contract: contract.Contract = contract.NONE
    _schemas: dict = field(default_factory=dict)
    _derived: dict = field(default_factory=dict)

    def schema(self, required: bool):
        """Input schema, built once per loaded version (the hot path only looks it up)."""
        if required not in self._schemas:
            self._schemas[required] = inputs_schema(
                self.model, required, f"{_title(self.id)}{'Strict' if required else ''}Inputs", self.contract)
        return self._schemas[required]

    def cached(self, key, build: Callable[[], object]):
        """Something derived from this version alone (an export), built on first use: a version's
        bytes never change, so neither does the result."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    def summary(self) -> dict:
        defs = self.model.definitions
        return {"id": self.id, "name": self.model.name, "namespace": self.model.namespace,
                "version": self.version, "number": self.number, "loaded_at": self.loaded_at,
                "fallback": self.fallback,
                "effective_date": self.effective_date.isoformat() if self.effective_date else None,
                "decisions": list(defs.decisions), "input_data": list(defs.input_data),
                "decision_services": list(defs.decision_services)}




def _title(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("_", "-").split("-") if part.isalnum()) or "Model"




class ModelRegistry:
    def __init__(self, directory, var_dir, store: VersionStore, scenario_check: ScenarioCheck | None = None,
                 on_version: Callable[[str, str, str], str | None] | None = None,
                 validation: Validation | None = None, poll_s: float = 1.0,
                 scenario_file: Callable[[Path], Path] | None = None):
        self.directory = Path(directory)
        self.stamp = Path(var_dir) / "serving.stamp"
        self.store = store
        self.scenario_check = scenario_check
        self.scenario_file = scenario_file     # a model file -> its scenario file, which travels with it
        self.validation = validation
        self.on_version = on_version
        # model id -> [(timeline entry, its loaded Entry)], earliest effective date first
        self.timelines: dict[str, list[tuple[InEffect, Entry]]] = {}
        self.newest_entries: dict[str, Entry] = {}
        # model id -> {"version", "at", "errors"} of its file, when the newest reload refused it
        self.rejected: dict[str, dict] = {}
        self._seen: tuple | None = None
        self.poll_s = poll_s
        self._generation: tuple | None = None
        self._polled = time.monotonic()
        self._lock = threading.RLock()

    # -- what serves -----------------------------------------------------------------------------
    def get(self, model_id: str, on: dt.date | None = None) -> Entry | None:
        """The version in effect on `on` (by default the service's date, UTC)."""
        self._follow()
        pairs = self.timelines.get(model_id) or []
        found = in_effect([row for row, _ in pairs], on or today())
        return next((entry for row, entry in pairs if row is found), None)

    def newest(self, model_id: str) -> Entry | None:
        """The newest published version, in effect or not yet: its request contract is the one callers meet."""
        self._follow()
        return self.newest_entries.get(model_id)

    def timeline(self, model_id: str) -> list[Entry]:
        self._follow()
        return [entry for _, entry in self.timelines.get(model_id) or []]

    def __iter__(self):
        """The versions in effect today, one per model."""
        self._follow()
        return iter([e for e in (self.get(m) for m in list(self.timelines)) if e is not None])

    def describe(self, entry: Entry) -> dict:
        """The entry's summary with the version of its file that the last reload refused, if any."""
        return {**entry.summary(), "rejected": self.rejected.get(entry.id)}

    def status(self) -> list[dict]:
        return [self.describe(e) for e in self]

    def _stamp_state(self):
        try:
            found = os.stat(self.stamp)
        except FileNotFoundError:
            return None
        return found.st_ino, found.st_mtime_ns, found.st_size

    def _follow(self) -> None:
        try:
            if self._stamp_state() != self._seen:
                self.refresh()
            elif time.monotonic() - self._polled >= self.poll_s:
                self._polled = time.monotonic()
                if self.store.generation() != self._generation:
                    self.refresh()
        except SQLAlchemyError as exc:  # keep serving what is loaded; the next lookup tries again
            log.error("cannot read what serves from the store: %s", type(exc).__name__)

    def changed(self) -> None:
        """Tell every process that what serves changed (called after the commit)."""
        private_dir(self.stamp.parent)
        tmp = self.stamp.with_name(f"{self.stamp.name}.{uuid.uuid4().hex}")
        tmp.write_text(uuid.uuid4().hex)
        tmp.replace(self.stamp)     # a new inode: a change within one mtime tick is still seen
        self.refresh()

    def refresh(self) -> None:
        """Load what the store says serves (only versions not already loaded)."""
        with self._lock:
            seen = self._stamp_state()      # before reading: a change after this is seen next time
            generation = self.store.generation()
            serving = self.store.serving()
            known = {(e.number, e.version, e.effective_date): e
                     for pairs in self.timelines.values() for _, e in pairs}
            fresh, newest = {}, {}
            for model_id, current in serving.items():
                pairs = []
                for row in current["timeline"]:
                    entry = self._serving_entry(model_id, row, current["rows"], known)
                    if entry is not None:
                        pairs.append((row, entry))
                if pairs:
                    fresh[model_id] = pairs
                    newest[model_id] = max(pairs, key=lambda pair: pair[0].seq)[1]
            self.timelines, self.newest_entries = fresh, newest
            self.rejected = {m: {"version": c["sha256"], "at": c["at"], "errors": c["errors"]}
                             for m, c in self.store.last_file_checks().items() if c["outcome"] == "rejected"}
            self._seen, self._generation, self._polled = seen, generation, time.monotonic()

    def _serving_entry(self, model_id: str, row: InEffect, rows: list[InEffect], known: dict) -> Entry | None:
        """The timeline entry `row` loaded with its effective date; if it does not load, the newest
        version served before it that does (marked fallback)."""
        candidates = [row] + [r for r in reversed(rows) if r.seq < row.seq]
        for position, candidate in enumerate(candidates):
            number, sha = candidate.number, candidate.sha256
            try:
                source = self.store.content(sha)
                date = row.effective_date or effective.declared(source)
                if (number, sha, date) in known:
                    entry = known[(number, sha, date)]
                    entry.fallback = position > 0
                    return entry
                entry = Entry(model_id, pydmn.load(effective.with_date(source, row.effective_date)), sha,
                              now().isoformat(), source, number,
                              contract=contract.load(contract.contract_file(self.directory, model_id)),
                              effective_date=date)
            except Exception as exc:    # a version the engine no longer reads must not stop the others
                log.error("model %s version %s does not load: %s", model_id, number, type(exc).__name__)
                continue
            entry.fallback = position > 0
            known[(number, sha, date)] = entry
            if self.on_version:
                entry.loaded_at = self.on_version(model_id, sha, "published") or entry.loaded_at
            return entry
        return None

    # -- the models directory --------------------------------------------------------------------
    def gate(self, path: Path, source: bytes) -> tuple[list[str], list[str]]:
        """(errors, warnings) of a file: validation, loading, then its scenarios."""
        errors, warnings = self.validation(path) if self.validation is not None else ([], [])
        if errors:
            return errors, warnings
        try:
            model = pydmn.load(source)
        except Exception as exc:   # a reader bug must not take the service down
            return [f"{type(exc).__name__}: {exc}"], warnings
        if self.scenario_check is not None:
            failures = list(self.scenario_check(path.stem, model, path) or [])
            if failures:
                return failures, warnings
        return [], warnings

    def _scenarios_beside(self, model_id: str) -> bytes | None:
        """The scenario file beside a model's file: it travels with the version made of it."""
        file = self.scenario_file and self.scenario_file(self.directory / f"{model_id}.dmn")
        return file.read_bytes() if file and file.is_file() else None

    def _files(self) -> list[Path]:
        return sorted(self.directory.glob("*.dmn")) if self.directory.is_dir() else []

    def start(self) -> dict:
        """At process start: seed the store when it is empty, then load what serves."""
        outcome = self.seed() if self.store.is_empty() else {"rejected": {}, "warnings": {}}
        self.refresh()
        return outcome

    def seed(self) -> dict:
        """Version 1 of every file that passes the gate, published, in one transaction."""
        accepted, rejected, warned = {}, {}, {}
        for path in self._files():
            source = path.read_bytes()
            errors, warnings = self.gate(path, source)
            if warnings:
                warned[path.stem] = warnings
            if errors:
                rejected[path.stem] = errors
                self.store.note_file(path.stem, sha256(source), "rejected", FILES, errors=errors)
            else:
                accepted[path.stem] = source
        dates = {model_id: effective.declared(source) for model_id, source in accepted.items()}
        scenarios = {m: s for m in accepted if (s := self._scenarios_beside(m)) is not None}
        if accepted and self.store.seed(accepted, f"seeded from {self.directory.name}/ on the first start", dates,
                                        scenarios):
            log.info("seeded version 1 of %s", ", ".join(sorted(accepted)))
        self.changed()
        return {"rejected": rejected, "warnings": warned}

    def reload(self, by: str) -> dict:
        """Import each file whose content no version of its model held as a draft authored by `by`
        (after the gate);
        returns {"loaded": serving, "drafts": [...], "unchanged": [...], "rejected": {id: errors},
        "warnings": {id: texts}}. What serves does not change (but seeds an empty store)."""
        if self.store.is_empty():
            outcome = self.seed()
            return {"loaded": self._loaded(), "drafts": [], "unchanged": [], **outcome}
        drafts, unchanged, rejected, warned = [], [], {}, {}
        for path in self._files():
            source = path.read_bytes()
            sha = sha256(source)
            known = self.store.number_with_content(path.stem, sha)
            if known is not None:
                unchanged.append({"id": path.stem, "number": known})
                self.store.note_file(path.stem, sha, "unchanged", by, known)
                continue
            errors, warnings = self.gate(path, source)
            if warnings:
                warned[path.stem] = warnings
            if errors:
                rejected[path.stem] = errors
                self.store.note_file(path.stem, sha, "rejected", by, errors=errors)
                log.warning("model %s file rejected (%d errors); what serves is unchanged", path.stem, len(errors))
                continue
            serving = self.store.serving().get(path.stem)
            version = self.store.create(path.stem, source, by, f"imported from {path.name} (reload by {by})",
                                        origin="files", base_number=serving["number"] if serving else None,
                                        scenarios=self._scenarios_beside(path.stem))
            drafts.append({"id": path.stem, "number": version.number, "sha256": version.sha256})
            self.store.note_file(path.stem, sha, "imported", by, version.number)
        self.changed()
        return {"loaded": self._loaded(), "drafts": drafts, "unchanged": unchanged, "rejected": rejected,
                "warnings": warned}

    def _loaded(self) -> list[dict]:
        return [{"id": e.id, "version": e.version, "number": e.number} for e in self]
