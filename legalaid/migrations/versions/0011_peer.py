"""Signed changes: each device's key vouched for by its office, each change's signature.

Revision ID: 0011_peer
Revises: 0011_sharing
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_peer"
down_revision = "0011_sharing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_key",
        sa.Column("device", sa.String(36), primary_key=True),
        sa.Column("office_id", sa.String(36), nullable=False),
        sa.Column("public", sa.String(64), nullable=False),
        sa.Column("private", sa.Text(), nullable=True),
        sa.Column("certificate", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "change_signature",
        sa.Column("device", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("signature", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("change_signature")
    op.drop_table("device_key")
