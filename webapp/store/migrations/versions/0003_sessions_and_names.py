"""Console sessions as rows of the database, and the name of a key's holder on each audit record.

`console_sessions` is a log, append-only like every table here (the same triggers; the service role
may SELECT and INSERT): a sign-in, a sign-out and a start of the service are each one row. A
session is alive while its sign-in is newer than the newest start and no sign-out names it
(webapp.store.sessions), so every worker and every replica agrees on it, and a sign-out or a restart ends
it everywhere. A session is named by the sha256 of its token; the token itself lives only in the
user's cookie.

`evaluations.caller_name`: the name of the person the key belongs to (webapp.api.auth), beside the key's
id in `caller`; empty for records made before keys had names, or with a key that has none.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("token", sa.String(64), nullable=True),
        sa.Column("key_hash", sa.String(64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_console_sessions_token", "console_sessions", ["token", "event"])
    op.create_index("ix_console_sessions_event", "console_sessions", ["event", "id"])
    op.add_column("evaluations", sa.Column("caller_name", sa.String(64), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER console_sessions_no_{verb.lower()} BEFORE {verb} ON console_sessions "
                       "BEGIN SELECT RAISE(ABORT, 'sessions are append-only'); END")
    elif dialect == "postgresql":
        # audit_append_only() is revision 0001's
        op.execute("CREATE TRIGGER console_sessions_no_update BEFORE UPDATE OR DELETE ON console_sessions "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        op.execute("CREATE TRIGGER console_sessions_no_truncate BEFORE TRUNCATE ON console_sessions "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")
