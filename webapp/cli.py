"""`python -m webapp` / `car-t-service`: serve, evaluate MODEL FILE.json, keys, and the other parts' commands."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from webapp.config import ROOT


@click.group()
def main():
    """The CAR-T decision service."""


@main.command()
@click.option("--port", default=lambda: int(os.environ.get("PORT", 8000)), show_default="8000 or $PORT")
@click.option("--workers", default=None, type=int)
def serve(port, workers):
    """Serve with gunicorn on 127.0.0.1 (prints a development key when none is configured)."""
    args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "webapp" / "gunicorn_conf.py"),
            "--bind", f"127.0.0.1:{port}", "webapp.wsgi:app"]
    if workers:
        args += ["--workers", str(workers)]
    os.chdir(ROOT)
    os.execv(sys.executable, args)


@main.command()
@click.argument("model")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--decision", "decisions", multiple=True, help="decision to answer (default: all)")
def evaluate(model, file, decisions):
    """Evaluate MODEL (a .dmn path or a model id in decisions/) with the inputs in FILE.json."""
    import pydmn
    from webapp.evaluation import decision_json
    from webapp.jsonvalues import parse_body
    path = Path(model)
    if not path.is_file():
        path = ROOT / "decisions" / f"{model}.dmn"
    loaded = pydmn.load(path)
    inputs = parse_body(Path(file).read_bytes())
    if isinstance(inputs, dict) and isinstance(inputs.get("inputs"), dict):
        inputs = inputs["inputs"]
    result = loaded.evaluate(inputs, decision=list(decisions) or None)
    names = list(decisions) or list(result.decisions)
    click.echo(json.dumps({n: decision_json(result.decisions[n]) for n in names}, indent=2, default=str))


@main.command()
@click.option("--roles", default="evaluate,audit,admin", show_default=True)
def keys(roles):
    """Make an API key: prints the key (give it to the caller) and the configuration entry (hash)."""
    from webapp.auth import new_key, parse_keys
    key, digest = new_key()
    entry = f"{digest}:{roles}"
    parse_keys(entry)
    click.echo(f"API key: {key}")
    click.echo(f"CAR_T_API_KEYS entry: {entry}")


# Commands written in other parts of the project (the lead wires these):
#   test      -> webapp.scenarios:test_command
#   normalize -> webapp.normalize:normalize_command
#   validate, export, diff -> webapp.governance_cli:validate_command, export_command, diff_command
_OTHER_COMMANDS = [("webapp.scenarios", "test_command"), ("webapp.normalize", "normalize_command"),
                   ("webapp.governance_cli", "validate_command"),
                   ("webapp.governance_cli", "export_command"), ("webapp.governance_cli", "diff_command")]


def _add_other_commands():
    import importlib
    for module, attribute in _OTHER_COMMANDS:
        try:
            main.add_command(getattr(importlib.import_module(module), attribute))
        except (ImportError, AttributeError) as exc:
            click.echo(f"warning: command {module}:{attribute} unavailable ({exc})", err=True)


_add_other_commands()
