"""Bulk inserts for large writes (demo data, imports): plain rows, with the columns every
Record needs filled in; the search triggers still run.

The rows go straight to the driver's executemany, each value converted here the way the
column's SQLAlchemy type stores it (UTC datetimes as naive "YYYY-MM-DD HH:MM:SS.ffffff" text,
dates as ISO text, booleans as 0/1, the column defaults for missing keys); a column of any
other type goes through its own SQLAlchemy bind processor. SQLAlchemy's per-row parameter
processing was about 40% of generating 100,000 demo cases. A test checks that a row written
this way reads back exactly as one written through SQLAlchemy.

Every row of a captured table gets its change entry (legalaid.changes), written after the rows
in one ``executemany``: the columns' defaults are filled into the rows first, so the entry and
the row hold the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Integer, Table
from sqlmodel.sql.sqltypes import AutoString

from legalaid.changes.capture import record_inserts
from legalaid.models import (
    AuditEntry,
    Case,
    Hearing,
    HearingAttendee,
    Incident,
    Person,
    RiskAssessment,
)
from legalaid.models.base import UTCDateTime
from legalaid.services.sql import POSTGRESQL, dialect_of, raw_connection
from legalaid.sort_keys import sort_key, sync_sort_keys, write_sort_keys

# The server's append-only logs, under row-level security (legalaid.server.roles).
NO_COPY = {"audit_entry", "document_log", "change_log"}
ORDER = (Case, Person, Hearing, HearingAttendee, RiskAssessment, Incident, AuditEntry)


PERSON_TRIGGER = "case_search_person_ai"
# The per-person search index's trigger (migration 0005): its rows are written per household.
PERSON_INDEX_TRIGGER = "person_search_person_ai"
PERSON_INDEX_ROWS = """INSERT OR IGNORE INTO person_search(person_id, case_rowid, names)
    SELECT p.id, coalesce(s.rowid, 0), p.given_names || ' ' || p.family_names
    FROM person p LEFT JOIN case_search s ON s.case_id = p.case_id
    WHERE p.case_id IN ({marks})"""


@contextmanager
def _people_indexed_per_case(raw: Any, case_ids: list[str]) -> Iterator[None]:
    """Index the search text once per household instead of once per person added.

    The triggers that refresh a case's search row (and its full-text entry) and write each
    person's own search row after each new person are set aside for the bulk insert, inside
    the caller's transaction (SQLite's schema changes are transactional: a failure or a crash
    puts them back), and each household touched is refreshed once by the case trigger, the
    same SQL, and its people's rows written in one statement. A household of three was indexed
    seven times, now three; the per-person rows took a quarter of generating demo cases when
    written by the trigger, person by person. (PostgreSQL: :func:`_triggers_aside_pg`.)"""
    found = {
        name: sql
        for name, sql in raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
            (PERSON_TRIGGER, PERSON_INDEX_TRIGGER),
        )
    }
    if not case_ids or not found:
        yield
        return
    for name in found:
        raw.execute(f"DROP TRIGGER {name}")
    yield
    for sql in found.values():
        raw.execute(sql)
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        if PERSON_TRIGGER in found:
            raw.execute(f'UPDATE "case" SET case_number = case_number WHERE id IN ({marks})', chunk)
        if PERSON_INDEX_TRIGGER in found:
            raw.execute(PERSON_INDEX_ROWS.format(marks=marks), chunk)


@contextmanager
def _triggers_aside_pg(raw: Any) -> Iterator[None]:
    """PostgreSQL: the search triggers step aside for this transaction (migration
    0011_sortkeys: they return at once while ``legalaid.bulk`` is on), and
    :func:`_index_pg` indexes each household once afterwards. A failure rolls the transaction
    back, and the setting with it."""
    raw.execute("SELECT set_config('legalaid.bulk', 'on', true)")
    yield
    raw.execute("SELECT set_config('legalaid.bulk', 'off', true)")


# The search text as legalaid_case_search_refresh (legalaid/migrations/pg.py) writes it.
PG_BODY = """c.case_number || ' ' || coalesce((
    SELECT string_agg(p.given_names || ' ' || p.family_names || ' '
                      || coalesce(p.a_number, ''), ' ')
    FROM person p WHERE p.case_id = c.id), '')"""
# New cases: the search row with every sort key in one insert (one row version, not one a
# person and one more for the keys). Parameters: the ids, their name keys, now.
PG_NEW_CASES = f"""INSERT INTO case_search (case_id, body, sort_name, sort_number, sort_status,
    sort_crossing, sort_hearing)
    SELECT c.id, {PG_BODY}, k.name, c.case_number, c.status, coalesce(x.code, ''),
        coalesce((SELECT min(h.starts_at) FROM hearing h WHERE h.case_id = c.id
            AND h.status = 'scheduled' AND h.starts_at >= ?), 'infinity'::timestamp)
    FROM unnest(?::varchar[], ?::text[]) AS k(id, name)
    JOIN "case" c ON c.id = k.id LEFT JOIN crossing x ON x.id = c.crossing_id
    ON CONFLICT (case_id) DO UPDATE SET body = excluded.body, sort_name = excluded.sort_name,
        sort_number = excluded.sort_number, sort_status = excluded.sort_status,
        sort_crossing = excluded.sort_crossing, sort_hearing = excluded.sort_hearing"""
PG_OLD_CASES = f"""INSERT INTO case_search (case_id, body)
    SELECT c.id, {PG_BODY} FROM "case" c WHERE c.id = ANY(?::varchar[])
    ON CONFLICT (case_id) DO UPDATE SET body = excluded.body"""
PG_PEOPLE = """INSERT INTO person_search (person_id, case_rowid, names)
    SELECT p.id, s.rowid, p.given_names || ' ' || p.family_names
    FROM person p JOIN case_search s ON s.case_id = p.case_id
    WHERE p.case_id = ANY(?::varchar[]) ON CONFLICT (person_id) DO NOTHING"""


def _index_pg(raw: Any, keys: dict[str, str], households: list[str]) -> None:
    """After a bulk insert on PostgreSQL: each new case's search row with its sort keys, the
    search text of older cases that got people, and the people's own search rows."""
    from legalaid.sort_keys import now_param

    now = now_param(raw)
    new = sorted(keys)
    for start in range(0, len(new), 5000):
        chunk = new[start : start + 5000]
        raw.execute(PG_NEW_CASES, (now, chunk, [keys[c] for c in chunk]))
    older = sorted(set(households) - keys.keys())
    if older:
        raw.execute(PG_OLD_CASES, (older,))
    for start in range(0, len(households), 5000):
        raw.execute(PG_PEOPLE, (households[start : start + 5000],))


class BulkRows:
    """Rows per table, written parents first in one ``write(conn)``."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)
        self.tables: dict[Any, list[dict[str, Any]]] = {model: [] for model in ORDER}

    def add(self, model: Any, row: dict[str, Any]) -> None:
        if model is not AuditEntry:
            row.setdefault("created_at", self.now)
            row.setdefault("updated_at", self.now)
            row.setdefault("version", 1)
        self.tables[model].append(row)

    def count(self, model: Any) -> int:
        return len(self.tables[model])

    def write(self, conn: Any) -> None:
        keys = self._sort_keys()
        # Cases written earlier that get people or hearings here: their keys are read again.
        elsewhere = {
            row["case_id"]
            for model in (Person, Hearing)
            for row in self.tables[model]
            if row["case_id"] not in keys
        }
        raw = raw_connection(conn)
        households = sorted({row["case_id"] for row in self.tables[Person]})
        written: dict[str, list[dict[str, Any]]] = {}
        postgres = dialect_of(raw) == POSTGRESQL
        aside = _triggers_aside_pg(raw) if postgres else _people_indexed_per_case(raw, households)
        with aside:
            for model, rows in self.tables.items():
                if rows:
                    _fill_defaults(model.__table__, rows)
                    insert_rows(conn, raw, model.__table__, rows)
                    written[model.__table__.name] = rows
            record_inserts(conn, written)
        for rows in self.tables.values():
            rows.clear()
        if postgres:
            _index_pg(raw, keys, households)
        else:
            write_sort_keys(raw, keys)  # the new cases' sort keys (legalaid.sort_keys)
        if elsewhere:
            sync_sort_keys(raw, elsewhere)

    def _sort_keys(self) -> dict[str, str]:
        """The name sort key of each new case, from its first person among these rows."""
        first: dict[str, tuple[int, str]] = {}
        new_cases = {row["id"] for row in self.tables[Case]}
        for row in self.tables[Person]:
            case_id = row["case_id"]
            if case_id in new_cases:
                position = row.get("position", 0)
                if case_id not in first or position < first[case_id][0]:
                    key = sort_key(row.get("family_names"), row.get("given_names"))
                    first[case_id] = (position, key)
        return {case_id: first.get(case_id, (0, ""))[1] for case_id in new_cases}


def _utc_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


FAST: list[tuple[type[Any], Callable[[Any], Any]]] = [
    (UTCDateTime, _utc_text),
    (Date, _date_text),
    (Boolean, _flag),
]


def _utc_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).replace(tzinfo=None)


# PostgreSQL's columns take the values themselves (psycopg adapts them).
FAST_PG: list[tuple[type[Any], Callable[[Any], Any]]] = [
    (UTCDateTime, _utc_naive),
    (Date, lambda value: value),
    (Boolean, bool),
]


def _converter(conn: Any, column: Column[Any]) -> tuple[Callable[[Any], Any] | None, bool]:
    """(how a value is stored, whether None goes through it too)."""
    kind = column.type
    for known, convert in FAST_PG if conn.dialect.name == POSTGRESQL else FAST:
        if isinstance(kind, known):
            return convert, False
    if isinstance(kind, Integer | AutoString):
        return None, False  # stored as given
    if isinstance(kind, JSON) and conn.dialect.name == POSTGRESQL:
        from psycopg.types.json import Json

        return Json, True  # None too: a JSON null, as the ORM writes it
    # Anything else (JSON: None is stored as 'null'): SQLAlchemy's own processor.
    processor: Callable[[Any], Any] | None = kind.bind_processor(conn.dialect)
    return processor, True


def _default(column: Column[Any]) -> Callable[[], Any] | None:
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        function = default.arg  # type: ignore[attr-defined]
        return lambda: function(None)
    value = default.arg  # type: ignore[attr-defined]
    return lambda: value


def _fill_defaults(table: Table, rows: list[dict[str, Any]]) -> None:
    """Give each row its columns' defaults (a new id...), the same ones ``insert_rows`` would."""
    for column in table.columns:
        make = _default(column)
        if make is None:
            continue
        key = column.key
        for row in rows:
            if key not in row:
                row[key] = make()


def insert_rows(conn: Any, raw: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """``rows`` into ``table`` through the driver's executemany (see the module's note)."""
    columns = list(table.columns)
    present = set().union(*(row.keys() for row in rows))
    unknown = present - {c.key for c in columns}
    if unknown:
        raise KeyError(f"{table.name} has no column {sorted(unknown)}")
    plan = [
        (column.key, *_converter(conn, column), _default(column))
        for column in columns
        if column.key in present or column.default is not None
    ]
    names = ", ".join(f'"{table.c[key].name}"' for key, *_rest in plan)
    marks = ", ".join("?" for _ in plan)
    values = []
    for row in rows:
        out = []
        for key, convert, with_none, default in plan:
            value = row[key] if key in row else (default() if default is not None else None)
            if convert is not None and (value is not None or with_none):
                value = convert(value)
            out.append(value)
        values.append(out)
    # COPY: a third of the time of executemany's inserts (not into the logs: PostgreSQL refuses
    # COPY into a table with row-level security).
    if dialect_of(raw) == POSTGRESQL and table.name not in NO_COPY:
        with (
            raw.raw.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
        ):
            for out in values:
                copy.write_row(out)
        return
    raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)
