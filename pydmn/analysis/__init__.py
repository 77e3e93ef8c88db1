"""Governance checks of DMN models: schema, semantics and decision table analysis.

    from pydmn.analysis import validate
    findings = validate("decisions/model.dmn")   # -> list[Finding]
    has_errors(findings)   # errors block a reload; warnings are shown only

Diffs of two versions are in `pydmn.analysis.diff`.
"""
from __future__ import annotations

from pathlib import Path

from pydmn.analysis.findings import Finding, has_errors
from pydmn.analysis.schema import validate_schema
from pydmn.analysis.semantics import Semantics, tables_of
from pydmn.analysis.tables import analyse_table
from pydmn.errors import ModelError
from pydmn.model.reader import parse_definitions, read_source

__all__ = ["Finding", "has_errors", "validate", "validate_definitions", "analyse_table",
           "validate_schema", "model_files"]


def validate_definitions(defs, file: str | None = None) -> list[Finding]:
    """Semantic checks and table analysis of an already read model."""
    semantics = Semantics(defs, file)
    findings = semantics.run()

    def column_info(clause):
        inputs = {i.name: i for i in defs.input_data.values()}
        ref = clause.type_ref or getattr(inputs.get((clause.text or "").strip()), "type_ref", None)
        return semantics.resolve(ref)

    for name, owner, table in tables_of(defs):
        for f in analyse_table(table, table.id or owner.id, column_info, name):
            findings.append(Finding(f.severity, f.code, f.message, f.element_id, f.rule_ids,
                                    f.line, file, f.example))
    return findings


def validate(source, engine_check: bool = True) -> list[Finding]:
    """Every finding for one model: path, bytes or XML text."""
    try:
        data, file = read_source(source)
    except ModelError as exc:
        return [Finding("error", "read", str(exc), file=exc.file)]
    findings = validate_schema(data, file)
    if any(f.code == "xml" for f in findings):
        return findings
    try:
        defs = parse_definitions(data, file)
    except ModelError as exc:
        return findings + [Finding("error", "model", str(exc), exc.element_id, (), exc.line, file)]
    findings += validate_definitions(defs, file)
    if engine_check and not any(f.severity == "error" for f in findings):
        findings += _engine_findings(data, file, _sibling_models(file) if defs.imports else [])
    return findings


def _sibling_models(file: str | None) -> list[str]:
    """Imported models are looked for next to the importing file (as modelers save them)."""
    if not file:
        return []
    here = Path(file).resolve()
    return [str(p) for p in sorted(here.parent.glob("*.dmn")) if p.resolve() != here]


def _engine_findings(data: bytes, file: str | None, imports=()) -> list[Finding]:
    """What the engine's loader rejects (names that do not resolve, anything it cannot compile)."""
    try:
        import pydmn
        load = getattr(pydmn, "load", None)
        if load is None:
            from pydmn.evaluation.engine import Model
            load = Model.load
    except ImportError:
        return []
    try:
        load(data, imports=list(imports))
    except ImportError as exc:    # the engine is incomplete: report, do not block
        return [Finding("info", "engine-unchecked", f"the engine could not load the model: {exc}",
                        file=file)]
    except ModelError as exc:
        return [Finding("error", "model", str(exc).removeprefix(", "), exc.element_id, (), exc.line, file)]
    except Exception as exc:      # noqa: BLE001 - any loader failure means the service cannot run it
        code = "feel-syntax" if type(exc).__name__ == "FeelSyntaxError" else "model"
        return [Finding("error", code, str(exc), getattr(exc, "element_id", None), (), None, file)]
    return []


def model_files(path) -> list[Path]:
    """The .dmn files of a path (a file, or a directory searched recursively)."""
    path = Path(path)
    return sorted(path.rglob("*.dmn")) if path.is_dir() else [path]
