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

# PostgreSQL's search triggers step aside while a bulk insert (legalaid.services.bulk) has set
# ``legalaid.bulk`` for its transaction: it indexes each household once, afterwards, as SQLite's
# bulk path does (the per-person refresh rewrote a case's search row once a person: a
# household of three four times, each with its full-text and trigram index entries).
BULK = "IF current_setting('legalaid.bulk', true) = 'on' THEN RETURN NULL; END IF;"
TRIGGER_FUNCTIONS = {
    "legalaid_case_search_case": """CREATE OR REPLACE FUNCTION legalaid_case_search_case()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {bulk} PERFORM legalaid_case_search_refresh(NEW.id); RETURN NULL; END $$""",
    "legalaid_case_search_person": """CREATE OR REPLACE FUNCTION legalaid_case_search_person()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {bulk}
            IF TG_OP <> 'DELETE' THEN PERFORM legalaid_case_search_refresh(NEW.case_id); END IF;
            IF TG_OP <> 'INSERT' THEN PERFORM legalaid_case_search_refresh(OLD.case_id); END IF;
            RETURN NULL;
        END $$""",
    "legalaid_person_search_person": """CREATE OR REPLACE FUNCTION
        legalaid_person_search_person() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {bulk}
            IF TG_OP = 'DELETE' THEN
                DELETE FROM person_search WHERE person_id = OLD.id;
            ELSIF TG_OP = 'INSERT' THEN
                INSERT INTO person_search(person_id, case_rowid, names) VALUES (NEW.id,
                    coalesce((SELECT rowid FROM case_search WHERE case_id = NEW.case_id), 0),
                    NEW.given_names || ' ' || NEW.family_names);
            ELSE
                UPDATE person_search SET names = NEW.given_names || ' ' || NEW.family_names,
                    case_rowid = coalesce(
                        (SELECT rowid FROM case_search WHERE case_id = NEW.case_id), 0)
                WHERE person_id = NEW.id;
            END IF;
            RETURN NULL;
        END $$""",
}

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
    # SQLite's indexes end with the row id already; PostgreSQL's need it named, and hold the
    # case id too, so a page from the middle is read from the index alone (a walk of the heap
    # in key order, a random read per skipped row, was 4x the default order at 100,000 cases).
    tie = ", rowid) INCLUDE (case_id" if postgres else ""
    for name in COLUMNS:
        op.execute(f"CREATE INDEX ix_case_search_{name} ON case_search ({name}{tie})")
    # The Upcoming view's pages (legalaid.services.upcoming): hearings in report-time order,
    # and the window's earliest report time read from an index alone.
    op.execute(
        "CREATE INDEX ix_hearing_report_order"
        " ON hearing (coalesce(report_at, starts_at), starts_at)"
    )
    op.create_index("ix_hearing_window", "hearing", ["starts_at", "report_at"])
    if postgres:
        op.execute(
            "CREATE INDEX ix_case_search_sort_name_rowid ON case_search (sort_name, rowid)"
            " INCLUDE (case_id)"
        )
        for function in TRIGGER_FUNCTIONS.values():
            op.execute(function.replace("{bulk}", BULK))


def downgrade() -> None:
    if pg.is_postgresql():
        for function in TRIGGER_FUNCTIONS.values():
            op.execute(function.replace("{bulk}", ""))
    op.execute("DROP INDEX IF EXISTS ix_case_search_sort_name_rowid")
    op.execute("DROP INDEX IF EXISTS ix_hearing_report_order")
    op.drop_index("ix_hearing_window", "hearing")
    for name in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_case_search_{name}")
        op.execute(f"ALTER TABLE case_search DROP COLUMN {name}")
