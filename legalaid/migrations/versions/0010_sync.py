"""Exchange between offices: shares, exchange files, conflicts and the decisions on them.

Revision ID: 0010_sync
Revises: 0007_change_log
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_sync"
down_revision = "0007_change_log"
branch_labels = None
depends_on = None


def _now() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("at", sa.DateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "case_share",
        sa.Column(
            "case_id", sa.String(36), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("office_id", sa.String(36), sa.ForeignKey("office.id"), primary_key=True),
        sa.Column("shared_at", sa.DateTime(), nullable=False),
        sa.Column("shared_by", sa.String(), nullable=False),
    )
    op.create_table(
        "exchange_file",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("direction", sa.String(8), primary_key=True),
        sa.Column("office_id", sa.String(36), sa.ForeignKey("office.id"), nullable=False),
        _now(),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("acknowledged", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_exchange_file_office_id", "exchange_file", ["office_id"])
    op.create_table(
        "exchange_sent",
        sa.Column("file_id", sa.String(32), primary_key=True),
        sa.Column("device", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("office_id", sa.String(36), nullable=False),
    )
    op.create_index(
        "ix_exchange_sent_office_change", "exchange_sent", ["office_id", "device", "seq"]
    )
    op.create_table(
        "conflict",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("table_name", sa.String(32), nullable=False),
        sa.Column("row_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("fork", sa.Text(), nullable=True),
        sa.Column("tips", sa.Text(), nullable=False),
        sa.Column("provisional", sa.Text(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_conflict_row_id", "conflict", ["row_id"])
    op.create_index("ix_conflict_case_id", "conflict", ["case_id"])
    op.create_table(
        "conflict_decision",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("table_name", sa.String(32), nullable=False),
        sa.Column("row_id", sa.String(36), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("over", sa.Text(), nullable=False),
        sa.Column("change", sa.String(80), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_conflict_decision_case_id", "conflict_decision", ["case_id"])
    op.create_table(
        "office_device",
        sa.Column("device", sa.String(36), primary_key=True),
        sa.Column("office_id", sa.String(36), sa.ForeignKey("office.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("office_device")
    op.drop_index("ix_conflict_decision_case_id", table_name="conflict_decision")
    op.drop_table("conflict_decision")
    op.drop_index("ix_conflict_case_id", table_name="conflict")
    op.drop_index("ix_conflict_row_id", table_name="conflict")
    op.drop_table("conflict")
    op.drop_index("ix_exchange_sent_office_change", table_name="exchange_sent")
    op.drop_table("exchange_sent")
    op.drop_index("ix_exchange_file_office_id", table_name="exchange_file")
    op.drop_table("exchange_file")
    op.drop_table("case_share")
