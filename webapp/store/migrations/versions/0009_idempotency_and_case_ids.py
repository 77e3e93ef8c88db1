"""Idempotency keys on determinations, and the caller's case reference on each audit record.

`idempotency_keys` (webapp.store.idempotency): each use of a caller's `Idempotency-Key` is a numbered
claim, `started`, then `answered` (with the answer sent) or `released`; the primary key (key, claim,
phase) lets only one of two racing requests start a claim. Append-only like every table here (the same
triggers, INSERT OR REPLACE refused on SQLite; the service role may SELECT and INSERT).

`evaluations.case_id`: the caller's own case reference (`X-Case-Id`), indexed for the audit search;
null for records made without one, and before this revision (their chain hashes do not change:
webapp.store.chain.evaluation_digest).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("evaluations", sa.Column("case_id", sa.String(200), nullable=True))
    op.create_index("ix_evaluations_case_id", "evaluations", ["case_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("claim", sa.Integer, nullable=False),
        sa.Column("phase", sa.String(10), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer, nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("key_id", "claim", "phase"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER idempotency_keys_no_{verb.lower()} BEFORE {verb} ON idempotency_keys "
                       "BEGIN SELECT RAISE(ABORT, 'idempotency keys are append-only'); END")
        # INSERT OR REPLACE deletes without firing DELETE triggers (revision 0005 says more)
        op.execute("CREATE TRIGGER idempotency_keys_no_replace BEFORE INSERT ON idempotency_keys "
                   "WHEN EXISTS (SELECT 1 FROM idempotency_keys WHERE key_id = NEW.key_id AND claim = NEW.claim "
                   "AND phase = NEW.phase) "
                   "BEGIN SELECT RAISE(ABORT, 'idempotency_keys is append-only: a row with this key exists'); END")
    elif dialect == "postgresql":
        # audit_append_only() is revision 0001's
        op.execute("CREATE TRIGGER idempotency_keys_no_update BEFORE UPDATE OR DELETE ON idempotency_keys "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        op.execute("CREATE TRIGGER idempotency_keys_no_truncate BEFORE TRUNCATE ON idempotency_keys "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")
