"""Conflicts that stop a reminder: a hearing's date, time, place or crossing, or an A-number
of its household, changed at two offices without either seeing the other. Until a person
decides, a paper could send the family to the wrong place at the wrong hour."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

HEARING_FIELDS = ("starts_at", "report_at", "zone", "crossing_id", "court_id", "status")
PERSON_FIELDS = ("a_number",)


def blocked_hearings(conn: Any, hearings: Iterable[tuple[str, str]]) -> set[str]:
    """Of ``(hearing id, case id)`` pairs, the hearings an open conflict blocks (plain DB-API
    or SQLAlchemy connection; no table yet means nothing blocked)."""
    pairs = list(hearings)
    if not pairs:
        return set()
    hearing_fields = ", ".join(f"'{f}'" for f in HEARING_FIELDS)
    person_fields = ", ".join(f"'{f}'" for f in PERSON_FIELDS)
    query = (
        "SELECT table_name, row_id, case_id FROM conflict WHERE state = 'open' AND ("
        f"(table_name = 'hearing' AND field IN ({hearing_fields})) OR "
        f"(table_name = 'person' AND field IN ({person_fields})))"
    )
    execute = getattr(conn, "exec_driver_sql", None) or conn.execute
    try:
        rows = list(execute(query))
    except Exception as error:  # a database from before the exchange: no conflict table
        if "conflict" in str(error):
            return set()
        raise
    hearings_in = {row_id for table, row_id, _case in rows if table == "hearing"}
    cases_in = {case for table, _row, case in rows if table == "person"}
    return {h for h, case in pairs if h in hearings_in or case in cases_in}


def count_open_conflicts(ctx: Any) -> int:
    """Open conflicts between offices, on a plain read connection: the status bar counts them
    while the ORM is still loading on another thread (no SQLAlchemy import here)."""
    with ctx.db.query() as conn:
        row = conn.execute("SELECT count(*) FROM conflict WHERE state = 'open'").fetchone()
    return int(row[0])
