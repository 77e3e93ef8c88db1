"""The loaded models, by id (file stem), with versions (sha256 of the file) and safe reload.

A model that fails to load, has validation errors (pydmn.analysis: schema, semantics, table
analysis; warnings only shown), or whose scenarios fail, is rejected and the last good version keeps
serving. The last good file is kept in var/last-good/ so a fresh process (a gunicorn worker
restarted by SIGHUP) also falls back to it instead of dropping the model.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pydmn
from pydmn.analysis import validate
from pydmn.errors import DMNError

from webapp.schemas import inputs_schema

log = logging.getLogger("webapp.registry")

# check(model_id, model, path) -> list of error texts; empty when the model's scenarios pass.
ScenarioCheck = Callable[[str, object, Path], list]
# validation(path) -> (errors, warnings) as texts; errors reject the model.
Validation = Callable[[Path], tuple[list, list]]


@dataclass
class Entry:
    id: str
    model: object
    version: str
    loaded_at: str
    path: str
    source: bytes
    from_last_good: bool = False
    _schemas: dict = field(default_factory=dict)
    _derived: dict = field(default_factory=dict)

    def schema(self, required: bool):
        """Input schema, built once per loaded version (the hot path only looks it up)."""
        if required not in self._schemas:
            self._schemas[required] = inputs_schema(
                self.model, required, f"{_title(self.id)}{'Strict' if required else ''}Inputs")
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
                "version": self.version, "loaded_at": self.loaded_at, "fallback": self.from_last_good,
                "decisions": list(defs.decisions), "input_data": list(defs.input_data),
                "decision_services": list(defs.decision_services)}


def model_findings(path: Path) -> tuple[list[str], list[str]]:
    """The service's validation gate (pydmn.analysis) as (errors, warnings); notes are left out."""
    try:
        findings = validate(path)
    except Exception as exc:   # an analysis bug must reject the model, not take the service down
        return [f"validation failed: {type(exc).__name__}: {exc}"], []
    texts = {"error": [], "warning": []}
    for f in findings:
        if f.severity in texts:
            where = f" ({f.element_id})" if f.element_id else ""
            texts[f.severity].append(f"{f.severity} {f.code}{where}: {f.message}")
    return texts["error"], texts["warning"]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def _file_version(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _title(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("_", "-").split("-") if part.isalnum()) or "Model"


class ModelRegistry:
    def __init__(self, directory, var_dir, scenario_check: ScenarioCheck | None = None,
                 on_version: Callable[[str, str, str], str | None] | None = None,
                 validation: Validation | None = None):
        self.directory = Path(directory)
        self.last_good = Path(var_dir) / "last-good"
        self.scenario_check = scenario_check
        self.validation = validation
        self.on_version = on_version
        self.entries: dict[str, Entry] = {}
        # model id -> {"version", "at", "errors"} of the file the last reload refused
        self.rejected: dict[str, dict] = {}
        self._lock = threading.Lock()

    def get(self, model_id: str) -> Entry | None:
        return self.entries.get(model_id)

    def __iter__(self):
        return iter(list(self.entries.values()))

    def describe(self, entry: Entry) -> dict:
        """The entry's summary with the version of its file that the last reload refused, if any."""
        return {**entry.summary(), "rejected": self.rejected.get(entry.id)}

    def status(self) -> list[dict]:
        return [self.describe(e) for e in self]

    def _load_one(self, path: Path) -> tuple[Entry | None, list[str], list[str]]:
        """(entry or None, blocking errors, warnings to show)."""
        source = path.read_bytes()
        version = hashlib.sha256(source).hexdigest()
        current = self.entries.get(path.stem)
        if current is not None and current.version == version:
            return current, [], []
        errors, warnings = self.validation(path) if self.validation is not None else ([], [])
        if errors:
            return None, errors, warnings
        try:
            model = pydmn.load(source)
        except DMNError as exc:
            return None, [str(exc)], warnings
        except Exception as exc:   # a reader bug must not take the service down
            return None, [f"{type(exc).__name__}: {exc}"], warnings
        if self.scenario_check is not None:
            failures = list(self.scenario_check(path.stem, model, path) or [])
            if failures:
                return None, failures, warnings
        return Entry(path.stem, model, version, _now(), str(path), source), [], warnings

    def reload(self, by: str = "startup") -> dict:
        """Load the directory anew; returns {"loaded": [...], "rejected": {id: errors},
        "warnings": {id: texts}, "removed": [...]}."""
        with self._lock:
            fresh: dict[str, Entry] = {}
            rejected: dict[str, list] = {}
            refused: dict[str, dict] = {}
            warned: dict[str, list] = {}
            paths = sorted(self.directory.glob("*.dmn")) if self.directory.is_dir() else []
            for path in paths:
                entry, errors, warnings = self._load_one(path)
                if warnings:
                    warned[path.stem] = warnings
                if entry is None:
                    rejected[path.stem] = errors
                    refused[path.stem] = {"version": _file_version(path), "at": _now(), "errors": errors}
                    keep = self.entries.get(path.stem) or self._from_last_good(path.stem)
                    if keep is not None:
                        fresh[path.stem] = keep
                    log.warning("model %s rejected (%d errors); %s", path.stem, len(errors),
                                "last good version keeps serving" if keep else "not served")
                    continue
                fresh[path.stem] = entry
                if not entry.from_last_good:
                    self._keep_good(entry)
                    if self.on_version:
                        entry.loaded_at = self.on_version(entry.id, entry.version, by) or entry.loaded_at
            removed = sorted(set(self.entries) - set(fresh))
            self.entries, self.rejected = fresh, refused
        return {"loaded": [{"id": e.id, "version": e.version} for e in fresh.values()],
                "rejected": rejected, "warnings": warned, "removed": removed}

    def _keep_good(self, entry: Entry) -> None:
        try:
            self.last_good.mkdir(parents=True, exist_ok=True)
            target = self.last_good / f"{entry.id}.dmn"
            if not target.exists() or target.read_bytes() != entry.source:
                tmp = target.with_suffix(".tmp")
                tmp.write_bytes(entry.source)
                tmp.replace(target)
        except OSError:
            log.warning("cannot keep last good copy of %s", entry.id)

    def _from_last_good(self, model_id: str) -> Entry | None:
        path = self.last_good / f"{model_id}.dmn"
        if not path.is_file():
            return None
        source = path.read_bytes()
        try:
            model = pydmn.load(source)
        except Exception:
            return None
        version = hashlib.sha256(source).hexdigest()
        first = self.on_version(model_id, version, "last-good") if self.on_version else None
        return Entry(model_id, model, version, first or _now(), str(path), source, from_last_good=True)
