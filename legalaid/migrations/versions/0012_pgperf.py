"""The case list's sort-key indexes on SQLite hold the row id and the case id (covering).

A page from the middle of a sorted list skips its first rows along the key's index; each
skipped row also needs its case id (merged households are left out), which the one-column
index did not hold: a random read of the table per skipped row (a page sorted by name from the
middle of 100,000 cases: 0.2-0.4 s, 3-8x the default order; read from the index alone, 0.03 s).
PostgreSQL's indexes hold both since 0011_sortkeys: nothing to do there.

Revision ID: 0012_pgperf
Revises: 0011_peer
"""

from alembic import op

from legalaid.migrations import pg

revision = "0012_pgperf"
down_revision = "0012_laptopprefix"
branch_labels = None
depends_on = None

COLUMNS = ("sort_name", "sort_number", "sort_status", "sort_crossing", "sort_hearing")


def upgrade() -> None:
    if pg.is_postgresql():
        return
    for name in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_case_search_{name}")
        op.execute(f"CREATE INDEX ix_case_search_{name} ON case_search ({name}, rowid, case_id)")


def downgrade() -> None:
    if pg.is_postgresql():
        return
    for name in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_case_search_{name}")
        op.execute(f"CREATE INDEX ix_case_search_{name} ON case_search ({name})")
