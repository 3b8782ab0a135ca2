"""Accent-insensitive case search (FTS5), list indexes, CHECK constraints on statuses.

The search index has one row per case in ``case_search`` (case number, every member's names and
nine-digit A-number), kept current by triggers on ``case`` and ``person`` so no write path can
forget it, and mirrored into the external-content FTS5 table ``case_fts``.

The CHECK constraints need a table rebuild (batch "move and copy"); the app runs migrations with
foreign keys off: with them on, the rebuild of ``case`` deleted every person (ON DELETE
CASCADE) in a measured trial.

On PostgreSQL the constraints are added in place, and ``case_search`` has a stored ``tsvector``
column (GIN index) in the accent-insensitive configuration ``legalaid_search`` plus a trigram
index for names typed with errors; plpgsql triggers keep it current (legalaid/migrations/pg.py).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from legalaid.migrations import pg

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CASE_STATUSES = "('open', 'closed', 'transferred', 'archived')"
HEARING_STATUSES = "('scheduled', 'attended', 'missed', 'postponed', 'cancelled', 'to_be_set')"

BODY = """(SELECT c.case_number || ' ' || coalesce((
        SELECT group_concat(p.given_names || ' ' || p.family_names || ' '
                            || coalesce(p.a_number, ''), ' ')
        FROM person p WHERE p.case_id = c.id), '')
    FROM "case" c WHERE c.id = {case_id})"""


def refresh(case_id: str) -> str:
    return (
        f"INSERT INTO case_search(case_id, body) "
        f"VALUES ({case_id}, {BODY.format(case_id=case_id)}) "
        "ON CONFLICT(case_id) DO UPDATE SET body = excluded.body;"
    )


STATEMENTS = [
    """CREATE TABLE case_search (
        rowid INTEGER PRIMARY KEY,
        case_id VARCHAR(36) NOT NULL UNIQUE REFERENCES "case"(id) ON DELETE CASCADE,
        body TEXT NOT NULL)""",
    """CREATE VIRTUAL TABLE case_fts USING fts5(
        body, content='case_search', content_rowid='rowid',
        tokenize="unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN
        INSERT INTO case_fts(rowid, body) VALUES (new.rowid, new.body); END""",
    """CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN
        INSERT INTO case_fts(case_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END""",
    """CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN
        INSERT INTO case_fts(case_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
        INSERT INTO case_fts(rowid, body) VALUES (new.rowid, new.body); END""",
    f"""CREATE TRIGGER case_search_case_ai AFTER INSERT ON "case" BEGIN
        {refresh("new.id")} END""",
    f"""CREATE TRIGGER case_search_case_au AFTER UPDATE OF case_number ON "case" BEGIN
        {refresh("new.id")} END""",
    f"""CREATE TRIGGER case_search_person_ai AFTER INSERT ON person BEGIN
        {refresh("new.case_id")} END""",
    f"""CREATE TRIGGER case_search_person_au
        AFTER UPDATE OF given_names, family_names, a_number, case_id ON person BEGIN
        {refresh("new.case_id")} {refresh("old.case_id")} END""",
    f"""CREATE TRIGGER case_search_person_ad AFTER DELETE ON person BEGIN
        {refresh("old.case_id")} END""",
]

BACKFILL = f"""INSERT INTO case_search(case_id, body)
    SELECT c.id, {BODY.format(case_id="c.id")} FROM "case" c"""


def upgrade() -> None:
    if pg.is_postgresql():
        pg.upgrade_0002(CASE_STATUSES, HEARING_STATUSES)
        return
    with op.batch_alter_table("case", recreate="always") as batch:
        batch.create_check_constraint("ck_case_status", f"status IN {CASE_STATUSES}")
    with op.batch_alter_table("hearing", recreate="always") as batch:
        batch.create_check_constraint("ck_hearing_status", f"status IN {HEARING_STATUSES}")
    op.create_index("ix_person_case_position", "person", ["case_id", "position"])
    op.create_index("ix_hearing_case_status_start", "hearing", ["case_id", "status", "starts_at"])
    for statement in STATEMENTS:
        op.execute(statement)
    op.execute(BACKFILL)


def downgrade() -> None:
    if pg.is_postgresql():
        pg.downgrade_0002()
        return
    for trigger in (
        "case_search_person_ad",
        "case_search_person_au",
        "case_search_person_ai",
        "case_search_case_au",
        "case_search_case_ai",
        "case_search_au",
        "case_search_ad",
        "case_search_ai",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS case_fts")
    op.drop_index("ix_hearing_case_status_start", "hearing")
    op.drop_index("ix_person_case_position", "person")
    op.execute("DROP TABLE IF EXISTS case_search")
    with op.batch_alter_table("hearing", recreate="always") as batch:
        batch.drop_constraint("ck_hearing_status", type_="check")
    with op.batch_alter_table("case", recreate="always") as batch:
        batch.drop_constraint("ck_case_status", type_="check")
