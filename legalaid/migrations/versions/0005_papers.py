"""The papers and the search: a crossing may report at another crossing; messages in the
document log; a search index with one row per person, to rank the best match first.

``crossing.report_at_code`` names the crossing where a crossing's households stand to report
(Calexico's reported at San Ysidro); existing homes get the shipped value for the crossings
that have one and that nobody gave one yet. The document log's kinds gain ``message`` (the
reminder text copied for WhatsApp or SMS states the same facts as the letter).

``person_search`` holds each person's names with their case's search row, kept current by
triggers on ``person`` like ``case_search``, mirrored into the FTS5 table ``person_fts``: a
search ranks first the cases where one person's name holds every word typed.

Revision ID: 0005_papers
Revises: 0004
"""

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from legalaid.migrations import pg

revision = "0005_papers"
down_revision = "0004"
branch_labels = None
depends_on = None

PERSON_STATEMENTS = [
    """CREATE TABLE person_search (
        rowid INTEGER PRIMARY KEY,
        person_id VARCHAR(36) NOT NULL UNIQUE REFERENCES person(id) ON DELETE CASCADE,
        case_rowid INTEGER NOT NULL,
        names TEXT NOT NULL)""",
    "CREATE INDEX ix_person_search_case_rowid ON person_search (case_rowid)",
    """CREATE VIRTUAL TABLE person_fts USING fts5(
        names, content='person_search', content_rowid='rowid', columnsize=0,
        tokenize="unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER person_search_ai AFTER INSERT ON person_search BEGIN
        INSERT INTO person_fts(rowid, names) VALUES (new.rowid, new.names); END""",
    """CREATE TRIGGER person_search_ad AFTER DELETE ON person_search BEGIN
        INSERT INTO person_fts(person_fts, rowid, names) VALUES ('delete', old.rowid, old.names);
        END""",
    """CREATE TRIGGER person_search_au AFTER UPDATE OF names ON person_search BEGIN
        INSERT INTO person_fts(person_fts, rowid, names) VALUES ('delete', old.rowid, old.names);
        INSERT INTO person_fts(rowid, names) VALUES (new.rowid, new.names); END""",
    """CREATE TRIGGER person_search_person_ai AFTER INSERT ON person BEGIN
        INSERT INTO person_search(person_id, case_rowid, names) VALUES (new.id,
            coalesce((SELECT rowid FROM case_search WHERE case_id = new.case_id), 0),
            new.given_names || ' ' || new.family_names); END""",
    """CREATE TRIGGER person_search_person_au
        AFTER UPDATE OF given_names, family_names, case_id ON person BEGIN
        UPDATE person_search SET names = new.given_names || ' ' || new.family_names,
            case_rowid = coalesce(
                (SELECT rowid FROM case_search WHERE case_id = new.case_id), 0)
        WHERE person_id = new.id; END""",
    """CREATE TRIGGER person_search_person_ad AFTER DELETE ON person BEGIN
        DELETE FROM person_search WHERE person_id = old.id; END""",
]
PERSON_BACKFILL = """INSERT INTO person_search(person_id, case_rowid, names)
    SELECT p.id, coalesce(s.rowid, 0), p.given_names || ' ' || p.family_names
    FROM person p LEFT JOIN case_search s ON s.case_id = p.case_id"""
PERSON_OBJECTS = (
    ("TRIGGER", "person_search_person_ad"),
    ("TRIGGER", "person_search_person_au"),
    ("TRIGGER", "person_search_person_ai"),
    ("TRIGGER", "person_search_au"),
    ("TRIGGER", "person_search_ad"),
    ("TRIGGER", "person_search_ai"),
    ("TABLE", "person_fts"),
    ("TABLE", "person_search"),
)

KINDS_0003 = "('reminder', 'risk_note', 'wallet_cards', 'crossing_list')"
KINDS = "('reminder', 'risk_note', 'wallet_cards', 'crossing_list', 'message')"


def _shipped_report_codes() -> dict[str, str]:
    """The ``report_at_code`` of each shipped crossing that has one (resources/data)."""
    import legalaid.resources

    folder = Path(next(iter(legalaid.resources.__path__)))
    data = json.loads((folder / "data" / "reference.json").read_text(encoding="utf-8"))
    return {
        row["code"]: row["report_at_code"] for row in data["crossings"] if row.get("report_at_code")
    }


def upgrade() -> None:
    op.add_column("crossing", sa.Column("report_at_code", sa.String(length=8), nullable=True))
    conn = op.get_bind()
    for code, report_at in _shipped_report_codes().items():
        conn.execute(
            sa.text(
                "UPDATE crossing SET report_at_code = :report_at"
                " WHERE code = :code AND report_at_code IS NULL"
                " AND EXISTS (SELECT 1 FROM crossing r WHERE r.code = :report_at)"
            ),
            {"code": code, "report_at": report_at},
        )
    _document_kinds(KINDS)
    for statement in pg.PERSON_SEARCH if pg.is_postgresql() else PERSON_STATEMENTS:
        op.execute(statement)
    op.execute(PERSON_BACKFILL)


def _document_kinds(kinds: str) -> None:
    """Replace the document log's CHECK on kinds (SQLite rebuilds the table to do it)."""
    if pg.is_postgresql():
        op.drop_constraint("ck_document_log_kind", "document_log", type_="check")
        op.create_check_constraint("ck_document_log_kind", "document_log", f"kind IN {kinds}")
        return
    with op.batch_alter_table("document_log", recreate="always") as batch:
        batch.drop_constraint("ck_document_log_kind", type_="check")
        batch.create_check_constraint("ck_document_log_kind", f"kind IN {kinds}")


def downgrade() -> None:
    if pg.is_postgresql():
        for statement in pg.PERSON_SEARCH_DROP:
            op.execute(statement)
    else:
        for kind, name in PERSON_OBJECTS:
            op.execute(f"DROP {kind} IF EXISTS {name}")
    op.execute("DELETE FROM document_log WHERE kind = 'message'")
    _document_kinds(KINDS_0003)
    op.execute("ALTER TABLE crossing DROP COLUMN report_at_code")
