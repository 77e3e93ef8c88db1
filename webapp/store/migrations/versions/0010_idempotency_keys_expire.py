"""Idempotency keys expire: a key holds for 24 hours (webapp.store.idempotency), and the answer it keeps
is a copy of a determination about a member, so the service deletes a key's rows once they have expired.
Every other table stays append-only. The triggers now refuse an UPDATE as before, and a DELETE of a row
written less than 24 hours ago by the database's own clock; TRUNCATE stays refused on PostgreSQL, and
the service role may DELETE from this table alone (webapp.store.migrate). `at` is indexed for the
deletion.

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_REFUSED = "idempotency keys are kept 24 hours: only an expired one may be deleted"


def upgrade():
    op.create_index("ix_idempotency_keys_at", "idempotency_keys", ["at"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # `at` is stored as UTC text ('YYYY-MM-DD HH:MM:SS.ffffff'), so it compares with datetime()'s
        op.execute("DROP TRIGGER idempotency_keys_no_delete")
        op.execute("CREATE TRIGGER idempotency_keys_delete_expired_only BEFORE DELETE ON idempotency_keys "
                   "WHEN OLD.at > datetime('now', '-24 hours') "
                   f"BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER idempotency_keys_no_update ON idempotency_keys")
        # audit_append_only() is revision 0001's
        op.execute("CREATE TRIGGER idempotency_keys_no_update BEFORE UPDATE ON idempotency_keys "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        op.execute("CREATE FUNCTION idempotency_keys_expired_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN IF OLD.at > now() - interval '24 hours' THEN RAISE EXCEPTION '{_REFUSED}'; "
                   "END IF; RETURN OLD; END $$")
        op.execute("CREATE TRIGGER idempotency_keys_delete_expired_only BEFORE DELETE ON idempotency_keys "
                   "FOR EACH ROW EXECUTE FUNCTION idempotency_keys_expired_only()")
