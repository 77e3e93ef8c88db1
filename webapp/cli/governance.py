"""Command line governance tools: validate models, export their logic, diff two versions.

The lead registers `validate_command`, `export_command` and `diff_command` under `python -m webapp`
as `validate`, `export` and `diff`.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pydmn.analysis import has_errors, model_files, validate


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--quiet", "-q", is_flag=True, help="Only errors and warnings, no notes.")
def validate_command(paths, fmt, strict, quiet):
    """Validate DMN files (or directories of them): schema, semantics, decision table analysis.

    Exits 1 when any model has errors (or warnings, with --strict)."""
    failed, report = False, {}
    for path in [f for p in paths for f in model_files(p)]:
        findings = validate(path)
        shown = [f for f in findings if not (quiet and f.severity == "info")]
        report[str(path)] = [f.as_dict() for f in shown]
        bad = has_errors(findings) or (strict and any(f.severity == "warning" for f in findings))
        failed |= bad
        if fmt == "text":
            counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
            click.echo(f"{path}: {'FAIL' if bad else 'ok'} ({counts['error']} errors, "
                       f"{counts['warning']} warnings, {counts['info']} notes)")
            for f in shown:
                click.echo(f"  {f.severity}: {f.code}" + (f" line {f.line}" if f.line else "")
                           + (f" ({f.where})" if f.where else "")
                           + (f" [{f.element_id}]" if f.element_id and not f.table else "")
                           + f": {f.message}")
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, default=str))
    sys.exit(1 if failed else 0)


@click.command("export")
@click.argument("model", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["html", "md", "csv", "xlsx", "pdf"]), default="html")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="File to write; a directory for one file per table with csv. Default: stdout "
                   "for html/md, else a file named after the model and version.")
def export_command(model, fmt, output):
    """Export a model's decision logic (html, md, csv, xlsx, pdf) for review."""
    from webapp.export import export_model
    from webapp.export.pdf import PdfUnavailable
    if fmt == "csv" and output is not None and (output.is_dir() or not output.suffix):
        from webapp.export.document import build_document
        from webapp.export.tabular import csv_files
        output.mkdir(parents=True, exist_ok=True)
        for name, text in csv_files(build_document(model)).items():
            (output / name).write_text(text, encoding="utf-8")
            click.echo(str(output / name))
        return
    try:
        content, _, name = export_model(model, fmt)
    except PdfUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if output is None and fmt in ("html", "md"):
        click.echo(content.decode("utf-8"), nl=False)
        return
    target = output or Path(name)
    if target.is_dir():
        target = target / name
    target.write_bytes(content)
    click.echo(str(target))


def _load_scenarios(path: Path, old: Path, old_model) -> list[tuple[str, dict]]:
    """The project's YAML scenario file (`*.scenarios.yaml`: base inputs and overrides), or JSON:
    a list of {"name", "inputs"} objects, or an object of name -> inputs."""
    from webapp.governance.scenarios import scenario_inputs
    if path.suffix.lower() in (".yaml", ".yml"):
        return scenario_inputs(old, old_model, file=path) or []
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        return list(data.items())
    return [(s.get("name") or s.get("id") or f"scenario {i + 1}", s.get("inputs", {}))
            for i, s in enumerate(data)]


@click.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json"]), default="text")
@click.option("--scenarios", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Scenarios to run on both versions: a *.scenarios.yaml file or JSON "
                   "(default: the scenarios beside OLD, when present).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
def diff_command(old, new, fmt, scenarios, output):
    """What changed between two versions of a model: first the scenario results it changes, then
    each rule, cell and expression."""
    import hashlib
    from pydmn.analysis import diff_files
    diff = diff_files(old, new)
    impact, note = scenario_impact(old, new, scenarios, diff)
    if fmt == "html":
        from webapp.export.html_export import render_diff_html
        text = render_diff_html(diff, impact, note, hashlib.sha256(old.read_bytes()).hexdigest(),
                                hashlib.sha256(new.read_bytes()).hexdigest())
    elif fmt == "json":
        text = json.dumps({"old": str(old), "new": str(new),
                           "impact": impact.as_dict() if impact else None, "scenarios_note": note,
                           "changes": [c.as_dict() for c in diff.changes]}, indent=2, default=str)
    else:
        text = "\n".join([*(impact.summary() if impact else [note]), "", diff.text()])
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(str(output))
    else:
        click.echo(text)


def scenario_impact(old: Path, new: Path, scenarios: Path | None, diff=None):
    """(Impact, None) when scenarios ran, else (None, why they did not): a diff never keeps
    quiet about scenario results it could not compute."""
    import pydmn
    from pydmn import analysis
    from webapp.governance.scenarios import scenario_file_of, scenario_inputs
    try:
        old_model = pydmn.load(str(old))
        new_model = pydmn.load(str(new))
    except pydmn.ModelError as exc:
        return None, f"No scenarios ran: a version does not load ({exc})."
    cases = _load_scenarios(scenarios, old, old_model) if scenarios else scenario_inputs(old, old_model)
    if cases is None:
        return None, (f"No scenarios ran: no --scenarios file was given and {old.name} has no "
                      f"{scenario_file_of(old).name} beside it.")
    if not cases:
        return None, f"No scenarios ran: {scenarios} holds no scenarios."
    return analysis.impact(old_model, new_model, cases, diff,
                           _checked(scenarios or scenario_file_of(old))), None


def _checked(file: Path) -> list[str]:
    """The decision a YAML scenario file checks (its `decision`), summarised first."""
    if file.suffix.lower() not in (".yaml", ".yml"):
        return []
    import yaml
    spec = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    return [spec.get("decision", "Determination")] if isinstance(spec, dict) else []
