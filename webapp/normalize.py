"""`python -m webapp normalize FILE`: bring a KIE-saved DMN 1.4-1.6 file back to DMN 1.3 for dmn-js."""
from __future__ import annotations

from pathlib import Path

import click

from pydmn.errors import ModelError
from pydmn.model.dmn13 import to_dmn13


@click.command("normalize")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of rewriting PATH in place.")
def normalize_command(path: Path, output: Path | None) -> None:
    """Rewrite PATH (as saved by the KIE editor) as DMN 1.3 without losing model content."""
    try:
        converted = to_dmn13(path.read_bytes())
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    (output or path).write_bytes(converted)
    click.echo(f"{output or path}: DMN 1.3")
