"""Effective dates: each row of `serving` names the date from which its version determines requests.

A version is published (or rolled back to) with an effective date; the rows of `serving`, oldest
first, make each model's timeline (webapp.store.versions.timeline), and a request is determined by
the version in effect on its request date. Rows written before this revision have none (NULL): they
served every date, and their model's own Policy Parameters cell says the date their answers cite.
Adding a nullable column rewrites no row, so the append-only triggers stay as they are.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("serving", sa.Column("effective_date", sa.Date(), nullable=True))
