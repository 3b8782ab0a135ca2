"""The stored sort key of the case list's name order: the principal applicant's name, folded.

Sorting 100,000 cases by a name computed in each query (with a Python collation) took 1-7 s a
page; stored in ``case_search.sort_name`` and indexed, a page takes milliseconds. The key is
``fold("family given")`` of the case's first person: lower case without accents, so "Íñiguez"
sorts with the I's. SQL alone cannot fold accents (SQLite's lower() changes ASCII only), so the
application writes the key: after every ORM flush that touches a person or adds a case (a hook
on the session, so no service can forget it), after bulk inserts, and at start-up for any row
another program left without one (``NULL``). Plain DB-API connections only: no ORM import here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from legalaid.db import fold

CHUNK = 500  # SQLite's default limit on host parameters is 999 (older builds)

PRINCIPAL_NAMES = """SELECT s.case_id, (SELECT p.family_names || ' ' || p.given_names
    FROM person p WHERE p.case_id = s.case_id ORDER BY p.position LIMIT 1)
    FROM case_search s WHERE s.case_id IN ({marks})"""


def sort_key(family_names: str | None, given_names: str | None) -> str:
    return _key(f"{family_names or ''} {given_names or ''}")


def _key(name: str | None) -> str:
    return fold(name or "").strip()


def sync_sort_names(conn: Any, case_ids: Iterable[str]) -> int:
    """Recompute the key of ``case_ids`` from their principal's name (inside the caller's
    transaction); returns how many keys were written."""
    ids = sorted(set(case_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = conn.execute(
            PRINCIPAL_NAMES.format(marks=",".join("?" * len(chunk))), chunk
        ).fetchall()
        conn.executemany(
            "UPDATE case_search SET sort_name = ? WHERE case_id = ?",
            [(_key(name), case_id) for case_id, name in rows],
        )
        written += len(rows)
    return written


def write_sort_names(conn: Any, keys: dict[str, str]) -> None:
    """Write keys already computed (bulk inserts know their principals' names)."""
    conn.executemany(
        "UPDATE case_search SET sort_name = ? WHERE case_id = ?",
        [(key, case_id) for case_id, key in keys.items()],
    )


def missing_sort_names(conn: Any) -> list[str]:
    """Cases whose key another program left empty (the index makes this a quick look)."""
    return [r[0] for r in conn.execute("SELECT case_id FROM case_search WHERE sort_name IS NULL")]
