"""Document log: every reminder, risk note, wallet card sheet and crossing list generated.

Each row keeps who, when, a SHA-256 of the file and the hearing facts the paper printed, so a
hearing whose date, time, place, crossing or report time changed afterwards can be flagged
"reminder out of date".

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KINDS = "('reminder', 'risk_note', 'wallet_cards', 'crossing_list')"


def upgrade() -> None:
    op.create_table(
        "document_log",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("case_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("hearing_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.CheckConstraint(f"kind IN {KINDS}", name="ck_document_log_kind"),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearing.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("document_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_log_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_document_log_hearing_kind", ["hearing_id", "kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document_log", schema=None) as batch_op:
        batch_op.drop_index("ix_document_log_hearing_kind")
        batch_op.drop_index(batch_op.f("ix_document_log_case_id"))
        batch_op.drop_index(batch_op.f("ix_document_log_at"))
    op.drop_table("document_log")
