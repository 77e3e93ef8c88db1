"""The audit trail's hash chains (webapp/store/chain.py): every determination's record and every lifecycle
step carries its position, the previous row's hash and its own; and the results of `audit verify`.

Rows written before this revision join the chain here, in the order they were written (records by
(created_at, id), steps by id): the chain vouches for them as this migration found them, and an edit
made to them before it cannot be told. Nothing else changes them: the UPDATE triggers are lifted for
this one transaction and put back.

The chain columns are required (NOT NULL on PostgreSQL; a trigger on SQLite, whose ALTER TABLE cannot
add the constraint), so a row inserted without its place in the chain is refused, and `chain_seq` is
unique, so two appends can never take one position. On SQLite, INSERT OR REPLACE (and REPLACE) deletes
the row it collides with without firing DELETE triggers: every append-only table gets a BEFORE INSERT
trigger that refuses a row whose key exists (content-addressed tables keep the first row silently, as
their writers' ON CONFLICT DO NOTHING does). PostgreSQL has no such statement; its ON CONFLICT DO
UPDATE is an UPDATE, which the triggers of 0001 and 0002 refuse.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import context, op

from webapp.store import chain

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 1000
# the append-only tables (0001, 0002, 0003, this one) -> the columns of each unique key (SQLite's REPLACE
# deletes the row holding any of them)
_KEYS = {
    "evaluations": [["id"], ["chain_seq"]],
    "version_steps": [["id"], ["version_id", "seq"], ["chain_seq"]],
    "versions": [["id"], ["model_id", "number"]],
    "serving": [["id"], ["model_id", "seq"]],
    "file_checks": [["id"]],
    "console_sessions": [["id"]],
    "audit_verifications": [["id"]],
}
_FIRST_ROW_KEPT = {"version_contents": [["sha256"]],
                   "reviews": [["digest"], ["version_id", "sha256", "serving_sha256", "scenarios_sha256"]]}  # 0004
_LINK = ("CREATE FUNCTION chain_link(prev text, digest text) RETURNS text LANGUAGE sql IMMUTABLE STRICT "
         "AS $$ SELECT encode(sha256(convert_to(prev || digest, 'UTF8')), 'hex') $$")


def upgrade():
    dialect = op.get_bind().dialect.name
    for table in chain.TABLES:
        op.add_column(table, sa.Column("chain_seq", sa.BigInteger, nullable=True))
        op.add_column(table, sa.Column("chain_prev", sa.String(64), nullable=True))
        op.add_column(table, sa.Column("chain_hash", sa.String(64), nullable=True))
    if not context.is_offline_mode():      # `migrate --sql` writes it only for a store without rows
        _with_updates_allowed(dialect, _chain_existing_rows)
    for table in chain.TABLES:
        op.create_index(f"uq_{table}_chain_seq", table, ["chain_seq"], unique=True)
    op.create_table(
        "audit_verifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clean", sa.Boolean, nullable=False),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("problems", sa.Integer, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
    )
    if dialect == "postgresql":
        for table in chain.TABLES:
            for column in chain.CHAIN_COLUMNS:
                op.alter_column(table, column, nullable=False)
        op.execute(_LINK)
        # audit_append_only() is revision 0001's
        op.execute("CREATE TRIGGER audit_verifications_no_update BEFORE UPDATE OR DELETE ON audit_verifications "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        op.execute("CREATE TRIGGER audit_verifications_no_truncate BEFORE TRUNCATE ON audit_verifications "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_verifications_no_{verb.lower()} BEFORE {verb} ON audit_verifications "
                       "BEGIN SELECT RAISE(ABORT, 'audit verifications are append-only'); END")
        for table in chain.TABLES:
            missing = " OR ".join(f"NEW.{c} IS NULL" for c in chain.CHAIN_COLUMNS)
            op.execute(f"CREATE TRIGGER {table}_chained BEFORE INSERT ON {table} WHEN {missing} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} rows join the audit chain: "
                       f"{', '.join(chain.CHAIN_COLUMNS)} are required'); END")
        for table, keys in _KEYS.items():
            op.execute(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {_exists(table, keys)} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: a row with this key exists'); END")
        for table, keys in _FIRST_ROW_KEPT.items():
            op.execute(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {_exists(table, keys)} "
                       "BEGIN SELECT RAISE(IGNORE); END")


def _exists(table: str, keys: list[list[str]]) -> str:
    match = " OR ".join("(" + " AND ".join(f"{c} = NEW.{c}" for c in key) + ")" for key in keys)
    return f"EXISTS (SELECT 1 FROM {table} WHERE {match})"


def _with_updates_allowed(dialect: str, work) -> None:
    """Run work() with the chained tables' UPDATE triggers lifted (this transaction only)."""
    if dialect == "postgresql":
        for table in chain.TABLES:
            op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update")
        work()
        for table in chain.TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_update")
    else:
        for table in chain.TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        work()
        op.execute("CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations "      # as 0001
                   "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END")
        op.execute("CREATE TRIGGER version_steps_no_update BEFORE UPDATE ON version_steps "  # as 0002
                   "BEGIN SELECT RAISE(ABORT, 'version history is append-only'); END")


def _chain_existing_rows() -> None:
    bind = op.get_bind()
    evaluations = sa.table("evaluations", *(sa.column(c) for c in (
        "id", "model_id", "model_version", "endpoint", "caller", "caller_name", "inputs", "outputs",
        "matched_rules")),
        sa.column("created_at", sa.DateTime(timezone=True)))
    steps = sa.table("version_steps", *(sa.column(c) for c in (
        "id", "version_id", "seq", "action", "state", "sha256", "actor", "comment", "details")),
        sa.column("at", sa.DateTime(timezone=True)))
    versions = sa.table("versions", *(sa.column(c) for c in (
        "id", "model_id", "number", "origin", "base_number", "author")))

    def evaluation_pages():
        key = sa.tuple_(evaluations.c.created_at, evaluations.c.id)
        last = None
        while True:
            query = sa.select(evaluations).order_by(evaluations.c.created_at, evaluations.c.id).limit(_BATCH)
            if last is not None:
                query = query.where(key > sa.tuple_(*last))
            rows = bind.execute(query).mappings().all()
            if not rows:
                return
            yield [(r["id"], chain.evaluation_digest(r)) for r in rows]
            last = (rows[-1]["created_at"], rows[-1]["id"])

    def step_pages():
        last = 0
        while True:
            rows = bind.execute(
                sa.select(steps, versions.c.model_id, versions.c.number, versions.c.origin,
                          versions.c.base_number, versions.c.author)
                .select_from(steps.join(versions, versions.c.id == steps.c.version_id))
                .where(steps.c.id > last).order_by(steps.c.id).limit(_BATCH)).mappings().all()
            if not rows:
                return
            yield [(r["id"], chain.step_digest(r, r)) for r in rows]
            last = rows[-1]["id"]

    for table, pages in (("evaluations", evaluation_pages()), ("version_steps", step_pages())):
        seq, prev = 0, chain.GENESIS
        update = sa.text(f"UPDATE {table} SET chain_seq = :seq, chain_prev = :prev, chain_hash = :hash "
                         "WHERE id = :id")
        for page in pages:
            values = []
            for row_id, digest in page:
                seq, hashed = seq + 1, chain.link(prev, digest)
                values.append({"id": row_id, "seq": seq, "prev": prev, "hash": hashed})
                prev = hashed
            bind.execute(update, values)
