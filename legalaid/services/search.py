"""Case search and listing: accent- and case-insensitive (FTS5, unicode61 remove_diacritics 2),
by names, A-number in any writing, and case number; sorting and paging happen in SQL."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from legalaid.anumber import looks_like_anumber, parse_anumber
from legalaid.context import AppContext

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 8
PRINCIPAL = "(SELECT p.{col} FROM person p WHERE p.case_id = c.id ORDER BY p.position LIMIT 1)"
NEXT_HEARING = (
    "(SELECT min(h.starts_at) FROM hearing h WHERE h.case_id = c.id"
    " AND h.status = 'scheduled' AND h.starts_at >= :now)"
)
SORT_KEYS = {
    "case_number": "c.case_number",
    "name": PRINCIPAL.format(col="family_names || ' ' || p.given_names") + " COLLATE fold",
    "crossing": "x.code",
    "status": "c.status",
    "next_hearing": f"{NEXT_HEARING} IS NULL, {NEXT_HEARING}",
    "updated": "c.updated_at",
}


@dataclass
class CaseRow:
    case_id: str
    case_number: str
    status: str
    principal: str
    a_number: str | None
    people: int
    crossing: str | None
    next_hearing: datetime | None
    updated_at: datetime


def fts_query(raw: str) -> str | None:
    """A safe FTS5 expression: every word as a prefix, all required; None when nothing to find."""
    cleaned = unicodedata.normalize("NFC", raw.replace("\x00", " "))[:500]
    if looks_like_anumber(cleaned):
        return f'"{parse_anumber(cleaned)}"'
    tokens = [t for t in _TOKEN.findall(cleaned) if t.strip("_")][:MAX_TOKENS]
    if not tokens:
        return None
    return " AND ".join(f'"{t}"*' for t in tokens)


def _filters(search: str, crossing: str | None, status: str | None) -> tuple[str, dict[str, Any]]:
    where = ["1=1"]
    params: dict[str, Any] = {}
    match = fts_query(search) if search.strip() else None
    if search.strip() and match is None:
        where.append("0")
    if match:
        where.append(
            "c.id IN (SELECT s.case_id FROM case_search s WHERE s.rowid IN "
            "(SELECT rowid FROM case_fts WHERE case_fts MATCH :match))"
        )
        params["match"] = match
    if crossing:
        where.append("x.code = :crossing")
        params["crossing"] = crossing.upper()
    if status:
        where.append("c.status = :status")
        params["status"] = status
    return " AND ".join(where), params


# The page is chosen first (only the sort key is computed for every match), then the columns
# shown are computed for that page alone.
LIST_SQL = """
WITH page AS (
  SELECT c.id, row_number() OVER () AS n FROM (
    SELECT c.id FROM "case" c LEFT JOIN crossing x ON x.id = c.crossing_id
    WHERE {where} ORDER BY {order}, c.case_number LIMIT :limit OFFSET :offset) c)
SELECT c.id, c.case_number, c.status, c.updated_at, x.code AS crossing_code,
  (SELECT p.given_names || ' ' || p.family_names FROM person p
     WHERE p.case_id = c.id ORDER BY p.position LIMIT 1) AS principal,
  (SELECT p.a_number FROM person p
     WHERE p.case_id = c.id ORDER BY p.position LIMIT 1) AS a_number,
  (SELECT count(*) FROM person p WHERE p.case_id = c.id AND p.active) AS people,
  {next_hearing} AS next_hearing
FROM page JOIN "case" c ON c.id = page.id LEFT JOIN crossing x ON x.id = c.crossing_id
ORDER BY page.n
"""


def search_cases(
    ctx: AppContext,
    search: str = "",
    *,
    crossing: str | None = None,
    status: str | None = None,
    order: str = "case_number",
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[CaseRow]:
    where, params = _filters(search, crossing, status)
    order_sql = SORT_KEYS.get(order, SORT_KEYS["case_number"])
    if descending:
        order_sql = ", ".join(f"{part} DESC" for part in order_sql.split(", "))
    sql = LIST_SQL.format(where=where, order=order_sql, next_hearing=NEXT_HEARING)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # the stored text form
    params.update(limit=max(0, limit), offset=max(0, offset), now=now)
    with ctx.db.connect() as conn:
        rows = conn.execute(text(sql), params).mappings().all()
    return [_case_row(r) for r in rows]


def _case_row(r: Any) -> CaseRow:
    updated = _utc(r["updated_at"])
    assert updated is not None
    return CaseRow(
        case_id=r["id"],
        case_number=r["case_number"],
        status=r["status"],
        principal=r["principal"] or "",
        a_number=r["a_number"],
        people=r["people"],
        crossing=r["crossing_code"],
        next_hearing=_utc(r["next_hearing"]),
        updated_at=updated,
    )


def _utc(value: Any) -> datetime | None:
    """Raw SQL returns the stored naive-UTC text; give back an aware UTC datetime."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC)


def count_cases(
    ctx: AppContext, search: str = "", *, crossing: str | None = None, status: str | None = None
) -> int:
    where, params = _filters(search, crossing, status)
    sql = (
        f'SELECT count(*) FROM "case" c LEFT JOIN crossing x ON x.id = c.crossing_id WHERE {where}'
    )
    with ctx.db.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())
