"""The stored sort keys of the other orders (case number, status, crossing, next hearing):
right after every kind of write, and the case list's pages follow them. The same tests run on
the office server (tests/server/test_sort_keys_pg.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from legalaid.context import AppContext
from legalaid.services.cases import CaseInput, get_case, set_case_status, update_case
from legalaid.services.demo import generate_demo
from legalaid.services.hearings import (
    HearingInput,
    cancel_hearing,
    record_outcome,
    reschedule_hearing,
)
from legalaid.services.search import search_cases
from legalaid.sort_keys import refresh_passed_hearings
from legalaid.spreadsheets.importer import import_file
from tests.core.helpers import family, hearing_in

# What every key should be, computed from the tables (no hearing: None).
EXPECTED = """SELECT c.id, c.case_number, c.status, coalesce(x.code, ''),
    (SELECT min(h.starts_at) FROM hearing h WHERE h.case_id = c.id
        AND h.status = 'scheduled' AND h.starts_at >= ?)
    FROM "case" c LEFT JOIN crossing x ON x.id = c.crossing_id"""
STORED = """SELECT case_id, sort_number, sort_status, sort_crossing,
    CASE WHEN sort_hearing >= '9999-01-01' THEN NULL ELSE sort_hearing END
    FROM case_search"""


def keys_are_right(ctx: AppContext) -> int:
    """Assert every case's stored keys are what its rows say; returns how many cases."""
    from legalaid.sort_keys import now_param

    with ctx.db.query() as conn:
        expected = {r[0]: tuple(r[1:]) for r in conn.execute(EXPECTED, (now_param(conn),))}
        stored = {r[0]: tuple(r[1:]) for r in conn.execute(STORED).fetchall()}
    assert stored == expected
    return len(stored)


def numbers(ctx: AppContext, order: str, descending: bool = False, **kw: Any) -> list[str]:
    rows = search_cases(ctx, order=order, descending=descending, limit=1000, **kw)
    return [r.case_number for r in rows]


def test_hearing_edits_move_the_case_in_the_next_hearing_order(ctx: AppContext) -> None:
    a = family(ctx, given="Ana", a_number=None).case
    b = family(ctx, given="Beto", a_number=None).case
    c = family(ctx, given="Carla", a_number=None).case  # no hearing: last
    keys_are_right(ctx)
    first_a = hearing_in(ctx, a.id, 20)
    hearing_in(ctx, b.id, 10)
    assert numbers(ctx, "next_hearing") == [b.case_number, a.case_number, c.case_number]
    later_a = hearing_in(ctx, a.id, 5)  # a second, earlier hearing: a comes first
    assert numbers(ctx, "next_hearing") == [a.case_number, b.case_number, c.case_number]
    keys_are_right(ctx)
    detail = get_case(ctx, a.id)
    moved = next(h for h in detail.hearings if h.id == later_a)
    day = date.today() + timedelta(days=30)
    reschedule_hearing(ctx, moved.id, moved.version, HearingInput("SDG", "SYS", day, time(8)))
    keys_are_right(ctx)  # the 20-day one is a's next now, after b's
    assert numbers(ctx, "next_hearing") == [b.case_number, a.case_number, c.case_number]
    first = next(h for h in get_case(ctx, a.id).hearings if h.id == first_a)
    cancel_hearing(ctx, first.id, first.version)
    keys_are_right(ctx)
    b_hearing = get_case(ctx, b.id).hearings[0]
    record_outcome(ctx, b_hearing.id, b_hearing.version, "attended")
    keys_are_right(ctx)  # b has none coming: after a (30 days), with c, by entry order
    assert numbers(ctx, "next_hearing") == [a.case_number, b.case_number, c.case_number]
    assert numbers(ctx, "next_hearing", True) == [c.case_number, b.case_number, a.case_number]


def test_crossing_status_and_number_orders_follow_the_edits(ctx: AppContext) -> None:
    one = family(ctx, crossing="SYS", given="Uno", a_number=None).case
    two = family(ctx, crossing="BRO", given="Dos", a_number=None).case
    three = family(ctx, crossing="SYS", given="Tres", a_number=None).case
    assert numbers(ctx, "case_number") == [one.case_number, two.case_number, three.case_number]
    assert numbers(ctx, "crossing") == [two.case_number, one.case_number, three.case_number]
    detail = get_case(ctx, one.id)
    update_case(ctx, one.id, detail.case.version, CaseInput(crossing="BRO", city="Tijuana"))
    assert numbers(ctx, "crossing") == [one.case_number, two.case_number, three.case_number]
    keys_are_right(ctx)
    detail = get_case(ctx, three.id)
    update_case(ctx, three.id, detail.case.version, CaseInput(crossing=None, city="Tijuana"))
    assert numbers(ctx, "crossing")[0] == three.case_number  # no crossing first
    keys_are_right(ctx)
    assert numbers(ctx, "status") == [one.case_number, two.case_number, three.case_number]
    set_case_status(ctx, two.id, get_case(ctx, two.id).case.version, "closed")
    set_case_status(ctx, one.id, get_case(ctx, one.id).case.version, "transferred")
    # closed < open < transferred
    assert numbers(ctx, "status") == [two.case_number, three.case_number, one.case_number]
    assert numbers(ctx, "status", status="open") == [three.case_number]
    assert numbers(ctx, "crossing", crossing="BRO") == [one.case_number, two.case_number]
    keys_are_right(ctx)


def test_a_passed_hearing_gives_way_to_the_next_one(ctx: AppContext) -> None:
    a = family(ctx, given="Ana", a_number=None).case
    b = family(ctx, given="Beto", a_number=None).case
    hearing_in(ctx, a.id, 2)
    hearing_in(ctx, a.id, 40)
    hearing_in(ctx, b.id, 20)
    assert numbers(ctx, "next_hearing") == [a.case_number, b.case_number]
    # A key left in the past (its hearing began) is written again before a page is sorted.
    with ctx.db.query() as conn:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE case_search SET sort_hearing = '2001-01-01 00:00:00' WHERE case_id = ?",
            (b.id,),
        )
        conn.execute("COMMIT")
    assert numbers(ctx, "next_hearing") == [a.case_number, b.case_number]
    keys_are_right(ctx)
    later = datetime.now(UTC) + timedelta(days=5)  # a's first hearing is over by then
    with ctx.db.query() as conn:
        assert refresh_passed_hearings(conn, later) == 1
        assert refresh_passed_hearings(conn, later) == 0  # nothing stale any more
    # As of five days from now a's next hearing is the 40-day one, after b's.
    assert numbers(ctx, "next_hearing") == [b.case_number, a.case_number]


def test_bulk_demo_and_import_write_every_key(ctx: AppContext, tmp_path: Path) -> None:
    generate_demo(ctx, 80, seed=5)
    source = tmp_path / "albergue.csv"
    source.write_text(
        "Expediente;Apellidos;Nombres;Parentesco\n"
        "TIJ-2024-0201;Ñúñez;Óscar;titular\n"
        "TIJ-2024-0201;Ñúñez;Eva;hija\n",
        encoding="utf-8",
    )
    assert import_file(ctx, source).imported_rows == 2
    assert keys_are_right(ctx) == 81
    for order in ("case_number", "status", "crossing", "next_hearing"):
        page = search_cases(ctx, order=order, limit=40, offset=20)
        whole = search_cases(ctx, order=order, limit=1000)
        assert [r.case_id for r in page] == [r.case_id for r in whole[20:60]], order
    by_number = numbers(ctx, "case_number")
    assert by_number == sorted(by_number)
    rows = search_cases(ctx, order="next_hearing", limit=1000)
    coming = [r.next_hearing for r in rows if r.next_hearing is not None]
    assert coming == sorted(coming) and coming
    assert all(r.next_hearing is None for r in rows[len(coming) :])
