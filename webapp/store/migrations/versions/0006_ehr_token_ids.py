"""The EHR channel's token ids: every JWT an EHR signs is accepted once (webapp.ehr.jwt_auth).

`ehr_token_ids` holds the sha256 of each accepted token's issuer and `jti`, with its expiry: a token
replayed to any worker or replica meets its own row and is refused. Append-only like every table here
(the same triggers, INSERT OR REPLACE refused on SQLite; the service role may SELECT and INSERT).

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ehr_token_ids",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER ehr_token_ids_no_{verb.lower()} BEFORE {verb} ON ehr_token_ids "
                       "BEGIN SELECT RAISE(ABORT, 'token ids are append-only'); END")
        # INSERT OR REPLACE deletes without firing DELETE triggers (revision 0005 says more)
        op.execute("CREATE TRIGGER ehr_token_ids_no_replace BEFORE INSERT ON ehr_token_ids "
                   "WHEN EXISTS (SELECT 1 FROM ehr_token_ids WHERE id = NEW.id) "
                   "BEGIN SELECT RAISE(ABORT, 'ehr_token_ids is append-only: a row with this key exists'); END")
    elif dialect == "postgresql":
        # audit_append_only() is revision 0001's
        op.execute("CREATE TRIGGER ehr_token_ids_no_update BEFORE UPDATE OR DELETE ON ehr_token_ids "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        op.execute("CREATE TRIGGER ehr_token_ids_no_truncate BEFORE TRUNCATE ON ehr_token_ids "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")

