"""Bulk inserts go straight to the driver: what they store must read back exactly as rows
written through SQLAlchemy (datetimes, dates, booleans, JSON, enums, column defaults)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, insert

from legalaid.home import open_home
from legalaid.services import bulk
from legalaid.services.demo import generate_demo

TABLES = ["case", "person", "hearing", "hearing_attendee", "risk_assessment", "incident"]


CLOCK = {"created_at", "updated_at", "at"}  # read from the clock: differ between two runs
# Random in each home: the seeded crossings' and courts' ids, an audit entry's own id.
RANDOM = {"return_port_id", "crossing_id", "court_id"}


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    out = {}
    for table in [*TABLES, "audit_entry"]:
        skip = CLOCK | RANDOM | ({"id"} if table == "audit_entry" else set())
        names = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] not in skip]
        columns = ", ".join(f'"{n}"' for n in names)
        out[table] = sorted(conn.execute(f'SELECT {columns} FROM "{table}"').fetchall())
    instants = conn.execute('SELECT created_at FROM "case" LIMIT 1').fetchone()
    defaults = conn.execute("SELECT count(*) FROM audit_entry WHERE length(id) = 36").fetchone()
    conn.close()
    out["instant form"] = [(len(instants[0]), instants[0][10])]  # "YYYY-MM-DD HH:MM:SS.ffffff"
    out["audit ids"] = [defaults]
    return out


def _through_sqlalchemy(conn: Any, raw: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    conn.execute(insert(table), rows)


def test_rows_read_back_as_sqlalchemy_would_have_stored_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = open_home(tmp_path / "fast", unencrypted=True)
    generate_demo(fast, 40, seed=5)
    fast.close()
    monkeypatch.setattr(bulk, "insert_rows", _through_sqlalchemy)
    slow = open_home(tmp_path / "slow", unencrypted=True)
    generate_demo(slow, 40, seed=5)
    slow.close()
    a, b = _dump(tmp_path / "fast" / "legalaid.db"), _dump(tmp_path / "slow" / "legalaid.db")
    assert all(a[t] for t in ("case", "person", "hearing", "audit_entry"))
    assert a == b  # every value but the clock's, byte for byte; the clock's in the same form


def test_an_unknown_column_is_refused(tmp_path: Path) -> None:
    ctx = open_home(tmp_path / "h", unencrypted=True)
    rows = bulk.BulkRows()
    rows.add(bulk.Case, {"id": "x", "case_number": "TIJ-2026-0001", "no_such_column": 1})
    with pytest.raises(KeyError), ctx.db.write() as session:
        rows.write(session.connection())
    ctx.close()


def test_every_person_of_a_bulk_household_is_found_and_the_trigger_is_back(
    tmp_path: Path,
) -> None:
    from legalaid.services.cases import PersonInput, add_person
    from legalaid.services.search import search_cases

    ctx = open_home(tmp_path / "h", unencrypted=True)
    generate_demo(ctx, 30, seed=11)
    with sqlite3.connect(ctx.home.database) as conn:
        people = conn.execute(
            "SELECT p.given_names, p.family_names, c.case_number FROM person p "
            'JOIN "case" c ON c.id = p.case_id'
        ).fetchall()
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert bulk.PERSON_TRIGGER in triggers
    for given, family, number in people:  # each member, not only the first, is searchable
        found = search_cases(ctx, f"{given} {family}", limit=500)
        assert number in {r.case_number for r in found}, (given, family)
    case = search_cases(ctx, limit=1)[0]
    add_person(ctx, case.case_id, PersonInput("Zacarías", "Xolalpa", "child"))
    assert [r.case_id for r in search_cases(ctx, "zacarias xolalpa")] == [case.case_id]
    ctx.close()


def test_a_failed_bulk_write_leaves_the_trigger_in_place(tmp_path: Path) -> None:
    ctx = open_home(tmp_path / "h", unencrypted=True)
    rows = bulk.BulkRows()
    rows.add(bulk.Case, {"id": "c1", "case_number": "TIJ-2026-0001", "is_demo": True})
    rows.add(bulk.Person, {"id": "p1", "case_id": "c1", "given_names": "Ana"})  # no family names
    with pytest.raises(Exception), ctx.db.write() as session:  # noqa: B017
        rows.write(session.connection())
    with sqlite3.connect(ctx.home.database) as conn:
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        assert conn.execute('SELECT count(*) FROM "case"').fetchone() == (0,)
    assert bulk.PERSON_TRIGGER in triggers
    ctx.close()
