"""Possible duplicate households decided by a person: ``case.merged_into`` (the household a
merged one points to), the merges (``household_merge``) and the pairs said to be different
(``duplicate_decision``).

``merged_into`` is a plain nullable column with no foreign key, so SQLite adds it in place (no
table rebuild, the search triggers on ``case`` stay as they are); its index is partial (only the
few merged households), which the case list reads to leave them out.

Revision ID: 0011_dupes
Revises: 0011_sortkeys
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_dupes"
down_revision = "0011_sortkeys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case", sa.Column("merged_into", sa.String(36), nullable=True))
    op.create_index(
        "ix_case_merged_into",
        "case",
        ["merged_into"],
        sqlite_where=sa.text("merged_into IS NOT NULL"),
        postgresql_where=sa.text("merged_into IS NOT NULL"),
    )
    op.create_table(
        "household_merge",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("merged_case_id", sa.String(36), nullable=False),
        sa.Column("moved", sa.Text(), nullable=False),
        sa.Column("merged_by", sa.String(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(), nullable=False),
    )
    op.create_index("ix_household_merge_case_id", "household_merge", ["case_id"])
    op.create_index("ix_household_merge_merged_case_id", "household_merge", ["merged_case_id"])
    op.create_table(
        "duplicate_decision",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("other_case_id", sa.String(36), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_duplicate_decision_case_id", "duplicate_decision", ["case_id"])
    op.create_index("ix_duplicate_decision_other_case_id", "duplicate_decision", ["other_case_id"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_decision_other_case_id", table_name="duplicate_decision")
    op.drop_index("ix_duplicate_decision_case_id", table_name="duplicate_decision")
    op.drop_table("duplicate_decision")
    op.drop_index("ix_household_merge_merged_case_id", table_name="household_merge")
    op.drop_index("ix_household_merge_case_id", table_name="household_merge")
    op.drop_table("household_merge")
    op.drop_index("ix_case_merged_into", table_name="case")
    op.drop_column("case", "merged_into")
