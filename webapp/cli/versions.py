"""`python -m webapp versions export MODEL VERSION -o FILE`: a version from the database, back
into a file for git (the database is the source of truth for what serves)."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from webapp.api.errors import ApiError


@click.group("versions")
def versions_command():
    """Policy versions kept in the database (DATABASE_URL)."""


@versions_command.command("export")
@click.argument("model")
@click.argument("version", type=click.IntRange(min=1))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write, e.g. decisions/MODEL.dmn.")
def export_command(model: str, version: int, output: Path):
    """Write version VERSION of MODEL to a file, byte for byte as stored."""
    from webapp.store.audit import AuditStore
    from webapp.config import load_config
    from webapp.store.migrate import sqlite_path
    from webapp.store.versions import VersionStore
    url = load_config()["DATABASE_URL"]
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise click.ClickException(f"no database at {path}: start the service once (make run), or set DATABASE_URL")
    audit = AuditStore(url)
    try:
        store = VersionStore(audit.engine)
        found = store.get(model, version)
        content = store.content(found.sha256)
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    except SQLAlchemyError as exc:
        raise click.ClickException(f"cannot read the versions: {type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0][:200]}") from None
    finally:
        audit.close()
    output.write_bytes(content)
    click.echo(f"{output}: {model} version {version} ({found.state}, sha256 {found.sha256})")
