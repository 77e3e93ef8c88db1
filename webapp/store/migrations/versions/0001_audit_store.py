"""The audit store: one append-only row per determination, and the model versions served.

Append-only is enforced by the database itself: triggers refuse UPDATE and DELETE on evaluations
(SQLite and PostgreSQL alike), so no code path of the service, nor a hand-run statement, can
rewrite what was answered.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = [
    "CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
]
_POSTGRES_TRIGGERS = [
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$",
    "CREATE TRIGGER evaluations_no_update BEFORE UPDATE OR DELETE ON evaluations "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER evaluations_no_truncate BEFORE TRUNCATE ON evaluations "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
]


def upgrade():
    op.create_table(
        "evaluations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("endpoint", sa.String(60), nullable=False),
        sa.Column("caller", sa.String(64), nullable=False),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("outputs", sa.Text, nullable=False),
        sa.Column("matched_rules", sa.Text, nullable=False),
    )
    op.create_index("ix_evaluations_model_time", "evaluations", ["model_id", "created_at"])
    op.create_table(
        "model_versions",
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("model_id", "version"),
    )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRES_TRIGGERS}.get(dialect, []):
        op.execute(statement)
