"""`rerun`: determine a backlog again under a model version (webapp.bulk.rerun)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from webapp.bulk import cases
from webapp.bulk.rerun import PARTITION_SIZE, rerun, version_source
from webapp.config import load_config
from webapp.serving import budgets, contract
from webapp.store.errors import DomainError
from webapp.store.stamps import now, sha256


def _instant(text: str) -> dt.datetime:
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 date or instant") from None
    return stamp.replace(tzinfo=dt.timezone.utc) if stamp.tzinfo is None else stamp.astimezone(dt.timezone.utc)


@click.command("rerun")
@click.option("--model", "model_id", required=True, help="the model id (its file stem in the models directory)")
@click.option("--version", "version", required=True,
              help="a DMN file, or a version number or sha256 of the model's versions")
@click.option("--from", "source", required=True, help="`audit`, or a .jsonl, .csv or .parquet file of requests")
@click.option("--since", help="with --from audit: records from this instant (ISO 8601; UTC without an offset)")
@click.option("--baseline", help="compare with this version (as --version) instead of the record "
                                 "(audit) or the version serving now (files)")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="output directory "
              "(default: var/rerun/<model>-<version>-<time>)")
@click.option("--scheduler", help="a Dask scheduler, tls://HOST:PORT, its client credentials from Dask's "
                                  "configuration (DASK_DISTRIBUTED__COMM__TLS__CA_FILE, __CLIENT__CERT, "
                                  "__CLIENT__KEY); default: a local cluster on TLS with credentials of its own")
@click.option("--workers", type=int, help="local cluster: worker processes (default: every core)")
@click.option("--partition-size", "size", type=click.IntRange(min=1), default=PARTITION_SIZE, show_default=True)
def rerun_command(model_id, version, source, since, baseline, out_dir, scheduler, workers, size):
    """Determine every case of a backlog again under a model version; per-case Parquet and a summary."""
    config = load_config()
    if since and source != cases.AUDIT:
        raise click.UsageError("--since applies to --from audit")
    if source != cases.AUDIT and not Path(source).exists():
        raise click.UsageError(f"--from {source!r}: no such file")
    try:
        new = version_source(model_id, version, config)
        old = version_source(model_id, baseline, config) if baseline is not None or source != cases.AUDIT else None
    except DomainError as exc:
        raise click.UsageError(exc.message) from None
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    out_dir = out_dir or Path(config["VAR_DIR"]) / "rerun" / f"{model_id}-{sha256(new)[:12]}-{stamp}"
    try:
        summary = rerun(model_id, new, source, out_dir, baseline=old,
                        since=_instant(since) if since else None, database_url=config["DATABASE_URL"],
                        scheduler=scheduler, workers=workers, size=size,
                        terms=contract.load(contract.contract_file(Path(config["MODELS_DIR"]), model_id)),
                        budget=budgets.evaluation(config))
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    for line in summary["lines"]:
        click.echo(line)
    click.echo(f"{summary['cases']} cases ({summary['invalid']} refused by the version's schema, "
               f"{summary['changed']} changed) in {summary['seconds']:.1f} s on {summary['workers']} workers; "
               f"per case: {out_dir / 'cases'}")
