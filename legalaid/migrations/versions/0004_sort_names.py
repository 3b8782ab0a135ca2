"""A stored, indexed sort key for the case list's name order (see legalaid.sort_keys).

``case_search.sort_name`` holds the principal applicant's name folded (lower case, no
accents); the full-text index now follows the search text only, so writing a key does not
rewrite the case's full-text entry.

Revision ID: 0004
Revises: 0003
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

from legalaid.migrations import pg

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FTS_UPDATE = """CREATE TRIGGER case_search_au AFTER UPDATE OF body ON case_search BEGIN
    INSERT INTO case_fts(case_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO case_fts(rowid, body) VALUES (new.rowid, new.body); END"""
FTS_UPDATE_0002 = """CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN
    INSERT INTO case_fts(case_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO case_fts(rowid, body) VALUES (new.rowid, new.body); END"""


def _fold(text: str) -> str:
    """legalaid.db.fold as of this revision (a migration keeps its own copy)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def upgrade() -> None:
    if not pg.is_postgresql():  # PostgreSQL's tsv column follows the body by itself
        op.execute("DROP TRIGGER IF EXISTS case_search_au")
        op.execute(FTS_UPDATE)
    op.execute("ALTER TABLE case_search ADD COLUMN sort_name TEXT")
    conn = op.get_bind()
    rows = conn.exec_driver_sql(
        """SELECT s.case_id, (SELECT p.family_names || ' ' || p.given_names FROM person p
            WHERE p.case_id = s.case_id ORDER BY p.position LIMIT 1) FROM case_search s"""
    ).all()
    if rows:
        conn.execute(
            sa.text("UPDATE case_search SET sort_name = :name WHERE case_id = :case_id"),
            [{"name": _fold(name or ""), "case_id": case_id} for case_id, name in rows],
        )
    op.execute("CREATE INDEX ix_case_search_sort_name ON case_search (sort_name)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_case_search_sort_name")
    op.execute("ALTER TABLE case_search DROP COLUMN sort_name")
    if not pg.is_postgresql():
        op.execute("DROP TRIGGER IF EXISTS case_search_au")
        op.execute(FTS_UPDATE_0002)
