"""The governance commands: `validate` models, `export` their logic, `diff` two versions,
`normalize` a KIE-saved file and `test` the scenarios."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

import pydmn
from pydmn.analysis import model_files
from webapp.config import load_config
from webapp.governance import validation
from webapp.governance.normalize import normalize
from webapp.governance.scenarios import run_file, scenario_files
from webapp.serving import budgets
from webapp.serving.determination import DECISION
from webapp.store.stamps import sha256


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
        findings = validation.findings_of(path)
        report[str(path)] = [f.as_dict() for f in findings if not (quiet and f.severity == "info")]
        bad, shown = validation.lines(path, findings, strict, quiet)
        failed |= bad
        if fmt == "text":
            for line in shown:
                click.echo(line)
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
    from pydmn.analysis import diff_files
    diff = diff_files(old, new)
    impact, note = scenario_impact(old, new, scenarios, diff)
    if fmt == "html":
        from webapp.export.html_export import render_diff_html
        text = render_diff_html(diff, impact, note, sha256(old.read_bytes()),
                                sha256(new.read_bytes()))
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
    return [spec.get("decision", DECISION)] if isinstance(spec, dict) else []


@click.command("normalize")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of rewriting PATH in place.")
def normalize_command(path: Path, output: Path | None) -> None:
    """Rewrite PATH (as saved by the KIE editor) as DMN 1.3 without losing model content."""
    try:
        converted = normalize(path.read_bytes())
    except pydmn.ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    (output or path).write_bytes(converted)
    click.echo(f"{output or path}: DMN 1.3")


@click.command("test")
@click.argument("path", type=click.Path(exists=True, path_type=Path), default=Path("decisions"))
def test_command(path: Path) -> None:
    """Run the scenarios in PATH (a folder or a .scenarios.yaml file) and report unexercised rules."""
    ok = True
    budget = budgets.evaluation(load_config())
    for file in scenario_files(path):
        report = run_file(file, budget)
        passed = len(report.outcomes) - len(report.failed)
        click.echo(f"{file}: {passed}/{len(report.outcomes)} scenarios pass")
        for outcome in report.failed:
            ok = False
            click.echo(f"  FAIL {outcome.title} [{outcome.section}]")
            for problem in outcome.problems:
                click.echo(f"       {problem}")
        if report.unexercised:
            ok = False
            click.echo("  rules no scenario exercised:")
            for table, ids in report.unexercised.items():
                click.echo(f"    {table}: {', '.join(ids)}")
        else:
            click.echo("  every rule is exercised by some scenario (or named in not_reachable)")
        if report.reached_unreachable:
            ok = False
            click.echo(f"  named in not_reachable but reached by a scenario: {', '.join(report.reached_unreachable)}")
    raise SystemExit(0 if ok else 1)
