"""Each laptop's own case-number series, given by the office server at its first sync.

Revision ID: 0012_laptopprefix
Revises: 0011_peer
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_laptopprefix"
down_revision = "0011_peer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_series",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("prefix", sa.String(12), nullable=True),
        sa.Column("letter", sa.String(1), nullable=True),
        sa.Column("device", sa.String(36), nullable=False),
        sa.Column("claimed_by", sa.String(120), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("prefix", "letter"),
    )


def downgrade() -> None:
    op.drop_table("number_series")
