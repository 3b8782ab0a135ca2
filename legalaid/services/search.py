"""Case search and listing: accent- and case-insensitive (FTS5, unicode61 remove_diacritics 2),
by names, A-number in any writing, and case number; sorting and paging happen in SQL.

The default order is newest first, which is the order of the search index itself: FTS5 streams
its matches in that order, so even a one-letter search over 100,000 cases pages in milliseconds.
Other orders sort every match (still in SQL, off the UI thread in the client).

A search in the default order ranks the best match first, in tiers, each newest first: the
cases where one person's name holds every word typed as a whole word, then those where one
person's name holds every word (as the start of a word), then the rest (the words spread over
the household, or found in the case number or an A-number). A one-word search has two tiers:
the word whole, then as a start. The tiers are read from the per-person index
(``person_fts``) and merged in SQL, each in index order, so a page still streams. Each row
says which member matched best (``CaseRow.matched``).

The queries run on a plain DB-API connection (:meth:`Database.query`): the client's first
screen does not wait for SQLAlchemy to load.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from legalaid.anumber import looks_like_anumber, parse_anumber
from legalaid.context import AppContext
from legalaid.services.sql import POSTGRESQL, SQLITE, dialect_of
from legalaid.sort_keys import refresh_passed_hearings

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 8
NEXT_HEARING = (
    "(SELECT min(h.starts_at) FROM hearing h WHERE h.case_id = c.id"
    " AND h.status = 'scheduled' AND h.starts_at >= :now)"
)
# Each order's terms, the last one making it unique. Ties go by the search table's row (the
# order cases were entered). Every order but "updated" walks a stored, indexed key of the search
# table (legalaid.sort_keys), so a page needs no join and no sort of every case: computed per
# case, a page from the middle of 100,000 took 0.06-0.21 s (20-28x the default order).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "recent": ("{rowid} DESC",),
    "case_number": ("s.sort_number", "s.rowid"),
    "name": ("s.sort_name", "s.rowid"),
    "crossing": ("s.sort_crossing", "s.rowid"),
    "status": ("s.sort_status", "s.rowid"),
    # Cases without a coming hearing last: their key is a date after any other.
    "next_hearing": ("s.sort_hearing", "s.rowid"),
    "updated": ("c.updated_at", "s.rowid"),
}
# Orders that read the case table (the others need only the search table).
NEEDS_CASE = {"updated"}
DEFAULT_ORDER = "recent"


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
    # The member whose name best matches the search (the principal's when that one does, or
    # when there is no search by name).
    matched: str = ""
    transferred_to: str = ""  # the office responsible after a transfer (legalaid share)


# "TIJ-2026-00", "demo-2026": the start of a case number (office prefix, year, sequence).
_CASE_NUMBER_PREFIX = re.compile(r"[A-Za-z]{2,6}-\d{1,4}(?:-\d*)?|[A-Za-z]{2,6}-")
# "A 012-34", "a#01": the start of an A-number being typed.
_PARTIAL_ANUMBER = re.compile(r"[Aa]\s*#?\s*\d[\d\s.\-]*")


def case_number_prefix(raw: str) -> str | None:
    text = raw.strip()
    return text.upper() if _CASE_NUMBER_PREFIX.fullmatch(text) else None


def _cleaned(raw: str) -> str:
    return unicodedata.normalize("NFC", raw.replace("\x00", " "))[:500]


def fts_query(raw: str, dialect: str = SQLITE) -> str | None:
    """A safe FTS5 expression (on PostgreSQL a tsquery text): every word as a prefix, all
    required; None when nothing to find."""
    cleaned = _cleaned(raw)
    if looks_like_anumber(cleaned):
        return _term(parse_anumber(cleaned) or "", False, dialect)
    if _PARTIAL_ANUMBER.fullmatch(cleaned.strip()):
        digits = "".join(ch for ch in cleaned if ch.isdigit())
        # Under three digits every A-number matches: wait for more rather than list them all.
        return _term(digits, True, dialect) if len(digits) >= 3 else None
    tokens = name_tokens(raw)
    if not tokens:
        return None
    return _all_of(tokens, True, dialect)


def _term(token: str, prefix: bool, dialect: str) -> str:
    if dialect == POSTGRESQL:  # a tsquery lexeme; words are \w+, so never a quote in them
        return f"'{token}':*" if prefix else f"'{token}'"
    return f'"{token}"*' if prefix else f'"{token}"'


def _all_of(tokens: list[str], prefix: bool, dialect: str) -> str:
    joiner = " & " if dialect == POSTGRESQL else " AND "
    return joiner.join(_term(t, prefix, dialect) for t in tokens)


@dataclass(frozen=True)
class _FullText:
    """The full-text search's SQL on one database (``{param}``: the query's parameter)."""

    source: str  # the index joined to case_search s
    match: str  # the condition on the case index
    rowid: str  # the index's row (newest last)
    count: str  # matches counted on the index alone
    person: str  # case_search rows whose one person matches
    case: str  # case index rows that match


FULL_TEXT = {
    SQLITE: _FullText(
        source="case_fts f JOIN case_search s ON s.rowid = f.rowid",
        match="case_fts MATCH {param}",
        rowid="f.rowid",
        count="SELECT count(*) FROM case_fts WHERE case_fts MATCH {param}",
        person=(
            "SELECT ps.case_rowid FROM person_fts JOIN person_search ps"
            " ON ps.rowid = person_fts.rowid WHERE person_fts MATCH {param}"
        ),
        case="SELECT rowid FROM case_fts WHERE case_fts MATCH {param}",
    ),
    # legalaid/migrations/pg.py: tsvector columns kept by triggers, unaccented, lower case.
    POSTGRESQL: _FullText(
        source="case_search s",
        match="s.tsv @@ to_tsquery('public.legalaid_search', {param})",
        rowid="s.rowid",
        count=(
            "SELECT count(*) FROM case_search s"
            " WHERE s.tsv @@ to_tsquery('public.legalaid_search', {param})"
        ),
        person=(
            "SELECT ps.case_rowid FROM person_search ps"
            " WHERE ps.tsv @@ to_tsquery('public.legalaid_search', {param})"
        ),
        case=(
            "SELECT rowid FROM case_search"
            " WHERE tsv @@ to_tsquery('public.legalaid_search', {param})"
        ),
    ),
}
# The page of a ranked search, in the order of the ids given (a JSON list).
IDS_PAGE = {
    SQLITE: "SELECT value AS id FROM json_each(:ids)",
    POSTGRESQL: "SELECT value AS id FROM jsonb_array_elements_text(CAST(:ids AS jsonb)) value",
}


def name_tokens(raw: str) -> list[str]:
    """The words of a search by name (none for an A-number or a case number)."""
    cleaned = _cleaned(raw)
    if looks_like_anumber(cleaned) or _PARTIAL_ANUMBER.fullmatch(cleaned.strip()):
        return []
    if case_number_prefix(raw):
        return []
    return [t for t in _TOKEN.findall(cleaned) if t.strip("_")][:MAX_TOKENS]


@dataclass
class _Query:
    source: str
    where: str
    params: dict[str, Any]
    rowid: str
    plain_count: str | None  # a cheaper count when nothing but the text filters
    joined: bool = True  # whether ``source`` joins the case table (and the crossing's)
    joins: str = ""  # the joins of the case and crossing tables, for the ranked tiers
    filters: str = ""  # the crossing and status conditions (" AND ..."), for the ranked tiers


# Households merged into another (legalaid.services.duplicates) are left out of every list.
# Both read the partial index of the few merged households (migration 0011), not the table.
NOT_MERGED = 's.case_id NOT IN (SELECT id FROM "case" WHERE merged_into IS NOT NULL)'
MERGED_COUNT = 'SELECT count(*) FROM "case" WHERE merged_into IS NOT NULL'
# The merged households alone (a handful), read before the filters: counted apart, the status
# and crossing indexes stay the count's way to the rest.
MERGED_ROWS = 'WITH merged AS MATERIALIZED (SELECT * FROM "case" WHERE merged_into IS NOT NULL)'
CASE_JOIN = 'JOIN "case" c ON c.id = s.case_id'
# Only for a crossing filter or order: with it SQLite walked the case table first, and sorting
# by next hearing took 0.58 s a page instead of 0.32 s.
CROSSING_JOIN = "LEFT JOIN crossing x ON x.id = c.crossing_id"


def _query(
    search: str,
    crossing: str | None,
    status: str | None,
    order: str = DEFAULT_ORDER,
    dialect: str = SQLITE,
) -> _Query:
    where: list[str] = []
    params: dict[str, Any] = {}
    number = case_number_prefix(search)
    # Skipping rows (a deep page) through joins costs a join per skipped row: join only when
    # a filter or the order reads the case or its crossing.
    joined = bool(number or crossing or status or order in NEEDS_CASE)
    joins = CASE_JOIN if joined else ""
    if crossing:
        joins += f" {CROSSING_JOIN}"
    match = fts_query(search, dialect) if search.strip() and not number else None
    fts = FULL_TEXT[dialect]
    if number:
        # Walk the case-number index backwards: newest numbers first, no sort of all matches.
        source = f"case_search s {joins}"
        where.append("c.case_number >= :lo AND c.case_number < :hi")
        params.update(lo=number, hi=number + "\uffff")
        rowid = "c.case_number"
        plain = (
            'SELECT count(*) FROM "case" c WHERE c.case_number >= :lo AND c.case_number < :hi'
            " AND c.merged_into IS NULL"
        )

    elif match:
        source = f"{fts.source} {joins}"
        where.append(fts.match.format(param=":match"))
        params["match"] = match
        rowid, plain = fts.rowid, fts.count.format(param=":match")
    else:
        source, rowid = f"case_search s {joins}", "s.rowid"
        plain = f'SELECT (SELECT count(*) FROM "case") - ({MERGED_COUNT})'
        if search.strip():
            where.append("0" if dialect == SQLITE else "false")  # only punctuation: no match
    filters: list[str] = []
    if crossing:
        filters.append("x.code = :crossing")
        params["crossing"] = crossing.upper()
    if status:
        filters.append("c.status = :status")
        params["status"] = status
    counted = where + filters  # the filters-only count below reads the case table itself
    filters.append(NOT_MERGED)
    where += filters
    simple = not crossing and not status and (number or match or not search.strip())
    if not number and not match and not search.strip() and (crossing or status):
        # Filters alone: count the case table through its status and crossing indexes.
        tail = " c LEFT JOIN crossing x ON x.id = c.crossing_id WHERE " + " AND ".join(counted)
        plain = (
            f'SELECT (SELECT count(*) FROM "case"{tail})'
            f" - ({MERGED_ROWS} SELECT count(*) FROM merged{tail})"
        )
        simple = True
    return _Query(
        source,
        " AND ".join(where) or "1=1",
        params,
        rowid,
        plain if simple else None,
        joined,
        joins,
        "".join(f" AND {f}" for f in filters),
    )


# The ranked page (default order, a search by name): the tiers one after another, each read
# newest first straight from the full-text index (a compound SELECT with one ORDER BY sorted
# every match: 0.1-0.25 s for one letter at 100,000 cases). Each tier leaves out what an earlier
# one found; those sets are small (whole words, or every word in one person's name).
TIER_SQL = "SELECT s.case_id FROM {source} WHERE {where}{filters} ORDER BY {rowid} DESC"


def _tiers(
    query: _Query, tokens: list[str], dialect: str = SQLITE
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """The tiers' queries (rows newest first, and their count) and the extra parameters."""
    fts = FULL_TEXT[dialect]
    exact = _all_of(tokens, False, dialect)
    joins, filters = query.joins, query.filters
    fts_source = f"{fts.source} {joins}"
    plain_source = f"case_search s {joins}"
    match_exact, match = fts.match.format(param=":exact"), fts.match.format(param=":match")
    if len(tokens) == 1:  # one word: whole word first, then as the start of a word
        whole = fts.case.format(param=":exact")
        arms = [
            (fts_source, match_exact, fts.rowid),
            (fts_source, f"{match} AND {fts.rowid} NOT IN ({whole})", fts.rowid),
        ]
    else:
        one_whole = fts.person.format(param=":exact")
        one_start = fts.person.format(param=":match")
        second = f"s.rowid IN ({one_start}) AND s.rowid NOT IN ({one_whole})"
        if dialect == POSTGRESQL:
            # The people's matches less the first tier's, then their cases: PostgreSQL read the
            # "NOT IN" against every case first (a sequential scan: 50 ms at 100,000 cases).
            second = f"s.rowid IN ({one_start} AND ps.case_rowid NOT IN ({one_whole}))"
        arms = [
            (plain_source, f"s.rowid IN ({one_whole})", "s.rowid"),
            (plain_source, second, "s.rowid"),
            (fts_source, f"{match} AND {fts.rowid} NOT IN ({one_start})", fts.rowid),
        ]
    tiers = []
    for source, where, rowid in arms:
        rows = TIER_SQL.format(source=source, where=where, filters=filters, rowid=rowid)
        count = f"SELECT count(*) FROM {source} WHERE {where}{filters}"
        tiers.append((rows, count))
    return tiers, {"exact": exact}


def _ranked_ids(
    conn: Any, query: _Query, tokens: list[str], limit: int, offset: int, dialect: str = SQLITE
) -> list[str]:
    """The case ids of one page, best tier first: a tier is counted only to skip past it."""
    tiers, extra = _tiers(query, tokens, dialect)
    params = {**query.params, **extra}
    ids: list[str] = []
    skip, need = max(0, offset), max(0, limit)
    for rows_sql, count_sql in tiers:
        if need <= 0:
            break
        if skip:
            size = int(conn.execute(count_sql, params).fetchone()[0])
            if skip >= size:
                skip -= size
                continue
        page = conn.execute(
            f"{rows_sql} LIMIT :n OFFSET :skip", {**params, "n": need, "skip": skip}
        )
        found = [row[0] for row in page]
        ids += found
        need -= len(found)
        skip = 0
    return ids


# The page is chosen first (only the sort key is computed for every match), then the columns
# shown are computed for that page alone.
PAGE_SQL = """SELECT s.case_id AS id FROM {source}
    WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset"""
LIST_SQL = """
WITH page AS (
  SELECT id, row_number() OVER () AS n FROM (
    {page}) AS q)
SELECT c.id, c.case_number, c.status, c.updated_at, x.code AS crossing_code,
  c.responsible_office,
  (SELECT p.given_names || ' ' || p.family_names FROM person p
     WHERE p.case_id = c.id ORDER BY p.position LIMIT 1) AS principal,
  (SELECT p.a_number FROM person p
     WHERE p.case_id = c.id ORDER BY p.position LIMIT 1) AS a_number,
  (SELECT count(*) FROM person p WHERE p.case_id = c.id AND p.active) AS people,
  {next_hearing} AS next_hearing
FROM page JOIN "case" c ON c.id = page.id LEFT JOIN crossing x ON x.id = c.crossing_id
ORDER BY page.n
"""


def _order_sql(order: str, descending: bool, rowid: str, dialect: str = SQLITE) -> str:
    terms = [t.replace("{rowid}", rowid) for t in SORT_KEYS.get(order, SORT_KEYS[DEFAULT_ORDER])]
    if descending:
        terms = [t[: -len(" DESC")] if t.endswith(" DESC") else f"{t} DESC" for t in terms]
    return ", ".join(terms)


def search_cases(
    ctx: AppContext,
    search: str = "",
    *,
    crossing: str | None = None,
    status: str | None = None,
    order: str = DEFAULT_ORDER,
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[CaseRow]:
    """One page of cases matching ``search`` and the filters, in the chosen order."""
    order = order if order in SORT_KEYS else DEFAULT_ORDER
    dialect = dialect_of(ctx.db)
    query = _query(search, crossing, status, order, dialect)
    tokens = name_tokens(search) if "match" in query.params else []
    ranked = bool(tokens) and order == DEFAULT_ORDER and not descending
    if ranked:
        page = IDS_PAGE[dialect]  # in the order given
    else:
        page = PAGE_SQL.format(
            source=query.source,
            where=query.where,
            order=_order_sql(order, descending, query.rowid, dialect),
        )
    sql = LIST_SQL.format(page=page, next_hearing=NEXT_HEARING)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # the stored text form
    params = {**query.params, "limit": max(0, limit), "offset": max(0, offset), "now": now}
    with ctx.db.query() as conn:
        if order == "next_hearing":
            refresh_passed_hearings(conn)  # keys whose hearing began since they were written
        if ranked:
            params = {
                "ids": json.dumps(_ranked_ids(conn, query, tokens, limit, offset, dialect)),
                "now": now,
            }
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        found = [_case_row(r) for r in rows]
        if tokens and found:
            _name_who_matched(conn, found, tokens)
    return found


MEMBERS_SQL = """SELECT case_id, given_names || ' ' || family_names FROM person
    WHERE case_id IN ({marks}) ORDER BY case_id, position"""


_MARKS = re.compile("[\u0300-\u036f]")


def _fold(text: str) -> str:
    """Lower case without accents, as the index compares ("Íñiguez" -> "iniguez"): a regular
    expression over the marks, several times faster than a loop over the characters."""
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()


def _name_who_matched(conn: Any, rows: list[CaseRow], tokens: list[str]) -> None:
    """Set each row's ``matched``: the member whose name holds the words best (whole words
    before starts of words, more words before fewer; the principal on a tie)."""
    wanted = [
        (re.compile(rf"(?<!\w){re.escape(t)}"), re.compile(rf"(?<!\w){re.escape(t)}(?!\w)"))
        for t in (_fold(token) for token in tokens)
    ]
    ids = [r.case_id for r in rows]
    found = conn.execute(MEMBERS_SQL.format(marks=",".join("?" * len(ids))), ids).fetchall()
    # Every name folded in one call (one decomposition of the page's names, not one each).
    folded_all = _fold("\n".join((name or "").replace("\n", " ") for _c, name in found))
    members: dict[str, list[tuple[str, str]]] = {}
    for (case_id, name), name_folded in zip(found, folded_all.split("\n"), strict=True):
        members.setdefault(case_id, []).append((name or "", name_folded))
    for row in rows:
        people = members.get(row.case_id, [])
        if len(people) == 1:
            row.matched = people[0][0]
            continue
        best, best_score = "", (len(wanted) + 1, 0)
        for name, name_folded in people:
            score = _score(wanted, name_folded)
            if score < best_score:
                best, best_score = name, score
                if score == (0, 0):  # every word whole: nobody does better
                    break
        if best:
            row.matched = best


def _score(wanted: list[tuple[re.Pattern[str], re.Pattern[str]]], folded: str) -> tuple[int, int]:
    """(words not found at the start of a word, words not found whole) in a folded name:
    lower is better."""
    start = sum(1 for begins, _whole in wanted if begins.search(folded))
    whole = sum(1 for _begins, full in wanted if full.search(folded))
    return (len(wanted) - start, len(wanted) - whole)


# What the case list counts while a search is typed: beyond it, "more than 1,000" (counting every
# match of a broad prefix, "j" or "de" over 100,000 cases, took 40-120 ms on PostgreSQL, whose
# full-text index cannot count by itself, and pushed the next keystroke's pages out of its cache).
COUNT_CAP = 1000


def count_cases(
    ctx: AppContext,
    search: str = "",
    *,
    crossing: str | None = None,
    status: str | None = None,
    cap: int | None = None,
) -> int:
    """How many cases match. With ``cap``, a text search stops counting past it: the answer is
    then ``cap + 1``, meaning "more than ``cap``" (the exact count of a list without a search
    is quick on both databases, and stays exact)."""
    dialect = dialect_of(ctx.db)
    query = _query(search, crossing, status, dialect=dialect)
    sql = query.plain_count or f"SELECT count(*) FROM {query.source} WHERE {query.where}"
    params = dict(query.params)
    most = max(0, cap) + 1 if cap is not None and search.strip() else None
    if most is not None and dialect == SQLITE and "match" in query.params:
        # FTS5 counts its matches from its own index, without reading the rows: exact, then
        # said as "more than" past the cap, as on the server. (A case-number prefix is counted
        # on the case table, row by row: capped below, as on the server; "DEMO-" over 100,000
        # cases took 0.1-0.3 s to count in full.)
        with ctx.db.query() as conn:
            return min(int(conn.execute(sql, params).fetchone()[0]), most)
    if most is not None:
        # The first cap + 1 matches, wherever the database finds them: no order, no full count.
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {query.source} WHERE {query.where}"
            " LIMIT :most) AS capped"
        )
        params["most"] = most
    with ctx.db.query() as conn:
        return int(conn.execute(sql, params).fetchone()[0])


def _case_row(r: Any) -> CaseRow:
    updated = _utc(r["updated_at"])
    assert updated is not None
    return CaseRow(
        case_id=r["id"],
        case_number=r["case_number"],
        status=r["status"],
        principal=r["principal"] or "",
        matched=r["principal"] or "",
        a_number=r["a_number"],
        people=r["people"],
        crossing=r["crossing_code"],
        next_hearing=_utc(r["next_hearing"]),
        updated_at=updated,
        transferred_to=r["responsible_office"] or "",
    )


def _utc(value: Any) -> datetime | None:
    """Raw SQL returns the stored naive-UTC text; give back an aware UTC datetime."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC)
