"""`python -m webapp` / `car-t-service`: serve, evaluate, keys, test, validate, export, diff, normalize,
audit verify."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from webapp.store.keys import ROLES, KeyConfigError, key_entry, new_key, parse_roles
from webapp.config import HOME, ConfigError, load_config, server_settings
from webapp.cli.bulk import rerun_command
from webapp.cli.governance import diff_command, export_command, normalize_command, test_command, validate_command
from webapp.cli.store import audit_group, migrate_command, versions_command


class _Commands(click.Group):
    """Every command: a setting the service cannot use is one line naming it (webapp.config)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Commands)
def main():
    """The CAR-T decision service."""


@main.command()
@click.option("--host", default=lambda: os.environ.get("HOST") or "127.0.0.1", show_default="127.0.0.1 or $HOST",
              help="the address to listen on; gunicorn's own --bind (GUNICORN_CMD_ARGS) wins when given")
@click.option("--port", default=lambda: os.environ.get("PORT") or "8000", show_default="8000 or $PORT")
@click.option("--workers", default=None, type=int)
def serve(host, port, workers):
    """Serve with gunicorn on HOST:PORT (webapp/gunicorn_conf.py checks every setting first; without
    CAR_T_API_KEYS it starts only for `make run`, CAR_T_DEVELOPMENT=1, and prints a development key)."""
    os.environ.update(HOST=host, PORT=str(port))
    try:
        load_config(), server_settings()
    except ConfigError as exc:        # the same line the gunicorn master gives
        sys.exit(f"error: {exc}")
    args = [sys.executable, "-m", "gunicorn", "-c", str(Path(__file__).resolve().parents[1] / "gunicorn_conf.py"),
            "webapp.wsgi:app"]
    if workers:
        args += ["--workers", str(workers)]
    os.chdir(HOME)
    os.execv(sys.executable, args)


@main.command()
@click.argument("model")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--decision", "decisions", multiple=True, help="decision to answer (default: all)")
def evaluate(model, file, decisions):
    """Evaluate MODEL (a .dmn path or a model id in decisions/) with the inputs in FILE.json
    (the inputs object, or a body {"inputs": {...}}), checked against the model's schema."""
    import pydmn
    from webapp.serving.evaluation import decision_json
    from webapp.serving.jsonvalues import BodyError, parse_body
    from webapp.serving.inputs import inputs_schema, validate_inputs
    path = Path(model)
    if not path.is_file():
        path = Path(load_config()["MODELS_DIR"]) / f"{model}.dmn"
    try:
        loaded = pydmn.load(path)
        inputs = parse_body(file.read_bytes())
    except (pydmn.DMNError, BodyError) as exc:
        raise click.ClickException(str(exc)) from None
    if isinstance(inputs, dict) and isinstance(inputs.get("inputs"), dict):
        inputs = inputs["inputs"]
    inputs, errors = validate_inputs(inputs_schema(loaded, False, "Inputs"), inputs)
    if errors:
        raise click.ClickException(f"the inputs do not match the model's data types: {json.dumps(errors)}")
    unknown = [n for n in decisions if n not in loaded.definitions.decisions]
    if unknown:
        raise click.UsageError(f"no decision named {', '.join(map(repr, unknown))}")
    result = loaded.evaluate(inputs, decision=list(decisions) or None)
    names = list(decisions) or list(result.decisions)
    click.echo(json.dumps({n: decision_json(result.decisions[n]) for n in names}, indent=2, default=str))


@main.command()
@click.option("--name", required=True, help="the person (or calling system) the key belongs to: four eyes "
                                            "compares names, and every record shows it")
@click.option("--roles", default=",".join(ROLES), show_default=True,
              help=f"comma-separated, among: {', '.join(ROLES)}")
def keys(name, roles):
    """Make an API key for a named person: prints the key (give it to them) and the configuration
    entry (the key's hash, its roles and the name)."""
    key, digest = new_key()
    try:
        entry = key_entry(digest, parse_roles(roles), name)
    except KeyConfigError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"API key: {key}")
    click.echo(f"CAR_T_API_KEYS entry: {entry}")


for _command in (test_command, normalize_command, validate_command, export_command, diff_command,
                 migrate_command, rerun_command, versions_command, audit_group):
    main.add_command(_command)
