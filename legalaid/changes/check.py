"""The proof that nothing was written around the change record: fold every entry in clock
order and compare the result with every row of every captured table."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from legalaid.changes.registry import CAPTURED, LOCAL_COLUMNS
from legalaid.changes.values import plain
from legalaid.models.change import ChangeEntry

ENTRY = ChangeEntry.__table__  # type: ignore[attr-defined]


def fold(conn: Any) -> dict[tuple[str, str], dict[str, Any] | None]:
    """Each recorded row's values after its entries, in order (None: deleted)."""
    state: dict[tuple[str, str], dict[str, Any] | None] = {}
    query = select(ENTRY.c.table_name, ENTRY.c.row_id, ENTRY.c.op, ENTRY.c.fields).order_by(
        ENTRY.c.hlc, ENTRY.c.device, ENTRY.c.seq
    )
    for table, row_id, op, fields in conn.execute(query):
        key = (table, row_id)
        if op == "insert":
            state[key] = json.loads(fields)
        elif op == "update":
            current = state.get(key)
            if current is None:  # an update of a row with no insert: only its fields known
                current = state[key] = {"": "no insert"}
            current.update(json.loads(fields))
        else:
            state[key] = None
    return state


def unaccounted(conn: Any) -> list[str]:
    """Every row of a captured table whose values its change entries do not reproduce, and
    every row the entries say exists that is not there; empty when all is recorded."""
    from sqlmodel import SQLModel

    folded = fold(conn)
    problems: list[str] = []
    for name in sorted(CAPTURED):
        table = SQLModel.metadata.tables[name]
        columns = [c.name for c in table.columns if c.name not in LOCAL_COLUMNS and c.name != "id"]
        stored: set[str] = set()
        for row in conn.execute(select(table)).mappings():
            row_id = row["id"]
            stored.add(row_id)
            state = folded.get((name, row_id))
            if state is None:
                problems.append(f"{name} {row_id}: no change entry")
                continue
            if "" in state:
                problems.append(f"{name} {row_id}: updates without an insert")
            for column in columns:
                value = plain(row[column])
                if state.get(column) != value:
                    problems.append(
                        f"{name} {row_id} {column}: {state.get(column)!r} recorded, "
                        f"{value!r} stored"
                    )
        for (table_name, row_id), state in folded.items():
            if table_name == name and state is not None and row_id not in stored:
                problems.append(f"{name} {row_id}: recorded, but not in the table")
    return problems
