"""Stored, indexed sort keys for the case list's other orders (see legalaid.sort_keys).

``case_search`` gains ``sort_number`` (the case number), ``sort_status``, ``sort_crossing``
(the crossing's code, '' for none) and ``sort_hearing`` (the next scheduled hearing, or a
date after any other when there is none), each indexed with the row id that breaks ties. The
name key (0004) gets the same two-column index on PostgreSQL, whose indexes do not hold the
row id by themselves.

Revision ID: 0011_sortkeys
Revises: 0010_sync
"""

from datetime import UTC, datetime

from alembic import op

from legalaid.migrations import pg

revision = "0011_sortkeys"
down_revision = "0010_sync"
branch_labels = None
depends_on = None

COLUMNS = ("sort_number", "sort_status", "sort_crossing", "sort_hearing")

# legalaid.sort_keys as of this revision (a migration keeps its own copy).
FILL = """UPDATE case_search SET
    sort_number = (SELECT c.case_number FROM "case" c WHERE c.id = case_search.case_id),
    sort_status = (SELECT c.status FROM "case" c WHERE c.id = case_search.case_id),
    sort_crossing = coalesce((SELECT x.code FROM "case" c JOIN crossing x
        ON x.id = c.crossing_id WHERE c.id = case_search.case_id), ''),
    sort_hearing = coalesce((SELECT min(h.starts_at) FROM hearing h
        WHERE h.case_id = case_search.case_id AND h.status = 'scheduled'
        AND h.starts_at >= {now}), {none})"""


def upgrade() -> None:
    postgres = pg.is_postgresql()
    hearing_type = "TIMESTAMP WITHOUT TIME ZONE" if postgres else "DATETIME"
    for name in COLUMNS:
        kind = hearing_type if name == "sort_hearing" else "TEXT"
        op.execute(f"ALTER TABLE case_search ADD COLUMN {name} {kind}")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if postgres:
        op.execute(FILL.format(now=f"'{now}'::timestamp", none="'infinity'::timestamp"))
    else:
        op.execute(FILL.format(now=f"'{now}'", none="'9999-12-31 23:59:59.999999'"))
    # SQLite's indexes end with the row id already; PostgreSQL's need it named.
    tie = ", rowid" if postgres else ""
    for name in COLUMNS:
        op.execute(f"CREATE INDEX ix_case_search_{name} ON case_search ({name}{tie})")
    if postgres:
        op.execute("CREATE INDEX ix_case_search_sort_name_rowid ON case_search (sort_name, rowid)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_case_search_sort_name_rowid")
    for name in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_case_search_{name}")
        op.execute(f"ALTER TABLE case_search DROP COLUMN {name}")
