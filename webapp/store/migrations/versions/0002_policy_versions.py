"""Policy versions: every draft and published version of a model, its lifecycle, approvals with
their evidence, and what serves.

Every table is append-only, like the audit trail (the same triggers; on PostgreSQL the service role
is granted SELECT and INSERT only): a version's state is its newest step, what serves is the newest
row of `serving`, and a transition is one INSERT whose (version, seq) or (model, seq) must be new, so
two people acting on the same version at once cannot both succeed, and no history is rewritten.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("version_contents", "versions", "version_steps", "serving", "reviews", "file_checks")


def _stamp():
    return sa.Column("at", sa.DateTime(timezone=True), nullable=False)


def upgrade():
    op.create_table(
        "version_contents",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
        _stamp(),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("base_number", sa.Integer, nullable=True),
        sa.Column("author", sa.String(64), nullable=False),
        _stamp(),
        sa.UniqueConstraint("model_id", "number", name="uq_versions_model_number"),
    )
    op.create_table(
        "version_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("version_contents.sha256"), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        _stamp(),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.UniqueConstraint("version_id", "seq", name="uq_version_steps_seq"),
    )
    op.create_table(
        "serving",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        _stamp(),
        sa.UniqueConstraint("model_id", "seq", name="uq_serving_seq"),
    )
    op.create_table(
        "reviews",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        _stamp(),
        sa.Column("evidence", sa.Text, nullable=False),
    )
    op.create_table(
        "file_checks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("errors", sa.Text, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        _stamp(),
    )
    op.create_index("ix_version_steps_version", "version_steps", ["version_id", "seq"])
    op.create_index("ix_serving_model", "serving", ["model_id", "seq"])
    op.create_index("ix_file_checks_model", "file_checks", ["model_id", "id"])
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        if dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           "BEGIN SELECT RAISE(ABORT, 'version history is append-only'); END")
        elif dialect == "postgresql":
            # audit_append_only() is revision 0001's
            op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")
