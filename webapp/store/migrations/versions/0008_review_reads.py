"""Who read each evidence pack: one row per read (GET .../review, or the pack as a document), naming the
person and when. The review row names only who first asked for the evidence to be computed; an
approval's evidence is then shown with every person who read it, the approver among them.
Append-only like every table here (the same triggers, INSERT OR REPLACE refused on SQLite; the service
role may SELECT and INSERT).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review_reads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(64), sa.ForeignKey("reviews.digest"), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_reads_digest", "review_reads", ["digest", "id"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER review_reads_no_{verb.lower()} BEFORE {verb} ON review_reads "
                       "BEGIN SELECT RAISE(ABORT, 'review reads are append-only'); END")
        # INSERT OR REPLACE deletes without firing DELETE triggers (revision 0005 says more)
        op.execute("CREATE TRIGGER review_reads_no_replace BEFORE INSERT ON review_reads "
                   "WHEN EXISTS (SELECT 1 FROM review_reads WHERE id = NEW.id) "
                   "BEGIN SELECT RAISE(ABORT, 'review_reads is append-only: a row with this key exists'); END")
    elif dialect == "postgresql":
        # audit_append_only() is revision 0001's
        op.execute("CREATE TRIGGER review_reads_no_update BEFORE UPDATE OR DELETE ON review_reads "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        op.execute("CREATE TRIGGER review_reads_no_truncate BEFORE TRUNCATE ON review_reads "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")

