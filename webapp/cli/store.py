"""The database's commands: `migrate`, `audit verify` (the hash chains) and `versions export` (a
version back into a file for git: the database is the source of truth for what serves)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from webapp.config import load_config
from webapp.store import chain, chain_heads
from webapp.store.audit import AuditStore
from webapp.store.chain_verify import record, verify
from webapp.store.errors import DomainError
from webapp.store.migrate import head, sqlite_path, upgrade, upgrade_sql
from webapp.governance.scenarios import beside, scenario_file_of
from webapp.store.versions import VersionStore


@click.command("migrate")
@click.option("--sql", is_flag=True, help="print the SQL of the upgrade from the database's revision instead of "
                                          "running it, for a DBA's review (PostgreSQL; the database is only read)")
def migrate_command(sql):
    """Bring the database (DATABASE_URL) to the newest schema revision. On PostgreSQL run it with
    the tables' owner: it also grants the service role what the service needs."""
    url = load_config()["DATABASE_URL"]
    try:
        if sql:
            click.echo(upgrade_sql(url) or f"-- the database is at the newest revision, {head()}: nothing to run\n", nl=False)
            return
        click.echo(f"database at revision {upgrade(url)}")
    except Exception as exc:      # one line; the URL may hold a password, the message does not
        raise click.ClickException(f"cannot upgrade the database: {type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0][:300]}") from None


@click.group("audit")
def audit_group():
    """The audit trail."""


@audit_group.command("verify")
@click.option("--head-file", "head_files", multiple=True, type=click.Path(path_type=Path),
              help="a head file to check against (default: the service's, CAR_T_AUDIT_HEAD_FILE); "
                   "with replicas on several hosts, give each host's")
@click.option("--log", "logs", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a log of the service: every 'audit chain head' line in it is checked too")
def verify_command(head_files, logs):
    """Check the hash chains of the audit records and lifecycle steps (DATABASE_URL): print every
    changed, replaced, inserted or deleted row and exit 1; record the result for /readyz."""
    config = load_config()
    url = config["DATABASE_URL"]
    files = list(head_files) or [chain_heads.location(url, config["VAR_DIR"], config["AUDIT_HEAD_FILE"])]
    engine = create_engine(url)
    try:
        report = verify(engine, files, logs)
        for problem in report.problems:
            click.echo(problem)
        rows = ", ".join(f"{table} {report.rows[table]} rows (to position {report.tails[table]})"
                         for table in chain.TABLES)
        click.echo(f"audit chain {'intact' if report.clean else 'BROKEN'}: {rows}; "
                   f"{len(report.problems)} problem(s)")
        try:
            record(engine, report)
        except SQLAlchemyError as exc:
            click.echo(f"warning: the result could not be recorded: {type(exc).__name__}", err=True)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"cannot read the audit store: {type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0][:300]}") from None
    finally:
        engine.dispose()
    sys.exit(0 if report.clean else 1)


@click.group("versions")
def versions_command():
    """Policy versions kept in the database (DATABASE_URL)."""


@versions_command.command("export")
@click.argument("model")
@click.argument("version", type=click.IntRange(min=1))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write, e.g. decisions/MODEL.dmn.")
def export_command(model: str, version: int, output: Path):
    """Write version VERSION of MODEL to a file, byte for byte as stored, and the scenarios saved with
    it beside it (MODEL.scenarios.yaml), so the file passes its own tests and the reload check."""
    url = load_config()["DATABASE_URL"]
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise click.ClickException(f"no database at {path}: start the service once (make run), or set DATABASE_URL")
    audit = AuditStore(url)
    try:
        store = VersionStore(audit.engine)
        found = store.get(model, version)
        content = store.content(found.sha256)
        scenarios = store.content(found.scenarios_sha256) if found.scenarios_sha256 else None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    except SQLAlchemyError as exc:
        raise click.ClickException(f"cannot read the versions: {type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0][:200]}") from None
    finally:
        audit.close()
    output.write_bytes(content)
    click.echo(f"{output}: {model} version {version} ({found.state}, sha256 {found.sha256})")
    if scenarios is not None:
        beside_it = scenario_file_of(output)
        beside_it.write_bytes(beside(scenarios, output))
        click.echo(f"{beside_it}: its scenarios (sha256 {found.scenarios_sha256})")
