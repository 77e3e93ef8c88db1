"""A review is computed once per (version content, serving version, scenarios) and served from its
stored row after that: each review row names the serving version and the scenario file (their
sha256) it was computed against, and a unique index lets one row stand per key. Reviews stored
before this revision have neither and are never served again: the next GET computes one.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # "" when nothing serves or the model has no scenario file: NULLs would never collide in the index
    op.add_column("reviews", sa.Column("serving_sha256", sa.String(64), nullable=True))
    op.add_column("reviews", sa.Column("scenarios_sha256", sa.String(64), nullable=True))
    op.create_index("uq_reviews_key", "reviews", ["version_id", "sha256", "serving_sha256", "scenarios_sha256"],
                    unique=True)
