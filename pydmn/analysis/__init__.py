"""Governance checks of DMN models: schema, semantics, names, diagram and decision table analysis;
the difference of two versions and what it does to scenario results.

    from pydmn.analysis import validate, diff_files, impact
    findings = validate("decisions/model.dmn")   # -> list[Finding]
    has_errors(findings)   # errors block a reload; warnings are shown only
    diff = diff_files("old.dmn", "new.dmn")      # -> ModelDiff
    impact(old_model, new_model, [(name, inputs), ...], diff, checked=["Determination"],
           budget=pydmn.Budget(steps=100_000))     # each evaluation's budget
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pydmn
from pydmn.analysis.diagram import diagram_findings
from pydmn.analysis.diff import Change, ModelDiff, diff_definitions, diff_files, unlisted
from pydmn.analysis.feel_check import FeelCheck
from pydmn.analysis.findings import Finding, has_errors
from pydmn.analysis.impact import Impact, impact
from pydmn.analysis.locations import SourceMap
from pydmn.analysis.portability import Portability
from pydmn.analysis.schema import validate_schema
from pydmn.analysis.semantics import Semantics
from pydmn.analysis.tables import ColumnInfo, analyse_table
from pydmn.errors import DMNError, FeelSyntaxError, ModelError
from pydmn.model import elements as el
from pydmn.model.names import feel_names
from pydmn.model.reader import ModelSource, parse_definitions, read_source
from pydmn.model.walk import decision_tables

__all__ = ["Finding", "has_errors", "validate", "validate_definitions", "analyse_table",
           "validate_schema", "model_files", "diff_files", "diff_definitions", "unlisted", "ModelDiff", "Change",
           "impact", "Impact"]


def engine_names(defs: el.Definitions, imported: dict[str, el.Definitions | None]) -> frozenset[str]:
    """The multi-word names the engine parses this model's FEEL with (its own and its imports')."""
    return feel_names(defs, {prefix: feel_names(sub) for prefix, sub in imported.items()
                             if sub is not None})


def validate_definitions(defs: el.Definitions, file: str | None = None, data: bytes | None = None,
                         imported: dict[str, el.Definitions | None] | None = None) -> list[Finding]:
    """Semantic checks, name resolution, diagram completeness and table analysis of a read
    model. `data` (the file's bytes) gives each cell its own line; `imported` maps import
    prefixes to the imported models' definitions (None: not available)."""
    imported = imported if imported is not None else {i.name: None for i in defs.imports}
    smap = SourceMap(data)
    semantics = Semantics(defs, file, smap)
    findings = semantics.run()
    FeelCheck(defs, smap, engine_names(defs, imported), findings.append, file, imported).run()
    findings += diagram_findings(defs, file)

    def column_info(clause: el.InputClause) -> ColumnInfo:
        return semantics.resolve(semantics.column_type_ref(clause))

    for name, owner, table in decision_tables(defs):
        findings += analyse_table(table, table.id or owner.id, column_info, name, smap, file)
    findings += Portability(defs, semantics, column_info, smap, file).run()
    return findings


def validate(source: ModelSource, engine_check: bool = True) -> list[Finding]:
    """Every finding for one model: path, bytes or XML text. Never raises for a bad model."""
    try:
        data, file = read_source(source)
    except ModelError as exc:
        return [Finding("error", "read", str(exc), file=exc.file)]
    findings = validate_schema(data, file)
    if any(f.code.startswith("xml") for f in findings):
        return findings
    try:
        defs = parse_definitions(data, file)
    except ModelError as exc:
        return findings + [Finding("error", "model", str(exc), exc.element_id, (), exc.line, file)]
    siblings = _sibling_models(file) if defs.imports else []
    findings += validate_definitions(defs, file, data, _imported(defs, siblings))
    if engine_check and not has_errors(findings):
        findings += _engine_findings(data, file, siblings)
    return findings


def _sibling_models(file: str | None) -> list[str]:
    """Imported models are looked for next to the importing file (as modelers save them)."""
    if not file:
        return []
    here = Path(file).resolve()
    return [str(p) for p in sorted(here.parent.glob("*.dmn")) if p.resolve() != here]


def _imported(defs: el.Definitions, paths: list[str]) -> dict[str, el.Definitions | None]:
    """Import prefix -> the imported model's definitions, found among `paths` by namespace."""
    by_namespace: dict[str, el.Definitions] = {}
    for path in paths:
        try:
            sub = parse_definitions(*read_source(path))
        except ModelError:
            continue
        by_namespace.setdefault(sub.namespace, sub)
    return {i.name: by_namespace.get(i.namespace) for i in defs.imports}


def _engine_findings(data: bytes, file: str | None, imports: Iterable[str] = ()) -> list[Finding]:
    """What the engine's loader still rejects, as findings (it stops at the first problem)."""
    try:
        pydmn.load(data, imports=list(imports))
    except FeelSyntaxError as exc:
        return [Finding("error", "feel-syntax", str(exc), exc.element_id, (), None, file)]
    except DMNError as exc:
        return [Finding("error", "model", str(exc).removeprefix(", "), getattr(exc, "element_id", None),
                        (), getattr(exc, "line", None), file)]
    return []


def model_files(path: str | Path) -> list[Path]:
    """The .dmn files of a path (a file, or a directory searched recursively)."""
    path = Path(path)
    return sorted(path.rglob("*.dmn")) if path.is_dir() else [path]
