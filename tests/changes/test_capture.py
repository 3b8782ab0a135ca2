"""The change record: entries for inserts, updates and deletes, one per row per transaction,
bases, the clock, device identity, every table accounted for, reference ids."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel

from legalaid.changes.check import unaccounted
from legalaid.changes.clock import Clock, parse_hlc
from legalaid.changes.registry import CAPTURED, EXEMPT, accounted
from legalaid.context import AppContext
from legalaid.db import Database
from legalaid.home import open_home
from legalaid.models import Case, Person
from legalaid.models.change import change_id
from legalaid.reference_data import reference_data, reference_id
from legalaid.services.cases import CaseInput, PersonInput, add_person, update_case, update_person
from tests.core.helpers import family, hearing_in


def entries(ctx: AppContext, row_id: str | None = None) -> list[dict[str, Any]]:
    with sqlite3.connect(ctx.home.database) as conn:
        conn.row_factory = sqlite3.Row
        sql = "SELECT * FROM change_log"
        rows = conn.execute(
            sql + (" WHERE row_id = ?" if row_id else "") + " ORDER BY hlc",
            (row_id,) if row_id else (),
        ).fetchall()
    out = []
    for row in rows:
        entry = dict(row)
        entry["fields"] = json.loads(entry["fields"])
        entry["bases"] = json.loads(entry["bases"])
        entry["id"] = change_id(entry["device"], entry["seq"])
        out.append(entry)
    return out


def check(ctx: AppContext) -> list[str]:
    with ctx.db.connect() as conn:
        return unaccounted(conn)


def test_a_new_case_has_one_insert_entry_per_row_with_its_values(ctx: AppContext) -> None:
    detail = family(ctx, children=2)
    case = detail.case
    [entry] = entries(ctx, case.id)
    assert entry["op"] == "insert" and entry["table_name"] == "case"
    assert entry["case_id"] == case.id and entry["bases"] == {}
    assert entry["fields"]["case_number"] == case.case_number
    assert entry["fields"]["city"] == "Tijuana, B.C."
    assert "version" not in entry["fields"] and "id" not in entry["fields"]
    assert entry["actor"] == "Ana Tester"
    from legalaid.migrations import HEAD

    assert entry["schema_version"] == HEAD  # the schema the change was made under
    for person in detail.people:
        [p] = entries(ctx, person.id)
        assert p["op"] == "insert" and p["case_id"] == case.id
        assert person.birth_date is not None
        assert p["fields"]["birth_date"] == person.birth_date.isoformat()
    assert check(ctx) == []


def test_an_update_records_only_the_changed_fields_based_on_their_last_change(
    ctx: AppContext,
) -> None:
    detail = family(ctx)
    case = detail.case
    [made] = entries(ctx, case.id)
    first = update_case(ctx, case.id, case.version, CaseInput(city="Mexicali", crossing="SYS"))
    _inserted, updated = entries(ctx, case.id)
    assert updated["op"] == "update"
    assert updated["fields"]["city"] == "Mexicali"
    assert "case_number" not in updated["fields"]
    assert updated["bases"]["city"] == made["id"]  # the insert set the city
    update_case(
        ctx,
        case.id,
        first.case.version,
        CaseInput(city="Mexicali", phone="+52 686", crossing="SYS"),
    )
    *_, third = entries(ctx, case.id)
    assert third["fields"]["phone"] == "+52 686" and "city" not in third["fields"]
    assert third["bases"]["phone"] == updated["id"]  # the first update had emptied it
    assert third["bases"]["updated_at"] == updated["id"]
    update_case(ctx, case.id, first.case.version + 1, CaseInput(city="Tecate", crossing="SYS"))
    *_, fourth = entries(ctx, case.id)
    assert fourth["bases"]["city"] == updated["id"]  # the city's last change, not the insert
    assert fourth["bases"]["phone"] == third["id"]  # cleared phone: based on its last change
    assert check(ctx) == []


def test_one_entry_per_row_per_transaction_and_a_row_made_and_removed_leaves_none(
    ctx: AppContext,
) -> None:
    case = family(ctx).case
    before = len(entries(ctx))
    with ctx.db.write() as session:  # several flushes, one transaction
        row = session.get(Case, case.id)
        assert row is not None
        row.city = "Uno"
        session.flush()
        row.phone = "+52 1"
        session.flush()
        row.city = "Dos"
        gone = Person(case_id=case.id, given_names="Temporal", family_names="X")
        session.add(gone)
        session.flush()
        session.delete(gone)
    after = entries(ctx)
    assert len(after) == before + 1
    last = after[-1]
    assert last["row_id"] == case.id and last["op"] == "update"
    assert {k: last["fields"][k] for k in ("city", "phone")} == {"city": "Dos", "phone": "+52 1"}
    assert set(last["bases"]) == set(last["fields"])
    assert last["table_name"] == "case"
    assert check(ctx) == []


def test_a_delete_is_recorded_and_a_rollback_records_nothing(ctx: AppContext) -> None:
    detail = family(ctx, children=1)
    child = detail.people[1]
    with ctx.db.write() as session:
        session.delete(session.get(Person, child.id))
    *_, deleted = entries(ctx, child.id)
    assert deleted["op"] == "delete" and deleted["case_id"] == detail.case.id
    assert deleted["bases"] == {"*": entries(ctx, child.id)[0]["id"]}
    count = len(entries(ctx))
    with pytest.raises(RuntimeError), ctx.db.write() as session:
        row = session.get(Case, detail.case.id)
        assert row is not None
        row.city = "nunca"
        session.flush()
        raise RuntimeError("rolled back")
    assert len(entries(ctx)) == count
    assert check(ctx) == []


def test_the_check_finds_a_write_made_around_the_record(ctx: AppContext) -> None:
    case = family(ctx).case
    with sqlite3.connect(ctx.home.database) as conn:
        conn.execute('UPDATE "case" SET city = ? WHERE id = ?', ("a escondidas", case.id))
    problems = check(ctx)
    assert len(problems) == 1 and "city" in problems[0] and case.id in problems[0]


def test_sequence_numbers_and_clock_only_go_forward(ctx: AppContext) -> None:
    case = family(ctx).case
    person = add_person(ctx, case.id, PersonInput("Ana", "Pérez", "spouse"))
    update_person(ctx, person.id, person.version, PersonInput("Ana María", "Pérez", "spouse"))
    rows = entries(ctx)
    seqs = [e["seq"] for e in rows]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    hlcs = [e["hlc"] for e in rows]
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs)
    assert len({e["device"] for e in rows}) == 1


def test_the_clock_never_goes_back_and_moves_past_what_it_sees() -> None:
    clock = Clock()
    a = clock.tick(now_ms=1_000)
    b = clock.tick(now_ms=900)  # the system clock went back
    assert b > a and parse_hlc(b)[0] == 1_000
    clock.observe(clock.last.replace("0000001000", "0000005000"))
    assert clock.tick(now_ms=1_100) > "0000000005000"
    many = Clock().ticks(2_000_001, now_ms=7)  # more than the counter holds in 1 ms
    assert many == sorted(many) and len(set(many)) == len(many)


def _device(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT id FROM device WHERE current").fetchone()[0])


def test_a_copied_home_and_a_restored_backup_number_their_changes_afresh(
    tmp_path: Path,
) -> None:
    ctx = open_home(tmp_path / "a", unencrypted=True)
    case = family(ctx).case
    original = _device(ctx.home.database)
    ctx.close()
    ctx = open_home(tmp_path / "a", unencrypted=True)  # the same file again: the same device
    update_case(ctx, case.id, case.version, CaseInput(city="Otra", crossing="SYS"))
    assert _device(ctx.home.database) == original
    ctx.close()

    shutil.copytree(tmp_path / "a", tmp_path / "b")  # a copied home
    copy = open_home(tmp_path / "b", unencrypted=True)
    family(copy, a_number=None, given="Otro")
    copied = _device(copy.home.database)
    assert copied != original
    seqs = {(e["device"], e["seq"]) for e in entries(copy)}
    assert len(seqs) == len(entries(copy))
    assert check(copy) == []
    copy.close()

    from legalaid.safety.backup import backup_to, restore

    ctx = open_home(tmp_path / "a", unencrypted=True)
    made = backup_to(ctx, tmp_path / "usb")
    ctx.close()
    restore(tmp_path / "a", made, unencrypted=True)
    ctx = open_home(tmp_path / "a", unencrypted=True)
    family(ctx, a_number=None, given="Tercero")
    restored = _device(ctx.home.database)
    assert restored not in {original, copied}
    ids = [e["id"] for e in entries(ctx)]
    assert len(ids) == len(set(ids))
    ctx.close()


def test_every_table_is_captured_or_left_out_on_purpose(ctx: AppContext) -> None:
    missing = [t for t in SQLModel.metadata.tables if not accounted(t)]
    assert missing == [], f"tables with no change capture: {missing}"
    with sqlite3.connect(ctx.home.database) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert [t for t in names if not accounted(t)] == []
    assert not CAPTURED & set(EXEMPT)


def test_a_new_table_without_capture_fails_the_check() -> None:
    assert not accounted("visit")  # a table nobody registered is caught
    assert accounted("case_fts_data") and accounted("person")


def test_reference_ids_are_the_same_in_two_fresh_homes(tmp_path: Path) -> None:
    ids = []
    for name in ("x", "y"):
        ctx = open_home(tmp_path / name, unencrypted=True)
        with sqlite3.connect(ctx.home.database) as conn:
            ids.append(
                sorted(
                    conn.execute("SELECT id, code FROM crossing UNION SELECT id, code FROM court")
                )
            )
        ctx.close()
    assert ids[0] == ids[1]
    data = reference_data()
    assert (reference_id("crossing", "SYS"), "SYS") in ids[0]
    assert {row["id"] for row in data["courts"]} <= {i for i, _code in ids[0]}


def test_an_old_filled_home_gets_the_reference_ids_with_its_links_intact(
    tmp_path: Path,
) -> None:
    home = tmp_path / "old"
    home.mkdir()
    path = home / "legalaid.db"
    db = Database(path)
    db.upgrade("0005_papers")
    db.dispose()
    # Reference rows with random ids, as homes made before 0006 have, and links to them.
    data = reference_data()
    with sqlite3.connect(path) as conn:
        for kind, rows in (("court", data["courts"]), ("crossing", data["crossings"])):
            for n, row in enumerate(rows):
                row = {**row, "id": f"{kind}-old-{n}", "active": 1}
                cols = ", ".join(f'"{k}"' for k in row)
                conn.execute(
                    f'INSERT INTO "{kind}" (created_at, updated_at, version, {cols}) '
                    f"VALUES ('2026-01-01', '2026-01-01', 1, {', '.join('?' * len(row))})",
                    list(row.values()),
                )
        codes = {r[1]: r[0] for r in conn.execute("SELECT id, code FROM crossing")}
        courts = {r[1]: r[0] for r in conn.execute("SELECT id, code FROM court")}
        conn.execute(
            """INSERT INTO "case" (id, created_at, updated_at, version, case_number, status,
            city, address_mx, shelter, nta_address, eoir33_filed, phone, whatsapp,
            return_port_id, crossing_id, court_id, representative, letter_languages, notes,
            is_demo) VALUES ('c1', '2026-01-01', '2026-01-01', 1, 'TIJ-2026-0001', 'open', '',
            '', '', '', 0, '', '', ?, ?, ?, '', 'es,en', '', 0)""",
            (codes["CAL"], codes["SYS"], courts["SDG"]),
        )
        conn.execute(
            """INSERT INTO hearing (id, created_at, updated_at, version, case_id, court_id,
            crossing_id, starts_at, zone, report_at, kind, mode, status, outcome, source,
            verified_by, notes) VALUES ('h1', '2026-01-01', '2026-01-01', 1, 'c1', ?, ?,
            '2026-06-01 15:00:00.000000', 'America/Chicago', NULL, 'master', 'in_person',
            'scheduled', '', 'nta', '', '')""",
            (courts["LRD-MPP"], codes["LRD"]),
        )
        conn.execute(
            """INSERT INTO audit_entry (id, at, actor, action, entity, entity_id, case_id,
            changes) VALUES ('a1', '2026-01-01', 'x', 'update', 'crossing', ?, NULL, '{}')""",
            (codes["NOG"],),
        )
    ctx = open_home(home, unencrypted=True)
    with sqlite3.connect(path) as conn:
        assert conn.execute(
            'SELECT return_port_id, crossing_id, court_id FROM "case" WHERE id = ?', ("c1",)
        ).fetchone() == (
            reference_id("crossing", "CAL"),
            reference_id("crossing", "SYS"),
            reference_id("court", "SDG"),
        )
        assert conn.execute("SELECT court_id, crossing_id FROM hearing").fetchone() == (
            reference_id("court", "LRD-MPP"),
            reference_id("crossing", "LRD"),
        )
        assert conn.execute("SELECT entity_id FROM audit_entry").fetchone() == (
            reference_id("crossing", "NOG"),
        )
        assert conn.execute("SELECT count(*) FROM crossing").fetchone() == (len(data["crossings"]),)
        assert conn.execute("SELECT count(*) FROM crossing WHERE id LIKE '%old%'").fetchone() == (
            0,
        )
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # The rows the home held got their insert entries at the upgrade, under a device of
    # their own; the first write made the current device.
    with sqlite3.connect(path) as conn:
        devices = conn.execute("SELECT id, current FROM device").fetchall()
        assert conn.execute("SELECT op, actor FROM change_log WHERE row_id = 'h1'").fetchall() == [
            ("insert", "migration")
        ]
    assert [current for _id, current in devices] == [0]
    assert check(ctx) == []
    hearing_in(ctx, "c1", 30)  # the moved rows work with the services
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM device WHERE current").fetchone() == (1,)
    assert check(ctx) == []
    ctx.close()


def test_a_pending_court_has_its_derived_id(ctx: AppContext) -> None:
    from legalaid.services.reference import pending_court

    with ctx.db.write() as session:
        court = pending_court(session, ctx.actor, "NOG")
    assert court.id == reference_id("court", "NOG-?")
    assert check(ctx) == []


def test_bulk_inserts_are_recorded(ctx: AppContext) -> None:
    from legalaid.services.demo import generate_demo

    generate_demo(ctx, 30, seed=3)
    rows = entries(ctx)
    tables = {e["table_name"] for e in rows}
    assert {"case", "person", "hearing", "hearing_attendee"} <= tables
    assert all(e["case_id"] for e in rows if e["table_name"] == "hearing_attendee")
    assert check(ctx) == []


def test_a_bulk_row_whose_parent_was_written_before_gets_its_case(ctx: AppContext) -> None:
    from legalaid.services.bulk import BulkRows, HearingAttendee

    detail = family(ctx, children=1)
    hearing = hearing_in(ctx, detail.case.id, 10)  # written in a transaction of its own
    rows = BulkRows()
    for person in detail.people:
        rows.add(HearingAttendee, {"hearing_id": hearing, "person_id": person.id})
    with ctx.db.write() as session:
        rows.write(session.connection())
    with sqlite3.connect(ctx.home.database) as conn:
        cases = conn.execute(
            "SELECT DISTINCT case_id FROM change_log WHERE table_name = 'hearing_attendee'"
        ).fetchall()
    assert cases == [(detail.case.id,)]
    assert check(ctx) == []
    with pytest.raises(RuntimeError):  # a bulk write outside a write transaction
        rows.add(HearingAttendee, {"hearing_id": hearing, "person_id": detail.people[0].id})
        with ctx.db.connect() as conn:
            rows.write(conn)
