"""The change record: ``change_log`` (one entry per changed row per transaction, numbered per
device), ``change_head`` (the last change of each field of a row) and ``device`` (the ids this
database numbered its changes under). See legalaid.changes.

Rows that exist before this revision have no entry: the record starts here.

Revision ID: 0007_change_log
Revises: 0006_reference_ids
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_change_log"
down_revision = "0006_reference_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("device", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("bases", sa.Text(), nullable=False),
        sa.Column("hlc", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("schema_version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("device", "seq"),
    )
    op.create_index("ix_change_log_row_id", "change_log", ["row_id"])
    op.create_index("ix_change_log_case_id", "change_log", ["case_id"])
    op.create_table(
        "change_head",
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("heads", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id"),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hlc", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("device")
    op.drop_table("change_head")
    op.drop_index("ix_change_log_case_id", table_name="change_log")
    op.drop_index("ix_change_log_row_id", table_name="change_log")
    op.drop_table("change_log")
