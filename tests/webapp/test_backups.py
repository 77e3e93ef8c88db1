"""docs/deployment.md's backups and upgrades, done as written (issue 23 §4): an online SQLite backup
restored elsewhere verifies its audit chain, and `migrate --sql` writes the upgrade a DBA reviews
and runs, without touching the database."""
import os
import shutil
import subprocess
import sys

import psycopg
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from support.apps import ROOT
from support.databases import OWNER
from support.people import key_of, key_spec
from support.servers import Server
from webapp.cli import main
from webapp.store import migrate

DOCS = (ROOT / "docs" / "deployment.md").read_text()
EVAL = "/api/v1/models/simpletable/evaluate"
GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}


def _verify(var, head_file=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CAR_T_AUDIT_HEAD_FILE")}
    env["CAR_T_VAR_DIR"] = str(var)
    args = ["--head-file", str(head_file)] if head_file else []
    return subprocess.run([sys.executable, "-m", "webapp", "audit", "verify", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_an_online_sqlite_backup_restores_with_an_intact_chain(tmp_path):
    assert 'sqlite3 var/audit.sqlite3 ".backup' in DOCS and "audit verify --head-file" in DOCS
    server = Server(tmp_path / "live", workers=2, env_extra={"CAR_T_API_KEYS": key_spec()})
    backup = tmp_path / "backup"
    backup.mkdir()
    try:
        assert server.ready() == 200
        kept = [server.post(EVAL, GOOD, key_of("eve"))["evaluation_id"] for _ in range(3)]
        # as docs/deployment.md says: the running service's file, then its head file beside the copy
        subprocess.run(["sqlite3", str(server.db), f".backup '{backup / 'audit.sqlite3'}'"], check=True, timeout=300)
        shutil.copy(server.db.with_name("audit.sqlite3.chain-head"), backup / "audit.sqlite3.chain-head")
        lost = server.post(EVAL, GOOD, key_of("eve"))["evaluation_id"]
    finally:
        server.stop()

    restored = tmp_path / "restored" / "var"
    restored.mkdir(parents=True)
    shutil.copy(backup / "audit.sqlite3", restored / "audit.sqlite3")
    done = _verify(restored, backup / "audit.sqlite3.chain-head")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "audit chain intact: evaluations 3 rows" in done.stdout
    stored = create_engine(f"sqlite:///{restored / 'audit.sqlite3'}")
    with stored.connect() as connection:
        ids = {row[0] for row in connection.exec_driver_sql("SELECT id FROM evaluations")}
    stored.dispose()
    assert ids == set(kept) and lost not in ids
    # Against the live host's newer head, the restore is what it is: the newest record is missing.
    done = _verify(restored, server.db.with_name("audit.sqlite3.chain-head"))
    assert done.returncode == 1 and "audit chain BROKEN" in done.stdout


def test_migrate_sql_writes_the_upgrade_for_review_and_changes_nothing(postgres_server, monkeypatch, tmp_path):
    assert "python -m webapp migrate --sql" in DOCS
    dbname = postgres_server.create_database()
    url = postgres_server.url(dbname, OWNER)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CAR_T_VAR_DIR", str(tmp_path / "var"))
    try:
        result = CliRunner().invoke(main, ["migrate", "--sql"])
        assert result.exit_code == 0, result.output
        sql = result.output
        assert "CREATE TABLE evaluations" in sql and f"UPDATE alembic_version SET version_num='{migrate.head()}'" in sql
        engine = create_engine(url)
        try:
            assert inspect(engine).get_table_names() == []        # only read
        finally:
            engine.dispose()
        # The DBA runs it as the owner; `migrate` then finds nothing to do, and says so again.
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
            connection.execute(sql)
        assert CliRunner().invoke(main, ["migrate"]).output.strip() == f"database at revision {migrate.head()}"
        again = CliRunner().invoke(main, ["migrate", "--sql"])
        assert again.exit_code == 0 and again.output.startswith("-- the database is at the newest revision")
    finally:
        postgres_server.drop_database(dbname)


def test_migrate_sql_refuses_sqlite_in_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CAR_T_VAR_DIR", str(tmp_path / "var"))
    (tmp_path / "var").mkdir()
    result = CliRunner().invoke(main, ["migrate", "--sql"])
    assert result.exit_code == 1 and "--sql writes PostgreSQL's SQL" in result.output and "Traceback" not in result.output
