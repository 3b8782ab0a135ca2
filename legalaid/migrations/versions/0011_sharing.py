"""A household's responsible office: which office took the case after a transfer.

Three nullable columns on ``case`` (the office's id, its name, when): captured like every
household field, so a transfer travels in the next exchange file.

Revision ID: 0011_sharing
Revises: 0011_dupes
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_sharing"
down_revision = "0011_dupes"
branch_labels = None
depends_on = None

COLUMNS = ("transferred_at", "responsible_office", "responsible_office_id")


def upgrade() -> None:
    op.add_column("case", sa.Column("responsible_office_id", sa.String(36), nullable=True))
    op.add_column("case", sa.Column("responsible_office", sa.String(120), nullable=True))
    op.add_column("case", sa.Column("transferred_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    for name in COLUMNS:
        op.execute(f'ALTER TABLE "case" DROP COLUMN {name}')
