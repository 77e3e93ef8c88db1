"""The validation report of a model (pydmn.analysis: schema, semantics, names, table analysis,
portability; and the service's own check that criteria rules are cited, webapp.governance.criteria),
one report with its three renderers: the API's JSON (`as_json`), the reload gate's
error and warning texts (`gate`), and the command line's lines (`lines`)."""
from __future__ import annotations

from pydmn.analysis import has_errors, validate
from webapp.governance import criteria

SEVERITIES = ("error", "warning", "info")
# Findings that refuse an upload outright rather than being reported on.
REFUSED = {"xml-dtd"}


def findings_of(source) -> list:
    """Every finding of a model (path or bytes): pydmn's, then the service's."""
    return validate(source) + criteria.findings(source)


def as_json(source) -> dict:
    """{"valid", "counts", "findings"} as the API answers them (it runs in the bounded child)."""
    findings = findings_of(source)
    return {"valid": not has_errors(findings),
            "counts": {s: sum(f.severity == s for f in findings) for s in SEVERITIES},
            "findings": [{k: v for k, v in f.as_dict().items() if k != "file"} for f in findings]}


def refused(report: dict) -> list[str]:
    """The messages of the findings in an `as_json` report that refuse the content outright."""
    return [f["message"] for f in report["findings"] if f["code"] in REFUSED]


def gate(path) -> tuple[list[str], list[str]]:
    """(errors, warnings) as texts, for the reload gate; notes are left out. An analysis bug rejects
    the model rather than taking the service down."""
    try:
        findings = findings_of(path)
    except Exception as exc:  # noqa: BLE001
        return [f"validation failed: {type(exc).__name__}: {exc}"], []
    texts = {"error": [], "warning": []}
    for f in findings:
        if f.severity in texts:
            where = f" ({f.element_id})" if f.element_id else ""
            texts[f.severity].append(f"{f.severity} {f.code}{where}: {f.message}")
    return texts["error"], texts["warning"]


def lines(path, findings, strict: bool = False, quiet: bool = False) -> tuple[bool, list[str]]:
    """(failed, the lines) of one model for a terminal: a summary line, then each finding."""
    bad = has_errors(findings) or (strict and any(f.severity == "warning" for f in findings))
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    out = [f"{path}: {'FAIL' if bad else 'ok'} ({counts['error']} errors, {counts['warning']} warnings, "
           f"{counts['info']} notes)"]
    for f in findings:
        if quiet and f.severity == "info":
            continue
        out.append(f"  {f.severity}: {f.code}" + (f" line {f.line}" if f.line else "")
                   + (f" ({f.where})" if f.where else "")
                   + (f" [{f.element_id}]" if f.element_id and not f.table else "")
                   + f": {f.message}")
    return bad, out
