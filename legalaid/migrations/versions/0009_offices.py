"""Offices: this home's office identity and keys, and the offices it exchanges records with.

Revision ID: 0009_offices
Revises: 0008_anumber_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_offices"
down_revision = "0008_anumber_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=6), nullable=False),
        sa.Column("sign_public", sa.String(), nullable=False),
        sa.Column("kem_public", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(length=35), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("receives_risk", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("trusted_at", sa.DateTime(), nullable=True),
        sa.Column("trusted_by", sa.String(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('self', 'added', 'trusted', 'revoked')", name="ck_office_state"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_office_name", "office", ["name"], unique=True)
    op.create_table(
        "office_secret",
        sa.Column("office_id", sa.String(length=36), nullable=False),
        sa.Column("sign_private", sa.String(), nullable=False),
        sa.Column("kem_private", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("office_id"),
    )


def downgrade() -> None:
    op.drop_table("office_secret")
    op.drop_index("ix_office_name", table_name="office")
    op.drop_table("office")
