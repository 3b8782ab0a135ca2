"""Change entries from every write: the ORM's flushes and :class:`BulkRows`' bulk inserts.

``Database.write`` gives each write transaction a :class:`Recorder` (in the session's ``info``
and, for bulk inserts on the same thread, :func:`current`). After each flush the rows the
flush inserted, updated or deleted are written to ``change_log`` in the same transaction, so a
rollback takes them back with the data. A row changed by several flushes of one transaction
keeps one entry: a later flush merges its fields into the entry this transaction already
wrote (an insert stays an insert; an insert then a delete leaves no entry at all).

Only the columns a flush changed are read (the ORM's ``committed_state``, not a walk through
every attribute's history); bulk rows are recorded from the dictionaries being inserted, and the
entries go to the driver in one ``executemany``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session, attributes
from sqlalchemy.orm.base import NO_VALUE

from legalaid.changes.clock import Clock
from legalaid.changes.device import device_mark, ensure_device
from legalaid.changes.registry import CAPTURED, CASE_THROUGH, LOCAL_COLUMNS
from legalaid.changes.values import dumps
from legalaid.models.change import ChangeEntry, ChangeHead, Device, change_id

KEY = "legalaid.changes"
CHUNK = 500  # ids per IN (...) list
INSERT, UPDATE, DELETE = "insert", "update", "delete"

ENTRY = ChangeEntry.__table__  # type: ignore[attr-defined]
HEAD = ChangeHead.__table__  # type: ignore[attr-defined]
DEVICE = Device.__table__  # type: ignore[attr-defined]
ENTRY_COLUMNS = (
    "device",
    "seq",
    "table_name",
    "row_id",
    "case_id",
    "op",
    "fields",
    "bases",
    "hlc",
    "actor",
    "schema_version",
)

# Not in an entry's fields: the row's id is the entry's row_id, the version counter is local.
UNRECORDED = frozenset({"id", *LOCAL_COLUMNS})

_local = threading.local()
# Database file fingerprint -> the device id it was last seen numbering under (each write
# checks it is still the file's current device: a rollback may have taken it back).
_known_devices: dict[str, str] = {}


@dataclass(slots=True)
class Change:
    table: str
    row_id: str
    op: str
    fields: dict[str, Any]
    case_id: str | None = None


@dataclass
class _Plan:
    table: str
    columns: list[tuple[str, str]]  # (attribute, column), the local ones left out
    names: dict[str, str]  # attribute -> column
    pk: str
    case_attr: str | None


_plans: dict[type, _Plan | None] = {}


def _plan(cls: type) -> _Plan | None:
    found = _plans.get(cls, _plans)
    if found is not _plans:
        return found  # type: ignore[return-value]
    from sqlalchemy import inspect
    from sqlalchemy.orm import Mapper

    mapper: Mapper[Any] = inspect(cls)
    table = mapper.local_table.name  # type: ignore[attr-defined]
    plan = None
    if table in CAPTURED:
        columns = [
            (prop.key, prop.columns[0].name)
            for prop in mapper.column_attrs
            if prop.columns[0].name not in LOCAL_COLUMNS
        ]
        names = dict(columns)
        pk = mapper.get_property_by_column(mapper.primary_key[0]).key
        case_attr = "id" if table == "case" else ("case_id" if "case_id" in names else None)
        plan = _Plan(table, columns, names, pk, case_attr)
    _plans[cls] = plan
    return plan


class Recorder:
    """The change entries of one write transaction."""

    def __init__(self, path: Any, actor: str, schema_version: str) -> None:
        self.actor = actor
        self.schema_version = schema_version
        self.path = path
        self.fingerprint = ""  # known at the first numbering (on the server it is the login's)
        # The device this file numbered its changes under last; checked when numbering.
        self.device: str = ""
        self.first_seq: int | None = None  # this transaction's first entry, once written

    def reset(self) -> None:
        """The transaction was rolled back: its entries with it (and a device it made)."""
        self.first_seq = None

    # --- writing ----------------------------------------------------------------------
    def write(self, conn: Any, changes: Sequence[Change]) -> None:
        if not changes:
            return
        self._resolve_cases(conn, changes)
        fresh: list[Change] = []
        later = [c for c in changes if c.op != INSERT]
        merged = self._merge(conn, later) if later and self.first_seq is not None else {}
        heads = self._heads(conn, [c for c in later if c.row_id not in merged])
        new_heads: dict[tuple[str, str], dict[str, str] | None] = {}
        rows: list[tuple[Any, ...]] = []
        for change in changes:
            if change.row_id in merged and change.op != INSERT:
                self._merge_into(conn, merged[change.row_id], change, heads, new_heads)
                continue
            fresh.append(change)
        if not fresh:
            self._write_heads(conn, new_heads)
            return
        first, hlcs = self._allocate(conn, len(fresh))
        if self.first_seq is None:
            self.first_seq = first
        for offset, (change, hlc) in enumerate(zip(fresh, hlcs, strict=True)):
            seq = first + offset
            bases: dict[str, str | None] = {}
            if change.op != INSERT:
                head = heads.get((change.table, change.row_id), {})
                if change.op == UPDATE:
                    bases = {name: head.get(name, head.get("*")) for name in change.fields}
                    this = change_id(self.device, seq)
                    new_heads[(change.table, change.row_id)] = {
                        **head,
                        **dict.fromkeys(change.fields, this),
                    }
                else:
                    bases = dict(head)
                    new_heads[(change.table, change.row_id)] = None
            rows.append(
                (
                    self.device,
                    seq,
                    change.table,
                    change.row_id,
                    change.case_id,
                    change.op,
                    dumps(change.fields),
                    dumps(bases) if bases else "{}",
                    hlc,
                    self.actor,
                    self.schema_version,
                )
            )
        self._insert(conn, rows)
        self._write_heads(conn, new_heads)

    def write_inserts(self, conn: Any, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Insert entries for new rows, ``{table: rows}`` with parents before children, each
        row a dictionary of its columns (a missing one is NULL). The bulk path: no merging
        or bases to look up (the rows are new), one ``executemany``."""
        from sqlmodel import SQLModel

        total = sum(len(rows) for table, rows in tables.items() if table in CAPTURED)
        if not total:
            return
        first, hlcs = self._allocate(conn, total)
        if self.first_seq is None:
            self.first_seq = first
        parents: dict[str, dict[Any, Any]] = {parent: {} for parent, _link in CASE_THROUGH.values()}
        entries: list[list[Any]] = []
        unresolved: dict[str, dict[str, list[list[Any]]]] = {}
        head = [self.device, 0, "", "", None, INSERT, "", "{}", "", self.actor, self.schema_version]
        seq = first
        for table, rows in tables.items():
            if table not in CAPTURED or not rows:
                continue
            names = SQLModel.metadata.tables[table].columns.keys()
            case_of = "id" if table == "case" else ("case_id" if "case_id" in names else "")
            through = CASE_THROUGH.get(table)
            keep = parents.get(table)
            for row in rows:
                fields = row.copy()  # nulls kept: cheaper than leaving them out
                row_id = fields.pop("id")
                for name in LOCAL_COLUMNS:
                    fields.pop(name, None)
                case_id = row.get(case_of) if case_of else None
                entry = head.copy()
                entry[1], entry[2], entry[3], entry[4] = seq, table, row_id, case_id
                entry[6], entry[8] = dumps(fields), hlcs[seq - first]
                seq += 1
                if keep is not None:
                    keep[row_id] = case_id
                if through is not None:
                    parent_table, link = through
                    parent = row.get(link)
                    known = parents[parent_table]
                    if parent in known:
                        entry[4] = known[parent]
                    elif parent is not None:
                        unresolved.setdefault(parent_table, {}).setdefault(parent, []).append(entry)
                entries.append(entry)
        for parent_table, waiting in unresolved.items():  # parents written earlier
            for chunk in _chunks(list(waiting)):
                marks = ", ".join([_mark(conn)] * len(chunk))
                for parent, case_id in conn.exec_driver_sql(
                    f'SELECT id, case_id FROM "{parent_table}" WHERE id IN ({marks})',
                    tuple(chunk),
                ):
                    for entry in waiting[parent]:
                        entry[4] = case_id
        self._insert(conn, [tuple(entry) for entry in entries])

    def _insert(self, conn: Any, entries: Sequence[Sequence[Any]]) -> None:
        marks = ", ".join([_mark(conn)] * len(ENTRY_COLUMNS))
        conn.exec_driver_sql(
            f"INSERT INTO change_log ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})",
            entries,
        )

    def _allocate(self, conn: Any, count: int) -> tuple[int, list[str]]:
        """``count`` sequence numbers and clock readings of the current device."""
        mark = _mark(conn)
        if not self.fingerprint:
            self.fingerprint = device_mark(conn, self.path)
            self.device = _known_devices.get(self.fingerprint, "")
        lock = "" if conn.dialect.name == "sqlite" else " FOR UPDATE"  # SQLite: BEGIN IMMEDIATE
        query = f"SELECT last_seq, last_hlc FROM device WHERE id = {mark} AND current{lock}"
        found = conn.exec_driver_sql(query, (self.device,)).first()
        if found is None:  # a device made by a transaction rolled back, or another file
            self.device = _known_devices[self.fingerprint] = ensure_device(conn, self.fingerprint)
            found = conn.exec_driver_sql(query, (self.device,)).one()
        last_seq, last_hlc = found
        clock = Clock(last_hlc or "")
        hlcs = clock.ticks(count)
        conn.exec_driver_sql(
            f"UPDATE device SET last_seq = {mark}, last_hlc = {mark} WHERE id = {mark}",
            (last_seq + count, clock.last, self.device),
        )
        return int(last_seq) + 1, hlcs

    def _resolve_cases(self, conn: Any, changes: Sequence[Change]) -> None:
        """The case of rows that reach it through a parent (an incident through its risk
        assessment, an attendee through its hearing)."""
        here = {(c.table, c.row_id): c.case_id for c in changes if c.case_id is not None}
        wanted: dict[str, dict[str, list[Change]]] = {}
        for change in changes:
            through = CASE_THROUGH.get(change.table)
            if change.case_id is not None or through is None:
                continue
            parent_table, link = through
            parent = change.fields.get(link)
            if parent is None:
                if change.op == INSERT:
                    continue
                parent = self._stored(conn, change.table, link, change.row_id)
                if parent is None:
                    continue
            known = here.get((parent_table, parent))
            if known is not None:
                change.case_id = known
            else:
                wanted.setdefault(parent_table, {}).setdefault(parent, []).append(change)
        for parent_table, by_parent in wanted.items():
            for chunk in _chunks(list(by_parent)):
                marks = ", ".join([_mark(conn)] * len(chunk))
                found = conn.exec_driver_sql(
                    f'SELECT id, case_id FROM "{parent_table}" WHERE id IN ({marks})',
                    tuple(chunk),
                ).all()
                for parent, case_id in found:
                    for change in by_parent[parent]:
                        change.case_id = case_id

    def _stored(self, conn: Any, table: str, column: str, row_id: str) -> Any:
        row = conn.exec_driver_sql(
            f'SELECT "{column}" FROM "{table}" WHERE id = {_mark(conn)}', (row_id,)
        ).first()
        return None if row is None else row[0]

    def _merge(self, conn: Any, changes: list[Change]) -> dict[str, list[Any]]:
        """This transaction's entries of the rows ``changes`` change again."""
        found: dict[str, list[Any]] = {}
        ids = sorted({c.row_id for c in changes})
        for chunk in _chunks(ids):
            query = select(
                ENTRY.c.row_id,
                ENTRY.c.seq,
                ENTRY.c.op,
                ENTRY.c.fields,
                ENTRY.c.bases,
                ENTRY.c.table_name,
            ).where(
                ENTRY.c.device == self.device,
                ENTRY.c.seq >= self.first_seq,
                ENTRY.c.row_id.in_(chunk),
            )
            for row in conn.execute(query):
                found[row.row_id] = list(row)
        return found

    def _merge_into(
        self,
        conn: Any,
        entry: list[Any],
        change: Change,
        heads: dict[tuple[str, str], dict[str, str]],
        new_heads: dict[tuple[str, str], dict[str, str] | None],
    ) -> None:
        row_id, seq, op, fields_text, bases_text, _table = entry
        assert self.device is not None
        where = (ENTRY.c.device == self.device) & (ENTRY.c.seq == seq)
        key = (change.table, row_id)
        if change.op == DELETE:
            if op == INSERT:  # made and removed in one transaction: nothing happened
                conn.execute(delete(ENTRY).where(where))
                entry[2] = DELETE
                return
            conn.execute(update(ENTRY).where(where).values(op=DELETE, fields="{}"))
            entry[2], entry[3] = DELETE, "{}"
            new_heads[key] = None
            return
        fields = json.loads(fields_text)
        fields.update(json.loads(dumps(change.fields)))
        values: dict[str, Any] = {"fields": dumps(fields)}
        if op == UPDATE:
            head = self._heads(conn, [change]).get(key, {})
            bases = json.loads(bases_text)
            this = change_id(self.device, seq)
            for name in change.fields:
                if name not in bases:
                    base = head.get(name, head.get("*"))
                    bases[name] = None if base == this else base
            values["bases"] = dumps(bases)
            new_heads[key] = {**head, **dict.fromkeys(fields, this)}
        conn.execute(update(ENTRY).where(where).values(**values))
        entry[3] = values["fields"]
        if "bases" in values:
            entry[4] = values["bases"]

    def _heads(self, conn: Any, changes: list[Change]) -> dict[tuple[str, str], dict[str, str]]:
        """The last change of each field of the rows ``changes`` update or delete: the
        ``change_head`` row, else (a row never updated) its insert."""
        out: dict[tuple[str, str], dict[str, str]] = {}
        ids = sorted({c.row_id for c in changes})
        for chunk in _chunks(ids):
            marks = ", ".join([_mark(conn)] * len(chunk))
            for table, row_id, heads in conn.exec_driver_sql(
                f"SELECT table_name, row_id, heads FROM change_head WHERE row_id IN ({marks})",
                tuple(chunk),
            ):
                out[(table, row_id)] = json.loads(heads)
        missing = sorted({c.row_id for c in changes if (c.table, c.row_id) not in out})
        for chunk in _chunks(missing):
            marks = ", ".join([_mark(conn)] * len(chunk))
            for table, row_id, device, seq in conn.exec_driver_sql(
                "SELECT table_name, row_id, device, seq FROM change_log"
                f" WHERE row_id IN ({marks}) AND op = 'insert' ORDER BY hlc",
                tuple(chunk),
            ):
                out[(table, row_id)] = {"*": change_id(device, seq)}  # the newest insert
        return out

    def _write_heads(
        self, conn: Any, new_heads: dict[tuple[str, str], dict[str, str] | None]
    ) -> None:
        if not new_heads:
            return
        mark = _mark(conn)
        gone = [(table, row_id) for (table, row_id), heads in new_heads.items() if heads is None]
        if gone:
            conn.exec_driver_sql(
                f"DELETE FROM change_head WHERE table_name = {mark} AND row_id = {mark}", gone
            )
        rows = [
            (table, row_id, dumps(heads))
            for (table, row_id), heads in new_heads.items()
            if heads is not None
        ]
        if rows:  # the same statement on SQLite (3.24+) and PostgreSQL
            conn.exec_driver_sql(
                f"INSERT INTO change_head (table_name, row_id, heads) VALUES ({mark}, {mark},"
                f" {mark}) ON CONFLICT (table_name, row_id) DO UPDATE SET heads = excluded.heads",
                rows,
            )


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _mark(conn: Any) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


# --- the write transaction --------------------------------------------------------------
@contextmanager
def recording(session: Session, path: Any, actor: str) -> Iterator[Recorder]:
    """Record the changes of ``session``'s transaction (``Database.write``)."""
    from legalaid.migrations import HEAD as SCHEMA

    recorder = Recorder(path, actor, SCHEMA)
    session.info[KEY] = recorder
    previous = getattr(_local, "recorder", None)
    _local.recorder = recorder
    try:
        yield recorder
    finally:
        _local.recorder = previous
        session.info.pop(KEY, None)


def current() -> Recorder:
    """The recorder of this thread's write transaction (bulk inserts write inside one)."""
    recorder = getattr(_local, "recorder", None)
    if recorder is None:
        raise RuntimeError("a bulk write outside Database.write() would go unrecorded")
    return recorder


def record_inserts(conn: Any, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Entries for bulk-inserted rows, ``{table: rows}``, parents first, each row with every
    column's value (a missing column is NULL)."""
    current().write_inserts(conn, tables)


def record_update(conn: Any, table: str, row_id: str, fields: dict[str, Any]) -> None:
    """An entry for an UPDATE written around the ORM (``fields``: the new values)."""
    if table in CAPTURED:
        current().write(conn, [Change(table, row_id, UPDATE, dict(fields))])


# --- the ORM ------------------------------------------------------------------------------
def _changes_of_flush(session: Session) -> list[Change]:
    changes: list[Change] = []
    for obj in session.new:
        plan = _plan(type(obj))
        if plan is None:
            continue
        data = attributes.instance_dict(obj)
        fields: dict[str, Any] = {}
        for key, name in plan.columns:
            value = data[key] if key in data else getattr(obj, key)
            if value is not None:
                fields[name] = value
        row_id = fields.pop(plan.names[plan.pk])
        case_id = row_id if plan.table == "case" else fields.get("case_id")
        changes.append(Change(plan.table, row_id, INSERT, fields, case_id))
    for obj in session.dirty:
        plan = _plan(type(obj))
        if plan is None:
            continue
        state = attributes.instance_state(obj)
        committed = state.committed_state
        if not committed:
            continue
        data = state.dict
        fields = {}
        for key, old in committed.items():
            column = plan.names.get(key)
            if column is None:
                continue
            new = data.get(key)
            if old is not NO_VALUE and old == new:
                continue
            fields[column] = new
        if fields:
            case_id = data.get(plan.case_attr) if plan.case_attr else None
            changes.append(Change(plan.table, data[plan.pk], UPDATE, fields, case_id))
    for obj in session.deleted:
        plan = _plan(type(obj))
        if plan is None:
            continue
        data = attributes.instance_dict(obj)
        case_id = data.get(plan.case_attr) if plan.case_attr else None
        changes.append(Change(plan.table, data[plan.pk], DELETE, {}, case_id))
    return changes


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    recorder = session.info.get(KEY)
    if recorder is None:
        return
    changes = _changes_of_flush(session)
    if changes:
        recorder.write(session.connection(), changes)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    recorder = session.info.get(KEY)
    if recorder is not None:
        recorder.reset()
