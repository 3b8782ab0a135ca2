"""The stored sort keys of the case list: one column of ``case_search`` per order, indexed.

Sorting 100,000 cases by a value computed in each query took 0.06-7 s a page (a Python
collation for the name, a subquery a case for the next hearing, joins for the crossing and the
status); stored and indexed, a page is a walk along an index and takes milliseconds. The keys:

- ``sort_name``: ``fold("family given")`` of the case's first person: lower case without
  accents, so "Íñiguez" sorts with the I's (SQL alone cannot fold accents: SQLite's lower()
  changes ASCII only, so the application writes it);
- ``sort_number``: the case number; ``sort_status``: the case's status;
- ``sort_crossing``: the code of the case's crossing, '' when it has none;
- ``sort_hearing``: the start of the case's next scheduled hearing, as of the moment the key was
  written, or :data:`NO_HEARING` (after any date) when none is coming.

The application writes them all at once for a case: after every ORM flush that touches a case,
a person or a hearing (a hook on the session, so no service can forget it), after bulk inserts,
after a sync import, and at start-up for any row another program left without one (``NULL``).

``sort_hearing`` also goes stale by itself: when a hearing's time passes, the case's next
hearing is a later one. A key that is not stale is exact (no hearing began between the moment
it was written and now, or it would be that one), so only the keys earlier than now need
writing again: :func:`refresh_passed_hearings`, an index range that is usually empty, runs
before a page is sorted by next hearing and at start-up. Plain DB-API connections only (the
sqlite3 one, or legalaid.services.sql.PgConnection): no ORM import here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from legalaid.db import fold

CHUNK = 500  # SQLite's default limit on host parameters is 999 (older builds)

PRINCIPAL_NAMES = """SELECT s.case_id, (SELECT p.family_names || ' ' || p.given_names
    FROM person p WHERE p.case_id = s.case_id ORDER BY p.position LIMIT 1)
    FROM case_search s WHERE s.case_id IN ({marks})"""

# A case without a coming hearing sorts after every date.
NO_HEARING = {"sqlite": "'9999-12-31 23:59:59.999999'", "postgresql": "'infinity'::timestamp"}

# Every key of one case (parameters: the name key, now, the case id).
WRITE_KEYS = """UPDATE case_search SET sort_name = ?,
    sort_number = (SELECT c.case_number FROM "case" c WHERE c.id = case_search.case_id),
    sort_status = (SELECT c.status FROM "case" c WHERE c.id = case_search.case_id),
    sort_crossing = coalesce((SELECT x.code FROM "case" c JOIN crossing x
        ON x.id = c.crossing_id WHERE c.id = case_search.case_id), ''),
    sort_hearing = coalesce((SELECT min(h.starts_at) FROM hearing h
        WHERE h.case_id = case_search.case_id AND h.status = 'scheduled'
        AND h.starts_at >= ?), {no_hearing})
    WHERE case_id = ?"""

SORT_COLUMNS = ("sort_name", "sort_number", "sort_status", "sort_crossing", "sort_hearing")


def sort_key(family_names: str | None, given_names: str | None) -> str:
    return _key(f"{family_names or ''} {given_names or ''}")


def _key(name: str | None) -> str:
    return fold(name or "").strip()


def _dialect(conn: Any) -> str:
    name = getattr(conn, "dialect", None)
    return name if isinstance(name, str) else "sqlite"


def now_param(conn: Any, now: datetime | None = None) -> Any:
    """``now`` (UTC) as the hearing table stores it: naive-UTC text on SQLite, a naive
    datetime on PostgreSQL."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    if _dialect(conn) == "postgresql":
        return moment
    return moment.isoformat(" ", "microseconds")


def sync_sort_keys(conn: Any, case_ids: Iterable[str], now: datetime | None = None) -> int:
    """Recompute every key of ``case_ids`` (inside the caller's transaction); returns how many
    cases' keys were written."""
    ids = sorted(set(case_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = conn.execute(
            PRINCIPAL_NAMES.format(marks=",".join("?" * len(chunk))), chunk
        ).fetchall()
        write_sort_keys(conn, {case_id: _key(name) for case_id, name in rows}, now)
        written += len(rows)
    return written


# The name the session hook, the bulk path, start-up and sync call (all keys, not names only).
sync_sort_names = sync_sort_keys


def write_sort_keys(conn: Any, names: dict[str, str], now: datetime | None = None) -> None:
    """Write every key of the cases in ``names``, whose name keys are already computed (bulk
    inserts know their principals' names); the other keys are read from the tables."""
    if not names:
        return
    sql = WRITE_KEYS.format(no_hearing=NO_HEARING[_dialect(conn)])
    moment = now_param(conn, now)
    conn.executemany(sql, [(key, moment, case_id) for case_id, key in names.items()])


write_sort_names = write_sort_keys


def missing_sort_names(conn: Any, now: datetime | None = None) -> list[str]:
    """Cases whose keys another program left empty, or whose next hearing has passed (the
    indexes make this a quick look)."""
    found = {
        r[0]
        for r in conn.execute(
            "SELECT case_id FROM case_search WHERE sort_name IS NULL OR sort_number IS NULL"
            " OR sort_hearing IS NULL"
        )
    }
    return sorted(found | set(passed_hearings(conn, now)))


def passed_hearings(conn: Any, now: datetime | None = None) -> list[str]:
    """Cases whose stored next hearing has begun (their key needs the following one)."""
    rows = conn.execute(
        "SELECT case_id FROM case_search WHERE sort_hearing < ?", (now_param(conn, now),)
    )
    return [r[0] for r in rows]


def refresh_passed_hearings(conn: Any, now: datetime | None = None) -> int:
    """Write again the keys of cases whose next hearing has begun, on an autocommit connection
    (its own short transaction; nothing when none has). Returns how many were written."""
    stale = passed_hearings(conn, now)
    if not stale:
        return 0
    postgres = _dialect(conn) == "postgresql"
    conn.execute("BEGIN" if postgres else "BEGIN IMMEDIATE")
    try:
        written = sync_sort_keys(conn, stale, now)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return written
